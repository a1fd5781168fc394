import {
  type AuditInput,
  appendAudits,
  type Clock,
  type Db,
  DomainError,
  GroupCommit,
  type IdGenerator,
  invalid,
  ulidGenerator,
} from '../../platform/index.ts';
import { type IdentifierKind, macInput, normalizeIdentifier } from '../domain/identifiers.ts';
import type { Decision } from '../domain/lists.ts';
import { nameTokens, normalizePersonName } from '../domain/names.ts';
import { decide, type IdentifierHit, type Party, type PartyName, type Reason } from '../domain/screening.ts';
import { screeningPhone, tryNormalize } from '../identifiers.ts';
import type { AfcLists, ListActor } from '../lists/service.ts';

/** One side of a payment as screening takes it: any of its identifiers and its name. */
export interface PartyInput {
  /** IBAN. */
  account?: string | undefined;
  /** IIN or BIN. */
  iin?: string | undefined;
  phone?: string | undefined;
  /** Card token. */
  card?: string | undefined;
  /** IMEI of the device the payment was made from (debtor) or registered to (creditor). */
  device?: string | undefined;
  wallet?: string | undefined;
  url?: string | undefined;
  name?: string | undefined;
  /** The party's bank (BIC): must be a known participant. */
  bic?: string | undefined;
}

export interface ScreenPayment {
  debtor?: PartyInput | undefined;
  creditor?: PartyInput | undefined;
  /** Minor units (tiyn). */
  amount?: bigint | undefined;
  /** The rail the payment goes by: ips, imts, ics, card, wallet, other. */
  rail?: string | undefined;
}

export interface ScreenResult {
  decision: Decision;
  reasons: Reason[];
  /** The list version the answer was given at. */
  listVersion: number;
}

type IdentifierProp = 'account' | 'iin' | 'phone' | 'card' | 'device' | 'wallet' | 'url';
const IDENTIFIER_FIELDS: readonly (readonly [IdentifierProp, IdentifierKind])[] = [
  ['account', 'account'],
  ['iin', 'iin'],
  ['phone', 'phone'],
  ['card', 'card'],
  ['device', 'device'],
  ['wallet', 'wallet'],
  ['url', 'url'],
];
const PARTIES: readonly Party[] = ['debtor', 'creditor'];
const STRICT = { strict: true } as const;

interface FieldOf {
  prop: IdentifierProp;
  kind: IdentifierKind;
  /** The request's field, e.g. `/creditor/account`: what a reason or a 400 names. */
  field: string;
}
/** Per party, its identifier fields with their names made once (not per check). */
const FIELDS: readonly { party: Party; identifiers: readonly FieldOf[]; name: string }[] = PARTIES.map((party) => ({
  party,
  identifiers: IDENTIFIER_FIELDS.map(([prop, kind]) => ({ prop, kind, field: `/${party}/${prop}` })),
  name: `/${party}/name`,
}));

export interface AfcScreeningDeps {
  lists: AfcLists;
  db: Db;
  clock: Clock;
  ids?: IdGenerator;
  /** Whether a BIC names a participant (unknown → 400 naming the field). */
  knownBic?: (bic: string) => Promise<boolean>;
}

/**
 * Screening of payments against the lists, in memory: no database read per check. `screen` is what the
 * platform's own rails call (IPS); `screenFor` is the API's: it refuses malformed identifiers and unknown
 * banks, and every answer that discloses list data (a hit) is audited before it leaves.
 */
export class AfcScreening {
  private readonly lists: AfcLists;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly knownBic: ((bic: string) => Promise<boolean>) | undefined;
  private readonly audits: GroupCommit<AuditInput>;

  constructor(d: AfcScreeningDeps) {
    this.lists = d.lists;
    this.clock = d.clock;
    this.ids = d.ids ?? ulidGenerator(d.clock);
    this.knownBic = d.knownBic;
    // the hits of one turn of the event loop in one commit, the chain's head read and moved once for all
    this.audits = new GroupCommit<AuditInput>(d.db, async (tx, items) => {
      await appendAudits(tx, items, d.clock);
    });
  }

