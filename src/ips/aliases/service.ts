import { isValidIinBin } from '../../participants/index.ts';
import {
  appendAudit,
  appendAudits,
  type Clock,
  type Db,
  DomainError,
  enqueueWebhook,
  GroupCommit,
  type IdGenerator,
  invalid,
  type Logger,
  notFound,
  type Queryable,
  ulidGenerator,
} from '../../platform/index.ts';
import {
  type ClaimAction,
  type ClaimStatus,
  claimDeadline,
  DEFAULT_CLAIM_DEADLINE_MS,
  movesAlias,
  nextClaimStatus,
  sideOf,
} from './domain/claim.ts';
import { maskHolderName, normalizeAccountId, normalizeHolderName } from './domain/holder.ts';
import { TokenBuckets } from './domain/rate-limit.ts';
import { normalizePhone } from './phone.ts';
import { type AliasRecord, type ClaimRecord, aliasStore as store } from './store.ts';

/** A participant acting on its own aliases: its id, its BIC and who it is (user or API client) for the audit log. */
export interface AliasCaller {
  participantId: string;
  bic: string;
  /** Staff user id, API client id or participant id: the audit log's actor. */
  actor: string;
}

/** Who reads: a participant sees its own records; oversight (operator, central bank, regulator) sees all. */
export interface AliasViewer {
  participantId: string;
  actor: string;
  oversight: boolean;
}

export interface AliasInput {
  phone: string;
  accountId: string;
  holderName: string;
  holderIin: string;
}

export interface AliasUpdate {
  accountId?: string;
  holderName?: string;
}

/** The full record: only for the owning participant, oversight and the platform itself. */
export type Alias = AliasRecord;

/** What a payer's bank learns before the payer confirms (confirmation of payee). */
export interface AliasLookup {
  phone: string;
  bic: string;
  /** First name and the initial of the surname: "Aigerim S.". */
  maskedName: string;
}

/** For the IPS payment flow (platform-internal, never sent to another bank). */
export interface ResolvedAlias {
  bic: string;
  participantId: string;
  accountId: string;
  holderName: string;
  holderIin: string;
}

/** A portability claim as one party sees it: the claimant's account data only to the claimant and oversight. */
export interface AliasClaim {
  id: string;
  phone: string;
  status: ClaimStatus;
  claimantBic: string;
  ownerBic: string;
  deadline: string;
  createdAt: string;
  resolvedAt: string | null;
  reason: string | null;
  /** The caller's side: 'claimant', 'owner', or 'oversight'. */
  side: 'claimant' | 'owner' | 'oversight';
  /** Owner and oversight: whether the claimant's holder IIN is the one the owner registered. */
  holderMatches?: boolean;
  /** Claimant and oversight: where the alias will point once the claim succeeds. */
  accountId?: string;
  holderName?: string;
  holderIin?: string;
}

export interface AliasServiceOptions {
  /** How long the owner has to confirm or reject a claim before it completes for the claimant. Default 7 days. */
  claimDeadlineMs?: number;
  /** Lookups a participant may make per minute (token bucket). Default 6000. */
  lookupsPerMinutePerBank?: number;
  /** Lookups per minute for one payer (the payer id/hash a bank sends). Default 30. */
  lookupsPerMinutePerPayer?: number;
}

export interface AliasServiceDeps {
  db: Db;
  clock: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  options?: AliasServiceOptions;
}

/** A lookup waiting for its batch; `found` is set by the batch. */
interface PendingLookup {
  caller: AliasCaller;
  phone: string;
  payerId: string;
  found: AliasRecord | undefined;
}

/** A 429 that knows when to retry. */
export class LookupRateLimited extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterMs: number) {
    super('rate-limited', message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  }
}

const SYSTEM_ACTOR = 'system:ips-aliases';
const MAX_LIST = 500;

function validIin(iin: string, field = '/holderIin'): string {
  if (typeof iin !== 'string' || !isValidIinBin(iin))
    throw invalid(field, 'must be a 12-digit IIN with a valid check digit');
  return iin;
}

