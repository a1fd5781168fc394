/**
 * The strict decoder and the encoder's checks: every kind of malformed input gives an EmvQrError
 * with the expected code and tag.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decode, type EmvQr, EmvQrError, type EmvQrErrorCode, encode, formatAmount, parseAmount } from './index.ts';
import { payloadOf, SAMPLE_OBJECTS, withCrc } from './testing.ts';

type Objects = (readonly [string, string])[];

/** SAMPLE_OBJECTS with `id` replaced by `value` (appended if absent, removed if undefined). */
function edited(changes: Record<string, string | undefined>): Objects {
  const objects: Objects = SAMPLE_OBJECTS.filter(([id]) => !(id in changes) || changes[id] !== undefined).map(
    ([id, value]) => [id, id in changes ? changes[id]! : value] as const,
  );
  for (const [id, value] of Object.entries(changes)) {
    if (value !== undefined && !SAMPLE_OBJECTS.some(([i]) => i === id)) objects.push([id, value]);
  }
  return objects;
}

function rejects(payload: unknown, code: EmvQrErrorCode, tag: string): void {
  assert.throws(
    () => decode(payload as string),
    (e: unknown) => {
      assert.ok(e instanceof EmvQrError, `not an EmvQrError: ${String(e)}`);
      assert.deepEqual({ code: e.code, tag: e.tag }, { code, tag }, e.message);
      return true;
    },
  );
}

const SAMPLE = payloadOf(SAMPLE_OBJECTS);

describe('decode accepts', () => {
  test('the sample dynamic code', () => {
    assert.deepEqual(decode(SAMPLE), {
      initiation: 'dynamic',
      merchantAccount: { bic: 'KCJBKZKX', merchantId: 'M-000123' },
      mcc: '5411',
      amount: 150000n,
      merchantName: 'Magnum Cash&Carry',
      merchantCity: 'Almaty',
      additionalData: { billNumber: 'INV-2025-0001', terminalLabel: 'POS07' },
    } satisfies EmvQr);
  });

  test("data objects in any order after 00, with other networks' templates kept verbatim (the EMVCo sample, made NDFI)", () => {
    const payload = payloadOf([
      ['00', '01'],
      ['01', '12'],
      ['29', '0012D156000000000510A93FO3230Q'],
      ['31', '0012D15600000001030812345678'],
      ['52', '4111'],
      ['58', 'KZ'],
      ['59', 'BEST TRANSPORT'],
      ['60', 'BEIJING'],
      ['64', '0002ZH0104最佳运输0202北京'],
      ['54', '23.72'],
      ['53', '398'],
      ['62', '030412340603***0708A60086670902ME'],
      ['91', '0016A011223344998877070812345678'],
      ['26', '0007KZ.NDFI0108HSBKKZKX02021A'],
      ['15', '37210116372101160123456789ABCDE'],
    ]);
    const qr = decode(payload);
    assert.deepEqual(qr, {
      initiation: 'dynamic',
      merchantAccount: { bic: 'HSBKKZKX', merchantId: '1A' },
      mcc: '4111',
      amount: 2372n,
      merchantName: 'BEST TRANSPORT',
      merchantCity: 'BEIJING',
      additionalData: {
        storeLabel: '1234',
        customerLabel: '***',
        terminalLabel: 'A6008667',
        consumerDataRequest: 'ME',
      },
      alternateLanguage: { language: 'ZH', merchantName: '最佳运输', merchantCity: '北京' },
      otherData: {
        '15': '37210116372101160123456789ABCDE',
        '29': '0012D156000000000510A93FO3230Q',
        '31': '0012D15600000001030812345678',
        '91': '0016A011223344998877070812345678',
      },
    } satisfies EmvQr);
    assert.deepEqual(decode(encode(qr)), qr);
  });

  test('a static code without an amount, and one with', () => {
    assert.equal(decode(payloadOf(edited({ '01': '11', '54': undefined }))).amount, undefined);
    assert.equal(decode(payloadOf(edited({ '01': '11' }))).amount, 150000n);
  });

  test('amounts with 0, 1 or 2 decimals, into tiyn', () => {
    for (const [text, tiyn] of [
      ['1500', 150000n],
      ['1500.5', 150050n],
      ['1500.05', 150005n],
      ['0.01', 1n],
      ['0.1', 10n],
      ['9999999999.99', 999_999_999_999n],
    ] as const) {
      assert.equal(decode(payloadOf(edited({ '54': text }))).amount, tiyn, text);
      assert.equal(parseAmount(text), tiyn);
    }
    assert.equal(formatAmount(150000n), '1500.00');
    assert.equal(formatAmount(5n), '0.05');
  });
});

