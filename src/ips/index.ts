/**
 * IPS: the instant payment system. 24/7 credit transfers between banks' prefunded positions in central bank
 * money (funded from and defunded to IMTS), each reserved on the ledger, delivered to the payee bank and
 * settled or released within seconds.
 */

export * from './aliases/index.ts';
export { type BulkView, IpsBulk } from './bulk.ts';
export { IpsNetDebitCaps, ipsDay, type NetDebitCap } from './caps.ts';
export * from './disputes/index.ts';
export type { IpsPayment, IpsStatus } from './domain/payment.ts';
export { IPS_MAX_AMOUNT, positionAccountId } from './domain/payment.ts';
export { PAYMENT_TYPES, type PaymentType, type Tariff } from './domain/tariff.ts';
export * from './merchants/index.ts';
export { ipsMigrations } from './migrations.ts';
export { pain014For, type RequestStatus, RequestsToPay, type RequestToPay } from './requests.ts';
export { type IpsRecall, type IpsReturn, IpsReturns, type RecallStatus } from './returns.ts';
export { ipsRoutes } from './routes.ts';
export {
  type InstantInstruction,
  type IpsDeps,
  type IpsParticipant,
  IpsService,
  type IpsTxStatus,
  type Screening,
} from './service.ts';
export { FEE_ACCOUNT, IpsTariffs, paymentTypeOf } from './tariffs.ts';
