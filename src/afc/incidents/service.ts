import { createHash } from 'node:crypto';
import {
  appendAudit,
  type Clock,
  type Db,
  DomainError,
  enqueueWebhook,
  type IdGenerator,
  invalid,
  type Logger,
  notFound,
  parseAmount,
  type Queryable,
} from '../../platform/index.ts';
import type { IdentifierKind } from '../domain/identifiers.ts';
import { normalize } from '../identifiers.ts';
import type { AfcLists, ListActor } from '../lists/service.ts';
import {
  CLOSED,
  type IncidentAction,
  type IncidentRole,
  type IncidentStatus,
  nextStatus,
  overdue,
  type RecoveryKind,
  type StepDeadline,
} from './domain/incident.ts';
import {
  beneficiaryIdentifiers,
  DEFAULT_MATRIX,
  type Details,
  type TransactionTypeDef,
  validateDetails,
  validateTypeDef,
} from './domain/matrix.ts';
import { type Priority, prioritize } from './domain/priority.ts';
import { ageBand } from './domain/statistics.ts';
import {
  type AttachmentMeta,
  type Incident,
  type IncidentEvent,
  type IncidentParty,
  type Notification,
  type Recovery,
  incidentStore as store,
} from './store.ts';

const HOUR = 3600_000;
/** Related participants supplement a card within a day: money moves on within hours. */
export const DEFAULT_SUPPLEMENT_MS = 24 * HOUR;
/** Law enforcement decides within ten days of filing. */
export const DEFAULT_DECISION_MS = 10 * 24 * HOUR;
/** Attachments: evidence (screenshots, statements, call records), each at most 512 KiB. */
export const MAX_ATTACHMENT_BYTES = 512 * 1024;
const ATTACHMENT_TYPES: Record<string, ((b: Buffer) => boolean) | null> = {
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'text/plain': null,
  'application/json': null,
};

/** A participant the platform found related to a card, and how. */
export interface RelatedParticipant {
  participantId: string;
  relation: string;
  via: string;
}

export interface AfcIncidentsDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  lists: AfcLists;
  /**
   * Finds the participants related to the beneficiary (its bank through the alias directory, the BIN table,
   * the account registry, a BIC the card names). Unknown identifiers find nobody.
   */
  related: (
    ids: readonly { field: string; kind: IdentifierKind | 'bin' | 'bic'; value: string }[],
  ) => Promise<RelatedParticipant[]>;
  /** Whether a BIC belongs to a participant (a card naming an unknown bank is refused). */
  knownBic: (bic: string) => Promise<boolean>;
  /** Active participants holding a role: law enforcement is told of every card, the operator of escalations. */
  withRole: (role: string) => Promise<string[]>;
  /** A participant's name, BIC and type, to name the card's participants to whoever reads it. */
  participantOf?: (participantId: string) => Promise<{ name: string; bic: string | null; type: string } | undefined>;
  /** What IPS returned on a payment (pacs.004), when IPS runs: shown on the card as recovered funds. */
  ipsReturned?: (paymentId: string) => Promise<bigint>;
  supplementMs?: number;
  decisionMs?: number;
}

export interface FileInput {
  type: string;
  reference: string;
  details: Record<string, unknown>;
}

export interface IncidentCard extends Incident {
  /** How the viewer stands to the card. */
  viewerRoles: IncidentRole[];
  parties: IncidentParty[];
  deadlines: StepDeadline[];
  history: IncidentEvent[];
  attachments: AttachmentMeta[];
  recoveries: Recovery[];
  recovered: { blockedAtSender: bigint; blockedAtRecipient: bigint; returned: bigint; ipsReturned: bigint };
  priority: Priority;
  /** The participants the card mentions (reporter, parties, authors of steps), by id. */
  participants: Record<string, { name: string; bic: string | null; type: string }>;
}

/** What a participant without a relation to cards sees in lists: no personal data (the regulator). */
export type IncidentSummary = Pick<
  Incident,
  'id' | 'type' | 'status' | 'fraudType' | 'outcome' | 'amount' | 'region' | 'occurredAt' | 'createdAt' | 'updatedAt'
>;

const summaryOf = (i: Incident): IncidentSummary => ({
  id: i.id,
  type: i.type,
  status: i.status,
  fraudType: i.fraudType,
  outcome: i.outcome,
  amount: i.amount,
  region: i.region,
  occurredAt: i.occurredAt,
  createdAt: i.createdAt,
  updatedAt: i.updatedAt,
});

