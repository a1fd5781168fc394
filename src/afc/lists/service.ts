import {
  type AuditEntry,
  appendAudit,
  auditedList,
  type Clock,
  type Db,
  DomainError,
  enqueueWebhook,
  type IdGenerator,
  invalid,
  type Logger,
  notFound,
  type Principal,
  type Queryable,
  recordEvent,
  ulidGenerator,
} from '../../platform/index.ts';
import { type IdentifierKind, isIdentifierKind, normalizeMac } from '../domain/identifiers.ts';
import {
  assertMayChange,
  DECISION_OF,
  type Decision,
  effectiveStatus,
  expiryMs,
  LIST_STATUSES,
  LIST_WRITERS,
  type ListStatus,
  validExpiry,
  validReason,
  validSource,
} from '../domain/lists.ts';
import { normalizePersonName } from '../domain/names.ts';
import { type IdentifierMac, loadOrCreateMacKey, normalize } from '../identifiers.ts';
import { ListIndex } from './memory-index.ts';
import { type ChangeRecord, type EntryRecord, listStore as store } from './store.ts';

/** An identifier as callers give it: its kind and either the value (normalised here) or its MAC. */
export interface IdentifierInput {
  kind: string;
  value?: string;
  mac?: string;
  /** The holder's name as the reporter knows it (optional; compared fuzzily when screening). */
  holderName?: string;
}

export interface EntryInput extends IdentifierInput {
  status: ListStatus;
  /** Incident id, decision number…: one entry per identifier and source. */
  source: string;
  reason?: string;
  /** ISO 8601 instant; the entry stops counting then. Absent: no expiry. */
  expiresAt?: string | null;
}

/** Who changes or reads the lists: the audit actor, the participant and its roles. */
export interface ListActor {
  actor: string;
  participantId: string;
  roles: readonly string[];
}

/** The platform itself (the incident workflow, the expiry sweep). */
export const SYSTEM_ACTOR = 'afc';

/** An entry as a reader sees it: MAC-only readers get no value, name, source or reason. */
export interface ListEntryView {
  id: string;
  kind: IdentifierKind;
  mac: string;
  status: ListStatus;
  expiresAt: string | null;
  version: number;
  updatedAt: string;
  value?: string | null;
  holderName?: string | null;
  source?: string;
  reason?: string;
}

export interface ListChangeView {
  version: number;
  op: 'upsert' | 'remove';
  entryId: string;
  kind: IdentifierKind;
  mac: string;
  status: ListStatus;
  expiresAt: string | null;
  at: string;
  value?: string | null;
  holderName?: string | null;
  source?: string;
  reason?: string;
  actor?: string;
}

/** What a change of the lists did: the versions it took (none when nothing changed) and the entries. */
export interface ListWriteResult {
  /** The list version after the write (the last one it took, or the current one when nothing changed). */
  version: number;
  /** Versions taken, oldest first: one per changed entry. */
  fromVersion: number | null;
  count: number;
  entries: ListEntryView[];
}

export interface AfcListsOptions {
  /** How often to look for changes committed by other processes (or in callers' transactions), ms. Default 250. */
  pollMs?: number;
  /** Entries per page of the full download and the delta feed, at most. Default 10,000. */
  maxPage?: number;
  /** How often expired entries are removed (as changes), ms; 0 turns the sweep off. Default 60,000. */
  sweepMs?: number;
}

export interface AfcListsDeps {
  db: Db;
  clock: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  /**
   * Participants told of every change by an `afc.list.changed` webhook (those receiving the lists). Read
   * outside transactions and kept for 10 s: a change in a caller's transaction uses the list last read.
   */
  recipients?: () => Promise<string[]>;
  options?: AfcListsOptions;
}

/** Roles that read raw identifiers, names, sources and reasons (law enforcement, oversight). */
export const RAW_READERS = ['fraud_decider', 'oversight'];
/** Roles that receive the lists (MAC only unless also a raw reader). */
export const LIST_READERS = ['fraud_reporter', ...RAW_READERS];

