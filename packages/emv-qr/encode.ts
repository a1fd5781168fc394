/**
 * Encoder: checks the model by the same rules the decoder applies, writes the data objects in
 * ascending id order (00 first) and appends the CRC (63) last.
 */
import { formatAmount } from './amount.ts';
import { EmvQrError } from './errors.ts';
import {
  ADDITIONAL_DATA_FIELDS,
  type AdditionalData,
  type AlternateLanguage,
  BIC,
  CONSUMER_DATA_REQUEST,
  COUNTRY_KZ,
  CURRENCY_KZT,
  checkOtherData,
  checkText,
  type EmvQr,
  LANGUAGE,
  MCC,
  MERCHANT_ID,
  NDFI_GUI,
  NDFI_TEMPLATE_ID,
  type NdfiMerchantAccount,
  TAX_ID,
} from './model.ts';
import { lengthOf, MAX_PAYLOAD_LENGTH, tlv, withCrc } from './tlv.ts';

/** Encodes a model into the QR payload; throws {@link EmvQrError} naming the tag of a bad field. */
export function encode(qr: EmvQr): string {
  if (typeof qr !== 'object' || qr === null) throw new EmvQrError('bad_format', '', 'not a QR model');
  const objects: [id: string, value: string][] = [['00', '01']];

  if (qr.initiation === 'static') objects.push(['01', '11']);
  else if (qr.initiation === 'dynamic') objects.push(['01', '12']);
  else throw new EmvQrError('bad_value', '01', `initiation ${JSON.stringify(qr.initiation)}, not static or dynamic`);

  objects.push([NDFI_TEMPLATE_ID, encodeMerchantAccount(qr.merchantAccount)]);
  objects.push(['52', checkText(qr.mcc, '52', 4, 4, 'ascii', MCC, '4 digits')]);
  objects.push(['53', CURRENCY_KZT]);
  if (qr.amount !== undefined) objects.push(['54', formatAmount(qr.amount)]);
  else if (qr.initiation === 'dynamic') throw new EmvQrError('missing_tag', '54', 'a dynamic code carries an amount');
  objects.push(['58', COUNTRY_KZ]);
  objects.push(['59', checkText(qr.merchantName, '59', 1, 25)]);
  objects.push(['60', checkText(qr.merchantCity, '60', 1, 15)]);
  if (qr.postalCode !== undefined) objects.push(['61', checkText(qr.postalCode, '61', 1, 10)]);
  if (qr.additionalData !== undefined) objects.push(['62', encodeAdditionalData(qr.additionalData)]);
  if (qr.alternateLanguage !== undefined) objects.push(['64', encodeAlternateLanguage(qr.alternateLanguage)]);
  if (qr.otherData !== undefined) {
    const entries = objectEntries(qr.otherData, 'otherData');
    if (entries.length === 0) throw new EmvQrError('bad_value', '', 'otherData is empty: leave it out');
    for (const [id, value] of entries) objects.push([id, withoutOffset(() => checkOtherData(id, value))]);
  }

  objects.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const payload = withCrc(objects.map(([id, value]) => tlv(id, value)).join(''));
  const length = lengthOf(payload);
  if (length > MAX_PAYLOAD_LENGTH) {
    throw new EmvQrError('too_large', '', `${length} characters, over ${MAX_PAYLOAD_LENGTH}`);
  }
  return payload;
}

/** Offsets describe a payload being decoded; an encoder error has none. */
function withoutOffset<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof EmvQrError && e.offset !== undefined) {
      throw new EmvQrError(e.code, e.tag, e.message.slice(e.message.indexOf(': ') + 2));
    }
    throw e;
  }
}

function objectEntries(value: unknown, tag: string): [string, unknown][] {
  if (typeof value !== 'object' || value === null) throw new EmvQrError('bad_format', tag, 'not an object');
  return Object.entries(value);
}

function encodeMerchantAccount(account: NdfiMerchantAccount): string {
  const t = NDFI_TEMPLATE_ID;
  objectEntries(account, t);
  let value =
    tlv('00', NDFI_GUI) +
    tlv('01', checkText(account.bic, `${t}.01`, 8, 11, 'ascii', BIC, 'a BIC')) +
    tlv('02', checkText(account.merchantId, `${t}.02`, 1, 32, 'ascii', MERCHANT_ID, 'an id'));
  if (account.taxId !== undefined)
    value += tlv('03', checkText(account.taxId, `${t}.03`, 12, 12, 'ascii', TAX_ID, 'a BIN/IIN'));
  return value;
}

function encodeAdditionalData(data: AdditionalData): string {
  objectEntries(data, '62');
  let value = '';
  for (const [id, key, max] of ADDITIONAL_DATA_FIELDS) {
    const field = data[key];
    if (field === undefined) continue;
    const tag = `62.${id}`;
    value += tlv(
      id,
      key === 'consumerDataRequest'
        ? checkText(field, tag, 1, max, 'ascii', CONSUMER_DATA_REQUEST, 'A, M and/or E, each once')
        : checkText(field, tag, 1, max),
      tag,
    );
  }
  if (value === '') throw new EmvQrError('bad_value', '62', 'additional data has no fields: leave it out');
  const length = lengthOf(value);
  if (length > 99) throw new EmvQrError('bad_length', '62', `fields take ${length} characters, over 99`);
  return value;
}

function encodeAlternateLanguage(alt: AlternateLanguage): string {
  objectEntries(alt, '64');
  let value =
    tlv('00', checkText(alt.language, '64.00', 2, 2, 'ascii', LANGUAGE, 'ISO 639-1')) +
    tlv('01', checkText(alt.merchantName, '64.01', 1, 25, 'unicode'));
  if (alt.merchantCity !== undefined) value += tlv('02', checkText(alt.merchantCity, '64.02', 1, 15, 'unicode'));
  return value;
}
