/**
 * ICS: the interbank clearing system for small payments (≤ 5,000,000 KZT). Collects payments into
 * clearing cycles (several a business day, Almaty time), nets each cycle multilaterally at its close
 * and settles the net positions in IMTS all or nothing; reports per cycle to every participant.
 */
export type { BilateralFlow } from './domain/flows.ts';
export { ICS_MAX_AMOUNT } from './domain/payment.ts';
export type { BusinessCalendar, CycleSchedule } from './domain/schedule.ts';
export { icsMigrations } from './migrations.ts';
export { icsRoutes } from './routes.ts';
export {
  DEFAULT_CALENDAR,
  DEFAULT_SCHEDULE,
  type IcsCycle,
  type IcsParticipant,
  type IcsPayment,
  type IcsPaymentInput,
  type IcsReportRow,
  IcsService,
  type IcsSettlement,
  type IcsTxStatus,
  type PaymentStatus,
  type SubmitResult,
  settlementIdOf,
} from './service.ts';
