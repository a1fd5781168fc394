import {
  appendAudit,
  auditedList,
  type Clock,
  type Db,
  DomainError,
  enqueueWebhook,
  type IdGenerator,
  invalid,
  notFound,
  type Queryable,
} from '../../platform/index.ts';
import { validReason } from '../domain/lists.ts';
import { oneLine } from '../domain/text.ts';
import { type IdentifierMac, loadOrCreateMacKey } from '../identifiers.ts';
import type { ListActor } from '../lists/service.ts';
import {
  COMPROMISE_TYPES,
  type CompromiseType,
  type InstrumentInput,
  type InstrumentKind,
  type Issuer,
  isCompromiseType,
  issuerOf,
  maskedCard,
  mayView,
  parseInstrument,
  readsAll,
  validDetectedOn,
} from './domain/instrument.ts';
import { type InstrumentRecord, type ReportStatus, type Scope, instrumentStore as store } from './store.ts';

/** Who reports compromised instruments: banks, payment organisations, mobile operators, law enforcement, the operator. */
export const INSTRUMENT_REPORTERS = ['fraud_reporter', 'fraud_decider', 'operator'];
/** Who reads reports (each what it may see) and follows the delta feed. */
export const INSTRUMENT_READERS = ['fraud_reporter', 'fraud_decider', 'oversight'];
/** Who asks whether an instrument is compromised: card issuers and acquirers, law enforcement, oversight. */
export const INSTRUMENT_CHECKERS = ['bank', 'psp', 'fraud_decider', 'oversight'];

/** At most this many instruments per report. */
export const MAX_REPORT = 10_000;
/** At most this many reports per webhook delivery. */
const PER_WEBHOOK = 500;

/** One compromised instrument as reported. */
export interface ReportInput extends InstrumentInput {
  compromise: string;
  /** Where the information comes from (a breach, a skimmer's location, an alert id), one line. */
  source: string;
  /** When the compromise was detected, YYYY-MM-DD. */
  detectedOn: string;
}

/** A report as a participant allowed to see it reads it (never a card number): `card` shows BIN and last 4. */
export type InstrumentView = Omit<InstrumentRecord, 'reportedBy'> & { card: string | null };

export interface ReportResult {
  /** The database version after the report (the last one taken, or the current one when nothing changed). */
  version: number;
  fromVersion: number | null;
  /** Reports created or changed (one version each). */
  count: number;
  /** Reports that were already there as given. */
  unchanged: number;
  /** The report id of each instrument, in the order given. */
  ids: string[];
}

export interface CheckResult {
  kind: InstrumentKind;
  mac: string;
  compromised: boolean;
  /** Reports in force (not withdrawn), by anyone. */
  reports: number;
  compromiseTypes: CompromiseType[];
  firstDetectedOn: string | null;
  lastDetectedOn: string | null;
  /** The reports the caller may see in full (about its own instruments, or its own). */
  entries: InstrumentView[];
}

export interface AfcInstrumentsDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  /** Card issuers with their BIC and BIN ranges (banks and payment organisations). */
  issuers: () => Promise<Issuer[]>;
  /** How long the issuers list is reused, ms. Default 10,000. */
  issuersCacheMs?: number;
}

export const view = ({ reportedBy: _, ...e }: InstrumentRecord): InstrumentView => ({
  ...e,
  card: e.kind === 'card' ? maskedCard(e.bin, e.last4) : null,
});

/** What an audit entry names of many MACs: the MACs themselves, or their count and digest. */
const macsForAudit = (macs: readonly string[]): unknown => auditedList(macs, 50);

/**
 * The database of compromised payment instruments (AFC-7). Participants report cards and accounts; the
 * issuer of each (by BIN, or the account's named bank) sees the reports about its instruments and is told by
 * an `afc.instrument.reported` webhook in the commit that records them; banks ask whether an instrument is
 * compromised; everyone follows what it may see through a versioned delta feed.
 *
 * A change takes its audit entry first (on PostgreSQL the chain's lock orders every change), then reads the
 * reports it replaces, takes the next versions from `afc_instrument_head` and writes, all in one transaction:
 * versions become visible in order, without gaps, as in the AFC lists.
 */
