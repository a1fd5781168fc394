import { createHash, randomBytes } from 'node:crypto';
import {
  appendAudit,
  type Clock,
  type Db,
  DomainError,
  hashPassword,
  type IdGenerator,
  invalid,
  newTotpSecret,
  newWebhookSecret,
  notFound,
  type PlatformCa,
  type Principal,
  type Queryable,
  recordEvent,
  totpUri,
  verifyPassword,
  verifyTotp,
} from '../platform/index.ts';
import {
  assertMayChangeStatus,
  nextStatus,
  type Participant,
  type ParticipantInput,
  type StatusAction,
  validateParticipantInput,
} from './domain/participant.ts';
import { type StaffUserRow, participantsStore as store, type WebhookRow } from './store.ts';

export interface StaffUser {
  id: string;
  participantId: string;
  username: string;
  displayName: string;
  roles: string[];
  status: string;
}

export interface Me {
  user: { id: string; username: string; displayName: string; roles: string[] };
  participant: { id: string; name: string; type: string; bic: string | null };
}

export interface Webhook {
  id: string;
  participantId: string;
  url: string;
  events: string[];
  status: string;
  createdAt: string;
}

/** Who a change is attributed to in the audit log. */
export interface Actor {
  id: string;
  participantId?: string;
}

export const STAFF_ROLES = ['admin', 'user', 'viewer'] as const;
const MAX_FAILED_LOGINS = 5n;
const SESSION_HOURS = 8;
const OVERSIGHT = ['operator', 'central_bank', 'regulator'];

const hashToken = (t: string): string => createHash('sha256').update(t).digest('hex');

const toUser = (r: StaffUserRow): StaffUser => ({
  id: r.id,
  participantId: r.participant_id,
  username: r.username,
  displayName: r.display_name,
  roles: JSON.parse(r.roles),
  status: r.status,
});

const toWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  participantId: r.participant_id,
  url: r.url,
  events: JSON.parse(r.events),
  status: r.status,
  createdAt: r.created_at,
});

/** A precomputed hash, so an unknown username costs the same time as a wrong password. */
let dummyHash: Promise<string> | undefined;

