/** Append-only, hash-chained audit log of every state change. */
export { type AuditInput, appendAudit, appendAudits } from './append.ts';
export { auditedList } from './canonical.ts';
export { GENESIS_HASH } from './chain.ts';
export { type AuditQuery, listAudit } from './list.ts';
export { auditMigrations } from './migrations.ts';
export type { AuditEntry } from './types.ts';
export {
  type AuditAnchor,
  type AuditFailureReason,
  type AuditVerifyResult,
  auditHead,
  type VerifyOptions,
  verifyAudit,
} from './verify.ts';
