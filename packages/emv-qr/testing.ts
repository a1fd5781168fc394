/**
 * Test helpers: fast-check arbitraries producing valid NDFI QR models (so that every one of them
 * encodes, and decodes back to itself), and a raw payload builder for malformed inputs. Not
 * exported from index.ts: fast-check is a dev dependency.
 */
import fc from 'fast-check';
import {
  ADDITIONAL_DATA_FIELDS,
  type AdditionalData,
  type AlternateLanguage,
  type EmvQr,
  MAX_AMOUNT,
  type NdfiMerchantAccount,
} from './model.ts';
import { lengthOf, tlv, withCrc } from './tlv.ts';

export { withCrc };

/** A payload from raw `[id, value]` pairs (lengths counted for you) plus a correct CRC. */
export function payloadOf(objects: readonly (readonly [string, string])[]): string {
  return withCrc(objects.map(([id, value]) => id + String(lengthOf(value)).padStart(2, '0') + value).join(''));
}

/** `[id, value]` pairs of a valid dynamic NDFI code, for tests to edit before {@link payloadOf}. */
export const SAMPLE_OBJECTS: readonly (readonly [string, string])[] = [
  ['00', '01'],
  ['01', '12'],
  ['26', '0007KZ.NDFI0108KCJBKZKX0208M-000123'],
  ['52', '5411'],
  ['53', '398'],
  ['54', '1500.00'],
  ['58', 'KZ'],
  ['59', 'Magnum Cash&Carry'],
  ['60', 'Almaty'],
  ['62', '0113INV-2025-00010705POS07'],
];

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

const chars = (alphabet: string, min: number, max = min) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

/** Printable ASCII text ("ans"), 1…max characters. */
export const ascii = (max: number, min = 1) => fc.string({ unit: printable, minLength: min, maxLength: max });

/** Text in any script the alternate-language template may hold: Kazakh, Russian, Chinese, astral symbols. */
export const unicodeText = (max: number) =>
  fc.string({
    unit: fc.oneof(
      { weight: 3, arbitrary: printable },
      { weight: 4, arbitrary: fc.constantFrom(...'АаБбӘәҒғҚқҢңӨөҰұҮүҺһІіЁёЪъЭэЯя') },
      { weight: 1, arbitrary: fc.constantFrom('最', '佳', '运', '输', '北', '京', '😀', '𝔸', '₸', '«', '»', ' ') },
    ),
    minLength: 1,
    maxLength: max,
  });

export const bic = fc
  .tuple(
    chars(UPPER, 4),
    fc.constantFrom('KZ', 'RU', 'DE'),
    chars(UPPER + DIGITS, 2),
    fc.option(chars(UPPER + DIGITS, 3)),
  )
  .map(([bank, country, location, branch]) => bank + country + location + (branch ?? ''));

export const merchantAccount: fc.Arbitrary<NdfiMerchantAccount> = fc.record(
  {
    bic,
    merchantId: fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 32,
    }),
    taxId: chars(DIGITS, 12),
  },
  { requiredKeys: ['bic', 'merchantId'], noNullPrototype: true },
);

export const amount = fc.bigInt({ min: 1n, max: MAX_AMOUNT });

/** Additional data with at least one field, dropping fields past the template's 99 characters. */
export const additionalData: fc.Arbitrary<AdditionalData> = fc
  .record(
    {
      billNumber: ascii(25),
      mobileNumber: fc.oneof(
        ascii(25),
        chars(DIGITS, 11).map((d) => `+7${d.slice(1)}`),
      ),
      storeLabel: ascii(25),
      loyaltyNumber: ascii(25),
      referenceLabel: fc.oneof(ascii(25), fc.constant('***')),
      customerLabel: ascii(25),
      terminalLabel: ascii(25),
      purpose: ascii(25),
      consumerDataRequest: fc.shuffledSubarray(['A', 'M', 'E'], { minLength: 1 }).map((s) => s.join('')),
    },
    { requiredKeys: [], noNullPrototype: true },
  )
  .map((data) => {
    const kept: AdditionalData = {};
    let size = 0;
    for (const [, key] of ADDITIONAL_DATA_FIELDS) {
      const value = data[key];
      if (value === undefined || size + 4 + value.length > 99) continue;
      kept[key] = value;
      size += 4 + value.length;
    }
    return kept;
  })
  .filter((data) => Object.keys(data).length > 0);

export const alternateLanguage: fc.Arbitrary<AlternateLanguage> = fc.record(
  {
    language: fc.constantFrom('kk', 'ru', 'KK', 'RU', 'en', 'zh'),
    merchantName: unicodeText(25),
    merchantCity: unicodeText(15),
  },
  { requiredKeys: ['language', 'merchantName'], noNullPrototype: true },
);

/** One other network's data object: a primitive (02–25) or a template with its identifier (27–51, 80–99). */
export const otherData: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc.tuple(fc.integer({ min: 2, max: 25 }), ascii(40)).map(([id, value]) => ({ [String(id).padStart(2, '0')]: value })),
  fc
    .tuple(
      fc.oneof(fc.integer({ min: 27, max: 51 }), fc.integer({ min: 80, max: 99 })),
      ascii(20),
      fc.option(ascii(20), { nil: undefined }),
    )
    .map(([id, gui, extra]) => ({ [String(id)]: tlv('00', gui) + (extra === undefined ? '' : tlv('01', extra)) })),
);

/** Valid NDFI QR models: static or dynamic (a dynamic one always has an amount). */
export const emvQr: fc.Arbitrary<EmvQr> = fc
  .record(
    {
      initiation: fc.constantFrom('static', 'dynamic'),
      merchantAccount,
      mcc: chars(DIGITS, 4),
      amount,
      merchantName: ascii(25),
      merchantCity: ascii(15),
      postalCode: ascii(10),
      additionalData,
      alternateLanguage,
      otherData,
    },
    { requiredKeys: ['initiation', 'merchantAccount', 'mcc', 'merchantName', 'merchantCity'], noNullPrototype: true },
  )
  .chain((qr) =>
    qr.initiation === 'dynamic' && qr.amount === undefined
      ? amount.map((a) => ({ ...qr, amount: a }))
      : fc.constant(qr),
  );
