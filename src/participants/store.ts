import type { Queryable } from '../platform/index.ts';
import type { Participant, ParticipantStatus, ParticipantType } from './domain/participant.ts';

interface ParticipantRow {
  id: string;
  name: string;
  type: string;
  status: string;
  bic: string | null;
  tax_id: string | null;
  bin_ranges: string;
  roles: string;
  created_at: string;
}

const toParticipant = (r: ParticipantRow): Participant => ({
  id: r.id,
  name: r.name,
  type: r.type as ParticipantType,
  status: r.status as ParticipantStatus,
  bic: r.bic,
  taxId: r.tax_id,
  binRanges: JSON.parse(r.bin_ranges),
  roles: JSON.parse(r.roles),
  createdAt: r.created_at,
});

export interface StaffUserRow {
  id: string;
  participant_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  totp_secret: string;
  roles: string;
  status: string;
  failed_logins: bigint;
}

export interface ApiClientRow {
  client_id: string;
  participant_id: string;
  public_jwk: string;
  certificate_pem: string;
  serial_number: string;
  not_after: string;
  status: string;
}

export interface WebhookRow {
  id: string;
  participant_id: string;
  url: string;
  events: string;
  secret: string;
  previous_secret: string | null;
  status: string;
  created_at: string;
}

/** SQL of the participants module; nothing else touches these tables. */
export const participantsStore = {
  async insert(q: Queryable, p: Participant): Promise<void> {
    await q.exec(
      `INSERT INTO participants (id, name, type, status, bic, tax_id, bin_ranges, roles, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
      [
        p.id,
        p.name,
        p.type,
        p.status,
        p.bic,
        p.taxId,
        JSON.stringify(p.binRanges),
        JSON.stringify(p.roles),
        p.createdAt,
      ],
    );
  },
  async get(q: Queryable, id: string): Promise<Participant | undefined> {
    const [r] = await q.query<ParticipantRow>('SELECT * FROM participants WHERE id = $1', [id]);
    return r && toParticipant(r);
  },
  async byBic(q: Queryable, bic: string): Promise<Participant | undefined> {
    const [r] = await q.query<ParticipantRow>('SELECT * FROM participants WHERE bic = $1', [bic]);
    return r && toParticipant(r);
  },
  async list(q: Queryable, f: { type?: string | undefined; status?: string | undefined }): Promise<Participant[]> {
    const rows = await q.query<ParticipantRow>(
      `SELECT * FROM participants WHERE ($1 = '' OR type = $1) AND ($2 = '' OR status = $2) ORDER BY created_at, id`,
      [f.type ?? '', f.status ?? ''],
    );
    return rows.map(toParticipant);
  },
  async setStatus(q: Queryable, id: string, status: ParticipantStatus, at: string): Promise<void> {
    await q.exec('UPDATE participants SET status = $1, updated_at = $2 WHERE id = $3', [status, at, id]);
  },
  async count(q: Queryable): Promise<{ participants: number; active: number; users: number }> {
    const [r] = await q.query<{ n: bigint; a: bigint; u: bigint }>(
      `SELECT (SELECT COUNT(*) FROM participants) AS n,
              (SELECT COUNT(*) FROM participants WHERE status = 'active') AS a,
              (SELECT COUNT(*) FROM staff_users) AS u`,
    );
    return { participants: Number(r?.n ?? 0n), active: Number(r?.a ?? 0n), users: Number(r?.u ?? 0n) };
  },

  async insertUser(q: Queryable, u: Omit<StaffUserRow, 'failed_logins'> & { created_at: string }): Promise<void> {
    await q.exec(
      `INSERT INTO staff_users (id, participant_id, username, display_name, password_hash, totp_secret, roles, status, failed_logins, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)`,
      [
        u.id,
        u.participant_id,
        u.username,
        u.display_name,
        u.password_hash,
        u.totp_secret,
        u.roles,
        u.status,
        u.created_at,
      ],
    );
  },
  async userByName(q: Queryable, username: string): Promise<StaffUserRow | undefined> {
    const [r] = await q.query<StaffUserRow>('SELECT * FROM staff_users WHERE username = $1', [username]);
    return r;
  },
  async userById(q: Queryable, id: string): Promise<StaffUserRow | undefined> {
    const [r] = await q.query<StaffUserRow>('SELECT * FROM staff_users WHERE id = $1', [id]);
    return r;
  },
  async setFailedLogins(q: Queryable, id: string, n: bigint, status: string): Promise<void> {
    await q.exec('UPDATE staff_users SET failed_logins = $1, status = $2 WHERE id = $3', [n, status, id]);
  },

  async insertSession(q: Queryable, tokenHash: string, userId: string, at: string, expiresAt: string): Promise<void> {
    await q.exec('INSERT INTO staff_sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
      tokenHash,
      userId,
      at,
      expiresAt,
    ]);
  },
  async session(q: Queryable, tokenHash: string): Promise<{ user_id: string; expires_at: string } | undefined> {
    const [r] = await q.query<{ user_id: string; expires_at: string }>(
      'SELECT user_id, expires_at FROM staff_sessions WHERE token_hash = $1',
      [tokenHash],
    );
    return r;
  },
  async deleteSession(q: Queryable, tokenHash: string): Promise<void> {
    await q.exec('DELETE FROM staff_sessions WHERE token_hash = $1', [tokenHash]);
  },

  async insertClient(q: Queryable, c: ApiClientRow & { created_at: string }): Promise<void> {
    await q.exec(
      `INSERT INTO api_clients (client_id, participant_id, public_jwk, certificate_pem, serial_number, not_after, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        c.client_id,
        c.participant_id,
        c.public_jwk,
        c.certificate_pem,
        c.serial_number,
        c.not_after,
        c.status,
        c.created_at,
      ],
    );
  },
  async client(q: Queryable, clientId: string): Promise<ApiClientRow | undefined> {
    const [r] = await q.query<ApiClientRow>('SELECT * FROM api_clients WHERE client_id = $1', [clientId]);
    return r;
  },
  async clientsOf(q: Queryable, participantId: string): Promise<ApiClientRow[]> {
    return q.query<ApiClientRow>('SELECT * FROM api_clients WHERE participant_id = $1 ORDER BY created_at', [
      participantId,
    ]);
  },

  async insertWebhook(q: Queryable, w: WebhookRow): Promise<void> {
    await q.exec(
      `INSERT INTO webhook_endpoints (id, participant_id, url, events, secret, previous_secret, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [w.id, w.participant_id, w.url, w.events, w.secret, w.previous_secret, w.status, w.created_at],
    );
  },
  async webhooksOf(q: Queryable, participantId: string): Promise<WebhookRow[]> {
    return q.query<WebhookRow>('SELECT * FROM webhook_endpoints WHERE participant_id = $1 ORDER BY created_at, id', [
      participantId,
    ]);
  },
  async webhook(q: Queryable, id: string): Promise<WebhookRow | undefined> {
    const [r] = await q.query<WebhookRow>('SELECT * FROM webhook_endpoints WHERE id = $1', [id]);
    return r;
  },
  async disableWebhook(q: Queryable, id: string): Promise<void> {
    await q.exec(`UPDATE webhook_endpoints SET status = 'disabled' WHERE id = $1`, [id]);
  },
  async rotateWebhookSecret(q: Queryable, id: string, secret: string): Promise<void> {
    await q.exec('UPDATE webhook_endpoints SET previous_secret = secret, secret = $1 WHERE id = $2', [secret, id]);
  },
};