describe('decode rejects', () => {
  const cases: [name: string, payload: unknown, code: EmvQrErrorCode, tag: string][] = [
    // size and characters
    ['not a string', 42, 'bad_format', ''],
    ['513 characters', SAMPLE.slice(0, -8) + `9999${'x'.repeat(513)}`, 'too_large', ''],
    ['a megabyte', '0'.repeat(1 << 20), 'too_large', ''],
    ['a control character', payloadOf(edited({ '59': 'Magnum\u0007' })), 'bad_char', ''],
    ['a newline', `${SAMPLE}\n`, 'bad_char', ''],
    ['a zero-width space', payloadOf(edited({ '59': 'Mag\u200bnum' })), 'bad_char', ''],
    ['a right-to-left override', payloadOf(edited({ '59': '\u202eMagnum' })), 'bad_char', ''],
    ['a lone surrogate', payloadOf(edited({ '59': 'Magnum\ud800' })), 'bad_char', ''],
    ['Cyrillic outside template 64', payloadOf(edited({ '59': 'Магнум' })), 'bad_char', '59'],
    ['a control character in template 64', payloadOf(edited({ '64': '0002kk0103Ma\u0085' })), 'bad_char', ''],
    // TLV structure
    ['the empty string', '', 'missing_tag', '00'],
    ['a truncated header', '000', 'truncated', ''],
    ['a truncated payload', SAMPLE.slice(0, 30), 'bad_length', '26'],
    ['a truncated nested header', payloadOf(edited({ '62': '0113INV-2025-0001070' })), 'truncated', '62'],
    ['a non-digit id', 'A0020163041234', 'bad_id', ''],
    ['a non-digit length', '00A201', 'bad_length', '00'],
    ['a length with a sign', '00+201', 'bad_length', '00'],
    ['a length beyond the payload', '009901', 'bad_length', '00'],
    ['a zero length', withCrc('00020101001'), 'bad_length', '01'],
    ['a nested length beyond its template', payloadOf(edited({ '62': '0199INV' })), 'bad_length', '62.01'],
    // order, presence, duplicates
    [
      '00 not first',
      payloadOf([SAMPLE_OBJECTS[1]!, SAMPLE_OBJECTS[0]!, ...SAMPLE_OBJECTS.slice(2)]),
      'bad_order',
      '00',
    ],
    ['no 00', payloadOf(SAMPLE_OBJECTS.slice(1)), 'missing_tag', '00'],
    ['63 not last', `${SAMPLE}6103ABC`, 'bad_order', '63'],
    ['no CRC', SAMPLE.slice(0, -8), 'missing_tag', '63'],
    ['a duplicate tag', payloadOf([...SAMPLE_OBJECTS, ['59', 'Other']]), 'duplicate_tag', '59'],
    ['a duplicate PFI', payloadOf([...SAMPLE_OBJECTS, ['00', '01']]), 'duplicate_tag', '00'],
    ['a duplicate sub-tag', payloadOf(edited({ '62': '0103INV0103INV' })), 'duplicate_tag', '62.01'],
    ['no initiation method', payloadOf(edited({ '01': undefined })), 'missing_tag', '01'],
    ['no NDFI template', payloadOf(edited({ '26': undefined })), 'missing_tag', '26'],
    ['no MCC', payloadOf(edited({ '52': undefined })), 'missing_tag', '52'],
    ['no currency', payloadOf(edited({ '53': undefined })), 'missing_tag', '53'],
    ['a dynamic code without an amount', payloadOf(edited({ '54': undefined })), 'missing_tag', '54'],
    ['no country', payloadOf(edited({ '58': undefined })), 'missing_tag', '58'],
    ['no merchant name', payloadOf(edited({ '59': undefined })), 'missing_tag', '59'],
    ['no merchant city', payloadOf(edited({ '60': undefined })), 'missing_tag', '60'],
    // CRC
    ['a wrong CRC', SAMPLE.slice(0, -4) + (SAMPLE.endsWith('0000') ? '0001' : '0000'), 'crc_mismatch', '63'],
    ['a lowercase CRC', withCrc(SAMPLE.slice(0, -8)).replace(/[A-F]+$/, (h) => h.toLowerCase()), 'bad_format', '63'],
    ['a CRC of 5 characters', `${SAMPLE.slice(0, -8)}6305ABCDE`, 'bad_length', '63'],
    ['a correct CRC over a changed payload', SAMPLE.replace('1500.00', '1600.00'), 'crc_mismatch', '63'],
    // values
    ['payload format 02', payloadOf(edited({ '00': '02' })), 'bad_value', '00'],
    ['initiation 13', payloadOf(edited({ '01': '13' })), 'bad_value', '01'],
    ['another network at 26', payloadOf(edited({ '26': '0012D156000000000104ABCD0503XYZ' })), 'bad_value', '26.00'],
    ['no GUI in 26', payloadOf(edited({ '26': '0108KCJBKZKX0208M-000123' })), 'missing_tag', '26.00'],
    ['no BIC in 26', payloadOf(edited({ '26': '0007KZ.NDFI0208M-000123' })), 'missing_tag', '26.01'],
    ['no merchant id in 26', payloadOf(edited({ '26': '0007KZ.NDFI0108KCJBKZKX' })), 'missing_tag', '26.02'],
    ['a malformed BIC', payloadOf(edited({ '26': '0007KZ.NDFI0108kcjbkzkx0201M' })), 'bad_format', '26.01'],
    ['a BIC of 9', payloadOf(edited({ '26': '0007KZ.NDFI0109KCJBKZKXX0201M' })), 'bad_format', '26.01'],
    ['a BIC of 12', payloadOf(edited({ '26': '0007KZ.NDFI0112KCJBKZKXXXXX0201M' })), 'bad_length', '26.01'],
    [
      'a tax id of 11 digits',
      payloadOf(edited({ '26': '0007KZ.NDFI0108KCJBKZKX0201M031112345678901' })),
      'bad_length',
      '26.03',
    ],
    [
      'an unknown sub-tag of 26',
      payloadOf(edited({ '26': '0007KZ.NDFI0108KCJBKZKX0201M0901X' })),
      'unsupported_tag',
      '26.09',
    ],
    ['an MCC of letters', payloadOf(edited({ '52': '54AB' })), 'bad_format', '52'],
    ['an MCC of 5 digits', payloadOf(edited({ '52': '54111' })), 'bad_length', '52'],
    ['USD', payloadOf(edited({ '53': '840' })), 'unsupported_currency', '53'],
    ['alphabetic KZT', payloadOf(edited({ '53': 'KZT' })), 'bad_format', '53'],
    ['a 4-digit currency', payloadOf(edited({ '53': '0398' })), 'bad_length', '53'],
    ['RU', payloadOf(edited({ '58': 'RU' })), 'unsupported_country', '58'],
    ['lowercase kz', payloadOf(edited({ '58': 'kz' })), 'bad_format', '58'],
    ['a name of 26', payloadOf(edited({ '59': 'M'.repeat(26) })), 'bad_length', '59'],
    ['a city of 16', payloadOf(edited({ '60': 'Banteay Meanchey' })), 'bad_length', '60'],
    ['a postal code of 11', payloadOf(edited({ '61': '12345678901' })), 'bad_length', '61'],
    ['a tip indicator (no payer fees, IPS-7)', payloadOf(edited({ '55': '01' })), 'unsupported_tag', '55'],
    ['a fixed convenience fee', payloadOf(edited({ '56': '10.00' })), 'unsupported_tag', '56'],
    ['an RFU id', payloadOf(edited({ '70': 'X' })), 'unsupported_tag', '70'],
    ['a network template without its GUI', payloadOf(edited({ '27': '0103ABC' })), 'missing_tag', '27.00'],
    ['a malformed network template', payloadOf(edited({ '27': 'ABCDE' })), 'bad_id', '27'],
    ['a truncated network template', payloadOf(edited({ '27': '0003ABC01' })), 'truncated', '27'],
    ['an unknown sub-tag of 62', payloadOf(edited({ '62': '1003ABC' })), 'unsupported_tag', '62.10'],
    ['a bill number of 26', payloadOf(edited({ '62': `0126${'B'.repeat(26)}` })), 'bad_length', '62.01'],
    ['a repeated consumer data request', payloadOf(edited({ '62': '0902AA' })), 'bad_format', '62.09'],
    ['an unknown consumer data request', payloadOf(edited({ '62': '0901X' })), 'bad_format', '62.09'],
    ['no language in 64', payloadOf(edited({ '64': '0106Магнум' })), 'missing_tag', '64.00'],
    ['no name in 64', payloadOf(edited({ '64': '0002kk0206Алматы' })), 'missing_tag', '64.01'],
    ['a 3-letter language', payloadOf(edited({ '64': '0003kaz0106Магнум' })), 'bad_length', '64.00'],
    ['an alternate name of 26', payloadOf(edited({ '64': `0002kk0126${'Ә'.repeat(26)}` })), 'bad_length', '64.01'],
  ];
  for (const [name, payload, code, tag] of cases)
    test(`${name}: ${code} at "${tag}"`, () => rejects(payload, code, tag));

  const amounts: [text: string, code: EmvQrErrorCode][] = [
    ['1e3', 'bad_format'],
    ['1E3', 'bad_format'],
    ['.5', 'bad_format'],
    ['1.', 'bad_format'],
    ['1,50', 'bad_format'],
    ['1 500', 'bad_format'],
    ['-1', 'bad_format'],
    ['+1', 'bad_format'],
    ['01', 'bad_format'],
    ['00.50', 'bad_format'],
    ['1.505', 'bad_format'],
    ['0x10', 'bad_format'],
    ['NaN', 'bad_format'],
    ['Infinity', 'bad_format'],
    [' 1', 'bad_format'],
    ['1_000', 'bad_format'],
    ['١٢', 'bad_char'],
    ['0', 'bad_value'],
    ['0.00', 'bad_value'],
    ['12345678901.5', 'bad_value'],
    ['9999999999999', 'bad_value'],
    ['99999999999999', 'bad_length'],
  ];
  for (const [text, code] of amounts) {
    test(`amount ${JSON.stringify(text)}: ${code}`, () => rejects(payloadOf(edited({ '54': text })), code, '54'));
  }

  test('errors carry the offset where the decoder met the problem', () => {
    const payload = payloadOf(edited({ '53': '840' }));
    assert.throws(
      () => decode(payload),
      (e: unknown) => e instanceof EmvQrError && e.offset === payload.indexOf('5303840') + 4,
    );
  });
});

