import type { Queryable } from '../../platform/index.ts';
import { Conditions, chunks, inList, insertRows, KEYS, versionCounter } from '../store-kit.ts';
import type { CompromiseType, InstrumentKind } from './domain/instrument.ts';

export type ReportStatus = 'active' | 'withdrawn';

/** One report: an instrument (by MAC) reported compromised by one participant from one source. */
export interface InstrumentRecord {
  id: string;
  mac: string;
  kind: InstrumentKind;
  bin: string | null;
  last4: string | null;
  token: string | null;
  iban: string | null;
  bic: string | null;
  compromise: CompromiseType;
  source: string;
  detectedOn: string;
  reporterId: string;
  reportedBy: string;
  issuerId: string | null;
  status: ReportStatus;
  /** Why it was withdrawn. */
  reason: string | null;
  /** The database version of its last change. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

interface Raw {
  id: string;
  mac: string;
  kind: InstrumentKind;
  bin: string | null;
  last4: string | null;
  token: string | null;
  iban: string | null;
  bic: string | null;
  compromise: CompromiseType;
  source: string;
  detected_on: string;
  reporter_id: string;
  reported_by: string;
  issuer_id: string | null;
  status: ReportStatus;
  reason: string | null;
  version: bigint;
  created_at: string;
  updated_at: string;
}

const COLS =
  'id, mac, kind, bin, last4, token, iban, bic, compromise, source, detected_on, reporter_id, reported_by, issuer_id, status, reason, version, created_at, updated_at';

const toRecord = (r: Raw): InstrumentRecord => ({
  id: r.id,
  mac: r.mac,
  kind: r.kind,
  bin: r.bin,
  last4: r.last4,
  token: r.token,
  iban: r.iban,
  bic: r.bic,
  compromise: r.compromise,
  source: r.source,
  detectedOn: r.detected_on,
  reporterId: r.reporter_id,
  reportedBy: r.reported_by,
  issuerId: r.issuer_id,
  status: r.status,
  reason: r.reason,
  version: Number(r.version),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const versions = versionCounter('afc_instrument_head');

/** Who a listing is for: everything (law enforcement, oversight) or one participant's own. */
export type Scope = { all: true } | { all: false; participantId: string };

/** Restricts rows to what a scope may see. */
function scoped(scope: Scope, where: Conditions): Conditions {
  if (scope.all) return where;
  const p = where.bind(scope.participantId);
  return where.and(`(issuer_id = ${p} OR reporter_id = ${p})`);
}

/** The only code touching the compromised instruments' tables. */
export const instrumentStore = {
  head: versions.head,
  /** Takes the next `n` versions and returns the first (the row stays locked to commit on PostgreSQL). */
  allocate: versions.allocate,

  /** One reporter's reports of these MACs (any source). */
  async byReporter(q: Queryable, reporterId: string, macs: readonly string[]): Promise<InstrumentRecord[]> {
    const out: InstrumentRecord[] = [];
    for (const part of chunks([...new Set(macs)], KEYS)) {
      const rows = await q.query<Raw>(
        `SELECT ${COLS} FROM afc_instruments WHERE reporter_id = $1 AND mac IN (${inList(part.length, 2)})`,
        [reporterId, ...part],
      );
      for (const r of rows) out.push(toRecord(r));
    }
    return out;
  },

  /** Every report of one instrument, oldest first. */
  async byMac(q: Queryable, mac: string): Promise<InstrumentRecord[]> {
    const rows = await q.query<Raw>(`SELECT ${COLS} FROM afc_instruments WHERE mac = $1 ORDER BY id`, [mac]);
    return rows.map(toRecord);
  },

  async get(q: Queryable, id: string): Promise<InstrumentRecord | undefined> {
    const [r] = await q.query<Raw>(`SELECT ${COLS} FROM afc_instruments WHERE id = $1`, [id]);
    return r ? toRecord(r) : undefined;
  },

  /** Inserts or replaces reports by id (the service decided each one's id and version). */
  upsert(tx: Queryable, records: readonly InstrumentRecord[]): Promise<void> {
    return insertRows(
      tx,
      records,
      19,
      (params, e) =>
        params.push(
          e.id,
          e.mac,
          e.kind,
          e.bin,
          e.last4,
          e.token,
          e.iban,
          e.bic,
          e.compromise,
          e.source,
          e.detectedOn,
          e.reporterId,
          e.reportedBy,
          e.issuerId,
          e.status,
          e.reason,
          BigInt(e.version),
          e.createdAt,
          e.updatedAt,
        ),
      (values) =>
        `INSERT INTO afc_instruments (${COLS}) VALUES ${values}
         ON CONFLICT (id) DO UPDATE SET compromise = excluded.compromise, detected_on = excluded.detected_on,
           reported_by = excluded.reported_by, status = excluded.status, reason = excluded.reason,
           version = excluded.version, updated_at = excluded.updated_at, bin = excluded.bin, last4 = excluded.last4,
           bic = excluded.bic, issuer_id = excluded.issuer_id`,
    );
  },

  /** Reports a scope may see, by id (keyset paging from `after`). */
  async page(
    q: Queryable,
    scope: Scope,
    f: { after?: string; kind?: InstrumentKind; status?: ReportStatus; limit: number },
  ): Promise<InstrumentRecord[]> {
    const where = scoped(scope, new Conditions());
    if (f.kind !== undefined) where.and(`kind = ${where.bind(f.kind)}`);
    if (f.status !== undefined) where.and(`status = ${where.bind(f.status)}`);
    if (f.after !== undefined) where.and(`id > ${where.bind(f.after)}`);
    const rows = await q.query<Raw>(
      `SELECT ${COLS} FROM afc_instruments ${where} ORDER BY id LIMIT ${where.bind(f.limit)}`,
      where.args,
    );
    return rows.map(toRecord);
  },

  /** Reports a scope may see whose last change is after version `since`, oldest change first. */
  async changedSince(q: Queryable, scope: Scope, since: number, limit: number): Promise<InstrumentRecord[]> {
    const where = new Conditions();
    scoped(scope, where.and(`version > ${where.bind(BigInt(since))}`));
    const rows = await q.query<Raw>(
      `SELECT ${COLS} FROM afc_instruments ${where} ORDER BY version LIMIT ${where.bind(limit)}`,
      where.args,
    );
    return rows.map(toRecord);
  },
};