export const mayReadRaw = (roles: readonly string[]): boolean => RAW_READERS.some((r) => roles.includes(r));

/** An actor from an HTTP principal: the user, else the API client, else the participant. */
export const listActorOf = (p: Principal): ListActor => ({
  actor: p.userId ?? p.clientId ?? p.participantId,
  participantId: p.participantId,
  roles: p.roles,
});

const MAX_BATCH = 10_000;
const LOAD_PAGE = 20_000;

interface Resolved {
  kind: IdentifierKind;
  mac: string;
  value: string | null;
  holderName: string | null;
}

interface Planned {
  op: 'upsert' | 'remove';
  entry: EntryRecord;
}

/**
 * The suspects and fraudsters lists (AFC-5): entries by identifier MAC and source, a versioned change log
 * for the delta feed, and the in-memory index screening reads.
 *
 * Every change appends its audit entry, takes the next versions, writes the entries and the change log and
 * records an `afc.list.changed` event, all in one transaction. The audit entry comes first: its lock
 * (PostgreSQL) is held to commit, so the version row is always locked after it — in the platform's own
 * transactions and in the incident workflow's alike — and versions commit in the order they were taken.
 * The index is fed from the change log only (after the platform's own commits, on a poll for other
 * processes), so every process converges on the same state in version order.
 */
export class AfcLists {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly logger: Logger | undefined;
  private readonly recipients: (() => Promise<string[]>) | undefined;
  private readonly pollMs: number;
  private readonly sweepMs: number;
  readonly maxPage: number;
  private recipientIds: string[] = [];
  private recipientsAt = Number.NEGATIVE_INFINITY;
  readonly index = new ListIndex();
  private key: IdentifierMac | undefined;
  private applied = 0;
  /** The highest version written in a caller's transaction not yet seen committed. */
  private wanted = 0;
  private pending: Promise<void> | undefined;
  private running: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();
  private started = false;
  private stopped = false;

  constructor(d: AfcListsDeps) {
    this.db = d.db;
    this.clock = d.clock;
    this.ids = d.ids ?? ulidGenerator(d.clock);
    this.logger = d.logger;
    this.recipients = d.recipients;
    this.pollMs = d.options?.pollMs ?? 250;
    this.maxPage = d.options?.maxPage ?? 10_000;
    this.sweepMs = d.options?.sweepMs ?? 60_000;
  }

  /** The MAC key (after `start`). */
  get mac(): IdentifierMac {
    if (!this.key) throw new DomainError('unavailable', 'the AFC lists are not started');
    return this.key;
  }

  /** The list version the in-memory index reflects. */
  get version(): number {
    return this.applied;
  }