  /**
   * Screens a payment against the lists in memory. Lenient by default (the platform's rails): an identifier
   * that cannot be valid is on no list and is skipped; `strict` refuses it with a 400 naming the field.
   */
  screen(p: ScreenPayment, opts: { strict?: boolean } = {}): ScreenResult {
    const strict = opts.strict === true;
    const index = this.lists.index;
    const mac = this.lists.mac;
    const hits: IdentifierHit[] = [];
    const names: PartyName[] = [];
    // whether a name has list names to be compared with: without them and without hits the answer is allow
    let candidates = false;
    for (let f = 0; f < FIELDS.length; f++) {
      const { party, identifiers, name } = FIELDS[f]!;
      const input = p[party];
      if (!input) continue;
      for (let k = 0; k < identifiers.length; k++) {
        const { prop, kind, field } = identifiers[k]!;
        const v = input[prop];
        if (v === undefined) continue;
        if (!strict && !index.has(kind)) continue;
        const n = strict ? normalizeIdentifier(kind, v, field, screeningPhone) : tryNormalize(kind, v);
        if (n === undefined) continue;
        const key = macInput(kind, n);
        if (!index.mayHold(kind, key)) continue;
        const entries = index.get(mac.ofInput(key));
        if (entries) hits.push({ party, field, kind, entries });
      }
      if (input.name !== undefined) {
        if (strict) normalizePersonName(input.name, name);
        const tokens = nameTokens(input.name);
        if (tokens.length > 0) {
          const found = index.nameCandidates(tokens);
          if (found.length > 0) candidates = true;
          names.push({ party, field: name, tokens, candidates: found });
        }
      }
    }
    // what `decide` answers for no hit and no candidate name, without its work
    if (hits.length === 0 && !candidates) return { decision: 'allow', reasons: [], listVersion: this.lists.version };
    const d = decide({ hits, names, nowMs: this.clock.nowMs() });
    return { decision: d.decision, reasons: d.reasons, listVersion: this.lists.version };
  }

  /**
   * A participant screens a payment (the API): strict identifiers, known banks; an answer with reasons is
   * audited (who asked, the decision, the fields and MACs that hit) before it is returned.
   */
  async screenFor(caller: ListActor, p: ScreenPayment): Promise<ScreenResult & { id: string }> {
    return (await this.screenManyFor(caller, [p], ''))[0]!;
  }

  /**
   * Several payments in one call (a bank's batch): all checked first (a malformed one is a 400 naming
   * `/payments/<i>/…` and nothing is answered), then screened; the answers that hit are audited together.
   */
  async screenManyFor(
    caller: ListActor,
    payments: readonly ScreenPayment[],
    prefix = '/payments',
  ): Promise<(ScreenResult & { id: string })[]> {
    const at = (i: number) => (prefix ? `${prefix}/${i}` : '');
    if (this.knownBic) {
      for (const [i, p] of payments.entries()) {
        for (const party of PARTIES) {
          const bic = p[party]?.bic;
          if (bic !== undefined && !(await this.knownBic(bic)))
            throw invalid(`${at(i)}/${party}/bic`, 'unknown participant');
        }
      }
    }
    const results: (ScreenResult & { id: string })[] = [];
    for (let i = 0; i < payments.length; i++) {
      let r: ScreenResult;
      try {
        r = this.screen(payments[i]!, STRICT);
      } catch (e) {
        if (!prefix || !(e instanceof DomainError) || e.issues.length === 0) throw e;
        const issue = e.issues[0]!;
        throw invalid(`${at(i)}${issue.field}`, issue.message);
      }
      results.push({ id: this.ids.next('scr'), decision: r.decision, reasons: r.reasons, listVersion: r.listVersion });
    }
    let audits: Promise<void>[] | undefined;
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      if (r.reasons.length === 0) continue;
      const p = payments[i]!;
      audits ??= [];
      audits.push(
        this.audits.add({
          actor: caller.actor,
          action: 'afc.screen.listed',
          entity: 'afc_screening',
          entityId: r.id,
          details: {
            participantId: caller.participantId,
            decision: r.decision,
            rail: p.rail ?? null,
            amount: p.amount === undefined ? null : p.amount.toString(),
            listVersion: r.listVersion,
            reasons: r.reasons.map((x) => ({ code: x.code, field: x.field, status: x.status })),
            macs: this.hitMacs(p, r.reasons),
          },
        }),
      );
    }
    if (audits) await Promise.all(audits);
    return results;
  }

  /** The MACs of the identifiers that gave reasons (the audit names them, never the raw values). */
  private hitMacs(p: ScreenPayment, reasons: readonly Reason[]): string[] {
    const out: string[] = [];
    for (const r of reasons) {
      if (r.kind === 'name') continue;
      const prop = r.field.split('/')[2] as keyof PartyInput;
      const v = p[r.party]?.[prop];
      const n = v === undefined ? undefined : tryNormalize(r.kind, v);
      if (n !== undefined) out.push(this.lists.mac.of(r.kind, n));
    }
    return out;
  }
}

