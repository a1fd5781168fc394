import type { Queryable } from '../db/index.ts';
import { sha256Hex } from './canonical.ts';
import { entryHash, GENESIS_HASH } from './chain.ts';
import { AUDIT_COLUMNS, type AuditRow } from './types.ts';

export type AuditFailureReason =
  | 'hash mismatch'
  | 'broken chain'
  | 'gap in sequence (deleted entries)'
  | 'details do not match digest'
  | 'entries missing at the end (head is ahead)'
  | 'head does not match the last entry'
  | 'head record missing'
  | 'does not match anchor';

export type AuditVerifyResult =
  | { ok: true; count: number }
  | { ok: false; count: number; firstBad: { seq: bigint; reason: AuditFailureReason } };

/** A head published outside the database (see auditHead); proves the prefix up to it was not rewritten. */
export interface AuditAnchor {
  seq: bigint;
  hash: string;
}

export interface VerifyOptions {
  /** Called after each page with the entries verified so far and the total to verify (for a progress bar). */
  onProgress?: (verified: number, total: number) => void;
  pageSize?: number;
  anchors?: AuditAnchor[];
}

/** The chain's tip, for anchoring: publish or sign it periodically somewhere the database admin can't write. */
export async function auditHead(db: Queryable): Promise<AuditAnchor | undefined> {
  const [h] = await db.query<{ seq: bigint; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1');
  return h ? { seq: h.seq, hash: h.hash } : undefined;
}

/**
 * Recomputes the chain from genesis in pages of seq order and returns the first entry that is wrong:
 * an edited field (hash or digest mismatch), a deleted entry (gap), a reordered or re-linked entry
 * (broken chain), deleted newest entries (head ahead), or a prefix that differs from an anchor.
 *
 * It checks up to the head read at the start, so appends running meanwhile do not disturb it. What it
 * cannot see alone: someone with write access who rewrites every hash from the edit to the end and the
 * head too — anchors close that.
 */
export async function verifyAudit(db: Queryable, opts: VerifyOptions = {}): Promise<AuditVerifyResult> {
  const pageSize = opts.pageSize ?? 1000;
  const anchors = new Map((opts.anchors ?? []).map((a) => [a.seq, a.hash]));
  const head = await auditHead(db);
  const [max] = head ? [] : await db.query<{ m: bigint | null }>('SELECT MAX(seq) AS m FROM audit_log');
  const end = head?.seq ?? max?.m ?? 0n;
  const total = Number(end);
  let expected = 1n;
  let prev = GENESIS_HASH;
  let count = 0;
  const fail = (seq: bigint, reason: AuditFailureReason): AuditVerifyResult => ({
    ok: false,
    count,
    firstBad: { seq, reason },
  });

  while (expected <= end) {
    const rows = await db.query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
      [expected, end, pageSize],
    );
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.seq !== expected) return fail(expected, 'gap in sequence (deleted entries)');
      if (r.prev_hash !== prev) return fail(r.seq, 'broken chain');
      if (sha256Hex(r.details) !== r.digest) return fail(r.seq, 'details do not match digest');
      const fields = {
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
        digest: r.digest,
      };
      if (entryHash(prev, fields) !== r.hash) return fail(r.seq, 'hash mismatch');
      const anchor = anchors.get(r.seq);
      if (anchor !== undefined && anchor !== r.hash) return fail(r.seq, 'does not match anchor');
      prev = r.hash;
      expected++;
      count++;
    }
    opts.onProgress?.(count, total);
  }
  if (expected <= end) return fail(expected, 'entries missing at the end (head is ahead)');
  if (!head) return fail(end + 1n, 'head record missing');
  if (head.hash !== prev) return fail(head.seq, 'head does not match the last entry');
  for (const [seq] of anchors) if (seq > end) return fail(seq, 'entries missing at the end (head is ahead)');
  return { ok: true, count };
}