  /**
   * Loads the MAC key and the lists into memory, then follows the change log: after every commit that
   * wrote list changes in a caller's transaction, and every `pollMs` for other processes.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.key = await loadOrCreateMacKey(this.db, this.clock);
    const from = await store.head(this.db);
    const nowMs = this.clock.nowMs();
    let after: string | undefined;
    for (;;) {
      const rows = await store.page(this.db, after, LOAD_PAGE);
      for (const e of rows) {
        if (expiryMs(e.expiresAt) <= nowMs) continue;
        this.index.apply({ op: 'upsert', entryId: e.id, ...e });
      }
      if (rows.length < LOAD_PAGE) break;
      after = rows[rows.length - 1]!.id;
    }
    // entries changed while loading are replayed from the change log: the index converges
    this.applied = from;
    this.started = true;
    await this.sync();
    this.db.onCommit(() => {
      if (!this.stopped && this.wanted > this.applied) void this.sync().catch(() => {});
    });
    if (this.pollMs > 0) {
      this.timer = setInterval(() => {
        this.sync().catch((err) => this.logger?.error({ err }, 'AFC list catch-up failed'));
      }, this.pollMs);
      this.timer.unref();
    }
    if (this.sweepMs > 0) {
      this.sweeper = setInterval(() => {
        this.sweeping = this.purgeExpired().catch((err) => this.logger?.error({ err }, 'AFC list expiry failed'));
      }, this.sweepMs);
      this.sweeper.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.sweeper) clearInterval(this.sweeper);
    this.timer = undefined;
    this.sweeper = undefined;
    await this.sweeping;
    await this.running;
  }

  /**
   * Brings the index up to the committed change log. Calls coalesce: a catch-up that has not started yet
   * serves everyone who asks before it starts, so a caller always gets one that began after its call.
   */
  sync(): Promise<void> {
    if (!this.started) return Promise.resolve();
    if (this.pending) return this.pending;
    const p = this.running.then(() => {
      this.pending = undefined;
      return this.catchUp();
    });
    this.pending = p;
    this.running = p.catch(() => {});
    return p;
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const rows = await store.changesSince(this.db, this.applied, 5000);
      for (const c of rows) {
        this.index.apply(c);
        this.applied = c.version;
      }
      if (rows.length < 5000) break;
    }
    if (this.wanted <= this.applied) this.wanted = 0;
  }

  // --- identifiers ---

  private resolve(input: IdentifierInput, field: string): Resolved {
    if (typeof input !== 'object' || input === null) throw invalid(field, 'must be an identifier');
    if (!isIdentifierKind(input.kind)) throw invalid(`${field}/kind`, 'is not a known identifier kind');
    const kind = input.kind;
    if (input.value !== undefined && input.mac !== undefined)
      throw invalid(field, 'give the value or its MAC, not both');
    let value: string | null = null;
    let mac: string;
    if (input.value !== undefined) {
      value = normalize(kind, input.value, `${field}/value`);
      mac = this.mac.of(kind, value);
    } else if (input.mac !== undefined) {
      if (kind === 'name') throw invalid(`${field}/value`, 'a name is listed by its value (it is compared fuzzily)');
      mac = normalizeMac(input.mac, `${field}/mac`);
    } else {
      throw invalid(`${field}/value`, 'the value (or its MAC) is required');
    }
    let holderName: string | null = null;
    if (input.holderName !== undefined) {
      if (kind === 'name') throw invalid(`${field}/holderName`, 'a name entry is its own holder name');
      holderName = normalizePersonName(input.holderName, `${field}/holderName`);
    }
    return { kind, mac, value, holderName };
  }

  /** The MAC of an identifier given raw (normalised first), as the lists key it. */
  macOf(kind: IdentifierKind, value: string, field = '/value'): string {
    return this.mac.of(kind, normalize(kind, value, field));
  }

  // --- changes ---

  /**
   * Adds or refreshes entries (operator, law enforcement): one per identifier and source; an existing one
   * takes the new status, reason, expiry and holder name. Confirmed entries are law enforcement's.
   * Unchanged entries take no version. Up to 10,000 per call, all or nothing.
   */
  async addEntries(actor: ListActor, inputs: readonly EntryInput[]): Promise<ListWriteResult> {
    if (!Array.isArray(inputs) || inputs.length === 0) throw invalid('/entries', 'at least one entry');
    if (inputs.length > MAX_BATCH) throw invalid('/entries', `at most ${MAX_BATCH} entries per request`);
    const nowMs = this.clock.nowMs();
    const seen = new Map<string, number>();
    const wanted = inputs.map((input, i) => {
      const field = `/entries/${i}`;
      if (!(LIST_STATUSES as readonly string[]).includes(input.status))
        throw invalid(`${field}/status`, `must be one of ${LIST_STATUSES.join(', ')}`);
      assertMayChange(actor.roles, input.status);
      const r = this.resolve(input, field);
      const source = validSource(input.source, `${field}/source`);
      const reason = validReason(input.reason, `${field}/reason`, input.status === 'allowed');
      const expiresAt = validExpiry(input.expiresAt, `${field}/expiresAt`, nowMs);
      const key = `${r.mac}\u0000${source}`;
      const dup = seen.get(key);
      if (dup !== undefined) throw invalid(field, `lists the same identifier for the same source as /entries/${dup}`);
      seen.set(key, i);
      return { ...r, status: input.status, source, reason, expiresAt };
    });
    return this.change(undefined, actor.actor, 'afc.list.entries_added', wanted, async (tx) => {
      const existing = keyed(
        await store.byMacs(
          tx,
          wanted.map((w) => w.mac),
        ),
      );
      const out: Planned[] = [];
      for (const w of wanted) {
        const old = existing.get(`${w.mac}\u0000${w.source}`);
        if (old && old.status !== w.status) assertMayChange(actor.roles, old.status);
        const next = this.next(old, w, actor.actor);
        if (next) out.push({ op: 'upsert', entry: next });
      }
      return out;
    });
  }

  /**
   * An override (operator, law enforcement): the identifier is explicitly allowed, with a mandatory reason.
   * It clears the identifier's holder of name resemblance; it never outranks a suspect or confirmed listing.
   */
  async override(
    actor: ListActor,
    input: IdentifierInput & { reason?: string; expiresAt?: string | null; source?: string },
  ): Promise<ListWriteResult> {
    assertMayChange(actor.roles, 'allowed');
    const reason = validReason(input.reason, '/reason', true);
    const source = validSource(input.source ?? `override:${actor.participantId}`, '/source');
    const expiresAt = validExpiry(input.expiresAt, '/expiresAt', this.clock.nowMs());
    const r = this.resolve(input, '');
    const w = { ...r, status: 'allowed' as const, source, reason, expiresAt };
    return this.change(undefined, actor.actor, 'afc.list.overridden', [w], async (tx) => {
      const old = keyed(await store.byMacs(tx, [w.mac])).get(`${w.mac}\u0000${source}`);
      if (old && old.status !== 'allowed') assertMayChange(actor.roles, old.status);
      const next = this.next(old, w, actor.actor);
      return next ? [{ op: 'upsert', entry: next }] : [];
    });
  }

  /** Removes one entry (identifier and source), with a mandatory reason; 404 when there is none. */
  async remove(
    actor: ListActor,
    input: IdentifierInput & { source: string; reason?: string },
  ): Promise<ListWriteResult> {
    if (!LIST_WRITERS.some((r) => actor.roles.includes(r)))
      throw new DomainError('forbidden', `your role may not change the lists (needs ${LIST_WRITERS.join(' or ')})`);
    const reason = validReason(input.reason, '/reason', true);
    const source = validSource(input.source, '/source');
    const r = this.resolve(input, '');
    return this.change(undefined, actor.actor, 'afc.list.entry_removed', [{ mac: r.mac, source }], async (tx) => {
      const old = keyed(await store.byMacs(tx, [r.mac])).get(`${r.mac}\u0000${source}`);
      if (!old) throw notFound('list entry');
      assertMayChange(actor.roles, old.status);
      return [{ op: 'remove', entry: { ...old, reason, updatedBy: actor.actor } }];
    });
  }

  /**
   * For the incident workflow: puts identifiers on the suspects list for `source` (the incident), in the
   * caller's transaction when it gives one (the index follows once it commits) or in its own. An identifier
   * this source already had confirmed stays confirmed.
   */
  async addSuspects(
    tx: Queryable | undefined,
    identifiers: readonly IdentifierInput[],
    opts: { source: string; reason: string; actor?: string; expiresAt?: string | null },
  ): Promise<ListWriteResult> {
    if (!Array.isArray(identifiers) || identifiers.length === 0) throw invalid('/identifiers', 'at least one');
    if (identifiers.length > MAX_BATCH) throw invalid('/identifiers', `at most ${MAX_BATCH}`);
    const source = validSource(opts.source, '/source');
    const reason = validReason(opts.reason, '/reason', false, 'suspected in an incident');
    const expiresAt = validExpiry(opts.expiresAt, '/expiresAt', this.clock.nowMs());
    const actor = opts.actor ?? SYSTEM_ACTOR;
    const byMac = new Map<string, Resolved>();
    identifiers.forEach((id, i) => {
      const r = this.resolve(id, `/identifiers/${i}`);
      byMac.set(r.mac, { ...r, holderName: r.holderName ?? byMac.get(r.mac)?.holderName ?? null });
    });
    const wanted = [...byMac.values()].map((r) => ({ ...r, status: 'suspect' as const, source, reason, expiresAt }));
    return this.change(tx, actor, 'afc.list.suspects_added', wanted, async (t) => {
      const existing = keyed(await store.byMacs(t, [...byMac.keys()]));
      const out: Planned[] = [];
      for (const w of wanted) {
        const old = existing.get(`${w.mac}\u0000${source}`);
        if (old?.status === 'confirmed') continue;
        const next = this.next(old, w, actor);
        if (next) out.push({ op: 'upsert', entry: next });
      }
      return out;
    });
  }

  /** Law enforcement decided "fraud" on `source`: its suspects move to the fraudsters list. */
  async confirmFraud(
    source: string,
    opts: { tx?: Queryable; actor?: string; reason?: string; expiresAt?: string | null } = {},
  ): Promise<ListWriteResult> {
    const src = validSource(source, '/source');
    const reason = validReason(opts.reason, '/reason', false, 'fraud confirmed');
    const expiresAt = validExpiry(opts.expiresAt, '/expiresAt', this.clock.nowMs());
    const actor = opts.actor ?? SYSTEM_ACTOR;
    return this.change(opts.tx, actor, 'afc.list.fraud_confirmed', [{ source: src }], async (tx) => {
      const now = this.clock.now().toISOString();
      return (await store.bySource(tx, src, 'suspect')).map((e) => ({
        op: 'upsert' as const,
        entry: { ...e, status: 'confirmed' as const, reason, expiresAt, updatedAt: now, updatedBy: actor },
      }));
    });
  }

  /** "Not fraud" on `source` (or the incident closed): its suspects leave the list. */
  async clearSuspects(
    source: string,
    opts: { tx?: Queryable; actor?: string; reason?: string } = {},
  ): Promise<ListWriteResult> {
    const src = validSource(source, '/source');
    const reason = validReason(opts.reason, '/reason', false, 'not fraud');
    const actor = opts.actor ?? SYSTEM_ACTOR;
    return this.change(opts.tx, actor, 'afc.list.suspects_cleared', [{ source: src }], async (tx) =>
      (await store.bySource(tx, src, 'suspect')).map((e) => ({
        op: 'remove' as const,
        entry: { ...e, reason, updatedBy: actor },
      })),
    );
  }

  /** Removes entries whose expiry has passed (each removal a change of its own), 1,000 per transaction. */
  async purgeExpired(now: Date = this.clock.now()): Promise<number> {
    let total = 0;
    for (;;) {
      const r = await this.change(undefined, SYSTEM_ACTOR, 'afc.list.expired_removed', [], async (tx) =>
        (await store.expired(tx, now.toISOString(), 1000)).map((e) => ({
          op: 'remove' as const,
          entry: { ...e, reason: 'expired', updatedBy: SYSTEM_ACTOR },
        })),
      );
      total += r.count;
      if (r.count < 1000) return total;
    }
  }

  /** The entry after applying `w` to `old` (or a new one), or undefined when nothing would change. */
  private next(
    old: EntryRecord | undefined,
    w: Resolved & { status: ListStatus; source: string; reason: string; expiresAt: string | null },
    actor: string,
  ): EntryRecord | undefined {
    const now = this.clock.now().toISOString();
    if (!old) {
      return {
        id: this.ids.next('afe'),
        mac: w.mac,
        kind: w.kind,
        value: w.value,
        source: w.source,
        status: w.status,
        reason: w.reason,
        holderName: w.holderName,
        expiresAt: w.expiresAt,
        version: 0,
        createdAt: now,
        updatedAt: now,
        updatedBy: actor,
      };
    }
    const holderName = w.holderName ?? old.holderName;
    const value = old.value ?? w.value;
    if (
      old.status === w.status &&
      old.reason === w.reason &&
      old.expiresAt === w.expiresAt &&
      old.holderName === holderName &&
      old.value === value
    )
      return undefined;
    return {
      ...old,
      status: w.status,
      reason: w.reason,
      expiresAt: w.expiresAt,
      holderName,
      value,
      updatedAt: now,
      updatedBy: actor,
    };
  }

  /**
   * One change of the lists in one transaction (the caller's, or a new one): the audit entry first (see the
   * class comment), then the plan read under its lock, the versions, the entries, the change log, the event
   * and the webhooks. In its own transaction it waits for the index to include the change before it answers.
   */
  private async change(
    tx: Queryable | undefined,
    actor: string,
    action: string,
    requested: readonly { mac?: string; source?: string; status?: ListStatus }[],
    plan: (tx: Queryable) => Promise<Planned[]>,
  ): Promise<ListWriteResult> {
    if (!this.started) throw new DomainError('unavailable', 'the AFC lists are not started');
    if (!tx && this.recipients && this.clock.nowMs() - this.recipientsAt > 10_000) {
      this.recipientIds = await this.recipients();
      this.recipientsAt = this.clock.nowMs();
    }
    const recipients = this.recipientIds;
    const work = async (t: Queryable): Promise<ListWriteResult> => {
      const audit = await appendAudit(
        t,
        { actor, action, entity: 'afc_list', entityId: action, details: auditDetails(requested) },
        this.clock,
      );
      const planned = await plan(t);
      if (planned.length === 0) {
        const head = await store.head(t);
        return { version: head, fromVersion: null, count: 0, entries: [] };
      }
      const first = await store.allocate(t, planned.length);
      const at = this.clock.now().toISOString();
      const upserts: EntryRecord[] = [];
      const removals: string[] = [];
      const changes: ChangeRecord[] = planned.map((p, i) => {
        const version = first + i;
        p.entry = { ...p.entry, version };
        if (p.op === 'upsert') upserts.push(p.entry);
        else removals.push(p.entry.id);
        const e = p.entry;
        return {
          version,
          op: p.op,
          entryId: e.id,
          mac: e.mac,
          kind: e.kind,
          value: e.value,
          source: e.source,
          status: e.status,
          reason: e.reason,
          holderName: e.holderName,
          expiresAt: e.expiresAt,
          actor,
          at,
          auditSeq: Number(audit.seq),
        };
      });
      await store.upsert(t, upserts);
      await store.delete(t, removals);
      await store.insertChanges(t, changes);
      const last = first + planned.length - 1;
      const summary = { fromVersion: first, toVersion: last, count: planned.length, auditSeq: Number(audit.seq) };
      await recordEvent(t, { type: 'afc.list.changed', data: summary, key: 'afc.lists' }, this.ids, this.clock);
      for (const participantId of recipients) {
        await enqueueWebhook(
          t,
          { participantId, eventType: 'afc.list.changed', payload: summary, idempotencyKey: `afc.list:${last}` },
          this.ids,
          this.clock,
        );
      }
      return {
        version: last,
        fromVersion: first,
        count: planned.length,
        entries: planned.map((p) => entryView(p.entry, true)),
      };
    };
    if (tx) {
      const r = await work(tx);
      if (r.count > 0) this.wanted = Math.max(this.wanted, r.version);
      return r;
    }
    const r = await this.db.transaction(work);
    if (r.count > 0) await this.sync();
    return r;
  }

  // --- reads ---

  /**
   * The full list, a page at a time by entry id. `version` is the list version before the page was read:
   * follow with `changes(since = the first page's version)`, applying a change only when it is newer than
   * the entry you hold. Raw values only for law enforcement and oversight, and then audited.
   */
  async list(
    viewer: ListActor,
    q: { after?: string; limit?: number; raw?: boolean } = {},
  ): Promise<{ version: number; keyId: string; items: ListEntryView[]; next: string | null }> {
    const limit = this.limit(q.limit);
    const raw = this.rawAllowed(viewer, q.raw);
    const version = await store.head(this.db);
    const rows = await store.page(this.db, q.after, limit);
    if (raw) {
      await this.readAudit(viewer, 'afc.list.downloaded_raw', { after: q.after ?? null, count: rows.length });
    }
    return {
      version,
      keyId: this.mac.keyId,
      items: rows.map((e) => entryView(e, raw)),
      next: rows.length === limit ? rows[rows.length - 1]!.id : null,
    };
  }

  /** Changes after version `since`, oldest first (the delta feed); raw values as for `list`. */
  async changes(
    viewer: ListActor,
    q: { since: number; limit?: number; raw?: boolean },
  ): Promise<{ since: number; latestVersion: number; items: ListChangeView[]; next: number; hasMore: boolean }> {
    if (!Number.isSafeInteger(q.since) || q.since < 0) throw invalid('querystring/since', 'a version ≥ 0');
    const limit = this.limit(q.limit);
    const raw = this.rawAllowed(viewer, q.raw);
    const latestVersion = await store.head(this.db);
    if (q.since > latestVersion)
      throw invalid('querystring/since', `is beyond the latest list version ${latestVersion}`);
    const rows = await store.changesSince(this.db, q.since, limit);
    if (raw) {
      await this.readAudit(viewer, 'afc.list.changes_read_raw', { since: q.since, count: rows.length });
    }
    const next = rows.length > 0 ? rows[rows.length - 1]!.version : q.since;
    return {
      since: q.since,
      latestVersion,
      items: rows.map((c) => changeView(c, raw)),
      next,
      hasMore: next < latestVersion,
    };
  }

  /**
   * What the lists hold for one identifier, given raw or as a MAC: the status in force and (law enforcement,
   * oversight) the entries. Always audited: it is a read of the lists by identifier.
   */
  async lookup(
    viewer: ListActor,
    input: IdentifierInput,
  ): Promise<{
    kind: IdentifierKind;
    mac: string;
    status: ListStatus | null;
    decision: Decision;
    entries: ListEntryView[];
  }> {
    const r = this.resolve(input, 'querystring');
    const raw = mayReadRaw(viewer.roles);
    return this.db.transaction(async (tx) => {
      const rows = (await store.byMacs(tx, [r.mac])).sort((a, b) => a.id.localeCompare(b.id));
      const status =
        effectiveStatus(
          rows.map((e) => ({ status: e.status, expiresAtMs: expiryMs(e.expiresAt) })),
          this.clock.nowMs(),
        ) ?? null;
      await appendAudit(
        tx,
        {
          actor: viewer.actor,
          action: 'afc.list.looked_up',
          entity: 'afc_list_identifier',
          entityId: r.mac,
          details: {
            participantId: viewer.participantId,
            kind: r.kind,
            byValue: r.value !== null,
            found: rows.length,
            status,
          },
        },
        this.clock,
      );
      return {
        kind: r.kind,
        mac: r.mac,
        status,
        decision: status ? DECISION_OF[status] : 'allow',
        entries: raw ? rows.map((e) => entryView(e, true)) : [],
      };
    });
  }

  /** The MAC key for a participant's own systems (to key its identifiers as the lists do); audited. */
  async macKey(viewer: ListActor): Promise<{ keyId: string; algorithm: 'HMAC-SHA256'; key: string; input: string }> {
    await this.readAudit(viewer, 'afc.list.key_fetched', { keyId: this.mac.keyId });
    return {
      keyId: this.mac.keyId,
      algorithm: 'HMAC-SHA256',
      key: this.mac.export(),
      input: '<kind>:<normal form>, UTF-8; the MAC is 64 lowercase hex digits',
    };
  }

  async count(): Promise<number> {
    return store.count(this.db);
  }

  /** For incident prioritisation: how many of these MACs are confirmed fraudsters under another source. */
  confirmedElsewhere(macs: readonly string[], source: string): Promise<number> {
    return store.confirmedElsewhere(this.db, macs, source);
  }

  /** For the statistics: list changes per day. */
  growthByDay(
    from: string,
    to: string,
  ): Promise<{ day: string; suspects: number; confirmed: number; removed: number }[]> {
    return store.growthByDay(this.db, from, to).then((rows) =>
      rows.map((r) => ({
        day: r.day,
        suspects: Number(r.suspects),
        confirmed: Number(r.confirmed),
        removed: Number(r.removed),
      })),
    );
  }

  private limit(limit: number | undefined): number {
    const l = limit ?? 1000;
    if (!Number.isInteger(l) || l < 1 || l > this.maxPage)
      throw invalid('querystring/limit', `must be 1…${this.maxPage}`);
    return l;
  }

  private rawAllowed(viewer: ListActor, raw: boolean | undefined): boolean {
    if (!raw) return false;
    if (!mayReadRaw(viewer.roles))
      throw new DomainError('forbidden', 'raw identifiers are for law enforcement and oversight; you receive MACs');
    return true;
  }

  private async readAudit(viewer: ListActor, action: string, details: Record<string, unknown>): Promise<AuditEntry> {
    return this.db.transaction((tx) =>
      appendAudit(
        tx,
        {
          actor: viewer.actor,
          action,
          entity: 'afc_list',
          entityId: 'lists',
          details: { participantId: viewer.participantId, ...details },
        },
        this.clock,
      ),
    );
  }
}

