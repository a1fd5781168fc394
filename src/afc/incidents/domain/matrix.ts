import { formatAmount, invalid, parseAmount } from '../../../platform/pure.ts';
import type { IdentifierKind } from '../../domain/identifiers.ts';

/**
 * The metadata matrix of incident cards (AFC-3): a catalogue of the fields a card may hold, and for each
 * transaction type which of them are mandatory, which optional, and which groups need at least one member.
 * The matrix is data: the defaults below seed it, the operator publishes new versions of a type, and a card
 * is validated against the version in force when it is filed or supplemented.
 */

export type FieldFormat = 'text' | 'datetime' | 'amount' | 'enum' | 'reference' | 'bic' | 'bin' | IdentifierKind;

export interface FieldDef {
  format: FieldFormat;
  label: string;
  /** enum: the allowed values. */
  values?: readonly string[];
  /** The beneficiary's identifiers: listed as suspects when the incident is filed or supplemented. */
  beneficiary?: boolean;
}

export const FRAUD_TYPES = [
  'social_engineering',
  'account_takeover',
  'phishing',
  'investment_scam',
  'purchase_scam',
  'romance_scam',
  'card_not_present',
  'sim_swap',
  'identity_theft',
  'loan_fraud',
  'other',
] as const;

/** Kazakhstan's regions (oblasts and cities of republican significance), ISO 3166-2:KZ without the prefix. */
export const REGIONS = [
  'ABY',
  'AKM',
  'AKT',
  'ALA',
  'ALM',
  'AST',
  'ATY',
  'KAR',
  'KUS',
  'KZY',
  'MAN',
  'PAV',
  'SEV',
  'SHY',
  'TUR',
  'ULY',
  'VOS',
  'YUZ',
  'ZAP',
  'ZHA',
  'ZHT',
] as const;

/** Every field a card may hold, whatever its type. */
export const FIELD_CATALOGUE: Readonly<Record<string, FieldDef>> = {
  occurredAt: { format: 'datetime', label: 'When the transfer or attempt happened' },
  outcome: { format: 'enum', label: 'Prevented or completed transfer', values: ['prevented', 'completed'] },
  fraudType: { format: 'enum', label: 'Fraud type', values: FRAUD_TYPES },
  amount: { format: 'amount', label: 'Amount, KZT' },
  paymentId: { format: 'reference', label: 'Payment reference (IPS / IMTS transaction id, RRN, DT transaction)' },
  channel: {
    format: 'enum',
    label: 'Channel the victim was reached through',
    values: ['phone_call', 'sms', 'messenger', 'social_network', 'website', 'email', 'in_person', 'other'],
  },
  victimIin: { format: 'iin', label: "Victim's IIN" },
  victimRegion: { format: 'enum', label: "Victim's region", values: REGIONS },
  victimAccount: { format: 'account', label: "Victim's account (IBAN)" },
  victimCard: { format: 'card', label: "Victim's card token" },
  beneficiaryPhone: { format: 'phone', label: "Beneficiary's phone", beneficiary: true },
  beneficiaryAccount: { format: 'account', label: "Beneficiary's account (IBAN)", beneficiary: true },
  beneficiaryIin: { format: 'iin', label: "Beneficiary's IIN/BIN", beneficiary: true },
  beneficiaryName: { format: 'name', label: "Beneficiary's name", beneficiary: true },
  beneficiaryCard: { format: 'card', label: "Beneficiary's card token", beneficiary: true },
  beneficiaryBin: { format: 'bin', label: "BIN of the beneficiary's card (6–8 digits)" },
  beneficiaryBic: { format: 'bic', label: "Beneficiary's bank (BIC)" },
  beneficiaryWallet: { format: 'wallet', label: "Beneficiary's Digital Tenge wallet", beneficiary: true },
  beneficiaryUrl: { format: 'url', label: 'Fraudulent site or link', beneficiary: true },
  beneficiaryDevice: { format: 'device', label: "Beneficiary's device (IMEI)", beneficiary: true },
  callerPhone: { format: 'phone', label: 'Number the fraudster called from', beneficiary: true },
  merchantName: { format: 'text', label: 'Merchant name (card fraud)' },
  description: { format: 'text', label: 'What happened' },
};

