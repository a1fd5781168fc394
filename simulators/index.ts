/** Simulated participants that use NDFI only through its public protocols, and the demo traffic generator. */
export {
  BankSimulator,
  type BankSimulatorOptions,
  type BankStats,
  type Camt054Entry,
  type CustomerAccount,
  camt054Entries,
  formatKzt,
  kzt,
  type PaymentAnswer,
  type PaymentOrder,
  type TxStatus,
  type WebhookEvent,
} from './bank.ts';
export {
  BoundedHttp,
  type OperatorSession,
  operatorLogin,
  PlatformHttpError,
  type StaffCredentials,
  totpNow,
} from './platform.ts';
export { type DemoTrafficOptions, type DemoTrafficReport, runDemoTraffic, UNKNOWN_BIC } from './traffic.ts';