/** The list source an incident's suspects are listed under. */
export const sourceOf = (incidentId: string): string => `incident:${incidentId}`;

/** The priority queue ranks at most this many (the newest) matching cards. */
const QUEUE_MAX = 500;

const STRONG: ReadonlySet<string> = new Set(['account', 'iin', 'card', 'wallet']);

/**
 * Incident exchange (AFC-2..4): filing validated against the metadata matrix, the beneficiary listed as a
 * suspect and the related participants found and notified in the same commit, supplements, attachments,
 * law enforcement's decision moving the suspects to the fraudsters list or off it, deadlines with
 * escalation, recovered funds, and every step audited and pushed (signed webhook + portal inbox) to the
 * reporter, the related participants and law enforcement. Reads of cards are audited too.
 */
export class AfcIncidents {
  private readonly d: AfcIncidentsDeps;
  private readonly supplementMs: number;
  private readonly decisionMs: number;
  /** Cards being acted on in this process: one step at a time per card. */
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(deps: AfcIncidentsDeps) {
    this.d = deps;
    this.supplementMs = deps.supplementMs ?? DEFAULT_SUPPLEMENT_MS;
    this.decisionMs = deps.decisionMs ?? DEFAULT_DECISION_MS;
  }

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  private after(ms: number): string {
    return new Date(this.d.clock.nowMs() + ms).toISOString();
  }

  /** Seeds the default matrix where a type has never been published. */
  async start(): Promise<void> {
    const have = new Set((await store.types(this.d.db)).map((t) => t.type));
    const at = this.now();
    await this.d.db.transaction(async (tx) => {
      for (const [type, definition] of Object.entries(DEFAULT_MATRIX)) {
        if (!have.has(type)) await store.publishType(tx, { type, version: 1, definition, at, by: 'afc' });
      }
    });
  }

  // --- the metadata matrix ---

  async types(): Promise<{ type: string; version: number; definition: TransactionTypeDef; publishedAt: string }[]> {
    return store.types(this.d.db);
  }

  private async typeDef(type: string, field = '/type'): Promise<{ version: number; definition: TransactionTypeDef }> {
    const t = (await store.types(this.d.db)).find((x) => x.type === type);
    if (!t) throw invalid(field, `unknown transaction type ${type}`);
    return t;
  }

  /** The operator publishes a new version of a transaction type (or a new type); cards filed before keep theirs. */
  async publishType(
    actor: ListActor,
    type: string,
    def: TransactionTypeDef,
  ): Promise<{ type: string; version: number }> {
    if (!/^[a-z][a-z0-9_]{1,39}$/.test(type)) throw invalid('/type', 'lower-case letters, digits and _ (2–40)');
    const definition = validateTypeDef({
      label: def.label,
      mandatory: def.mandatory,
      optional: def.optional,
      atLeastOne: def.atLeastOne,
    });
    const current = (await store.types(this.d.db)).find((x) => x.type === type);
    const version = (current?.version ?? 0) + 1;
    const at = this.now();
    const ok = await this.d.db.transaction(async (tx) => {
      if (!(await store.publishType(tx, { type, version, definition, at, by: actor.actor }))) return false;
      await appendAudit(
        tx,
        {
          actor: actor.actor,
          action: 'afc.incident_type.published',
          entity: 'afc_incident_type',
          entityId: type,
          details: { version },
        },
        this.d.clock,
      );
      return true;
    });
    if (!ok) throw new DomainError('conflict', `type ${type} changed meanwhile: read it again`);
    return { type, version };
  }

  // --- filing ---