const keyed = (rows: readonly EntryRecord[]): Map<string, EntryRecord> =>
  new Map(rows.map((e) => [`${e.mac}\u0000${e.source}`, e]));

/** What the audit entry of a change names: MACs (never raw values) and sources; a digest for big batches. */
function auditDetails(requested: readonly { mac?: string; source?: string; status?: ListStatus }[]): unknown {
  const sources = [...new Set(requested.map((r) => r.source).filter((s) => s !== undefined))];
  const statuses = [...new Set(requested.map((r) => r.status).filter((s) => s !== undefined))];
  const macs = requested.map((r) => r.mac).filter((m) => m !== undefined);
  return {
    requested: requested.length,
    sources: auditedList(sources, 20),
    statuses,
    macs: auditedList(macs, 50),
  };
}

export function entryView(e: EntryRecord, raw: boolean): ListEntryView {
  const v: ListEntryView = {
    id: e.id,
    kind: e.kind,
    mac: e.mac,
    status: e.status,
    expiresAt: e.expiresAt,
    version: e.version,
    updatedAt: e.updatedAt,
  };
  if (raw) {
    v.value = e.value;
    v.holderName = e.holderName;
    v.source = e.source;
    v.reason = e.reason;
  }
  return v;
}

function changeView(c: ChangeRecord, raw: boolean): ListChangeView {
  const v: ListChangeView = {
    version: c.version,
    op: c.op,
    entryId: c.entryId,
    kind: c.kind,
    mac: c.mac,
    status: c.status,
    expiresAt: c.expiresAt,
    at: c.at,
  };
  if (raw) {
    v.value = c.value;
    v.holderName = c.holderName;
    v.source = c.source;
    v.reason = c.reason;
    v.actor = c.actor;
  }
  return v;
}