/** The fields of an IPS payment screening reads (structurally `IpsPayment`, without depending on IPS). */
export interface IpsPaymentLike {
  amount: bigint;
  payerBic: string;
  payeeBic: string;
  creditorAccount: string;
  alias: string | null;
  document: unknown;
}

interface IsoParty {
  nm?: string;
  id?: { prvtId?: { othr?: { id?: string }[] }; orgId?: { othr?: { id?: string }[] } };
}
interface IsoAccount {
  id?: { iban?: string; othr?: { id?: string } };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const partyId = (p: IsoParty | undefined): string | undefined =>
  str(p?.id?.prvtId?.othr?.[0]?.id) ?? str(p?.id?.orgId?.othr?.[0]?.id);

/**
 * The IPS hook (`Screening` in src/ips): the payment's creditor account, alias phone, debtor account, both
 * parties' IINs/BINs and names as the pacs.008 (or the request to pay, the QR's merchant) states them.
 * IPS refuses a `block` with FRAD; reasons are `<code> <field>`.
 */
export function ipsScreening(
  screening: AfcScreening,
): (p: IpsPaymentLike) => Promise<{ decision: Decision; reasons: string[] }> {
  return async (p) => {
    const doc = (p.document ?? {}) as {
      dbtr?: IsoParty;
      dbtrAcct?: IsoAccount;
      cdtr?: IsoParty;
      merchant?: { name?: string };
      debtor?: { name?: string; iin?: string; account?: string };
    };
    const r = screening.screen({
      rail: 'ips',
      amount: p.amount,
      debtor: {
        account: str(doc.dbtrAcct?.id?.iban) ?? str(doc.dbtrAcct?.id?.othr?.id) ?? str(doc.debtor?.account),
        iin: partyId(doc.dbtr) ?? str(doc.debtor?.iin),
        name: str(doc.dbtr?.nm) ?? str(doc.debtor?.name),
        bic: p.payerBic,
      },
      creditor: {
        account: p.creditorAccount,
        phone: p.alias ?? undefined,
        iin: partyId(doc.cdtr),
        name: str(doc.cdtr?.nm) ?? str(doc.merchant?.name),
        bic: p.payeeBic,
      },
    });
    return { decision: r.decision, reasons: r.reasons.map((x) => `${x.code} ${x.field}`) };
  };
}

/** What IMTS hands the screening hook: a customer credit transfer (pacs.008) between two banks. */
export interface ImtsPaymentLike {
  amount: bigint;
  senderBic: string;
  receiverBic: string;
  /** The pacs.008 transaction (CdtTrfTxInf) as the JSON model carries it. */
  document: unknown;
}

/**
 * The screening hook for IMTS: both customer parties of a pacs.008 (accounts, IINs, names) against the lists.
 * The rail's policy is IMTS's own: block refuses the payment (FRAD); review settles it and tells the
 * receiving bank to hold the credit for review.
 */
export function imtsScreening(
  screening: AfcScreening,
): (p: ImtsPaymentLike) => Promise<{ decision: Decision; reasons: string[] }> {
  return async (p) => {
    const doc = (p.document ?? {}) as {
      dbtr?: IsoParty;
      dbtrAcct?: IsoAccount;
      cdtr?: IsoParty;
      cdtrAcct?: IsoAccount;
    };
    const r = screening.screen({
      rail: 'imts',
      amount: p.amount,
      debtor: {
        account: str(doc.dbtrAcct?.id?.iban) ?? str(doc.dbtrAcct?.id?.othr?.id),
        iin: partyId(doc.dbtr),
        name: str(doc.dbtr?.nm),
        bic: p.senderBic,
      },
      creditor: {
        account: str(doc.cdtrAcct?.id?.iban) ?? str(doc.cdtrAcct?.id?.othr?.id),
        iin: partyId(doc.cdtr),
        name: str(doc.cdtr?.nm),
        bic: p.receiverBic,
      },
    });
    return { decision: r.decision, reasons: r.reasons.map((x) => `${x.code} ${x.field}`) };
  };
}
