import { randomUUID } from 'node:crypto';
import type { Ledger, TransferInput } from '../ledger/index.ts';
import { appendAudit, type Clock, type Db, DomainError, formatAmount, notFound } from '../platform/index.ts';

/** The counterpart of every cap movement; it has no limit, so only the banks' day accounts constrain. */
export const CAP_POOL = 'ips:ndc:pool';
/** IPS days follow Kazakhstan's time (UTC+5), the same for every bank. */
const KZ_OFFSET_MS = 5 * 3600_000;

export const ipsDay = (ms: number): string => new Date(ms + KZ_OFFSET_MS).toISOString().slice(0, 10);
const dayAccount = (bic: string, day: string) => `ips:ndc:${bic}:${day}`;
/** Where a day account's cap comes from: what it gave is what the day account holds as its cap. */
const capSource = (bic: string, day: string) => `ips:ndc:${bic}:${day}:cap`;
const funding = (bic: string, day: string, version: number) => `ips:ndc:${bic}:${day}:v${version}`;

export interface NetDebitCap {
  bic: string;
  /** tiyn; null: no cap. */
  cap: bigint | null;
  version: number;
  setBy: string;
  setAt: string;
  grounds: string;
}

interface CapRow {
  bic: string;
  cap: bigint | null;
  version: bigint;
  set_by: string;
  set_at: string;
  grounds: string;
}
const toCap = (r: CapRow): NetDebitCap => ({
  bic: r.bic,
  cap: r.cap === null ? null : BigInt(r.cap),
  version: Number(r.version),
  setBy: r.set_by,
  setAt: r.set_at,
  grounds: r.grounds,
});

/**
 * Per-participant net debit caps on IPS (a risk limit under the prefunded position): what a bank sends
 * minus what it receives within one IPS day may not exceed its cap. Kept on the ledger, so the check is as
 * atomic as the reservation itself: each capped bank has a day account (`debitsMustNotExceedCredits`)
 * holding its cap, given by the bank's cap source account for that day; a payment reserves, linked with its
 * position reservation, a debit of the payer's day account and a credit of the payee's, posted or voided
 * together with it. A new day opens a new account at the current cap. A changed cap applies at once (the
 * difference moves between source and day account; refused when the day's net debit exceeds the new cap);
 * a removed cap stops counting new payments. Caps are re-read once a second; two processes opening and
 * changing one bank's day account in the same instant could fund it twice (operator changes are rare).
 */
export class IpsNetDebitCaps {
  private readonly db: Db;
  private readonly ledger: Ledger;
  private readonly clock: Clock;
  private cache = new Map<string, NetDebitCap>();
  private loadedAt = -Infinity;
  private readonly opened = new Set<string>();
  private readonly isParticipant: (bic: string) => Promise<boolean>;

  constructor(deps: { db: Db; ledger: Ledger; clock: Clock; isParticipant: (bic: string) => Promise<boolean> }) {
    this.isParticipant = deps.isParticipant;
    this.db = deps.db;
    this.ledger = deps.ledger;
    this.clock = deps.clock;
  }

  /** Current caps, re-read at most once a second (several processes share them through the database). */
  private async caps(): Promise<Map<string, NetDebitCap>> {
    const now = this.clock.nowMs();
    if (now - this.loadedAt < 1000) return this.cache;
    const rows = await this.db.query<CapRow>(
      `SELECT c.bic, c.cap, c.version, c.set_by, c.set_at, c.grounds FROM ips_net_debit_caps c
       WHERE c.version = (SELECT MAX(version) FROM ips_net_debit_caps d WHERE d.bic = c.bic)`,
    );
    this.cache = new Map(rows.map((r) => [r.bic, toCap(r)]));
    this.loadedAt = now;
    return this.cache;
  }

  async get(bic: string): Promise<NetDebitCap | undefined> {
    return (await this.caps()).get(bic);
  }

  async list(): Promise<NetDebitCap[]> {
    this.loadedAt = -Infinity;
    return [...(await this.caps()).values()].sort((a, b) => a.bic.localeCompare(b.bic));
  }

  /** How much of today's cap a bank has used and has left. */
  async usage(
    bic: string,
  ): Promise<{ bic: string; day: string; cap: bigint | null; netDebit: bigint; left: bigint | null }> {
    const day = ipsDay(this.clock.nowMs());
    const c = await this.get(bic);
    if (!c || c.cap === null) return { bic, day, cap: null, netDebit: 0n, left: null };
    const a = await this.ledger.getAccount(dayAccount(bic, day));
    if (!a) return { bic, day, cap: c.cap, netDebit: 0n, left: c.cap };
    const left = a.creditsPosted - a.debitsPosted - a.debitsPending;
    return { bic, day, cap: c.cap, netDebit: c.cap - left, left };
  }

  /** Opens a bank's day account at its cap (once per day and process; idempotent across processes). */
  private async open(c: NetDebitCap & { cap: bigint }, day: string): Promise<void> {
    const key = `${c.bic}:${day}`;
    if (this.opened.has(key)) return;
    await this.ledger.createAccounts([
      { id: CAP_POOL, owner: 'ips', currency: 'KZT', code: 'ips_cap_pool' },
      { id: capSource(c.bic, day), owner: 'ips', currency: 'KZT', code: 'ips_cap_source' },
      {
        id: dayAccount(c.bic, day),
        owner: 'ips',
        currency: 'KZT',
        code: 'ips_net_debit_cap',
        flags: { debitsMustNotExceedCredits: true },
      },
    ]);
    const [r] = await this.ledger.submit([
      {
        id: funding(c.bic, day, c.version),
        debitAccountId: capSource(c.bic, day),
        creditAccountId: dayAccount(c.bic, day),
        amount: c.cap,
        currency: 'KZT',
        code: 'ips.cap',
      },
    ]);
    // a replay of the same opening answers its stored result
    if (!r?.ok) throw new DomainError('internal', `cap account not opened: ${r?.reason}`);
    this.opened.add(key);
  }