export class AfcInstruments {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly issuers: () => Promise<Issuer[]>;
  private readonly cacheMs: number;
  private cached: { at: number; issuers: Issuer[] } | undefined;
  private key: Promise<IdentifierMac> | undefined;

  constructor(d: AfcInstrumentsDeps) {
    this.db = d.db;
    this.clock = d.clock;
    this.ids = d.ids;
    this.issuers = d.issuers;
    this.cacheMs = d.issuersCacheMs ?? 10_000;
  }

  /** The AFC identifiers key (shared with the lists, so a card token or an IBAN has the same MAC in both). */
  private mac(): Promise<IdentifierMac> {
    this.key ??= loadOrCreateMacKey(this.db, this.clock).catch((e) => {
      this.key = undefined;
      throw e;
    });
    return this.key;
  }

  private async issuerList(): Promise<Issuer[]> {
    const now = this.clock.nowMs();
    if (!this.cached || now - this.cached.at >= this.cacheMs) this.cached = { at: now, issuers: await this.issuers() };
    return this.cached.issuers;
  }

  /**
   * Reports up to 10,000 compromised instruments, all or nothing (a malformed one is a 400 naming
   * `/instruments/<i>/…`). One report per instrument, reporter and source: the same again changes nothing, new
   * details (type, date) or a report withdrawn before make a new version.
   */
  async report(actor: ListActor, inputs: readonly ReportInput[]): Promise<ReportResult> {
    if (!INSTRUMENT_REPORTERS.some((r) => actor.roles.includes(r))) {
      throw new DomainError('forbidden', 'your role may not report compromised instruments');
    }
    if (!Array.isArray(inputs) || inputs.length === 0) throw invalid('/instruments', 'at least one instrument');
    if (inputs.length > MAX_REPORT) throw invalid('/instruments', `at most ${MAX_REPORT} per request`);
    const today = this.clock.now().toISOString().slice(0, 10);
    const mac = await this.mac();
    const issuers = await this.issuerList();
    const seen = new Map<string, number>();
    const wanted = inputs.map((input, i) => {
      const at = `/instruments/${i}`;
      const p = parseInstrument(input, at);
      if (!isCompromiseType(input.compromise)) {
        throw invalid(`${at}/compromise`, `must be one of ${Object.keys(COMPROMISE_TYPES).join(', ')}`);
      }
      const source = oneLine(input.source, `${at}/source`, 200);
      const detectedOn = validDetectedOn(input.detectedOn, `${at}/detectedOn`, today);
      const m = mac.ofInput(p.macInput);
      const key = `${m}\u0000${source}`;
      const dup = seen.get(key);
      if (dup !== undefined) throw invalid(at, `repeats /instruments/${dup} (same instrument and source)`);
      seen.set(key, i);
      return { ...p, mac: m, compromise: input.compromise, source, detectedOn, issuerId: issuerOf(p, issuers) };
    });
    const now = this.clock.now().toISOString();
    return this.db.transaction(async (tx) => {
      const audit = await appendAudit(
        tx,
        {
          actor: actor.actor,
          action: 'afc.instrument.reported',
          entity: 'afc_instrument_report',
          entityId: actor.participantId,
          details: {
            count: wanted.length,
            compromise: [...new Set(wanted.map((w) => w.compromise))].sort(),
            macs: macsForAudit(wanted.map((w) => w.mac)),
          },
        },
        this.clock,
      );
      const existing = new Map(
        (
          await store.byReporter(
            tx,
            actor.participantId,
            wanted.map((w) => w.mac),
          )
        ).map((e) => [`${e.mac}\u0000${e.source}`, e]),
      );
      const ids: string[] = [];
      const changed: InstrumentRecord[] = [];
      for (const w of wanted) {
        const old = existing.get(`${w.mac}\u0000${w.source}`);
        ids.push(old?.id ?? '');
        if (
          old &&
          old.status === 'active' &&
          old.compromise === w.compromise &&
          old.detectedOn === w.detectedOn &&
          old.bic === (w.bic ?? old.bic)
        )
          continue;
        const { macInput: _, ...kept } = w;
        changed.push({
          ...kept,
          id: old?.id ?? this.ids.next('cpi'),
          bin: w.bin ?? old?.bin ?? null,
          last4: w.last4 ?? old?.last4 ?? null,
          bic: w.bic ?? old?.bic ?? null,
          issuerId: w.issuerId ?? old?.issuerId ?? null,
          reporterId: actor.participantId,
          reportedBy: actor.actor,
          status: 'active',
          reason: null,
          version: 0,
          createdAt: old?.createdAt ?? now,
          updatedAt: now,
        });
      }
      if (changed.length === 0) {
        return { version: await store.head(tx), fromVersion: null, count: 0, unchanged: wanted.length, ids };
      }
      const first = await store.allocate(tx, changed.length);
      const byKey = new Map<string, string>();
      changed.forEach((e, i) => {
        e.version = first + i;
        byKey.set(`${e.mac}\u0000${e.source}`, e.id);
      });
      await store.upsert(tx, changed);
      wanted.forEach((w, i) => {
        ids[i] ||= byKey.get(`${w.mac}\u0000${w.source}`)!;
      });
      await this.notify(tx, changed, actor.participantId, 'afc.instrument.reported', Number(audit.seq));
      const last = first + changed.length - 1;
      return {
        version: last,
        fromVersion: first,
        count: changed.length,
        unchanged: wanted.length - changed.length,
        ids,
      };
    });
  }