export class ParticipantsService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly ca: PlatformCa;
  private readonly cache = new Map<string, { p: Participant; until: number }>();
  private readonly bicCache = new Map<string, { p: Participant; until: number }>();
  private readonly webhookListeners: ((participantId: string) => void)[] = [];

  constructor(deps: { db: Db; clock: Clock; ids: IdGenerator; ca: PlatformCa }) {
    this.db = deps.db;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.ca = deps.ca;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private async audit(tx: Queryable, actor: Actor, action: string, entityId: string, details: unknown): Promise<void> {
    await appendAudit(tx, { actor: actor.id, action, entity: 'participant', entityId, details }, this.clock);
  }

  async register(actor: Actor, input: ParticipantInput): Promise<Participant> {
    const v = validateParticipantInput(input);
    const p: Participant = { ...v, id: this.ids.next('ptc'), status: 'active', createdAt: this.now() };
    return this.db.transaction(async (tx) => {
      if (p.bic && (await store.byBic(tx, p.bic)))
        throw new DomainError('conflict', `BIC ${p.bic} is already registered`);
      await store.insert(tx, p);
      await this.audit(tx, actor, 'participant.registered', p.id, p);
      await recordEvent(tx, { type: 'participants.registered', key: p.id, data: p }, this.ids, this.clock);
      return p;
    });
  }

  async changeStatus(actor: Actor, id: string, action: StatusAction, reason: string): Promise<Participant> {
    const updated = await this.db.transaction(async (tx) => {
      const p = await store.get(tx, id);
      if (!p) throw notFound('participant');
      assertMayChangeStatus(p);
      const status = nextStatus(p.status, action, reason);
      await store.setStatus(tx, id, status, this.now());
      await this.audit(tx, actor, `participant.${action}`, id, { from: p.status, to: status, reason });
      await recordEvent(
        tx,
        { type: 'participants.status_changed', key: id, data: { id, from: p.status, to: status, reason } },
        this.ids,
        this.clock,
      );
      return { ...p, status };
    });
    this.cache.delete(id);
    if (updated.bic) this.bicCache.delete(updated.bic);
    return updated;
  }

  list(filter: { type?: string; status?: string } = {}): Promise<Participant[]> {
    return store.list(this.db, filter);
  }

  /** A participant sees itself; oversight roles see everyone; anyone else gets "not found", never "forbidden". */
  async get(principal: Principal, id: string): Promise<Participant> {
    if (id !== principal.participantId && !principal.roles.some((r) => OVERSIGHT.includes(r))) {
      throw notFound('participant');
    }
    const p = await store.get(this.db, id);
    if (!p) throw notFound('participant');
    return p;
  }

  async getById(id: string): Promise<Participant | undefined> {
    return store.get(this.db, id);
  }

  /** By BIC, as fresh as `cached`: settlement systems ask for every payment. */
  async byBic(bic: string): Promise<Participant | undefined> {
    const hit = this.bicCache.get(bic);
    const now = this.clock.nowMs();
    if (hit && hit.until > now) return hit.p;
    const p = await store.byBic(this.db, bic);
    if (p) this.bicCache.set(bic, { p, until: now + 1000 });
    return p;
  }

  /** Status changes take effect within a second across every process sharing the database. */
  async cached(id: string): Promise<Participant | undefined> {
    const hit = this.cache.get(id);
    const now = this.clock.nowMs();
    if (hit && hit.until > now) return hit.p;
    const p = await store.get(this.db, id);
    if (p) this.cache.set(id, { p, until: now + 1000 });
    return p;
  }

  counts() {
    return store.count(this.db);
  }

  // --- staff users and portal sessions ---

  async addUser(
    actor: Actor,
    input: { participantId: string; username: string; displayName: string; password: string; roles: string[] },
  ): Promise<{ user: StaffUser; totpSecret: string; totpUri: string }> {
    if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(input.username)) {
      throw invalid('/username', 'must be 3-64 characters: lower-case letters, digits, dot, dash, underscore');
    }
    if (input.password.length < 12) throw invalid('/password', 'must be at least 12 characters');
    for (const [i, r] of input.roles.entries()) {
      if (!(STAFF_ROLES as readonly string[]).includes(r))
        throw invalid(`/roles/${i}`, `must be one of ${STAFF_ROLES.join(', ')}`);
    }
    const totpSecret = newTotpSecret();
    const passwordHash = await hashPassword(input.password);
    const user = await this.db.transaction(async (tx) => {
      const p = await store.get(tx, input.participantId);
      if (!p) throw invalid('/participantId', 'no such participant');
      if (await store.userByName(tx, input.username)) throw new DomainError('conflict', 'username is taken');
      const row = {
        id: this.ids.next('usr'),
        participant_id: p.id,
        username: input.username,
        display_name: input.displayName,
        password_hash: passwordHash,
        totp_secret: totpSecret,
        roles: JSON.stringify(input.roles),
        status: 'active',
        created_at: this.now(),
      };
      await store.insertUser(tx, row);
      await appendAudit(
        tx,
        {
          actor: actor.id,
          action: 'user.added',
          entity: 'staff_user',
          entityId: row.id,
          details: { ...row, password_hash: undefined, totp_secret: undefined },
        },
        this.clock,
      );
      return toUser({ ...row, failed_logins: 0n });
    });
    return { user, totpSecret, totpUri: totpUri({ secret: totpSecret, account: input.username, issuer: 'NDFI' }) };
  }

  /** Password + TOTP; five failures lock the account; one message for every failure. */
  async login(username: string, password: string, totp: string): Promise<{ token: string; me: Me; expiresAt: Date }> {
    const fail = new DomainError('unauthorized', 'invalid username, password or one-time code');
    const row = await store.userByName(this.db, username);
    if (!row) {
      dummyHash ??= hashPassword('not-a-real-password');
      await verifyPassword(password, await dummyHash);
      throw fail;
    }
    if (row.status !== 'active')
      throw new DomainError('unauthorized', 'this account is locked; ask your administrator');
    const ok =
      (await verifyPassword(password, row.password_hash)) && verifyTotp(row.totp_secret, totp, this.clock.now());
    if (!ok) {
      const n = row.failed_logins + 1n;
      await this.db.transaction(async (tx) => {
        await store.setFailedLogins(tx, row.id, n, n >= MAX_FAILED_LOGINS ? 'locked' : 'active');
        await appendAudit(
          tx,
          {
            actor: row.id,
            action: 'user.login_failed',
            entity: 'staff_user',
            entityId: row.id,
            details: { attempts: n },
          },
          this.clock,
        );
      });
      throw fail;
    }
    const p = await store.get(this.db, row.participant_id);
    if (!p || p.status === 'blocked')
      throw new DomainError('unauthorized', 'your organization is blocked on the platform');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock.nowMs() + SESSION_HOURS * 3600_000);
    await this.db.transaction(async (tx) => {
      if (row.failed_logins !== 0n) await store.setFailedLogins(tx, row.id, 0n, 'active');
      await store.insertSession(tx, hashToken(token), row.id, this.now(), expiresAt.toISOString());
      await appendAudit(
        tx,
        { actor: row.id, action: 'user.login', entity: 'staff_user', entityId: row.id, details: {} },
        this.clock,
      );
    });
    return { token, expiresAt, me: this.me(toUser(row), p) };
  }

  me(user: StaffUser, p: Participant): Me {
    return {
      user: { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles },
      participant: { id: p.id, name: p.name, type: p.type, bic: p.bic },
    };
  }

  async logout(token: string): Promise<void> {
    await store.deleteSession(this.db, hashToken(token));
  }

  /** The staff member behind a session cookie, or undefined when it is unknown, expired or its organization blocked. */
  async sessionPrincipal(token: string): Promise<{ principal: Principal; me: Me } | undefined> {
    const s = await store.session(this.db, hashToken(token));
    if (!s || Date.parse(s.expires_at) <= this.clock.nowMs()) return undefined;
    const row = await store.userById(this.db, s.user_id);
    if (row?.status !== 'active') return undefined;
    const p = await this.cached(row.participant_id);
    if (!p || p.status === 'blocked') return undefined;
    const user = toUser(row);
    return {
      principal: {
        participantId: p.id,
        participantType: p.type,
        roles: [...p.roles, ...user.roles.map((r) => `staff:${r}`)],
        via: 'session',
        userId: user.id,
        suspended: p.status === 'suspended',
      },
      me: this.me(user, p),
    };
  }

  // --- API clients (OAuth 2.0 private_key_jwt with certified keys) ---

  async registerApiClient(
    actor: Actor,
    participantId: string,
    publicJwk: JsonWebKey,
  ): Promise<{ clientId: string; certificatePem: string; notAfter: string }> {
    const p = await store.get(this.db, participantId);
    if (!p) throw notFound('participant');
    if (publicJwk.kty !== 'EC' || publicJwk.crv !== 'P-256' || !publicJwk.x || !publicJwk.y || 'd' in publicJwk) {
      throw invalid('/publicKeyJwk', 'must be a public EC P-256 JWK (kty EC, crv P-256, x, y; no private part)');
    }
    const clientId = this.ids.next('cli');
    const cert = await this.ca.issue({
      participantId: p.id,
      commonName: clientId,
      organization: p.name,
      publicKeyJwk: publicJwk,
      validityDays: 365,
    });
    await this.db.transaction(async (tx) => {
      await store.insertClient(tx, {
        client_id: clientId,
        participant_id: p.id,
        public_jwk: JSON.stringify({ kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y }),
        certificate_pem: cert.pem,
        serial_number: cert.serialNumber,
        not_after: cert.notAfter.toISOString(),
        status: 'active',
        created_at: this.now(),
      });
      await appendAudit(
        tx,
        {
          actor: actor.id,
          action: 'api_client.registered',
          entity: 'api_client',
          entityId: clientId,
          details: { participantId, serial: cert.serialNumber },
        },
        this.clock,
      );
    });
    return { clientId, certificatePem: cert.pem, notAfter: cert.notAfter.toISOString() };
  }

  /** For the authorization server: a client exists only while its certificate is valid. */
  async findClient(clientId: string) {
    const c = await store.client(this.db, clientId);
    if (c?.status !== 'active' || Date.parse(c.not_after) <= this.clock.nowMs()) return undefined;
    const p = await this.cached(c.participant_id);
    if (!p) return undefined;
    const jwk = JSON.parse(c.public_jwk);
    return {
      clientId,
      participantId: p.id,
      status: p.status,
      jwks: { keys: [{ ...jwk, kid: clientId, alg: 'ES256', use: 'sig' }] },
      scopes: p.roles,
    };
  }

  // --- webhooks ---

  /**
   * Called once a participant's webhook endpoints changed (added, disabled, a new secret) and committed: the
   * senders that keep endpoints for a moment (IPS deliveries, webhooks) forget theirs at once.
   */
  onWebhooksChanged(listener: (participantId: string) => void): void {
    this.webhookListeners.push(listener);
  }

  private webhooksChanged(participantId: string): void {
    for (const l of this.webhookListeners) l(participantId);
  }

  async addWebhook(
    principal: Principal,
    input: { url: string; events: string[] },
  ): Promise<Webhook & { secret: string }> {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw invalid('/url', 'must be an absolute URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('/url', 'must be http(s)');
    const secret = newWebhookSecret();
    const row: WebhookRow = {
      id: this.ids.next('whk'),
      participant_id: principal.participantId,
      url: url.toString(),
      events: JSON.stringify(input.events),
      secret,
      previous_secret: null,
      status: 'active',
      created_at: this.now(),
    };
    await this.db.transaction(async (tx) => {
      await store.insertWebhook(tx, row);
      await appendAudit(
        tx,
        {
          actor: principal.userId ?? principal.clientId ?? principal.participantId,
          action: 'webhook.added',
          entity: 'webhook',
          entityId: row.id,
          details: { url: row.url, events: input.events },
        },
        this.clock,
      );
    });
    this.webhooksChanged(principal.participantId);
    return { ...toWebhook(row), secret };
  }

  async webhooks(participantId: string): Promise<Webhook[]> {
    return (await store.webhooksOf(this.db, participantId)).map(toWebhook);
  }

  /** Stops deliveries to an endpoint; it stays listed as disabled for the record. */
  async disableWebhook(principal: Principal, id: string): Promise<Webhook> {
    const w = await store.webhook(this.db, id);
    if (!w || w.participant_id !== principal.participantId) throw notFound('webhook');
    await this.db.transaction(async (tx) => {
      await store.disableWebhook(tx, id);
      await appendAudit(
        tx,
        {
          actor: principal.userId ?? principal.clientId ?? principal.participantId,
          action: 'webhook.disabled',
          entity: 'webhook',
          entityId: id,
          details: {},
        },
        this.clock,
      );
    });
    this.webhooksChanged(w.participant_id);
    return toWebhook({ ...w, status: 'disabled' });
  }

  /** New secret now; the previous one stays valid for verification until the next rotation. */
  async rotateWebhookSecret(principal: Principal, id: string): Promise<{ id: string; secret: string }> {
    const w = await store.webhook(this.db, id);
    if (!w || w.participant_id !== principal.participantId) throw notFound('webhook');
    const secret = newWebhookSecret();
    await this.db.transaction(async (tx) => {
      await store.rotateWebhookSecret(tx, id, secret);
      await appendAudit(
        tx,
        {
          actor: principal.userId ?? principal.participantId,
          action: 'webhook.secret_rotated',
          entity: 'webhook',
          entityId: id,
          details: {},
        },
        this.clock,
      );
    });
    this.webhooksChanged(w.participant_id);
    return { id, secret };
  }

  /** Signing secrets of a participant's endpoints, for the webhook sender. */
  async webhookTargets(
    participantId: string,
    eventType: string,
  ): Promise<{ id: string; url: string; secret: string }[]> {
    return (await store.webhooksOf(this.db, participantId))
      .filter((w) => w.status === 'active')
      .filter((w) => {
        const ev: string[] = JSON.parse(w.events);
        return ev.length === 0 || ev.includes('*') || ev.includes(eventType);
      })
      .map((w) => ({ id: w.id, url: w.url, secret: w.secret }));
  }
}
