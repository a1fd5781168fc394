import type { IncidentCard, IncidentRole, IncidentStatus, ListStatus, RecoveryKind } from '../../types.ts';

export const INCIDENT_STATUS_LABELS: Record<IncidentStatus, string> = {
  open: 'Open',
  investigating: 'Investigating',
  fraud: 'Fraud',
  not_fraud: 'Not fraud',
  withdrawn: 'Withdrawn',
};

/** What a card's status means, under its heading. */
export const INCIDENT_STATUS_NOTES: Record<IncidentStatus, string> = {
  open: 'Filed: the beneficiary is on the suspects list; related participants supplement the card, law enforcement decides.',
  investigating: 'Law enforcement has taken the card into investigation.',
  fraud:
    'Law enforcement decided fraud: the beneficiary’s identifiers are on the fraudsters list and payments to them are refused.',
  not_fraud: 'Law enforcement decided it is not fraud: the beneficiary’s identifiers are off the suspects list.',
  withdrawn: 'The reporter withdrew the card: the beneficiary’s identifiers are off the suspects list.',
};

const FRAUD_TYPE_LABELS: Record<string, string> = {
  social_engineering: 'Social engineering',
  account_takeover: 'Account takeover',
  phishing: 'Phishing',
  investment_scam: 'Investment scam',
  purchase_scam: 'Purchase scam',
  romance_scam: 'Romance scam',
  card_not_present: 'Card not present',
  sim_swap: 'SIM swap',
  identity_theft: 'Identity theft',
  loan_fraud: 'Loan fraud',
  other: 'Other',
};

/** Words of a snake_case code, first letter capitalised: `phone_call` → “Phone call”. */
const words = (code: string): string => {
  const s = code.replaceAll('_', ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};

export const fraudTypeLabel = (t: string): string => FRAUD_TYPE_LABELS[t] ?? words(t);

/** An enum value of a card's field as words (the value itself for region codes). */
export const enumLabel = (field: string, value: string): string =>
  field === 'fraudType' ? fraudTypeLabel(value) : field === 'victimRegion' ? regionLabel(value) : words(value);

const AGE_BAND_LABELS: Record<string, string> = {
  under_18: 'Under 18',
  '18_24': '18–24',
  '25_34': '25–34',
  '35_44': '35–44',
  '45_54': '45–54',
  '55_64': '55–64',
  '65_plus': '65 and over',
  unknown: 'Unknown (no IIN)',
};

export const ageBandLabel = (b: string): string => AGE_BAND_LABELS[b] ?? b;

/** Kazakhstan's regions by ISO 3166-2:KZ code without the prefix. */
const REGIONS: Record<string, string> = {
  ABY: 'Abai',
  AKM: 'Akmola',
  AKT: 'Aktobe',
  ALA: 'Almaty (city)',
  ALM: 'Almaty region',
  AST: 'Astana',
  ATY: 'Atyrau',
  KAR: 'Karaganda',
  KUS: 'Kostanay',
  KZY: 'Kyzylorda',
  MAN: 'Mangystau',
  PAV: 'Pavlodar',
  SEV: 'North Kazakhstan',
  SHY: 'Shymkent',
  TUR: 'Turkistan',
  ULY: 'Ulytau',
  VOS: 'East Kazakhstan',
  YUZ: 'Turkistan (former South Kazakhstan)',
  ZAP: 'West Kazakhstan',
  ZHA: 'Zhambyl',
  ZHT: 'Zhetysu',
};

export const regionLabel = (code: string): string => (REGIONS[code] ? `${REGIONS[code]} (${code})` : words(code));

export const RECOVERY_LABELS: Record<RecoveryKind, string> = {
  blocked_at_sender: 'Blocked at the sender’s bank',
  blocked_at_recipient: 'Blocked at the recipient’s bank',
  returned: 'Returned',
};

const RELATION_LABELS: Record<string, string> = {
  beneficiary_bank: 'Beneficiary’s bank',
  card_issuer: 'Beneficiary’s card issuer',
};

export const relationLabel = (r: string): string => RELATION_LABELS[r] ?? words(r);

const ACTION_LABELS: Record<string, string> = {
  filed: 'Filed',
  supplement: 'Supplemented',
  attach: 'Attachment added',
  take: 'Taken into investigation',
  decide_fraud: 'Decided: fraud',
  decide_not_fraud: 'Decided: not fraud',
  withdraw: 'Withdrawn',
  record_recovery: 'Recovered funds recorded',
  escalated: 'Escalated (deadline missed)',
};

export const incidentActionLabel = (a: string): string => ACTION_LABELS[a] ?? words(a);

const ROLE_LABELS: Record<IncidentRole, string> = {
  reporter: 'Reporter',
  party: 'Related participant',
  investigator: 'Law enforcement',
  operator: 'Operator',
};

export const viewerRolesLabel = (roles: readonly IncidentRole[]): string =>
  roles.map((r) => ROLE_LABELS[r]).join(', ') || '—';

const DEADLINE_STEPS: Record<string, string> = {
  supplement: 'Supplement the card',
  decision: 'Decision by law enforcement',
};

export const deadlineStepLabel = (s: string): string => DEADLINE_STEPS[s] ?? words(s);

export const LIST_STATUS_LABELS: Record<ListStatus, string> = {
  suspect: 'Suspect',
  confirmed: 'Confirmed fraudster',
  allowed: 'Allowed (cleared)',
};

export const DECISION_LABELS: Record<string, string> = {
  allow: 'Allow',
  review: 'Review',
  block: 'Block',
};

/* ---------- what the viewer may do on a card (the API's rules; it refuses anything else) ---------- */

export type IncidentStep = 'supplement' | 'attach' | 'take' | 'decide' | 'withdraw' | 'record_recovery';

const OPEN: readonly IncidentStatus[] = ['open', 'investigating'];

const RULES: Record<IncidentStep, { by: readonly IncidentRole[]; from: readonly IncidentStatus[] }> = {
  supplement: { by: ['reporter', 'party', 'investigator'], from: OPEN },
  attach: { by: ['reporter', 'party', 'investigator'], from: OPEN },
  take: { by: ['investigator'], from: ['open'] },
  decide: { by: ['investigator'], from: OPEN },
  withdraw: { by: ['reporter'], from: ['open'] },
  record_recovery: { by: ['reporter', 'party'], from: ['open', 'investigating', 'fraud', 'not_fraud'] },
};

/** Whether the viewer may take a step on the card now, by how it stands to the card (`viewerRoles`). */
export const mayTake = (card: Pick<IncidentCard, 'status' | 'viewerRoles'>, step: IncidentStep): boolean =>
  RULES[step].from.includes(card.status) && RULES[step].by.some((r) => card.viewerRoles.includes(r));
