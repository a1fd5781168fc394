/**
 * Known answers: the CRC-16/CCITT-FALSE check value, three published EMV MPM payloads with their
 * CRCs (the EMVCo specification's own sample among them), and two NDFI vectors whose CRCs were
 * checked independently with Python's binascii.crc_hqx(payload.encode('utf-8'), 0xFFFF).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crc16, crc16Hex, decode, type EmvQr, EmvQrError, encode, readPayload } from './index.ts';

/** The worked example of the EMVCo MPM specification (merchant "BEST TRANSPORT", Beijing), CRC A13A. */
const EMVCO_SAMPLE =
  '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A';
/** Widely published in open-source EMV QR libraries' READMEs (Cambodia, USD 10.00), CRC 1FF2. */
const KH_SAMPLE =
  '00020101021252044131153137210116372101160123456789ABCDE6016Banteay Meanchey5913Kuntheas Shop5802KH540510.005303840621201081234567863041FF2';
/** Likewise (Japan, JPY 999), CRC 3FE6. */
const JP_SAMPLE =
  '0002010102121516ABCDEF123456789052045311530339254039995802JP5906DONGRI6005TOKYO62240104hoge0504fuga0704piyo63043FE6';

const NDFI_STATIC =
  '00020101021126360007KZ.NDFI0108HSBKKZKX02090001234565204581253033985802KZ5917KOFEINYA NA ABAYA6006ALMATY64350002kk0115Абай кофеханасы0206Алматы63043411';
const NDFI_STATIC_MODEL: EmvQr = {
  initiation: 'static',
  merchantAccount: { bic: 'HSBKKZKX', merchantId: '000123456' },
  mcc: '5812',
  merchantName: 'KOFEINYA NA ABAYA',
  merchantCity: 'ALMATY',
  alternateLanguage: { language: 'kk', merchantName: 'Абай кофеханасы', merchantCity: 'Алматы' },
};

const NDFI_DYNAMIC =
  '00020101021226510007KZ.NDFI0108KCJBKZKX0208M-0001230312123456789012520454115303398540812345.505802KZ5917Magnum Cash&Carry6006Astana6107Z05T3E262510113INV-2025-00010508ORDER-770705POS070809Groceries63040891';
const NDFI_DYNAMIC_MODEL: EmvQr = {
  initiation: 'dynamic',
  merchantAccount: { bic: 'KCJBKZKX', merchantId: 'M-000123', taxId: '123456789012' },
  mcc: '5411',
  amount: 1_234_550n,
  merchantName: 'Magnum Cash&Carry',
  merchantCity: 'Astana',
  postalCode: 'Z05T3E2',
  additionalData: {
    billNumber: 'INV-2025-0001',
    referenceLabel: 'ORDER-77',
    terminalLabel: 'POS07',
    purpose: 'Groceries',
  },
};

describe('CRC-16/CCITT-FALSE', () => {
  test('the catalogue check value: "123456789" → 0x29B1', () => {
    assert.equal(crc16('123456789'), 0x29b1);
    assert.equal(crc16(new TextEncoder().encode('123456789')), 0x29b1);
  });

  test('empty input is the initial value; hex is 4 uppercase digits, zero-padded', () => {
    assert.equal(crc16(''), 0xffff);
    assert.match(crc16Hex('A'), /^[0-9A-F]{4}$/);
    assert.equal(crc16Hex(new Uint8Array([0xb9, 0xa4])).length, 4);
  });

  for (const [name, sample] of [
    ['EMVCo specification sample', EMVCO_SAMPLE],
    ['KH sample', KH_SAMPLE],
    ['JP sample', JP_SAMPLE],
    ['NDFI static', NDFI_STATIC],
    ['NDFI dynamic', NDFI_DYNAMIC],
  ] as const) {
    test(`${name}: the CRC over the payload up to and including "6304" is the published one`, () => {
      assert.equal(crc16Hex(sample.slice(0, -4)), sample.slice(-4));
    });
  }
});

describe('generic EMV reading of published payloads', () => {
  test('the EMVCo sample: every data object, in payload order, lengths in characters (template 64 is Chinese)', () => {
    const objects = readPayload(EMVCO_SAMPLE).map(({ id, value }) => [id, value]);
    assert.deepEqual(objects, [
      ['00', '01'],
      ['01', '12'],
      ['29', '0012D156000000000510A93FO3230Q'],
      ['31', '0012D15600000001030812345678'],
      ['52', '4111'],
      ['58', 'CN'],
      ['59', 'BEST TRANSPORT'],
      ['60', 'BEIJING'],
      ['64', '0002ZH0104最佳运输0202北京'],
      ['54', '23.72'],
      ['53', '156'],
      ['55', '01'],
      ['62', '030412340603***0708A60086670902ME'],
      ['91', '0016A011223344998877070812345678'],
    ]);
  });

  test('the published samples are not NDFI codes: refused at the first offending data object, with its offset', () => {
    for (const [sample, code, tag] of [
      [EMVCO_SAMPLE, 'unsupported_country', '58'],
      [JP_SAMPLE, 'unsupported_currency', '53'],
      // "Banteay Meanchey" is 16 characters: the sample breaks EMVCo's own 15-character city limit
      [KH_SAMPLE, 'bad_length', '60'],
    ] as const) {
      assert.throws(
        () => decode(sample),
        (e) => e instanceof EmvQrError && e.code === code && e.tag === tag && typeof e.offset === 'number',
      );
    }
  });

  test('one changed character breaks the EMVCo sample CRC', () => {
    const broken = EMVCO_SAMPLE.replace('23.72', '23.73');
    assert.throws(() => readPayload(broken), { code: 'crc_mismatch', tag: '63' });
  });
});

describe('NDFI vectors', () => {
  test('static code with a Kazakh alternate-language name: decode and encode both ways', () => {
    assert.deepEqual(decode(NDFI_STATIC), NDFI_STATIC_MODEL);
    assert.equal(encode(NDFI_STATIC_MODEL), NDFI_STATIC);
  });

  test('dynamic code with amount 12 345.50 KZT and the order reference', () => {
    assert.deepEqual(decode(NDFI_DYNAMIC), NDFI_DYNAMIC_MODEL);
    assert.equal(encode(NDFI_DYNAMIC_MODEL), NDFI_DYNAMIC);
  });
});
