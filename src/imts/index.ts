/**
 * IMTS: the interbank money transfer system (real-time gross settlement in central bank money).
 * Settles or queues pacs.008/pacs.009 payments, cancels queued ones on request (camt.056 → camt.029), settles
 * returns (pacs.004), resolves gridlocks, runs the operating day, and settles
 * ancillary systems' net positions and Digital Tenge conversions on the banks' settlement accounts.
 */
export { resolveGridlock } from './domain/gridlock.ts';
export { DEFAULT_OPERATING_DAY, dayState, type OperatingDayConfig } from './domain/operating-day.ts';
export type { Payment, PaymentStatus } from './domain/payment.ts';
export { type Priority, settleFifo } from './domain/queue.ts';
export { readPaymentMessage, returnsOf, statusReport } from './iso.ts';
export { imtsMigrations } from './migrations.ts';
export { imtsRoutes } from './routes.ts';
export {
  type CancellationOutcome,
  type CancellationResult,
  type CancellationTarget,
  ImtsService,
  type PaymentDetail,
  type PaymentInstruction,
  type ReturnInstruction,
  type ReturnStatus,
  type SettlementParticipant,
  settlementAccountId,
  type TxStatus,
} from './service.ts';