describe('encode rejects', () => {
  const base: EmvQr = {
    initiation: 'static',
    merchantAccount: { bic: 'KCJBKZKX', merchantId: 'M1' },
    mcc: '5411',
    merchantName: 'Shop',
    merchantCity: 'Almaty',
  };
  const cases: [name: string, qr: unknown, code: EmvQrErrorCode, tag: string][] = [
    ['not an object', null, 'bad_format', ''],
    ['an unknown initiation', { ...base, initiation: 'later' }, 'bad_value', '01'],
    ['a dynamic code without an amount', { ...base, initiation: 'dynamic' }, 'missing_tag', '54'],
    ['a float amount', { ...base, amount: 15.5 }, 'bad_format', '54'],
    ['a zero amount', { ...base, amount: 0n }, 'bad_value', '54'],
    ['a negative amount', { ...base, amount: -1n }, 'bad_value', '54'],
    ['an amount too large for 13 characters', { ...base, amount: 1_000_000_000_000n }, 'bad_value', '54'],
    ['a long name', { ...base, merchantName: 'x'.repeat(26) }, 'bad_length', '59'],
    ['an empty city', { ...base, merchantCity: '' }, 'bad_length', '60'],
    ['a Cyrillic name', { ...base, merchantName: 'Магнум' }, 'bad_char', '59'],
    ['a name with a tab', { ...base, merchantName: 'a\tb' }, 'bad_char', '59'],
    ['a bad BIC', { ...base, merchantAccount: { bic: 'KCJB', merchantId: 'M1' } }, 'bad_length', '26.01'],
    [
      'a merchant id with a space',
      { ...base, merchantAccount: { bic: 'KCJBKZKX', merchantId: 'M 1' } },
      'bad_format',
      '26.02',
    ],
    ['an MCC as a number', { ...base, mcc: 5411 }, 'bad_format', '52'],
    ['empty additional data', { ...base, additionalData: {} }, 'bad_value', '62'],
    [
      'additional data over 99 characters',
      {
        ...base,
        additionalData: {
          billNumber: 'b'.repeat(25),
          storeLabel: 's'.repeat(25),
          purpose: 'p'.repeat(25),
          customerLabel: 'c'.repeat(25),
        },
      },
      'bad_length',
      '62',
    ],
    [
      'an alternate name with a control character',
      { ...base, alternateLanguage: { language: 'kk', merchantName: 'А\u0000' } },
      'bad_char',
      '64.01',
    ],
    ['otherData at NDFI id 26', { ...base, otherData: { '26': '0003ABC' } }, 'unsupported_tag', '26'],
    ['otherData with a fee', { ...base, otherData: { '56': '1.00' } }, 'unsupported_tag', '56'],
    ['otherData template without GUI', { ...base, otherData: { '30': '0103ABC' } }, 'missing_tag', '30.00'],
    ['empty otherData', { ...base, otherData: {} }, 'bad_value', ''],
    [
      'a payload over 512 characters',
      {
        ...base,
        otherData: Object.fromEntries(['02', '03', '04', '05', '06', '07'].map((id) => [id, 'x'.repeat(99)])),
      },
      'too_large',
      '',
    ],
  ];
  for (const [name, qr, code, tag] of cases) {
    test(`${name}: ${code} at "${tag}"`, () => {
      assert.throws(
        () => encode(qr as EmvQr),
        (e: unknown) => {
          assert.ok(e instanceof EmvQrError, `not an EmvQrError: ${String(e)}`);
          assert.deepEqual({ code: e.code, tag: e.tag, offset: e.offset }, { code, tag, offset: undefined }, e.message);
          return true;
        },
      );
    });
  }
});
