/**
 * ISO 20022 messages for NDFI: typed models, XML builder and parser (with hostile-input guards,
 * structural validation of the scheme's subset, and optional XSD validation via libxml2-wasm).
 */
export { type BuildOptions, build } from './build.ts';
export { Iso20022Error, type Iso20022ErrorCode, type IssueDetail } from './errors.ts';
export { isMessageType, MESSAGE_TYPES, type MessageType, namespaceOf, typeOfNamespace } from './message-types.ts';
export type { Acmt023 } from './messages/acmt023.ts';
export type { Acmt024 } from './messages/acmt024.ts';
export type { Camt029 } from './messages/camt029.ts';
export type { Camt052 } from './messages/camt052.ts';
export type { Camt053, StatementEntry } from './messages/camt053.ts';
export type { Camt054 } from './messages/camt054.ts';
export type { Camt056 } from './messages/camt056.ts';
export type { Pacs002, TransactionStatus } from './messages/pacs002.ts';
export type { Pacs004 } from './messages/pacs004.ts';
export type { CreditTransferTransaction, Pacs008 } from './messages/pacs008.ts';
export type { Pacs009 } from './messages/pacs009.ts';
export type { Pacs028 } from './messages/pacs028.ts';
export type { Pain013 } from './messages/pain013.ts';
export type { Pain014 } from './messages/pain014.ts';
export type { Message, MessageModels } from './messages/registry.ts';
export { detectType, type ParseOptions, parse } from './parse.ts';
export {
  describeStatusReason,
  isStatusReasonCode,
  STATUS_REASON_CODES,
  STATUS_REASONS,
  type StatusReasonCode,
} from './reasons.ts';
export type { Account, Agent, Party } from './schema/components.ts';
export type { Amount } from './schema/dsl.ts';
export { GROUP_STATUSES, TX_STATUSES } from './schema/iso-types.ts';
export { CURRENCY_DECIMALS, currencyDecimals, formatAmount, parseAmount } from './schema/money.ts';
export { DEFAULT_LIMITS, type XmlLimits } from './xml/limits.ts';
export { createValidator, type Validator } from './xsd/validator.ts';
