import { type Queryable, rowPlaceholders } from '../../platform/index.ts';
import { Conditions, inList } from '../store-kit.ts';
import type { IncidentStatus, RecoveryKind, StepDeadline } from './domain/incident.ts';
import type { Details, TransactionTypeDef } from './domain/matrix.ts';

export interface Incident {
  id: string;
  reporterId: string;
  /** The reporter's own reference: one card per reference (idempotent filing). */
  reporterRef: string;
  type: string;
  typeVersion: number;
  status: IncidentStatus;
  details: Details;
  fraudType: string;
  outcome: string;
  amount: bigint | null;
  region: string | null;
  beneficiaryAgeBand: string;
  victimAgeBand: string;
  occurredAt: string;
  grounds: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface IncidentParty {
  participantId: string;
  /** reporter, beneficiary_bank, card_issuer, wallet_operator… */
  relation: string;
  /** How the platform found it (alias directory, BIN table, account registry, the card itself). */
  via: string;
  addedAt: string;
}

export interface IncidentEvent {
  seq: number;
  at: string;
  actor: string;
  participantId: string | null;
  action: string;
  status: IncidentStatus;
  grounds: string | null;
  details: Record<string, unknown> | null;
}

export interface AttachmentMeta {
  id: string;
  participantId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export interface Recovery {
  id: string;
  participantId: string;
  kind: RecoveryKind;
  amount: bigint;
  reference: string | null;
  at: string;
}

export interface Notification {
  id: string;
  incidentId: string;
  kind: string;
  summary: string;
  at: string;
  readAt: string | null;
}

interface IncidentRow {
  id: string;
  reporter_id: string;
  reporter_ref: string;
  type: string;
  type_version: bigint | number;
  status: string;
  details: string;
  fraud_type: string;
  outcome: string;
  amount: bigint | null;
  region: string | null;
  beneficiary_age_band: string;
  victim_age_band: string;
  occurred_at: string;
  grounds: string | null;
  decided_by: string | null;
  decided_at: string | null;
  created_at: string;
  updated_at: string;
}

const toIncident = (r: IncidentRow): Incident => ({
  id: r.id,
  reporterId: r.reporter_id,
  reporterRef: r.reporter_ref,
  type: r.type,
  typeVersion: Number(r.type_version),
  status: r.status as IncidentStatus,
  details: JSON.parse(r.details) as Details,
  fraudType: r.fraud_type,
  outcome: r.outcome,
  amount: r.amount === null ? null : BigInt(r.amount),
  region: r.region,
  beneficiaryAgeBand: r.beneficiary_age_band,
  victimAgeBand: r.victim_age_band,
  occurredAt: r.occurred_at,
  grounds: r.grounds,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface IncidentFilter {
  /** Cards this participant filed or is related to; absent: all. */
  participantId?: string;
  status?: IncidentStatus;
  type?: string;
  after?: string;
  limit: number;
}

/** The SQL of incidents: the only code touching their tables. */
export const incidentStore = {
  // --- the metadata matrix ---

  async types(
    q: Queryable,
  ): Promise<{ type: string; version: number; definition: TransactionTypeDef; publishedAt: string }[]> {
    const rows = await q.query<{ type: string; version: bigint; definition: string; published_at: string }>(
      `SELECT t.type, t.version, t.definition, t.published_at FROM afc_incident_types t
       WHERE t.version = (SELECT MAX(version) FROM afc_incident_types u WHERE u.type = t.type) ORDER BY t.type`,
    );
    return rows.map((r) => ({
      type: r.type,
      version: Number(r.version),
      definition: JSON.parse(r.definition) as TransactionTypeDef,
      publishedAt: r.published_at,
    }));
  },

  /** Publishes the next version of a type; false when another publication took that version first. */
  async publishType(
    q: Queryable,
    t: { type: string; version: number; definition: TransactionTypeDef; at: string; by: string },
  ): Promise<boolean> {
    return (
      (await q.exec(
        `INSERT INTO afc_incident_types (type, version, definition, published_at, published_by)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (type, version) DO NOTHING`,
        [t.type, t.version, JSON.stringify(t.definition), t.at, t.by],
      )) === 1
    );
  },

  // --- cards ---

  /** Inserts a card; false when the reporter already filed one under this reference. */
  async insert(q: Queryable, i: Incident): Promise<boolean> {
    const n = await q.exec(
      `INSERT INTO afc_incidents (id, reporter_id, reporter_ref, type, type_version, status, details, fraud_type,
         outcome, amount, region, beneficiary_age_band, victim_age_band, occurred_at, grounds, decided_by, decided_at,
         created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, NULL, NULL, $15, $15)
       ON CONFLICT (reporter_id, reporter_ref) DO NOTHING`,
      [
        i.id,
        i.reporterId,
        i.reporterRef,
        i.type,
        i.typeVersion,
        i.status,
        JSON.stringify(i.details),
        i.fraudType,
        i.outcome,
        i.amount,
        i.region,
        i.beneficiaryAgeBand,
        i.victimAgeBand,
        i.occurredAt,
        i.createdAt,
      ],
    );
    return n === 1;
  },

  async get(q: Queryable, id: string): Promise<Incident | undefined> {
    const [r] = await q.query<IncidentRow>('SELECT * FROM afc_incidents WHERE id = $1', [id]);
    return r && toIncident(r);
  },

  async byRef(q: Queryable, reporterId: string, ref: string): Promise<Incident | undefined> {
    const [r] = await q.query<IncidentRow>('SELECT * FROM afc_incidents WHERE reporter_id = $1 AND reporter_ref = $2', [
      reporterId,
      ref,
    ]);
    return r && toIncident(r);
  },

  /** Moves a card on if it is still in `from` (a racing step loses). */
  async update(
    q: Queryable,
    id: string,
    from: IncidentStatus,
    u: {
      status: IncidentStatus;
      details?: Details;
      beneficiaryAgeBand?: string;
      decided?: { by: string; grounds: string };
      at: string;
    },
  ): Promise<boolean> {
    const n = await q.exec(
      `UPDATE afc_incidents SET status = $1, details = COALESCE($2, details),
         beneficiary_age_band = COALESCE($3, beneficiary_age_band),
         grounds = COALESCE($4, grounds), decided_by = COALESCE($5, decided_by), decided_at = COALESCE($6, decided_at),
         updated_at = $7
       WHERE id = $8 AND status = $9`,
      [
        u.status,
        u.details ? JSON.stringify(u.details) : null,
        u.beneficiaryAgeBand ?? null,
        u.decided?.grounds ?? null,
        u.decided?.by ?? null,
        u.decided ? u.at : null,
        u.at,
        id,
        from,
      ],
    );
    return n === 1;
  },

  /** A page in id order (ids sort by filing time). */
  async list(q: Queryable, f: IncidentFilter): Promise<Incident[]> {
    const where = new Conditions();
    if (f.participantId) {
      const p = where.bind(f.participantId);
      where.and(
        `(reporter_id = ${p} OR id IN (SELECT incident_id FROM afc_incident_parties WHERE participant_id = ${p}))`,
      );
    }
    if (f.status) where.and(`status = ${where.bind(f.status)}`);
    if (f.type) where.and(`type = ${where.bind(f.type)}`);
    if (f.after) where.and(`id < ${where.bind(f.after)}`);
    const rows = await q.query<IncidentRow>(
      `SELECT * FROM afc_incidents ${where} ORDER BY id DESC LIMIT ${where.bind(f.limit)}`,
      where.args,
    );
    return rows.map(toIncident);
  },

  // --- parties, history, identifiers ---

  async addParties(q: Queryable, incidentId: string, parties: readonly IncidentParty[]): Promise<void> {
    if (parties.length === 0) return;
    await q.exec(
      `INSERT INTO afc_incident_parties (incident_id, participant_id, relation, via, added_at)
       VALUES ${rowPlaceholders(parties.length, 5)} ON CONFLICT (incident_id, participant_id) DO NOTHING`,
      parties.flatMap((p) => [incidentId, p.participantId, p.relation, p.via, p.addedAt]),
    );
  },

  async parties(q: Queryable, incidentId: string): Promise<IncidentParty[]> {
    const rows = await q.query<{ participant_id: string; relation: string; via: string; added_at: string }>(
      'SELECT participant_id, relation, via, added_at FROM afc_incident_parties WHERE incident_id = $1 ORDER BY added_at, participant_id',
      [incidentId],
    );
    return rows.map((r) => ({
      participantId: r.participant_id,
      relation: r.relation,
      via: r.via,
      addedAt: r.added_at,
    }));
  },

  async addEvent(q: Queryable, incidentId: string, e: Omit<IncidentEvent, 'seq'>): Promise<number> {
    const [last] = await q.query<{ seq: bigint | null }>(
      'SELECT MAX(seq) AS seq FROM afc_incident_events WHERE incident_id = $1',
      [incidentId],
    );
    const seq = Number(last?.seq ?? 0) + 1;
    await q.exec(
      `INSERT INTO afc_incident_events (incident_id, seq, at, actor, participant_id, action, status, grounds, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        incidentId,
        seq,
        e.at,
        e.actor,
        e.participantId,
        e.action,
        e.status,
        e.grounds,
        e.details ? JSON.stringify(e.details) : null,
      ],
    );
    return seq;
  },

  async history(q: Queryable, incidentId: string): Promise<IncidentEvent[]> {
    const rows = await q.query<{
      seq: bigint;
      at: string;
      actor: string;
      participant_id: string | null;
      action: string;
      status: string;
      grounds: string | null;
      details: string | null;
    }>('SELECT * FROM afc_incident_events WHERE incident_id = $1 ORDER BY seq', [incidentId]);
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: r.at,
      actor: r.actor,
      participantId: r.participant_id,
      action: r.action,
      status: r.status as IncidentStatus,
      grounds: r.grounds,
      details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
    }));
  },

  async addIdentifiers(q: Queryable, incidentId: string, ids: readonly { mac: string; kind: string }[]): Promise<void> {
    if (ids.length === 0) return;
    await q.exec(
      `INSERT INTO afc_incident_identifiers (incident_id, mac, kind) VALUES ${rowPlaceholders(ids.length, 3)}
       ON CONFLICT (incident_id, mac) DO NOTHING`,
      ids.flatMap((i) => [incidentId, i.mac, i.kind]),
    );
  },

  async identifiers(q: Queryable, incidentId: string): Promise<{ mac: string; kind: string }[]> {
    return q.query<{ mac: string; kind: string }>(
      'SELECT mac, kind FROM afc_incident_identifiers WHERE incident_id = $1 ORDER BY kind, mac',
      [incidentId],
    );
  },

  /** How many other cards name one of these identifiers. */
  async otherIncidents(q: Queryable, incidentId: string, macs: readonly string[]): Promise<number> {
    if (macs.length === 0) return 0;
    const [r] = await q.query<{ n: bigint }>(
      `SELECT COUNT(DISTINCT incident_id) AS n FROM afc_incident_identifiers
       WHERE mac IN (${inList(macs.length, 2)}) AND incident_id <> $1`,
      [incidentId, ...macs],
    );
    return Number(r?.n ?? 0);
  },

  // --- deadlines ---

  async addDeadlines(q: Queryable, incidentId: string, ds: readonly StepDeadline[]): Promise<void> {
    if (ds.length === 0) return;
    await q.exec(
      `INSERT INTO afc_incident_deadlines (incident_id, step, participant_id, due, done_at, escalated_at)
       VALUES ${rowPlaceholders(ds.length, 6)} ON CONFLICT (incident_id, step, participant_id) DO NOTHING`,
      ds.flatMap((d) => [incidentId, d.step, d.participantId ?? '', d.due, d.doneAt, d.escalatedAt]),
    );
  },

  async deadlines(q: Queryable, incidentId: string): Promise<StepDeadline[]> {
    const rows = await q.query<{
      step: string;
      participant_id: string;
      due: string;
      done_at: string | null;
      escalated_at: string | null;
    }>('SELECT * FROM afc_incident_deadlines WHERE incident_id = $1 ORDER BY due, step, participant_id', [incidentId]);
    return rows.map((r) => ({
      step: r.step as StepDeadline['step'],
      participantId: r.participant_id === '' ? null : r.participant_id,
      due: r.due,
      doneAt: r.done_at,
      escalatedAt: r.escalated_at,
    }));
  },

  /** Marks a step met; for law enforcement's decision, `participantId` is null. */
  async meetDeadline(
    q: Queryable,
    incidentId: string,
    step: StepDeadline['step'],
    participantId: string | null,
    at: string,
  ): Promise<void> {
    await q.exec(
      `UPDATE afc_incident_deadlines SET done_at = $1
       WHERE incident_id = $2 AND step = $3 AND participant_id = $4 AND done_at IS NULL`,
      [at, incidentId, step, participantId ?? ''],
    );
  },

  /** Marks a deadline escalated if nobody did meanwhile; false when it was. */
  async escalate(q: Queryable, incidentId: string, d: StepDeadline, at: string): Promise<boolean> {
    return (
      (await q.exec(
        `UPDATE afc_incident_deadlines SET escalated_at = $1
         WHERE incident_id = $2 AND step = $3 AND participant_id = $4 AND done_at IS NULL AND escalated_at IS NULL`,
        [at, incidentId, d.step, d.participantId ?? ''],
      )) === 1
    );
  },

  /** Cards with a deadline past due and neither met nor escalated. */
  async overdue(q: Queryable, now: string, limit: number): Promise<string[]> {
    const rows = await q.query<{ incident_id: string }>(
      `SELECT DISTINCT d.incident_id FROM afc_incident_deadlines d JOIN afc_incidents i ON i.id = d.incident_id
       WHERE d.done_at IS NULL AND d.escalated_at IS NULL AND d.due <= $1 AND i.status IN ('open', 'investigating')
       LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => r.incident_id);
  },

  // --- attachments and recoveries ---

  async addAttachment(q: Queryable, incidentId: string, a: AttachmentMeta, content: string): Promise<void> {
    await q.exec(
      `INSERT INTO afc_incident_attachments (id, incident_id, participant_id, filename, content_type, size, sha256,
         content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [a.id, incidentId, a.participantId, a.filename, a.contentType, a.size, a.sha256, content, a.createdAt],
    );
  },

  async attachments(q: Queryable, incidentId: string): Promise<AttachmentMeta[]> {
    const rows = await q.query<{
      id: string;
      participant_id: string;
      filename: string;
      content_type: string;
      size: bigint;
      sha256: string;
      created_at: string;
    }>(
      `SELECT id, participant_id, filename, content_type, size, sha256, created_at FROM afc_incident_attachments
       WHERE incident_id = $1 ORDER BY id`,
      [incidentId],
    );
    return rows.map((r) => ({
      id: r.id,
      participantId: r.participant_id,
      filename: r.filename,
      contentType: r.content_type,
      size: Number(r.size),
      sha256: r.sha256,
      createdAt: r.created_at,
    }));
  },

  async attachmentContent(
    q: Queryable,
    incidentId: string,
    id: string,
  ): Promise<{ filename: string; contentType: string; content: string } | undefined> {
    const [r] = await q.query<{ filename: string; content_type: string; content: string }>(
      'SELECT filename, content_type, content FROM afc_incident_attachments WHERE incident_id = $1 AND id = $2',
      [incidentId, id],
    );
    return r && { filename: r.filename, contentType: r.content_type, content: r.content };
  },

  async addRecovery(q: Queryable, incidentId: string, r: Recovery): Promise<boolean> {
    return (
      (await q.exec(
        `INSERT INTO afc_incident_recoveries (id, incident_id, participant_id, kind, amount, reference, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [r.id, incidentId, r.participantId, r.kind, r.amount, r.reference, r.at],
      )) === 1
    );
  },

  async recoveries(q: Queryable, incidentId: string): Promise<Recovery[]> {
    const rows = await q.query<{
      id: string;
      participant_id: string;
      kind: string;
      amount: bigint;
      reference: string | null;
      at: string;
    }>('SELECT * FROM afc_incident_recoveries WHERE incident_id = $1 ORDER BY at, id', [incidentId]);
    return rows.map((r) => ({
      id: r.id,
      participantId: r.participant_id,
      kind: r.kind as RecoveryKind,
      amount: BigInt(r.amount),
      reference: r.reference,
      at: r.at,
    }));
  },

  // --- the portal inbox ---

  async notify(
    q: Queryable,
    ns: readonly { id: string; participantId: string; incidentId: string; kind: string; summary: string; at: string }[],
  ): Promise<void> {
    if (ns.length === 0) return;
    await q.exec(
      `INSERT INTO afc_notifications (id, participant_id, incident_id, kind, summary, at, read_at)
       VALUES ${rowPlaceholders(ns.length, 7)}`,
      ns.flatMap((n) => [n.id, n.participantId, n.incidentId, n.kind, n.summary, n.at, null]),
    );
  },

  async inbox(
    q: Queryable,
    participantId: string,
    f: { unread?: boolean; after?: string; limit: number },
  ): Promise<Notification[]> {
    const where = new Conditions();
    where.and(`participant_id = ${where.bind(participantId)}`);
    if (f.unread) where.and('read_at IS NULL');
    if (f.after) where.and(`id < ${where.bind(f.after)}`);
    const rows = await q.query<{
      id: string;
      incident_id: string;
      kind: string;
      summary: string;
      at: string;
      read_at: string | null;
    }>(`SELECT * FROM afc_notifications ${where} ORDER BY id DESC LIMIT ${where.bind(f.limit)}`, where.args);
    return rows.map((r) => ({
      id: r.id,
      incidentId: r.incident_id,
      kind: r.kind,
      summary: r.summary,
      at: r.at,
      readAt: r.read_at,
    }));
  },

  async unreadCount(q: Queryable, participantId: string): Promise<number> {
    const [r] = await q.query<{ n: bigint }>(
      'SELECT COUNT(*) AS n FROM afc_notifications WHERE participant_id = $1 AND read_at IS NULL',
      [participantId],
    );
    return Number(r?.n ?? 0);
  },

  async markRead(q: Queryable, participantId: string, id: string, at: string): Promise<boolean> {
    const [r] = await q.query<{ id: string }>(
      'SELECT id FROM afc_notifications WHERE participant_id = $1 AND id = $2',
      [participantId, id],
    );
    if (!r) return false;
    await q.exec('UPDATE afc_notifications SET read_at = $1 WHERE id = $2 AND read_at IS NULL', [at, id]);
    return true;
  },
};

export interface StatsScope {
  from: string;
  to: string;
  /** Only cards this participant filed or is related to. */
  participantId?: string;
}

type Grouped = { key: string; key2?: string; count: bigint; amount: bigint | null };

/** The WHERE clause over `afc_incidents i` of a statistics scope. */
function scoped(s: StatsScope): Conditions {
  const where = new Conditions();
  where.and(`i.created_at >= ${where.bind(s.from)}`).and(`i.created_at < ${where.bind(s.to)}`);
  if (s.participantId) {
    const p = where.bind(s.participantId);
    where.and(
      `(i.reporter_id = ${p} OR i.id IN (SELECT incident_id FROM afc_incident_parties WHERE participant_id = ${p}))`,
    );
  }
  return where;
}

/** Aggregates for the statistics (AFC-6), filed between two instants, optionally one participant's. */
export const statisticsStore = {
  async groupBy(q: Queryable, s: StatsScope, expr: string, expr2?: string): Promise<Grouped[]> {
    const where = scoped(s);
    const keys = expr2 ? `${expr} AS key, ${expr2} AS key2` : `${expr} AS key`;
    const group = expr2 ? `${expr}, ${expr2}` : expr;
    return q.query<Grouped>(
      `SELECT ${keys}, COUNT(*) AS count, SUM(i.amount) AS amount FROM afc_incidents i ${where}
       GROUP BY ${group} ORDER BY ${group}`,
      where.args,
    );
  },

  async recovered(q: Queryable, s: StatsScope): Promise<{ kind: string; amount: bigint }[]> {
    const where = scoped(s);
    return q.query<{ kind: string; amount: bigint }>(
      `SELECT r.kind AS kind, SUM(r.amount) AS amount FROM afc_incident_recoveries r
       JOIN afc_incidents i ON i.id = r.incident_id ${where} GROUP BY r.kind ORDER BY r.kind`,
      where.args,
    );
  },
};