function validReason(reason: string | undefined): string | null {
  if (reason === undefined) return null;
  const r = reason.trim();
  if (r.length < 3 || r.length > 500) throw invalid('/reason', 'must be 3-500 characters');
  return r;
}

/**
 * IPS alias directory (IPS-2): phone → bank, account and holder. One owner per phone; portability by
 * claims with a deadline; masked lookups for confirmation of payee, rate-limited per bank and per payer,
 * every one audited; a full resolver for the platform's own payment flow.
 */
export class IpsAliasService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly logger: Logger | undefined;
  readonly claimDeadlineMs: number;
  private readonly perBank: TokenBuckets;
  private readonly perPayer: TokenBuckets;
  /** Lookups waiting for their batch: read and audited together, one commit per batch. */
  private readonly lookups: GroupCommit<PendingLookup>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(deps: AliasServiceDeps) {
    this.db = deps.db;
    this.clock = deps.clock;
    this.ids = deps.ids ?? ulidGenerator(deps.clock);
    this.logger = deps.logger;
    const o = deps.options ?? {};
    this.claimDeadlineMs = o.claimDeadlineMs ?? DEFAULT_CLAIM_DEADLINE_MS;
    if (!(this.claimDeadlineMs > 0)) throw new Error('claimDeadlineMs must be positive');
    this.perBank = new TokenBuckets(o.lookupsPerMinutePerBank ?? 6000);
    this.perPayer = new TokenBuckets(o.lookupsPerMinutePerPayer ?? 30);
    this.lookups = new GroupCommit(this.db, (tx, batch) => this.lookUpAndAudit(tx, batch), { maxBatch: 1000 });
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private audit(tx: Queryable, actor: string, action: string, entity: string, entityId: string, details: unknown) {
    return appendAudit(tx, { actor, action, entity, entityId, details }, this.clock);
  }

  private notify(tx: Queryable, participantId: string, eventType: string, payload: unknown, key: string) {
    return enqueueWebhook(tx, { participantId, eventType, payload, idempotencyKey: key }, this.ids, this.clock);
  }

  // --- the owning bank's records ---

  /** Registers a phone for the caller's customer; 409 when any participant already holds it. */
  async register(caller: AliasCaller, input: AliasInput): Promise<Alias> {
    const phone = normalizePhone(input.phone);
    const accountId = normalizeAccountId(input.accountId);
    const holderName = normalizeHolderName(input.holderName);
    const holderIin = validIin(input.holderIin);
    const at = this.now();
    const alias: Alias = {
      phone,
      participantId: caller.participantId,
      bic: caller.bic,
      accountId,
      holderName,
      holderIin,
      createdAt: at,
      updatedAt: at,
    };
    return this.db.transaction(async (tx) => {
      if (!(await store.insert(tx, alias))) {
        const holder = await store.get(tx, phone);
        if (holder?.participantId === caller.participantId) {
          throw new DomainError(
            'conflict',
            `phone ${phone} is already registered by your organization: change it with PATCH /api/ips/v1/aliases/${phone}`,
          );
        }
        throw new DomainError(
          'conflict',
          `phone ${phone} is registered by another participant: if the customer moved to you, open a portability claim (POST /api/ips/v1/aliases/claims)`,
        );
      }
      await this.audit(tx, caller.actor, 'ips.alias.registered', 'ips_alias', phone, {
        participantId: caller.participantId,
        bic: caller.bic,
        accountId,
        holderName,
        holderIin,
      });
      return alias;
    });
  }

  /** The owner changes the account or the name; the holder's IIN stays (a new holder is a delete and a register). */
  async update(caller: AliasCaller, phoneInput: string, change: AliasUpdate): Promise<Alias> {
    const phone = normalizePhone(phoneInput, 'params/phone');
    if (change.accountId === undefined && change.holderName === undefined)
      throw invalid('/', 'give accountId, holderName or both');
    return this.db.transaction(async (tx) => {
      const a = await store.get(tx, phone);
      if (!a || a.participantId !== caller.participantId) throw notFound('alias');
      const next: Alias = {
        ...a,
        accountId: change.accountId === undefined ? a.accountId : normalizeAccountId(change.accountId),
        holderName: change.holderName === undefined ? a.holderName : normalizeHolderName(change.holderName),
        updatedAt: this.now(),
      };
      if (!(await store.update(tx, phone, caller.participantId, next))) throw notFound('alias');
      await this.audit(tx, caller.actor, 'ips.alias.updated', 'ips_alias', phone, {
        participantId: caller.participantId,
        from: { accountId: a.accountId, holderName: a.holderName },
        to: { accountId: next.accountId, holderName: next.holderName },
      });
      return next;
    });
  }

  /**
   * The owner removes the phone. An open portability claim on it then completes at once for the claimant
   * (the owner gave the phone up): the answer says where it went.
   */
  async delete(
    caller: AliasCaller,
    phoneInput: string,
  ): Promise<{ phone: string; deleted: true; claimCompleted?: string }> {
    const phone = normalizePhone(phoneInput, 'params/phone');
    return this.db.transaction(async (tx) => {
      const a = await store.get(tx, phone);
      if (!a || a.participantId !== caller.participantId) throw notFound('alias');
      // claim, then alias, then the audit chain: the order every claim resolution locks them in
      const open = await store.openClaimFor(tx, phone);
      if (open) await this.finish(tx, open, 'complete', caller.actor, 'the owner deleted the alias');
      else if (!(await store.delete(tx, phone, caller.participantId))) throw notFound('alias');
      await this.audit(tx, caller.actor, 'ips.alias.deleted', 'ips_alias', phone, {
        participantId: caller.participantId,
        bic: a.bic,
        accountId: a.accountId,
        ...(open ? { claimCompleted: open.id } : {}),
      });
      return open ? { phone, deleted: true as const, claimCompleted: open.id } : { phone, deleted: true as const };
    });
  }

  /** A full record: the owner's own, or any for oversight (audited as a support access); others 404. */
  async get(viewer: AliasViewer, phoneInput: string): Promise<Alias> {
    const phone = normalizePhone(phoneInput, 'params/phone');
    if (!viewer.oversight) {
      const a = await store.get(this.db, phone);
      if (!a || a.participantId !== viewer.participantId) throw notFound('alias');
      return a;
    }
    return this.db.transaction(async (tx) => {
      const a = await store.get(tx, phone);
      await this.audit(tx, viewer.actor, 'ips.alias.viewed', 'ips_alias', phone, { found: a !== undefined });
      if (!a) throw notFound('alias');
      return a;
    });
  }

  /** A participant's own aliases by phone (keyset paging); oversight may filter by phone or BIC across all. */
  async list(
    viewer: AliasViewer,
    q: { phone?: string; bic?: string; after?: string; limit?: number } = {},
  ): Promise<Alias[]> {
    const limit = q.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST)
      throw invalid('querystring/limit', `must be 1…${MAX_LIST}`);
    const phone = q.phone === undefined ? undefined : normalizePhone(q.phone, 'querystring/phone');
    const after = q.after === undefined ? undefined : normalizePhone(q.after, 'querystring/after');
    const filter = {
      limit,
      ...(phone ? { phone } : {}),
      ...(after ? { after } : {}),
      ...(q.bic ? { bic: q.bic } : {}),
    };
    if (!viewer.oversight) return store.list(this.db, { ...filter, participantId: viewer.participantId });
    if (!phone) return store.list(this.db, filter);
    // a support search for one person's phone is an access to personal data: on the record
    return this.db.transaction(async (tx) => {
      const rows = await store.list(tx, filter);
      await this.audit(tx, viewer.actor, 'ips.alias.searched', 'ips_alias', phone, { found: rows.length });
      return rows;
    });
  }

  // --- lookups (confirmation of payee) and the platform's resolver ---

  /**
   * A payer's bank asks who a phone belongs to: the holder's bank and masked name, never the account or
   * IIN. Limited per bank and per payer (429), and every answered lookup, found or not, is audited.
   */
  async lookup(caller: AliasCaller, phoneInput: string, payerId: string): Promise<AliasLookup> {
    if (typeof payerId !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(payerId))
      throw invalid('/payerId', 'must be 1-128 printable characters (the payer id or its hash)');
    const phone = normalizePhone(phoneInput);
    const nowMs = this.clock.nowMs();
    const payerKey = `${caller.participantId}\u0000${payerId}`;
    const payerWait = this.perPayer.wait(payerKey, nowMs);
    if (payerWait > 0) {
      throw new LookupRateLimited(
        `this payer reached ${this.perPayer.perMinute} alias lookups per minute; retry in ${Math.ceil(payerWait / 1000)} s`,
        payerWait,
      );
    }
    const bankWait = this.perBank.wait(caller.participantId, nowMs);
    if (bankWait > 0) {
      throw new LookupRateLimited(
        `your organization reached ${this.perBank.perMinute} alias lookups per minute; retry in ${Math.ceil(bankWait / 1000)} s`,
        bankWait,
      );
    }
    this.perPayer.take(payerKey, nowMs);
    this.perBank.take(caller.participantId, nowMs);
    // answered once the audit entry is committed: no lookup is answered off the record
    const item: PendingLookup = { caller, phone, payerId, found: undefined };
    await this.lookups.add(item);
    const a = item.found;
    if (!a) throw new DomainError('not-found', `no alias is registered for ${phone}`);
    return { phone, bic: a.bic, maskedName: maskHolderName(a.holderName) };
  }

  /**
   * One batch of lookups in one transaction: the phones read in a few statements, then one append of all
   * their audit entries to the chain (on PostgreSQL one turn on the audit lock, taken after the reads).
   */
  private async lookUpAndAudit(tx: Queryable, batch: PendingLookup[]): Promise<void> {
    const found = await store.getMany(
      tx,
      batch.map((l) => l.phone),
    );
    const entries = batch.map((l) => {
      l.found = found.get(l.phone);
      return {
        actor: l.caller.actor,
        action: 'ips.alias.looked_up',
        entity: 'ips_alias',
        entityId: l.phone,
        details: {
          participantId: l.caller.participantId,
          bic: l.caller.bic,
          payerId: l.payerId,
          found: l.found !== undefined,
          ...(l.found ? { holderBic: l.found.bic } : {}),
        },
      };
    });
    await appendAudits(tx, entries, this.clock);
  }

  /**
   * The platform's account registry as far as the directory knows it: the banks holding this account
   * (empty when no alias names it, or the account is malformed). For the Anti-Fraud Center, never a bank.
   */
  async banksOfAccount(accountInput: string): Promise<string[]> {
    let accountId: string;
    try {
      accountId = normalizeAccountId(accountInput);
    } catch {
      return [];
    }
    return store.holdersOfAccount(this.db, accountId);
  }

  /**
   * The platform's own resolver for the IPS payment flow: the full record behind a phone, undefined when
   * none. Not audited here (the payment that uses it is); never expose its answer to another bank.
   * An unparseable phone is a 400 naming `field`.
   */
  async resolve(phoneInput: string, field = '/phone'): Promise<ResolvedAlias | undefined> {
    const a = await store.get(this.db, normalizePhone(phoneInput, field));
    return (
      a && {
        bic: a.bic,
        participantId: a.participantId,
        accountId: a.accountId,
        holderName: a.holderName,
        holderIin: a.holderIin,
      }
    );
  }

  // --- portability claims ---

  /** Another bank claims a registered phone for its customer; the owner has until the deadline to answer. */
  async claim(caller: AliasCaller, input: AliasInput): Promise<AliasClaim> {
    const phone = normalizePhone(input.phone);
    const accountId = normalizeAccountId(input.accountId);
    const holderName = normalizeHolderName(input.holderName);
    const holderIin = validIin(input.holderIin);
    const nowMs = this.clock.nowMs();
    return this.db.transaction(async (tx) => {
      const owner = await store.get(tx, phone);
      if (!owner)
        throw new DomainError(
          'state',
          `phone ${phone} is not registered: register it directly (POST /api/ips/v1/aliases)`,
        );
      if (owner.participantId === caller.participantId)
        throw new DomainError('state', `phone ${phone} is already yours: change it with PATCH instead of claiming it`);
      const c: ClaimRecord = {
        id: this.ids.next('alc'),
        phone,
        status: 'open',
        claimantParticipantId: caller.participantId,
        claimantBic: caller.bic,
        accountId,
        holderName,
        holderIin,
        ownerParticipantId: owner.participantId,
        ownerBic: owner.bic,
        holderMatches: owner.holderIin === holderIin,
        deadline: claimDeadline(nowMs, this.claimDeadlineMs).toISOString(),
        createdAt: new Date(nowMs).toISOString(),
        resolvedAt: null,
        resolvedBy: null,
        reason: null,
      };
      if (!(await store.insertClaim(tx, c))) {
        throw new DomainError('conflict', `phone ${phone} already has an open portability claim; wait for its outcome`);
      }
      await this.audit(tx, caller.actor, 'ips.alias.claim_opened', 'ips_alias_claim', c.id, {
        phone,
        claimantParticipantId: c.claimantParticipantId,
        claimantBic: c.claimantBic,
        ownerParticipantId: c.ownerParticipantId,
        ownerBic: c.ownerBic,
        accountId,
        holderIin,
        holderMatches: c.holderMatches,
        deadline: c.deadline,
      });
      await this.notify(tx, c.ownerParticipantId, 'ips.alias_claim.opened', this.view(c, 'owner'), `${c.id}:opened`);
      return this.view(c, 'claimant');
    });
  }

  async confirmClaim(caller: AliasCaller, id: string): Promise<AliasClaim> {
    return this.act(caller, id, 'confirm', 'owner', null);
  }

  async rejectClaim(caller: AliasCaller, id: string, reason?: string): Promise<AliasClaim> {
    return this.act(caller, id, 'reject', 'owner', validReason(reason));
  }

  async cancelClaim(caller: AliasCaller, id: string, reason?: string): Promise<AliasClaim> {
    return this.act(caller, id, 'cancel', 'claimant', validReason(reason));
  }

  private async act(
    caller: AliasCaller,
    id: string,
    action: ClaimAction,
    must: 'owner' | 'claimant',
    reason: string | null,
  ): Promise<AliasClaim> {
    return this.db.transaction(async (tx) => {
      const c = await store.claim(tx, id);
      const side = c && sideOf(c, caller.participantId);
      if (!c || !side) throw notFound('claim');
      if (side !== must) throw new DomainError('forbidden', `only the ${must} of the alias may ${action} this claim`);
      const done = await this.finish(tx, c, action, caller.actor, reason);
      return this.view(done, side);
    });
  }

  /** Moves an open claim to its outcome (compare-and-set), moves the alias when it wins, audits, notifies. */
  private async finish(
    tx: Queryable,
    c: ClaimRecord,
    action: ClaimAction,
    actor: string,
    reason: string | null,
  ): Promise<ClaimRecord> {
    let status = nextClaimStatus(c.status, action);
    const at = this.now();
    const current = await store.get(tx, c.phone);
    if (
      movesAlias(status) &&
      current &&
      current.participantId !== c.ownerParticipantId &&
      current.participantId !== c.claimantParticipantId
    ) {
      // deleted and registered by a third participant while the claim was open (a race): the claim is moot
      status = 'cancelled';
      reason = 'the alias changed hands before the claim completed; open a new claim';
    }
    if (!(await store.resolveClaim(tx, c.id, status, actor, at, reason))) {
      const now = await store.claim(tx, c.id);
      throw new DomainError('state', `the claim is ${now?.status ?? 'gone'}: it was resolved meanwhile`);
    }
    const done: ClaimRecord = { ...c, status, resolvedAt: at, resolvedBy: actor, reason };
    if (movesAlias(status)) {
      await store.transfer(tx, {
        phone: c.phone,
        participantId: c.claimantParticipantId,
        bic: c.claimantBic,
        accountId: c.accountId,
        holderName: c.holderName,
        holderIin: c.holderIin,
        createdAt: current?.createdAt ?? at,
        updatedAt: at,
      });
    }
    await this.audit(tx, actor, `ips.alias.claim_${status}`, 'ips_alias_claim', c.id, {
      phone: c.phone,
      from: c.ownerBic,
      to: c.claimantBic,
      status,
      reason,
    });
    for (const side of ['claimant', 'owner'] as const) {
      const participantId = side === 'owner' ? c.ownerParticipantId : c.claimantParticipantId;
      await this.notify(tx, participantId, `ips.alias_claim.${status}`, this.view(done, side), `${c.id}:${status}`);
    }
    return done;
  }

  /** Claims the caller is a party to (oversight: all), newest first. */
  async claims(
    viewer: AliasViewer,
    q: { status?: ClaimStatus; role?: 'claimant' | 'owner'; phone?: string; before?: string; limit?: number } = {},
  ): Promise<AliasClaim[]> {
    const limit = q.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST)
      throw invalid('querystring/limit', `must be 1…${MAX_LIST}`);
    const phone = q.phone === undefined ? undefined : normalizePhone(q.phone, 'querystring/phone');
    const rows = await store.claims(this.db, {
      limit,
      ...(viewer.oversight ? {} : { participantId: viewer.participantId, ...(q.role ? { role: q.role } : {}) }),
      ...(q.status ? { status: q.status } : {}),
      ...(phone ? { phone } : {}),
      ...(q.before ? { before: q.before } : {}),
    });
    return rows.map((c) => this.view(c, viewer.oversight ? 'oversight' : sideOf(c, viewer.participantId)!));
  }

  async getClaim(viewer: AliasViewer, id: string): Promise<AliasClaim> {
    const c = await store.claim(this.db, id);
    if (!c) throw notFound('claim');
    if (viewer.oversight) return this.view(c, 'oversight');
    const side = sideOf(c, viewer.participantId);
    if (!side) throw notFound('claim');
    return this.view(c, side);
  }

  private view(c: ClaimRecord, side: AliasClaim['side']): AliasClaim {
    const v: AliasClaim = {
      id: c.id,
      phone: c.phone,
      status: c.status,
      claimantBic: c.claimantBic,
      ownerBic: c.ownerBic,
      deadline: c.deadline,
      createdAt: c.createdAt,
      resolvedAt: c.resolvedAt,
      reason: c.reason,
      side,
    };
    if (side !== 'claimant') v.holderMatches = c.holderMatches;
    if (side !== 'owner') {
      v.accountId = c.accountId;
      v.holderName = c.holderName;
      v.holderIin = c.holderIin;
    }
    return v;
  }

  /**
   * Completes every open claim whose deadline has passed, for the claimant (the owner did not answer).
   * Call on a schedule (`startSchedule`) or by hand; safe to run in several processes at once: each claim
   * is resolved by exactly one of them. Returns the completed claim ids.
   */
  async processDeadlines(now: Date = this.clock.now()): Promise<{ completed: string[] }> {
    const completed: string[] = [];
    const at = now.toISOString();
    for (;;) {
      const due = await store.dueClaims(this.db, at, 100);
      let progressed = false;
      for (const c of due) {
        try {
          await this.db.transaction(async (tx) => {
            await this.finish(tx, c, 'complete', SYSTEM_ACTOR, 'the owner did not answer by the deadline');
          });
          completed.push(c.id);
          progressed = true;
        } catch (err) {
          // resolved meanwhile by its owner, its claimant or another process: nothing to do
          if (err instanceof DomainError && err.type === 'state') continue;
          throw err;
        }
      }
      if (due.length < 100 || !progressed) break;
    }
    return { completed };
  }

  /** Runs `processDeadlines` every `everyMs` (default a minute) until `stop`. */
  startSchedule(everyMs = 60_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running = this.processDeadlines().catch((err) =>
        this.logger?.error({ err }, 'IPS alias claim deadlines failed'),
      );
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