  /**
   * A participant files a card. Filing the same reference again with the same content returns the card
   * filed first; with different content it is refused (409).
   */
  async file(actor: ListActor, input: FileInput): Promise<IncidentCard> {
    if (!/^[A-Za-z0-9._:/-]{1,64}$/.test(input.reference ?? '')) {
      throw invalid('/reference', "your own reference: 1–64 letters, digits, '.', '_', ':', '/', '-'");
    }
    const { version, definition } = await this.typeDef(input.type);
    const details = validateDetails(definition, input.details ?? {}, normalize, { nowMs: this.d.clock.nowMs() });
    await this.checkBic(details);
    const existing = await store.byRef(this.d.db, actor.participantId, input.reference);
    if (existing) return this.sameFiling(actor, existing, input.type, details);

    const at = this.now();
    const incident: Incident = {
      id: this.d.ids.next('inc'),
      reporterId: actor.participantId,
      reporterRef: input.reference,
      type: input.type,
      typeVersion: version,
      status: 'open',
      details,
      fraudType: details.fraudType!,
      outcome: details.outcome!,
      amount: details.amount ? parseAmount(details.amount) : null,
      region: details.victimRegion ?? null,
      beneficiaryAgeBand: ageBand(details.beneficiaryIin, Date.parse(details.occurredAt!)),
      victimAgeBand: ageBand(details.victimIin, Date.parse(details.occurredAt!)),
      occurredAt: details.occurredAt!,
      grounds: null,
      decidedBy: null,
      decidedAt: null,
      createdAt: at,
      updatedAt: at,
    };
    const related = (await this.findRelated(details)).filter((r) => r.participantId !== actor.participantId);
    const investigators = await this.d.withRole('fraud_decider');
    const inserted = await this.d.db.transaction(async (tx) => {
      if (!(await store.insert(tx, incident))) return false;
      await this.audit(tx, actor, 'filed', incident.id, { type: incident.type, parties: related.length });
      await store.addParties(
        tx,
        incident.id,
        related.map((r) => ({ ...r, addedAt: at })),
      );
      await this.listBeneficiary(tx, actor, incident, details);
      await store.addDeadlines(tx, incident.id, [
        ...related.map((r) => ({
          step: 'supplement' as const,
          participantId: r.participantId,
          due: this.after(this.supplementMs),
          doneAt: null,
          escalatedAt: null,
        })),
        { step: 'decision', participantId: null, due: this.after(this.decisionMs), doneAt: null, escalatedAt: null },
      ]);
      await this.step(tx, incident, actor, 'filed', null, { reference: input.reference, related: related.length }, [
        actor.participantId,
        ...related.map((r) => r.participantId),
        ...investigators,
      ]);
      return true;
    });
    if (!inserted) {
      // a concurrent filing of the same reference won
      const won = await store.byRef(this.d.db, actor.participantId, input.reference);
      return this.sameFiling(actor, won!, input.type, details);
    }
    return this.card(incident.id, actor, { audit: false });
  }

  private async sameFiling(
    actor: ListActor,
    existing: Incident,
    type: string,
    details: Details,
  ): Promise<IncidentCard> {
    // supplements may have added fields since: what this filing names must read the same
    const same =
      existing.type === type && stableJson(pick(existing.details, Object.keys(details))) === stableJson(details);
    if (!same) {
      throw new DomainError(
        'conflict',
        `reference ${existing.reporterRef} was already filed as incident ${existing.id}`,
        {
          reason: 'duplicate_reference',
          issues: [{ field: '/reference', message: `already used by incident ${existing.id}` }],
        },
      );
    }
    return this.card(existing.id, actor, { audit: false });
  }

  private async checkBic(details: Details): Promise<void> {
    if (details.beneficiaryBic && !(await this.d.knownBic(details.beneficiaryBic))) {
      throw invalid('/details/beneficiaryBic', `no participant has BIC ${details.beneficiaryBic}`);
    }
  }

  private async findRelated(details: Details): Promise<RelatedParticipant[]> {
    const ids: { field: string; kind: IdentifierKind | 'bin' | 'bic'; value: string }[] =
      beneficiaryIdentifiers(details);
    if (details.beneficiaryBin) ids.push({ field: 'beneficiaryBin', kind: 'bin', value: details.beneficiaryBin });
    if (details.beneficiaryBic) ids.push({ field: 'beneficiaryBic', kind: 'bic', value: details.beneficiaryBic });
    const found = await this.d.related(ids);
    const byId = new Map<string, RelatedParticipant>();
    for (const r of found) if (!byId.has(r.participantId)) byId.set(r.participantId, r);
    return [...byId.values()];
  }

  /** The beneficiary's identifiers onto the suspects list (source: the incident) and into the card's index. */
  private async listBeneficiary(tx: Queryable, actor: ListActor, i: Incident, details: Details): Promise<void> {
    const ids = beneficiaryIdentifiers(details);
    if (ids.length === 0) return;
    const holderName = details.beneficiaryName;
    await this.d.lists.addSuspects(
      tx,
      ids.map((x) => ({ kind: x.kind, value: x.value, ...(holderName && x.kind !== 'name' ? { holderName } : {}) })),
      { source: sourceOf(i.id), reason: `incident ${i.id}: ${i.fraudType}`, actor: actor.actor },
    );
    await store.addIdentifiers(
      tx,
      i.id,
      ids.map((x) => ({ kind: x.kind, mac: this.d.lists.macOf(x.kind, x.value) })),
    );
  }