export interface TransactionTypeDef {
  label: string;
  mandatory: readonly string[];
  optional: readonly string[];
  /** Each group needs at least one of its fields. */
  atLeastOne: readonly (readonly string[])[];
}

const COMMON_MANDATORY = ['occurredAt', 'outcome', 'fraudType', 'description'];
const COMMON_OPTIONAL = ['channel', 'victimIin', 'victimRegion', 'callerPhone', 'beneficiaryName', 'beneficiaryIin'];

/** The matrix the platform starts with. */
export const DEFAULT_MATRIX: Readonly<Record<string, TransactionTypeDef>> = {
  instant_transfer: {
    label: 'Instant transfer (IPS)',
    mandatory: [...COMMON_MANDATORY, 'amount', 'paymentId'],
    optional: [...COMMON_OPTIONAL, 'victimAccount', 'beneficiaryPhone', 'beneficiaryAccount', 'beneficiaryBic'],
    atLeastOne: [['beneficiaryPhone', 'beneficiaryAccount']],
  },
  interbank_transfer: {
    label: 'Interbank transfer (IMTS / ICS)',
    mandatory: [...COMMON_MANDATORY, 'amount', 'paymentId', 'beneficiaryAccount'],
    optional: [...COMMON_OPTIONAL, 'victimAccount', 'beneficiaryBic'],
    atLeastOne: [],
  },
  card: {
    label: 'Card payment or card-to-card transfer',
    mandatory: [...COMMON_MANDATORY, 'amount', 'victimCard'],
    optional: [...COMMON_OPTIONAL, 'paymentId', 'beneficiaryCard', 'beneficiaryBin', 'merchantName', 'beneficiaryUrl'],
    atLeastOne: [['beneficiaryCard', 'merchantName', 'beneficiaryUrl']],
  },
  digital_tenge: {
    label: 'Digital Tenge transfer',
    mandatory: [...COMMON_MANDATORY, 'amount', 'beneficiaryWallet'],
    optional: [...COMMON_OPTIONAL, 'paymentId'],
    atLeastOne: [],
  },
  phone_call: {
    label: 'Fraudulent call or SMS (mobile operators)',
    mandatory: [...COMMON_MANDATORY, 'callerPhone'],
    optional: COMMON_OPTIONAL.filter((f) => f !== 'callerPhone').concat(['amount', 'beneficiaryDevice']),
    atLeastOne: [],
  },
  online: {
    label: 'Phishing or fraudulent site',
    mandatory: [...COMMON_MANDATORY, 'beneficiaryUrl'],
    optional: [...COMMON_OPTIONAL, 'amount'],
    atLeastOne: [],
  },
};

/** Checks a type definition the operator publishes: known, distinct fields; groups drawn from them. */
export function validateTypeDef(def: TransactionTypeDef): TransactionTypeDef {
  const seen = new Set<string>();
  for (const [list, name] of [
    [def.mandatory, 'mandatory'],
    [def.optional, 'optional'],
  ] as const) {
    list.forEach((f, i) => {
      if (!FIELD_CATALOGUE[f]) throw invalid(`/${name}/${i}`, `unknown field ${f}`);
      if (seen.has(f)) throw invalid(`/${name}/${i}`, `${f} is listed twice`);
      seen.add(f);
    });
  }
  for (const f of ['occurredAt', 'fraudType', 'outcome', 'description']) {
    if (!def.mandatory.includes(f)) throw invalid('/mandatory', `must include ${f} (every card has it)`);
  }
  def.atLeastOne.forEach((g, i) => {
    if (g.length < 2) throw invalid(`/atLeastOne/${i}`, 'a group needs two fields or more');
    g.forEach((f, j) => {
      if (!def.optional.includes(f)) throw invalid(`/atLeastOne/${i}/${j}`, `${f} must be an optional field`);
    });
  });
  if (!def.optional.concat(def.mandatory).some((f) => FIELD_CATALOGUE[f]?.beneficiary)) {
    throw invalid('/optional', 'a card must be able to name the beneficiary (a beneficiary identifier field)');
  }
  return def;
}

