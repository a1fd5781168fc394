import type { Queryable, SqlValue } from '../../platform/index.ts';
import type { ClaimStatus } from './domain/claim.ts';

/** An alias as stored: everything the directory knows about one phone. */
export interface AliasRecord {
  phone: string;
  participantId: string;
  bic: string;
  accountId: string;
  holderName: string;
  holderIin: string;
  createdAt: string;
  updatedAt: string;
}

export interface ClaimRecord {
  id: string;
  phone: string;
  status: ClaimStatus;
  claimantParticipantId: string;
  claimantBic: string;
  accountId: string;
  holderName: string;
  holderIin: string;
  ownerParticipantId: string;
  ownerBic: string;
  /** Whether the claimant's holder IIN was the owner's at the time of the claim (portability vs. a new holder). */
  holderMatches: boolean;
  deadline: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  reason: string | null;
}

interface RawAlias {
  phone: string;
  participant_id: string;
  bic: string;
  account_id: string;
  holder_name: string;
  holder_iin: string;
  created_at: string;
  updated_at: string;
}

interface RawClaim {
  id: string;
  phone: string;
  status: ClaimStatus;
  claimant_participant_id: string;
  claimant_bic: string;
  account_id: string;
  holder_name: string;
  holder_iin: string;
  owner_participant_id: string;
  owner_bic: string;
  holder_matches: bigint;
  deadline: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  reason: string | null;
}

const ALIAS_COLS = 'phone, participant_id, bic, account_id, holder_name, holder_iin, created_at, updated_at';
const CLAIM_COLS =
  'id, phone, status, claimant_participant_id, claimant_bic, account_id, holder_name, holder_iin, owner_participant_id, owner_bic, holder_matches, deadline, created_at, resolved_at, resolved_by, reason';

/** Sizes of the IN lists `getMany` sends. */
const IN_SIZES = [1, 8, 64, 256];

