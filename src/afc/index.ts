/**
 * Anti-Fraud Center (AFC): suspects and fraudsters lists keyed by pseudonymised identifiers, their delta
 * feed, and real-time screening of payments against them.
 */
export {
  IDENTIFIER_KINDS,
  type IdentifierKind,
  isValidIban,
  isValidIinBin,
  luhnValid,
  MAC_PATTERN,
} from './domain/identifiers.ts';
export {
  DECISION_OF,
  DECISIONS,
  type Decision,
  effectiveStatus,
  LIST_STATUSES,
  type ListStatus,
} from './domain/lists.ts';
export { jaroWinkler, NAME_MATCH_THRESHOLD, nameSimilarity, nameTokens, transliterate } from './domain/names.ts';
export type { Party, Reason, ReasonCode } from './domain/screening.ts';
export { IdentifierMac, normalize as normalizeIdentifier, normalizePhone } from './identifiers.ts';
// incident exchange, the metadata matrix, statistics
export {
  AfcIncidents,
  type AfcIncidentsDeps,
  AfcStatistics,
  afcIncidentRoutes,
  afcIncidentsMigrations,
  FRAUD_TYPES,
  type IncidentCard,
  type RelatedParticipant,
} from './incidents/index.ts';
// compromised payment instruments and the knowledge base of fraud typologies (AFC-7)
export { AfcInstruments, afcInstrumentsMigrations, afcInstrumentsRoutes } from './instruments/index.ts';
export { AfcKnowledge, afcKnowledgeMigrations, afcKnowledgeRoutes } from './knowledge/index.ts';
export { afcListsMigrations } from './lists/migrations.ts';
export {
  AfcLists,
  type AfcListsDeps,
  type AfcListsOptions,
  type EntryInput,
  type IdentifierInput,
  LIST_READERS,
  type ListActor,
  type ListChangeView,
  type ListEntryView,
  type ListWriteResult,
  listActorOf,
  RAW_READERS,
  SYSTEM_ACTOR,
} from './lists/service.ts';
// mule-network detection over the payment graph and the synthetic traffic it is measured on
export {
  detectInGraph,
  detectMules,
  type FraudDemoResult,
  formatFraudDemo,
  fraudDemo,
  type MuleOptions,
  type MuleProposal,
  type MuleReport,
  type MuleSignal,
  type PaymentEdge,
  PaymentGraph,
  precisionRecall,
} from './mules/index.ts';
export { type AfcRouteDeps, afcRoutes } from './routes.ts';
export {
  AfcScreening,
  type AfcScreeningDeps,
  type ImtsPaymentLike,
  type IpsPaymentLike,
  imtsScreening,
  ipsScreening,
  type PartyInput,
  type ScreenPayment,
  type ScreenResult,
} from './screening/service.ts';
export {
  type AccountLabel,
  type FraudPattern,
  generateSynthetic,
  type SyntheticAccount,
  type SyntheticConfig,
  type SyntheticPayment,
  syntheticTraffic,
} from './synthetic/index.ts';
