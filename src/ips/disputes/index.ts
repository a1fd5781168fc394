/** IPS dispute cases between banks (IPS-8): open, answer, escalate, decide, with deadlines and outcomes. */
export { DISPUTE_REASONS, DISPUTE_STATUSES, type DisputeReason, type DisputeStatus } from './domain/dispute.ts';
export { ipsDisputesMigrations } from './migrations.ts';
export { disputeRoutes } from './routes.ts';
export { type DisputeActor, IpsDisputes } from './service.ts';
export type { IpsDispute } from './store.ts';
