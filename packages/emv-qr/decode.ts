/**
 * Strict NDFI decoder: {@link readPayload} for the generic EMV structure and CRC, then NDFI's
 * rules for every data object. Any string either decodes or throws {@link EmvQrError}.
 */
import { parseAmount } from './amount.ts';
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
  type Initiation,
  LANGUAGE,
  MCC,
  MERCHANT_ID,
  NDFI_GUI,
  NDFI_TEMPLATE_ID,
  type NdfiMerchantAccount,
  TAX_ID,
} from './model.ts';
import { type DataObject, parseObjects, readPayload } from './tlv.ts';

/** Decodes an NDFI QR payload into its model; throws {@link EmvQrError} for anything malformed. */
export function decode(payload: string): EmvQr {
  const objects = readPayload(payload);
  let initiation: Initiation | undefined;
  let merchantAccount: NdfiMerchantAccount | undefined;
  let mcc: string | undefined;
  let amount: bigint | undefined;
  let merchantName: string | undefined;
  let merchantCity: string | undefined;
  let postalCode: string | undefined;
  let additionalData: AdditionalData | undefined;
  let alternateLanguage: AlternateLanguage | undefined;
  let currency = false;
  let country = false;
  const otherData: Record<string, string> = {};

  for (const o of objects) {
    const { id, value } = o;
    try {
      switch (id) {
        case '00':
          if (checkText(value, id, 2, 2) !== '01') {
            throw new EmvQrError('bad_value', id, `payload format indicator ${JSON.stringify(value)}, not "01"`);
          }
          break;
        case '01':
          initiation = initiationOf(checkText(value, id, 2, 2));
          break;
        case NDFI_TEMPLATE_ID:
          merchantAccount = decodeMerchantAccount(o);
          break;
        case '52':
          mcc = checkText(value, id, 4, 4, 'ascii', MCC, '4 digits');
          break;
        case '53':
          checkText(value, id, 3, 3, 'ascii', /^[0-9]{3}$/, 'an ISO 4217 numeric code');
          if (value !== CURRENCY_KZT)
            throw new EmvQrError('unsupported_currency', id, `currency ${value}, not ${CURRENCY_KZT} (KZT)`);
          currency = true;
          break;
        case '54':
          amount = parseAmount(value, id);
          break;
        case '58':
          checkText(value, id, 2, 2, 'ascii', /^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code');
          if (value !== COUNTRY_KZ)
            throw new EmvQrError('unsupported_country', id, `country ${value}, not ${COUNTRY_KZ}`);
          country = true;
          break;
        case '59':
          merchantName = checkText(value, id, 1, 25);
          break;
        case '60':
          merchantCity = checkText(value, id, 1, 15);
          break;
        case '61':
          postalCode = checkText(value, id, 1, 10);
          break;
        case '62':
          additionalData = decodeAdditionalData(o);
          break;
        case '64':
          alternateLanguage = decodeAlternateLanguage(o);
          break;
        default:
          otherData[id] = checkOtherData(id, value, o.offset);
      }
    } catch (e) {
      throw located(e, o);
    }
  }

  const end = objects.at(-1)!.offset;
  const missing = (tag: string, what: string): never => {
    throw new EmvQrError('missing_tag', tag, `no ${what}`, end);
  };
  if (initiation === undefined) return missing('01', 'point of initiation method');
  if (merchantAccount === undefined) return missing(NDFI_TEMPLATE_ID, 'NDFI merchant account information');
  if (mcc === undefined) return missing('52', 'merchant category code');
  if (!currency) return missing('53', 'transaction currency');
  if (initiation === 'dynamic' && amount === undefined) return missing('54', 'amount: a dynamic code carries one');
  if (!country) return missing('58', 'country code');
  if (merchantName === undefined) return missing('59', 'merchant name');
  if (merchantCity === undefined) return missing('60', 'merchant city');

  return {
    initiation,
    merchantAccount,
    mcc,
    ...(amount !== undefined ? { amount } : {}),
    merchantName,
    merchantCity,
    ...(postalCode !== undefined ? { postalCode } : {}),
    ...(additionalData !== undefined ? { additionalData } : {}),
    ...(alternateLanguage !== undefined ? { alternateLanguage } : {}),
    ...(Object.keys(otherData).length > 0 ? { otherData } : {}),
  };
}

/** Runs a check of one data object, giving its errors the object's value offset if they lack one. */
function at<T>(o: DataObject, check: () => T): T {
  try {
    return check();
  } catch (e) {
    throw located(e, o);
  }
}

function located(e: unknown, o: DataObject): unknown {
  if (e instanceof EmvQrError && e.offset === undefined) {
    return new EmvQrError(e.code, e.tag, e.message.slice(e.message.indexOf(': ') + 2), o.offset + 4);
  }
  return e;
}

function initiationOf(value: string): Initiation {
  if (value === '11') return 'static';
  if (value === '12') return 'dynamic';
  throw new EmvQrError(
    'bad_value',
    '01',
    `point of initiation ${JSON.stringify(value)}, not 11 (static) or 12 (dynamic)`,
  );
}

/** The sub-objects of a template, with every sub-tag outside `allowed` (if given) refused. */
function subObjects(o: DataObject, allowed?: readonly string[]): Map<string, DataObject> {
  const subs = parseObjects(o.value, `${o.id}.`, o.offset + 4);
  for (const sub of subs) {
    if (allowed !== undefined && !allowed.includes(sub.id)) {
      throw new EmvQrError('unsupported_tag', `${o.id}.${sub.id}`, 'not a sub-tag of this template', sub.offset);
    }
  }
  return new Map(subs.map((s) => [s.id, s]));
}

function required(subs: Map<string, DataObject>, parent: string, id: string, what: string, end: number): DataObject {
  const sub = subs.get(id);
  if (sub === undefined) throw new EmvQrError('missing_tag', `${parent}.${id}`, `no ${what}`, end);
  return sub;
}

function decodeMerchantAccount(o: DataObject): NdfiMerchantAccount {
  const end = o.offset + 4 + o.value.length;
  // the identifier first: another network's template here is told apart from a broken NDFI one
  const gui = required(subObjects(o), o.id, '00', 'globally unique identifier', end);
  at(gui, () => {
    if (checkText(gui.value, `${o.id}.00`, 1, 32) !== NDFI_GUI) {
      throw new EmvQrError('bad_value', `${o.id}.00`, `template ${o.id} is NDFI's: identifier ${NDFI_GUI}`);
    }
  });
  const subs = subObjects(o, ['00', '01', '02', '03']);
  const bic = required(subs, o.id, '01', 'acquirer BIC', end);
  const merchantId = required(subs, o.id, '02', 'merchant id', end);
  const account: NdfiMerchantAccount = {
    bic: at(bic, () => checkText(bic.value, `${o.id}.01`, 8, 11, 'ascii', BIC, 'a BIC')),
    merchantId: at(merchantId, () => checkText(merchantId.value, `${o.id}.02`, 1, 32, 'ascii', MERCHANT_ID, 'an id')),
  };
  const taxId = subs.get('03');
  if (taxId !== undefined) {
    account.taxId = at(taxId, () => checkText(taxId.value, `${o.id}.03`, 12, 12, 'ascii', TAX_ID, 'a BIN/IIN'));
  }
  return account;
}

function decodeAdditionalData(o: DataObject): AdditionalData {
  const subs = subObjects(
    o,
    ADDITIONAL_DATA_FIELDS.map(([id]) => id),
  );
  const data: AdditionalData = {};
  for (const [id, key, max] of ADDITIONAL_DATA_FIELDS) {
    const sub = subs.get(id);
    if (sub === undefined) continue;
    const tag = `${o.id}.${id}`;
    data[key] = at(sub, () =>
      key === 'consumerDataRequest'
        ? checkText(sub.value, tag, 1, max, 'ascii', CONSUMER_DATA_REQUEST, 'A, M and/or E, each once')
        : checkText(sub.value, tag, 1, max),
    );
  }
  return data;
}

function decodeAlternateLanguage(o: DataObject): AlternateLanguage {
  const subs = subObjects(o, ['00', '01', '02']);
  const end = o.offset + 4 + o.value.length;
  const language = required(subs, o.id, '00', 'language preference', end);
  const name = required(subs, o.id, '01', 'merchant name', end);
  const alt: AlternateLanguage = {
    language: at(language, () => checkText(language.value, `${o.id}.00`, 2, 2, 'ascii', LANGUAGE, 'ISO 639-1')),
    merchantName: at(name, () => checkText(name.value, `${o.id}.01`, 1, 25, 'unicode')),
  };
  const city = subs.get('02');
  if (city !== undefined) alt.merchantCity = at(city, () => checkText(city.value, `${o.id}.02`, 1, 15, 'unicode'));
  return alt;
}