  /**
   * The issuers of changed reports are told, in the transaction that records the changes: one webhook per
   * issuer and up to 500 reports (an issuer's own reports are not sent back to it).
   */
  private async notify(
    tx: Queryable,
    changed: readonly InstrumentRecord[],
    reporterId: string,
    eventType: string,
    auditSeq: number,
  ): Promise<void> {
    const byIssuer = new Map<string, InstrumentRecord[]>();
    for (const e of changed) {
      if (e.issuerId === null || e.issuerId === reporterId) continue;
      const list = byIssuer.get(e.issuerId) ?? [];
      list.push(e);
      byIssuer.set(e.issuerId, list);
    }
    for (const [issuerId, list] of byIssuer) {
      for (let i = 0; i < list.length; i += PER_WEBHOOK) {
        const part = list.slice(i, i + PER_WEBHOOK);
        await enqueueWebhook(
          tx,
          {
            participantId: issuerId,
            eventType,
            payload: { auditSeq, count: part.length, reports: part.map(view) },
            idempotencyKey: `${eventType}:${part[0]!.version}`,
          },
          this.ids,
          this.clock,
        );
      }
    }
  }

  /** Withdraws a report (its reporter, or the operator), with a reason; its issuer is told. */
  async withdraw(actor: ListActor, id: string, reason: unknown): Promise<InstrumentView> {
    const r = validReason(reason, '/reason', true);
    return this.db.transaction(async (tx) => {
      await this.visible(tx, actor, id);
      const audit = await appendAudit(
        tx,
        {
          actor: actor.actor,
          action: 'afc.instrument.withdrawn',
          entity: 'afc_instrument',
          entityId: id,
          details: { reason: r },
        },
        this.clock,
      );
      const e = (await store.get(tx, id))!;
      if (e.reporterId !== actor.participantId && !actor.roles.includes('operator')) {
        throw new DomainError('forbidden', 'only its reporter or the operator withdraws a report');
      }
      if (e.status !== 'active') throw new DomainError('state', 'the report is already withdrawn');
      const next: InstrumentRecord = {
        ...e,
        status: 'withdrawn',
        reason: r,
        version: await store.allocate(tx, 1),
        updatedAt: this.clock.now().toISOString(),
      };
      await store.upsert(tx, [next]);
      await this.notify(tx, [next], e.reporterId, 'afc.instrument.withdrawn', Number(audit.seq));
      return view(next);
    });
  }