export type Normalizer = (kind: IdentifierKind, value: string, field: string) => string;
export type Details = Record<string, string>;

const BIC = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;

/** One field's value in its normal form, or a 400 naming it. */
function normalizeField(def: FieldDef, raw: unknown, field: string, norm: Normalizer): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw invalid(field, 'must be a non-empty string');
  const v = raw.trim();
  switch (def.format) {
    case 'text':
      if (v.length > 4000) throw invalid(field, 'at most 4,000 characters');
      return v;
    case 'reference':
      if (v.length > 128) throw invalid(field, 'at most 128 characters');
      return v;
    case 'datetime': {
      const ms = Date.parse(v);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(ms)) throw invalid(field, 'must be an ISO 8601 date-time');
      return new Date(ms).toISOString();
    }
    case 'amount': {
      const a = parseAmount(v, { field });
      if (a <= 0n) throw invalid(field, 'must be more than 0');
      return formatAmount(a);
    }
    case 'enum':
      if (!def.values!.includes(v)) throw invalid(field, `must be one of ${def.values!.join(', ')}`);
      return v;
    case 'bic':
      if (!BIC.test(v)) throw invalid(field, 'must be a BIC (8 or 11 characters)');
      return v;
    case 'bin':
      if (!/^\d{6,8}$/.test(v)) throw invalid(field, 'must be 6 to 8 digits');
      return v;
    default:
      return norm(def.format, v, field);
  }
}

/**
 * A card's fields checked against its type: every mandatory field present, each group satisfied, no field
 * the type does not know, each value in its format. Amounts come back as decimal tenge in normal form.
 * `partial`: a supplement, which adds or corrects fields and needs none.
 */
export function validateDetails(
  def: TransactionTypeDef,
  input: Record<string, unknown>,
  norm: Normalizer,
  opts: { nowMs: number; base?: string; partial?: boolean; existing?: Details },
): Details {
  const base = opts.base ?? '/details';
  const allowed = new Set([...def.mandatory, ...def.optional]);
  const out: Details = {};
  for (const [k, v] of Object.entries(input)) {
    if (!allowed.has(k)) {
      throw invalid(`${base}/${k}`, FIELD_CATALOGUE[k] ? 'is not a field of this transaction type' : 'unknown field');
    }
    if (v === undefined || v === null) continue;
    out[k] = normalizeField(FIELD_CATALOGUE[k]!, v, `${base}/${k}`, norm);
  }
  if (!opts.partial) {
    for (const f of def.mandatory) {
      if (out[f] === undefined) throw invalid(`${base}/${f}`, `is required for this transaction type`);
    }
  }
  const all = { ...(opts.existing ?? {}), ...out };
  if (!opts.partial) {
    for (const g of def.atLeastOne) {
      if (!g.some((f) => all[f] !== undefined))
        throw invalid(`${base}/${g[0]}`, `give at least one of ${g.join(', ')}`);
    }
    if (new Date(all.occurredAt!).getTime() > opts.nowMs + 5 * 60_000) {
      // a card about the future is a typo; five minutes of clock skew are forgiven
      throw invalid(`${base}/occurredAt`, 'is in the future');
    }
  }
  return out;
}

/** The beneficiary's identifiers a card names: what goes onto the suspects list. */
export function beneficiaryIdentifiers(details: Details): { field: string; kind: IdentifierKind; value: string }[] {
  const out: { field: string; kind: IdentifierKind; value: string }[] = [];
  for (const [k, v] of Object.entries(details)) {
    const def = FIELD_CATALOGUE[k];
    if (def?.beneficiary) out.push({ field: k, kind: def.format as IdentifierKind, value: v });
  }
  return out;
}