  // --- steps on a card ---

  private serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.busy.get(id) ?? Promise.resolve();
    const run = prev.catch(() => {}).then(fn);
    this.busy.set(id, run);
    return run.finally(() => {
      if (this.busy.get(id) === run) this.busy.delete(id);
    }) as Promise<T>;
  }

  /** A related participant, the reporter or law enforcement adds or corrects fields and/or a note. */
  supplement(
    actor: ListActor,
    id: string,
    input: { details?: Record<string, unknown>; note?: string },
  ): Promise<IncidentCard> {
    return this.serial(id, async () => {
      const { incident, roles } = await this.visible(id, actor);
      nextStatus(incident.status, 'supplement', roles, undefined);
      const note = input.note?.trim();
      if (!input.details && !note) throw invalid('/details', 'give fields to add or a note');
      if (note !== undefined && note.length > 4000) throw invalid('/note', 'at most 4,000 characters');
      const { definition } = await store.types(this.d.db).then((ts) => {
        const t = ts.find((x) => x.type === incident.type);
        return t ?? { definition: DEFAULT_MATRIX[incident.type]! };
      });
      const added = validateDetails(definition, input.details ?? {}, normalize, {
        nowMs: this.d.clock.nowMs(),
        partial: true,
      });
      await this.checkBic(added);
      const details = { ...incident.details, ...added };
      const newParties = (await this.findRelated(added)).filter(
        (r) => r.participantId !== incident.reporterId && r.participantId !== actor.participantId,
      );
      const at = this.now();
      await this.move(incident, actor, 'supplement', {
        details,
        ...(added.beneficiaryIin
          ? { beneficiaryAgeBand: ageBand(added.beneficiaryIin, Date.parse(incident.occurredAt)) }
          : {}),
        eventDetails: { fields: Object.keys(added), ...(note ? { note } : {}) },
        during: async (tx) => {
          await store.addParties(
            tx,
            id,
            newParties.map((r) => ({ ...r, addedAt: at })),
          );
          await this.listBeneficiary(tx, actor, incident, added);
          await store.meetDeadline(tx, id, 'supplement', actor.participantId, at);
        },
      });
      return this.card(id, actor, { audit: false });
    });
  }

  /** Law enforcement takes the card into investigation. */
  take(actor: ListActor, id: string): Promise<IncidentCard> {
    return this.serial(id, async () => {
      const { incident } = await this.visible(id, actor);
      await this.move(incident, actor, 'take', {});
      return this.card(id, actor, { audit: false });
    });
  }

  /**
   * Law enforcement decides, with grounds: "fraud" moves the incident's suspects to the fraudsters list,
   * "not fraud" takes them off; in the commit that records the decision.
   */
  decide(
    actor: ListActor,
    id: string,
    decision: 'fraud' | 'not_fraud',
    grounds: string | undefined,
  ): Promise<IncidentCard> {
    return this.serial(id, async () => {
      const { incident } = await this.visible(id, actor);
      const g = grounds?.trim();
      if (g !== undefined && g.length > 4000) throw invalid('/grounds', 'at most 4,000 characters');
      const action: IncidentAction = decision === 'fraud' ? 'decide_fraud' : 'decide_not_fraud';
      const at = this.now();
      await this.move(incident, actor, action, {
        grounds: g,
        decided: { by: actor.actor, grounds: g ?? '' },
        during: async (tx) => {
          const opts = { tx, actor: actor.actor, reason: `incident ${id}: ${g}` };
          if (decision === 'fraud') await this.d.lists.confirmFraud(sourceOf(id), opts);
          else await this.d.lists.clearSuspects(sourceOf(id), opts);
          await store.meetDeadline(tx, id, 'decision', null, at);
        },
      });
      return this.card(id, actor, { audit: false });
    });
  }

  /** The reporter withdraws an undecided card (filed in error); its suspects leave the list. */
  withdraw(actor: ListActor, id: string, grounds: string | undefined): Promise<IncidentCard> {
    return this.serial(id, async () => {
      const { incident } = await this.visible(id, actor);
      const g = grounds?.trim();
      await this.move(incident, actor, 'withdraw', {
        grounds: g,
        during: async (tx) => {
          await this.d.lists.clearSuspects(sourceOf(id), {
            tx,
            actor: actor.actor,
            reason: `incident ${id} withdrawn: ${g}`,
          });
        },
      });
      return this.card(id, actor, { audit: false });
    });
  }

  /** Evidence for the card: a PDF, image, text or JSON file of at most 512 KiB, checked against its type. */
  attach(
    actor: ListActor,
    id: string,
    a: { filename: string; contentType: string; contentBase64: string },
  ): Promise<AttachmentMeta> {
    return this.serial(id, async () => {
      const { incident, roles } = await this.visible(id, actor);
      nextStatus(incident.status, 'attach', roles, undefined);
      const filename = a.filename.trim();
      if (filename.length > 200 || filename.length === 0 || /[/\\]|\p{Cc}/u.test(filename)) {
        throw invalid('/filename', '1–200 characters, no path, no control characters');
      }
      if (!(a.contentType in ATTACHMENT_TYPES)) {
        throw invalid('/contentType', `must be one of ${Object.keys(ATTACHMENT_TYPES).join(', ')}`);
      }
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(a.contentBase64) || a.contentBase64.length % 4 !== 0) {
        throw invalid('/contentBase64', 'must be base64');
      }
      const bytes = Buffer.from(a.contentBase64, 'base64');
      if (bytes.length === 0) throw invalid('/contentBase64', 'the file is empty');
      if (bytes.length > MAX_ATTACHMENT_BYTES) throw invalid('/contentBase64', `at most ${MAX_ATTACHMENT_BYTES} bytes`);
      const sniff = ATTACHMENT_TYPES[a.contentType];
      if (sniff && !sniff(bytes)) throw invalid('/contentBase64', `the content is not ${a.contentType}`);
      if (!sniff && !isUtf8Text(bytes))
        throw invalid('/contentBase64', `the content is not ${a.contentType} (UTF-8 text)`);
      const meta: AttachmentMeta = {
        id: this.d.ids.next('att'),
        participantId: actor.participantId,
        filename,
        contentType: a.contentType,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        createdAt: this.now(),
      };
      await this.move(incident, actor, 'attach', {
        eventDetails: { attachmentId: meta.id, filename, sha256: meta.sha256, size: meta.size },
        during: (tx) => store.addAttachment(tx, id, meta, a.contentBase64),
      });
      return meta;
    });
  }

  /** An attachment's content, to those who see the card; audited. */
  async attachment(
    actor: ListActor,
    id: string,
    attachmentId: string,
  ): Promise<{ filename: string; contentType: string; content: Buffer }> {
    await this.visible(id, actor);
    const a = await store.attachmentContent(this.d.db, id, attachmentId);
    if (!a) throw notFound('attachment');
    await this.d.db.transaction((tx) => this.audit(tx, actor, 'attachment_read', id, { attachmentId }));
    return { filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content, 'base64') };
  }

  /**
   * Funds blocked at the sender's bank, at the recipient's bank, or returned voluntarily (AFC-6), recorded
   * by the reporter or a related participant; idempotent by its reference when one is given.
   */
  recordRecovery(
    actor: ListActor,
    id: string,
    r: { kind: RecoveryKind; amount: string; reference?: string },
  ): Promise<IncidentCard> {
    return this.serial(id, async () => {
      const { incident } = await this.visible(id, actor);
      const amount = parseAmount(r.amount, { field: '/amount' });
      if (amount <= 0n) throw invalid('/amount', 'must be more than 0');
      if (incident.amount !== null && amount > incident.amount) {
        throw invalid('/amount', `at most the incident's amount (${incident.amount / 100n} KZT)`);
      }
      const reference = r.reference?.trim() || null;
      const recoveryId = reference
        ? `rcv-${createHash('sha256').update(`${id}\u0000${actor.participantId}\u0000${r.kind}\u0000${reference}`).digest('hex').slice(0, 24)}`
        : this.d.ids.next('rcv');
      const rec: Recovery = {
        id: recoveryId,
        participantId: actor.participantId,
        kind: r.kind,
        amount,
        reference,
        at: this.now(),
      };
      let fresh = true;
      await this.move(incident, actor, 'record_recovery', {
        eventDetails: { kind: r.kind, amount: amount.toString(), reference },
        during: async (tx) => {
          fresh = await store.addRecovery(tx, id, rec);
          if (!fresh) throw new Replay();
        },
      }).catch((err) => {
        if (!(err instanceof Replay)) throw err;
      });
      return this.card(id, actor, { audit: false });
    });
  }

  /**
   * One step in one transaction: the card moves only if no other step moved it meanwhile; the event, the
   * audit entry, the inbox and the webhooks go with it to the reporter, the parties and law enforcement.
   */
  private async move(
    incident: Incident,
    actor: ListActor,
    action: IncidentAction,
    s: {
      grounds?: string | undefined;
      details?: Details;
      beneficiaryAgeBand?: string;
      decided?: { by: string; grounds: string };
      eventDetails?: Record<string, unknown>;
      during?: (tx: Queryable) => Promise<unknown>;
    },
  ): Promise<void> {
    const roles = this.rolesOf(incident, actor, await store.parties(this.d.db, incident.id));
    const to = nextStatus(incident.status, action, roles, s.grounds);
    const at = this.now();
    const recipients = await this.recipients(incident);
    const moved = await this.d.db.transaction(async (tx) => {
      const ok = await store.update(tx, incident.id, incident.status, {
        status: to,
        ...(s.details ? { details: s.details } : {}),
        ...(s.beneficiaryAgeBand ? { beneficiaryAgeBand: s.beneficiaryAgeBand } : {}),
        ...(s.decided ? { decided: s.decided } : {}),
        at,
      });
      if (!ok) return false;
      await this.audit(tx, actor, action, incident.id, { status: to, grounds: s.grounds ?? null });
      await s.during?.(tx);
      await this.step(
        tx,
        { ...incident, status: to, updatedAt: at },
        actor,
        action,
        s.grounds ?? null,
        s.eventDetails ?? null,
        recipients,
      );
      return true;
    });
    if (!moved) throw new DomainError('conflict', 'the incident changed meanwhile: read it again');
  }

  /** The event in the card's history, the inbox entries and the signed webhooks of one step. */
  private async step(
    tx: Queryable,
    i: Incident,
    actor: ListActor,
    action: string,
    grounds: string | null,
    details: Record<string, unknown> | null,
    recipients: readonly string[],
  ): Promise<void> {
    const at = this.now();
    const seq = await store.addEvent(tx, i.id, {
      at,
      actor: actor.actor,
      participantId: actor.participantId === 'system' ? null : actor.participantId,
      action,
      status: i.status,
      grounds,
      details,
    });
    const to = [...new Set(recipients)].filter((p) => p !== actor.participantId);
    const summary = `${i.type} incident ${i.id}: ${action.replaceAll('_', ' ')} (${i.status})`;
    await store.notify(
      tx,
      to.map((participantId) => ({
        id: this.d.ids.next('ntf'),
        participantId,
        incidentId: i.id,
        kind: action,
        summary,
        at,
      })),
    );
    for (const participantId of to) {
      await enqueueWebhook(
        tx,
        {
          participantId,
          eventType: 'afc.incident',
          payload: {
            incidentId: i.id,
            seq,
            action,
            status: i.status,
            type: i.type,
            fraudType: i.fraudType,
            amount: i.amount === null ? null : i.amount.toString(),
            grounds,
            at,
            // the card itself is read (and its reading audited) at GET /api/afc/v1/incidents/{id}
            href: `/api/afc/v1/incidents/${i.id}`,
          },
          idempotencyKey: `incident:${i.id}:${seq}`,
        },
        this.d.ids,
        this.d.clock,
      );
    }
  }

  private async recipients(i: Incident): Promise<string[]> {
    const parties = await store.parties(this.d.db, i.id);
    return [i.reporterId, ...parties.map((p) => p.participantId), ...(await this.d.withRole('fraud_decider'))];
  }

  private audit(
    tx: Queryable,
    actor: ListActor,
    action: string,
    id: string,
    details: Record<string, unknown>,
  ): Promise<unknown> {
    return appendAudit(
      tx,
      {
        actor: actor.actor,
        action: `afc.incident.${action}`,
        entity: 'afc_incident',
        entityId: id,
        details: { participantId: actor.participantId, ...details },
      },
      this.d.clock,
    );
  }

  // --- deadlines ---

  /** Steps past their deadline are escalated once: to law enforcement and the operator, and the late party. */
  async sweep(): Promise<number> {
    const nowMs = this.d.clock.nowMs();
    const ids = await store.overdue(this.d.db, this.now(), 200);
    let n = 0;
    const system: ListActor = { actor: 'deadline', participantId: 'system', roles: [] };
    for (const id of ids) {
      await this.serial(id, async () => {
        const i = await store.get(this.d.db, id);
        if (!i) return;
        const due = overdue(await store.deadlines(this.d.db, id), i.status, nowMs);
        const operators = await this.d.withRole('operator');
        const recipients = await this.recipients(i);
        const at = this.now();
        for (const d of due) {
          await this.d.db.transaction(async (tx) => {
            if (!(await store.escalate(tx, id, d, at))) return;
            n++;
            await this.audit(tx, system, 'escalated', id, { step: d.step, late: d.participantId });
            await this.step(
              tx,
              i,
              system,
              'escalated',
              d.step === 'supplement'
                ? 'a related participant did not supplement the card in time'
                : 'no decision in time',
              { step: d.step, late: d.participantId, due: d.due },
              [...recipients, ...operators],
            );
          });
        }
      });
    }
    return n;
  }

  // --- reading ---

  /** How the actor stands to a card; empty when it may not see it. */
  private rolesOf(i: Incident, actor: ListActor, parties: readonly IncidentParty[]): IncidentRole[] {
    const roles: IncidentRole[] = [];
    if (i.reporterId === actor.participantId) roles.push('reporter');
    if (parties.some((p) => p.participantId === actor.participantId)) roles.push('party');
    if (actor.roles.includes('fraud_decider')) roles.push('investigator');
    if (actor.roles.includes('operator')) roles.push('operator');
    return roles;
  }

  private async visible(id: string, actor: ListActor): Promise<{ incident: Incident; roles: IncidentRole[] }> {
    const incident = await store.get(this.d.db, id);
    if (!incident) throw notFound('incident');
    const roles = this.rolesOf(incident, actor, await store.parties(this.d.db, id));
    // a card the participant is not related to reads exactly like one that does not exist
    if (roles.length === 0) throw notFound('incident');
    return { incident, roles };
  }

  /** The full card to those who may see it: its reporter, related participants, law enforcement, the operator. */
  async card(id: string, actor: ListActor, opts: { audit?: boolean } = {}): Promise<IncidentCard> {
    const { incident, roles } = await this.visible(id, actor);
    const [parties, deadlines, history, attachments, recoveries, identifiers] = await Promise.all([
      store.parties(this.d.db, id),
      store.deadlines(this.d.db, id),
      store.history(this.d.db, id),
      store.attachments(this.d.db, id),
      store.recoveries(this.d.db, id),
      store.identifiers(this.d.db, id),
    ]);
    if (opts.audit !== false) await this.d.db.transaction((tx) => this.audit(tx, actor, 'read', id, {}));
    const sum = (k: RecoveryKind) => recoveries.filter((r) => r.kind === k).reduce((a, r) => a + r.amount, 0n);
    const ipsReturned =
      incident.type === 'instant_transfer' && incident.details.paymentId && this.d.ipsReturned
        ? await this.d.ipsReturned(incident.details.paymentId)
        : 0n;
    const recovered = {
      blockedAtSender: sum('blocked_at_sender'),
      blockedAtRecipient: sum('blocked_at_recipient'),
      returned: sum('returned'),
      ipsReturned,
    };
    const priority = await this.priorityOf(incident, identifiers, recovered);
    const mentioned = new Set([
      incident.reporterId,
      ...parties.map((p) => p.participantId),
      ...attachments.map((a) => a.participantId),
      ...recoveries.map((r) => r.participantId),
      ...history.flatMap((e) => (e.participantId ? [e.participantId] : [])),
    ]);
    const participants: IncidentCard['participants'] = {};
    for (const pid of mentioned) {
      const p = await this.d.participantOf?.(pid);
      if (p) participants[pid] = { name: p.name, bic: p.bic, type: p.type };
    }
    return {
      ...incident,
      viewerRoles: roles,
      parties,
      deadlines,
      history,
      attachments,
      recoveries,
      recovered,
      priority,
      participants,
    };
  }

  private async priorityOf(
    i: Incident,
    identifiers: readonly { mac: string; kind: string }[],
    r: IncidentCard['recovered'],
  ): Promise<Priority> {
    const macs = identifiers.map((x) => x.mac);
    const confirmedHits = await this.d.lists.confirmedElsewhere(macs, sourceOf(i.id));
    // a voluntary return recorded on the card may be the very IPS return: count the larger, not both
    let returned = r.returned;
    if (r.ipsReturned > returned) returned = r.ipsReturned;
    return prioritize({
      confirmedHits,
      otherIncidents: await store.otherIncidents(this.d.db, i.id, macs),
      completed: i.outcome === 'completed',
      strongIdentifier: identifiers.some((x) => STRONG.has(x.kind)),
      amount: i.amount ?? 0n,
      recovered: r.blockedAtSender + r.blockedAtRecipient + returned,
      blockedAtRecipient: r.blockedAtRecipient,
      ageMs: Math.max(0, this.d.clock.nowMs() - Date.parse(i.occurredAt)),
    });
  }

  /**
   * Cards a participant may see, newest first: its own and those it is related to; law enforcement and the
   * operator see all. The regulator sees summaries without personal data. Law enforcement may sort open cards
   * by priority. Every listing is audited.
   */
  async list(
    actor: ListActor,
    f: { status?: IncidentStatus; type?: string; after?: string; limit: number; sort?: 'newest' | 'priority' },
  ): Promise<{
    items: (IncidentSummary & { priority?: Priority; details?: Details; reporterId?: string })[];
    next: string | null;
  }> {
    const all = actor.roles.includes('fraud_decider') || actor.roles.includes('operator');
    const summaries = !all && actor.roles.includes('oversight');
    // the priority queue ranks the newest QUEUE_MAX matching cards as a whole, then pages through the ranking
    const queue = f.sort === 'priority' && !summaries;
    const rows = await store.list(this.d.db, {
      ...(all || summaries ? {} : { participantId: actor.participantId }),
      ...(f.status ? { status: f.status } : {}),
      ...(f.type ? { type: f.type } : {}),
      ...(f.after && !queue ? { after: f.after } : {}),
      limit: queue ? QUEUE_MAX : f.limit,
    });
    await this.d.db.transaction((tx) =>
      this.audit(tx, actor, 'listed', summaries ? 'summaries' : 'cards', {
        count: rows.length,
        status: f.status ?? null,
      }),
    );
    if (summaries) return { items: rows.map(summaryOf), next: rows.length === f.limit ? rows.at(-1)!.id : null };
    const items = await Promise.all(
      rows.map(async (i) => {
        const recoveries = await store.recoveries(this.d.db, i.id);
        const sum = (k: RecoveryKind) => recoveries.filter((r) => r.kind === k).reduce((a, r) => a + r.amount, 0n);
        const priority = CLOSED.has(i.status)
          ? undefined
          : await this.priorityOf(i, await store.identifiers(this.d.db, i.id), {
              blockedAtSender: sum('blocked_at_sender'),
              blockedAtRecipient: sum('blocked_at_recipient'),
              returned: sum('returned'),
              ipsReturned: 0n,
            });
        return { ...summaryOf(i), reporterId: i.reporterId, details: i.details, ...(priority ? { priority } : {}) };
      }),
    );
    if (!queue) return { items, next: rows.length === f.limit ? rows.at(-1)!.id : null };
    items.sort((a, b) => (b.priority?.score ?? -1) - (a.priority?.score ?? -1) || (a.id < b.id ? 1 : -1));
    const start = f.after ? items.findIndex((x) => x.id === f.after) + 1 : 0;
    const page = items.slice(start, start + f.limit);
    return { items: page, next: start + f.limit < items.length ? page.at(-1)!.id : null };
  }

  // --- the portal inbox ---

  inbox(actor: ListActor, f: { unread?: boolean; after?: string; limit: number }): Promise<Notification[]> {
    return store.inbox(this.d.db, actor.participantId, f);
  }

  unread(actor: ListActor): Promise<number> {
    return store.unreadCount(this.d.db, actor.participantId);
  }

  async markRead(actor: ListActor, notificationId: string): Promise<void> {
    if (!(await store.markRead(this.d.db, actor.participantId, notificationId, this.now())))
      throw notFound('notification');
  }
}

/** A recovery recorded before under the same reference: nothing to do. */
class Replay extends Error {}

const isUtf8Text = (b: Buffer): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return !b.includes(0);
  } catch {
    return false;
  }
};

const pick = (o: Details, keys: readonly string[]): Details =>
  Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]!]));
const stableJson = (o: Details): string =>
  JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))));

export type { IncidentStatus };