  /**
   * The legs of a payment: a debit of the payer's day account if it is capped, a credit of the payee's if
   * it is. Pending, each linked to the next; the caller links the reservation in front.
   */
  async legs(
    paymentId: string,
    payerBic: string,
    payeeBic: string,
    amount: bigint,
    timeoutSeconds: number,
  ): Promise<TransferInput[]> {
    const caps = await this.caps();
    if (caps.size === 0) return [];
    const day = ipsDay(this.clock.nowMs());
    const transfers: TransferInput[] = [];
    const leg = (id: string, debit: string, credit: string) =>
      transfers.push({
        id,
        debitAccountId: debit,
        creditAccountId: credit,
        amount,
        currency: 'KZT',
        code: 'ips.cap',
        flags: { pending: true, linked: true },
        timeoutSeconds,
      });
    const payer = caps.get(payerBic);
    if (payer?.cap != null) {
      await this.open({ ...payer, cap: payer.cap }, day);
      leg(`ips:${paymentId}:cap-out`, dayAccount(payerBic, day), CAP_POOL);
    }
    const payee = caps.get(payeeBic);
    if (payee?.cap != null) {
      await this.open({ ...payee, cap: payee.cap }, day);
      leg(`ips:${paymentId}:cap-in`, CAP_POOL, dayAccount(payeeBic, day));
    }
    const last = transfers.at(-1);
    if (last) last.flags = { pending: true };
    return transfers;
  }

  /** The cap legs a payment reserved, as the ledger knows them (after a restart, or in another process). */
  async legsOf(paymentId: string): Promise<string[]> {
    const ids = [`ips:${paymentId}:cap-out`, `ips:${paymentId}:cap-in`];
    const found = await Promise.all(ids.map((id) => this.ledger.getTransfer(id)));
    return ids.filter((_, i) => found[i] !== undefined);
  }

  /**
   * The operator sets, changes or removes (null) a bank's cap, with grounds. Applies to the current day at
   * once when the bank's day account is open; refused when the day's net debit exceeds the new cap.
   */
  async set(bic: string, cap: bigint | null, by: { actor: string; grounds: string }): Promise<NetDebitCap> {
    if (cap !== null && cap < 0n) {
      throw new DomainError('validation', 'a cap is zero or more', {
        issues: [{ field: '/cap', message: 'negative' }],
      });
    }
    if (!(await this.isParticipant(bic))) throw notFound('participant');
    const [last] = await this.db.query<{ v: bigint | null }>(
      'SELECT MAX(version) AS v FROM ips_net_debit_caps WHERE bic = $1',
      [bic],
    );
    const version = Number(last?.v ?? 0n) + 1;
    const day = ipsDay(this.clock.nowMs());
    const account = await this.ledger.getAccount(dayAccount(bic, day));
    const source = account ? await this.ledger.getAccount(capSource(bic, day)) : undefined;
    // removing a cap leaves today's account as it is: payments simply stop counting against it
    if (account && source && cap !== null) {
      const funded = source.debitsPosted - source.creditsPosted;
      const delta = cap - funded;
      if (delta !== 0n) {
        const [r] = await this.ledger.submit([
          {
            id: `ips:ndc:${bic}:${day}:set:${randomUUID()}`,
            debitAccountId: delta > 0n ? capSource(bic, day) : dayAccount(bic, day),
            creditAccountId: delta > 0n ? dayAccount(bic, day) : capSource(bic, day),
            amount: delta > 0n ? delta : -delta,
            currency: 'KZT',
            code: 'ips.cap',
          },
        ]);
        if (!r?.ok) {
          const used = funded - (account.creditsPosted - account.debitsPosted - account.debitsPending);
          throw new DomainError('state', `today's net debit (${formatAmount(used)}) exceeds the new cap`, {
            reason: 'AM21',
            issues: [{ field: '/cap', message: `at least ${formatAmount(used)} today` }],
          });
        }
      }
    }
    const at = this.clock.now().toISOString();
    await this.db.transaction(async (tx) => {
      await tx.exec(
        `INSERT INTO ips_net_debit_caps (bic, version, cap, set_by, set_at, grounds) VALUES ($1, $2, $3, $4, $5, $6)`,
        [bic, version, cap, by.actor, at, by.grounds],
      );
      await appendAudit(
        tx,
        {
          actor: by.actor,
          action: 'ips.cap.set',
          entity: 'ips_net_debit_cap',
          entityId: bic,
          details: { cap: cap === null ? null : String(cap), version, grounds: by.grounds },
        },
        this.clock,
      );
    });
    this.loadedAt = -Infinity;
    return { bic, cap, version, setBy: by.actor, setAt: at, grounds: by.grounds };
  }

  /** A bank's caps over time, newest first. */
  async history(bic: string): Promise<NetDebitCap[]> {
    const rows = await this.db.query<CapRow>(
      'SELECT bic, cap, version, set_by, set_at, grounds FROM ips_net_debit_caps WHERE bic = $1 ORDER BY version DESC',
      [bic],
    );
    return rows.map(toCap);
  }
}