  /** A report the viewer may see; any other answers 404, so existence is not revealed. */
  private async visible(q: Queryable, viewer: ListActor, id: string): Promise<InstrumentRecord> {
    const e = await store.get(q, id);
    if (!e || !mayView(e, viewer)) throw notFound('report');
    return e;
  }

  /**
   * Is this card or account compromised? The answer (reports in force, their types and detection dates) is
   * for any instrument the caller can name; the reports themselves only where it may see them. Audited by MAC.
   */
  async check(actor: ListActor, input: InstrumentInput): Promise<CheckResult> {
    const p = parseInstrument(input, '');
    const mac = (await this.mac()).ofInput(p.macInput);
    return this.db.transaction(async (tx) => {
      const all = await store.byMac(tx, mac);
      const active = all.filter((e) => e.status === 'active');
      const dates = active.map((e) => e.detectedOn).sort();
      await appendAudit(
        tx,
        {
          actor: actor.actor,
          action: 'afc.instrument.checked',
          entity: 'afc_instrument_mac',
          entityId: mac,
          details: { participantId: actor.participantId, kind: p.kind, reports: active.length },
        },
        this.clock,
      );
      return {
        kind: p.kind,
        mac,
        compromised: active.length > 0,
        reports: active.length,
        compromiseTypes: [...new Set(active.map((e) => e.compromise))].sort(),
        firstDetectedOn: dates[0] ?? null,
        lastDetectedOn: dates[dates.length - 1] ?? null,
        entries: all.filter((e) => mayView(e, actor)).map(view),
      };
    });
  }

  private scope(viewer: ListActor): Scope {
    return readsAll(viewer) ? { all: true } : { all: false, participantId: viewer.participantId };
  }

  async get(viewer: ListActor, id: string): Promise<InstrumentView> {
    return view(await this.visible(this.db, viewer, id));
  }

  /** The reports the viewer may see (its instruments' and its own; everything for law enforcement, oversight). */
  async list(
    viewer: ListActor,
    f: { after?: string; kind?: InstrumentKind; status?: ReportStatus; limit: number },
  ): Promise<{ version: number; items: InstrumentView[]; next: string | null }> {
    const version = await store.head(this.db);
    const rows = await store.page(this.db, this.scope(viewer), f);
    return { version, items: rows.map(view), next: rows.length === f.limit ? rows[rows.length - 1]!.id : null };
  }

  /**
   * Delta feed: the reports the viewer may see whose last change is after version `since`, in version order,
   * each in its current state (a withdrawn one as a tombstone). Continue with `since = next` while `hasMore`.
   */
  async changes(
    viewer: ListActor,
    q: { since: number; limit: number },
  ): Promise<{ since: number; latestVersion: number; items: InstrumentView[]; next: number; hasMore: boolean }> {
    if (!Number.isSafeInteger(q.since) || q.since < 0) throw invalid('querystring/since', 'a version ≥ 0');
    const latestVersion = await store.head(this.db);
    if (q.since > latestVersion) {
      throw invalid('querystring/since', `is beyond the latest version ${latestVersion}`);
    }
    const rows = await store.changedSince(this.db, this.scope(viewer), q.since, q.limit);
    const full = rows.length === q.limit;
    const last = rows.length > 0 ? rows[rows.length - 1]!.version : q.since;
    // a short page has seen everything up to the version read first (and whatever committed since)
    const next = full ? last : Math.max(last, latestVersion);
    return { since: q.since, latestVersion, items: rows.map(view), next, hasMore: full && last < latestVersion };
  }
}
