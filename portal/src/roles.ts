import type { Me } from './types.ts';

/** Participant types whose staff oversee the whole participant registry. */
const OVERSIGHT_TYPES: ReadonlySet<string> = new Set(['operator', 'central_bank', 'regulator']);

/** Operator, central bank and regulator staff see every participant. */
export const canListParticipants = (me: Me): boolean => OVERSIGHT_TYPES.has(me.participant.type);

/** Only the operator registers participants and changes their status. */
export const canManageParticipants = (me: Me): boolean => me.participant.type === 'operator';

/** Participant types whose staff use the IMTS screens. */
const IMTS_TYPES: ReadonlySet<string> = new Set(['bank', 'central_bank', 'operator', 'regulator']);

export const canUseImts = (me: Me): boolean => IMTS_TYPES.has(me.participant.type);

/** Oversight staff see every bank's payments, queue and settlement balance. */
export const overseesImts = (me: Me): boolean => OVERSIGHT_TYPES.has(me.participant.type);

/** The operator and the central bank run multilateral offsetting over the queue. */
export const canResolveGridlock = (me: Me): boolean =>
  me.participant.type === 'operator' || me.participant.type === 'central_bank';

/** Only the central bank injects or withdraws liquidity. */
export const canManageLiquidity = (me: Me): boolean => me.participant.type === 'central_bank';

/** Only the operator closes the operating day. */
export const canCloseDay = (me: Me): boolean => me.participant.type === 'operator';

/** ICS is used by the same participants as IMTS: banks clear there, oversight watches every cycle. */
export const canUseIcs = canUseImts;

/** Oversight staff see every participant's clearing payments, net positions and report rows. */
export const overseesIcs = overseesImts;

/** Only the operator closes a clearing cycle before its scheduled time (or one left open). */
export const canCloseCycle = (me: Me): boolean => me.participant.type === 'operator';

/** IPS is used by banks (their own payments and position) and watched by oversight (every payment). */
export const canUseIps = canUseImts;

/** Oversight staff see every instant payment. */
export const overseesIps = overseesImts;

/** Banks acquire merchants: register them and issue their QR codes. */
export const canAcquireMerchants = (me: Me): boolean => me.participant.type === 'bank';

/** The IPS monitor (flow, success rate, decision times, every bank's position) is for oversight. */
export const canMonitorIps = overseesIps;

/** Oversight staff look up any phone alias in full (for support; every lookup is audited). */
export const canSearchAliases = overseesIps;

/** IPS disputes: a bank sees the cases it opened or must answer, oversight sees every case. */
export const canUseDisputes = canUseIps;

/** A bank opens disputes about the settled payments it paid. */
export const canOpenDisputes = (me: Me): boolean => me.participant.type === 'bank' && me.participant.bic !== null;

/** Only the operator decides escalated disputes. */
export const canDecideDisputes = (me: Me): boolean => me.participant.type === 'operator';

/** Oversight sees every bank's net debit cap and its use today. */
export const canReadCaps = overseesIps;

/** Only the operator sets, changes or removes a bank's net debit cap. */
export const canSetCaps = (me: Me): boolean => me.participant.type === 'operator';

/** A bank sees its own net debit cap and what it has used of it today. */
export const hasOwnCap = (me: Me): boolean => me.participant.type === 'bank' && me.participant.bic !== null;

/** Published IPS tariffs are public: every signed-in user reads them. */
export const canReadTariffs = (_me: Me): boolean => true;

/** Only the operator publishes IPS tariffs. */
export const canPublishTariffs = (me: Me): boolean => me.participant.type === 'operator';

/** A bank reads its own monthly IPS fee statement; oversight reads any bank's. */
export const canReadFeeStatements = (me: Me): boolean => me.participant.bic !== null || overseesIps(me);

/* ---------- Anti-Fraud Center ---------- */

/** Participant types that file fraud incidents (role fraud_reporter): banks, payment organisations, mobile operators. */
const FRAUD_REPORTER_TYPES: ReadonlySet<string> = new Set(['bank', 'psp', 'mno']);

/** Banks, PSPs and mobile operators file incidents and act on the cards they filed or are related to. */
export const reportsFraud = (me: Me): boolean => FRAUD_REPORTER_TYPES.has(me.participant.type);

/** Law enforcement (role fraud_decider) sees every card, takes it and decides “fraud” or “not fraud”. */
export const decidesFraud = (me: Me): boolean => me.participant.type === 'law_enforcement';

/** Everyone with a part in incidents: reporters, law enforcement and oversight (operator, central bank, regulator). */
export const canUseAfc = (me: Me): boolean =>
  reportsFraud(me) || decidesFraud(me) || OVERSIGHT_TYPES.has(me.participant.type);

/** Oversight other than the operator (regulator, central bank) lists summaries without personal data and opens no card. */
export const seesIncidentSummaries = (me: Me): boolean =>
  OVERSIGHT_TYPES.has(me.participant.type) && me.participant.type !== 'operator';

/** Incident notifications go to reporters, related participants, law enforcement and (escalations) the operator. */
export const hasAfcInbox = (me: Me): boolean => canUseAfc(me) && !seesIncidentSummaries(me);

/** The knowledge base of fraud typologies: read by every AFC user; proposed by reporters and law enforcement. */
export const hasKnowledgeBase = canUseAfc;

/** Banks, PSPs, mobile operators and law enforcement propose articles and new versions. */
export const canProposeArticles = (me: Me): boolean => reportsFraud(me) || decidesFraud(me);

/** Only the operator publishes or rejects proposals. */
export const canEditKnowledge = (me: Me): boolean => me.participant.type === 'operator';