const toAlias = (r: RawAlias): AliasRecord => ({
  phone: r.phone,
  participantId: r.participant_id,
  bic: r.bic,
  accountId: r.account_id,
  holderName: r.holder_name,
  holderIin: r.holder_iin,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toClaim = (r: RawClaim): ClaimRecord => ({
  id: r.id,
  phone: r.phone,
  status: r.status,
  claimantParticipantId: r.claimant_participant_id,
  claimantBic: r.claimant_bic,
  accountId: r.account_id,
  holderName: r.holder_name,
  holderIin: r.holder_iin,
  ownerParticipantId: r.owner_participant_id,
  ownerBic: r.owner_bic,
  holderMatches: r.holder_matches === 1n,
  deadline: r.deadline,
  createdAt: r.created_at,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
  reason: r.reason,
});

export interface AliasFilter {
  participantId?: string;
  bic?: string;
  phone?: string;
  /** Keyset: phones after this one. */
  after?: string;
  limit: number;
}

export interface ClaimFilter {
  /** Claims where this participant is the claimant or the owner. */
  participantId?: string;
  role?: 'claimant' | 'owner';
  status?: ClaimStatus;
  phone?: string;
  /** Keyset: claims created before this id (newest first). */
  before?: string;
  limit: number;
}

/** The only code touching the alias directory's tables. */
export const aliasStore = {
  /** The participants whose customers' aliases name this account (normally one). */
  async holdersOfAccount(q: Queryable, accountId: string): Promise<string[]> {
    const rows = await q.query<{ participant_id: string }>(
      'SELECT DISTINCT participant_id FROM ips_aliases WHERE account_id = $1 ORDER BY participant_id',
      [accountId],
    );
    return rows.map((r) => r.participant_id);
  },

  async get(q: Queryable, phone: string): Promise<AliasRecord | undefined> {
    const [r] = await q.query<RawAlias>(`SELECT ${ALIAS_COLS} FROM ips_aliases WHERE phone = $1`, [phone]);
    return r && toAlias(r);
  },

  /**
   * The records of many phones in few statements (IN lists padded to a few fixed sizes, so that few are
   * prepared), by phone; phones without one are absent.
   */
  async getMany(q: Queryable, phones: string[]): Promise<Map<string, AliasRecord>> {
    const out = new Map<string, AliasRecord>();
    const unique = [...new Set(phones)];
    for (let from = 0; from < unique.length; ) {
      const left = unique.length - from;
      const size = IN_SIZES.find((n) => n >= left) ?? IN_SIZES[IN_SIZES.length - 1]!;
      const chunk = unique.slice(from, from + size);
      from += chunk.length;
      while (chunk.length < size) chunk.push(chunk[0]!);
      const rows = await q.query<RawAlias>(
        `SELECT ${ALIAS_COLS} FROM ips_aliases WHERE phone IN (${chunk.map((_, i) => `$${i + 1}`).join(', ')})`,
        chunk,
      );
      for (const r of rows) out.set(r.phone, toAlias(r));
    }
    return out;
  },

  /** Inserts unless the phone is taken; false when it is (the caller reads who holds it). */
  async insert(q: Queryable, a: AliasRecord): Promise<boolean> {
    const n = await q.exec(
      `INSERT INTO ips_aliases (${ALIAS_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (phone) DO NOTHING`,
      [a.phone, a.participantId, a.bic, a.accountId, a.holderName, a.holderIin, a.createdAt, a.updatedAt],
    );
    return n === 1;
  },

  /** Changes the holder data of a phone only while `participantId` owns it; false otherwise. */
  async update(
    q: Queryable,
    phone: string,
    participantId: string,
    data: { accountId: string; holderName: string; updatedAt: string },
  ): Promise<boolean> {
    const n = await q.exec(
      'UPDATE ips_aliases SET account_id = $1, holder_name = $2, updated_at = $3 WHERE phone = $4 AND participant_id = $5',
      [data.accountId, data.holderName, data.updatedAt, phone, participantId],
    );
    return n === 1;
  },

  /** Hands the phone to a new owner with its data (a claim's outcome), keeping the first registration time. */
  async transfer(q: Queryable, a: AliasRecord): Promise<void> {
    const n = await q.exec(
      'UPDATE ips_aliases SET participant_id = $1, bic = $2, account_id = $3, holder_name = $4, holder_iin = $5, updated_at = $6 WHERE phone = $7',
      [a.participantId, a.bic, a.accountId, a.holderName, a.holderIin, a.updatedAt, a.phone],
    );
    if (n === 0) await aliasStore.insert(q, a);
  },

  async delete(q: Queryable, phone: string, participantId: string): Promise<boolean> {
    return (
      (await q.exec('DELETE FROM ips_aliases WHERE phone = $1 AND participant_id = $2', [phone, participantId])) === 1
    );
  },

  async list(q: Queryable, f: AliasFilter): Promise<AliasRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const add = (sql: string, v: SqlValue | undefined) => {
      if (v === undefined) return;
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    add('participant_id = ?', f.participantId);
    add('bic = ?', f.bic);
    add('phone = ?', f.phone);
    add('phone > ?', f.after);
    params.push(f.limit);
    const rows = await q.query<RawAlias>(
      `SELECT ${ALIAS_COLS} FROM ips_aliases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY phone LIMIT $${params.length}`,
      params,
    );
    return rows.map(toAlias);
  },

  /** Inserts an open claim unless the phone already has one; false when it does. */
  async insertClaim(q: Queryable, c: ClaimRecord): Promise<boolean> {
    const n = await q.exec(
      `INSERT INTO ips_alias_claims (${CLAIM_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING`,
      [
        c.id,
        c.phone,
        c.status,
        c.claimantParticipantId,
        c.claimantBic,
        c.accountId,
        c.holderName,
        c.holderIin,
        c.ownerParticipantId,
        c.ownerBic,
        c.holderMatches ? 1n : 0n,
        c.deadline,
        c.createdAt,
        c.resolvedAt,
        c.resolvedBy,
        c.reason,
      ],
    );
    return n === 1;
  },

  async claim(q: Queryable, id: string): Promise<ClaimRecord | undefined> {
    const [r] = await q.query<RawClaim>(`SELECT ${CLAIM_COLS} FROM ips_alias_claims WHERE id = $1`, [id]);
    return r && toClaim(r);
  },

  async openClaimFor(q: Queryable, phone: string): Promise<ClaimRecord | undefined> {
    const [r] = await q.query<RawClaim>(
      `SELECT ${CLAIM_COLS} FROM ips_alias_claims WHERE phone = $1 AND status = 'open'`,
      [phone],
    );
    return r && toClaim(r);
  },

  /** Compare-and-set from open: exactly one of concurrent resolutions (owner, claimant, schedule) wins. */
  async resolveClaim(
    q: Queryable,
    id: string,
    to: ClaimStatus,
    by: string,
    at: string,
    reason: string | null,
  ): Promise<boolean> {
    const n = await q.exec(
      `UPDATE ips_alias_claims SET status = $1, resolved_by = $2, resolved_at = $3, reason = $4 WHERE id = $5 AND status = 'open'`,
      [to, by, at, reason, id],
    );
    return n === 1;
  },

  async dueClaims(q: Queryable, now: string, limit: number): Promise<ClaimRecord[]> {
    const rows = await q.query<RawClaim>(
      `SELECT ${CLAIM_COLS} FROM ips_alias_claims WHERE status = 'open' AND deadline <= $1 ORDER BY deadline, id LIMIT $2`,
      [now, limit],
    );
    return rows.map(toClaim);
  },

  async claims(q: Queryable, f: ClaimFilter): Promise<ClaimRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const add = (sql: string, v: SqlValue | undefined) => {
      if (v === undefined) return;
      params.push(v);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (f.participantId !== undefined) {
      if (f.role === 'claimant') add('claimant_participant_id = ?', f.participantId);
      else if (f.role === 'owner') add('owner_participant_id = ?', f.participantId);
      else add('(claimant_participant_id = ? OR owner_participant_id = ?)', f.participantId);
    }
    add('status = ?', f.status);
    add('phone = ?', f.phone);
    add('id < ?', f.before);
    params.push(f.limit);
    const rows = await q.query<RawClaim>(
      `SELECT ${CLAIM_COLS} FROM ips_alias_claims ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toClaim);
  },
};
