import type { Ledger } from '../ledger/index.ts';
import { type Clock, type Db, DomainError, type IdGenerator, type Queryable } from '../platform/index.ts';
import type { IpsPayment } from './domain/payment.ts';
import { feeFor, type PaymentType, type Tariff, tariffInForce, tariffProblem } from './domain/tariff.ts';

interface TariffRow {
  id: string;
  bic: string | null;
  payment_type: string;
  charged: string;
  fixed: bigint;
  bps: bigint;
  min_fee: bigint;
  max_fee: bigint | null;
  valid_from: string;
  created_at: string;
}

const toTariff = (r: TariffRow): Tariff => ({
  id: r.id,
  bic: r.bic,
  paymentType: r.payment_type as PaymentType,
  charged: r.charged as Tariff['charged'],
  fixed: BigInt(r.fixed),
  bps: BigInt(r.bps),
  min: BigInt(r.min_fee),
  max: r.max_fee === null ? null : BigInt(r.max_fee),
  validFrom: r.valid_from,
  createdAt: r.created_at,
});

/** What a payment is, for its tariff: read off its stored document, so a restart charges the same. */
/** Supplier and trade payments between companies (category purpose SUPP, TRAD) are B2B. */
export const isB2b = (categoryPurpose: string | undefined): boolean =>
  categoryPurpose === 'SUPP' || categoryPurpose === 'TRAD';

export function paymentTypeOf(document: unknown): PaymentType {
  const d = (document ?? {}) as {
    qr?: unknown;
    requestToPay?: unknown;
    pmtTpInf?: { ctgyPurp?: { prtry?: string; cd?: string } };
  };
  if (d.qr !== undefined) return 'c2b';
  if (d.requestToPay !== undefined) return 'rtp';
  if (d.pmtTpInf?.ctgyPurp?.prtry === 'ME2ME') return 'me2me';
  if (isB2b(d.pmtTpInf?.ctgyPurp?.cd)) return 'b2b';
  return 'c2c';
}

export const FEE_ACCOUNT = 'ips:fees:KZT';
const feesDueAccount = (bic: string) => `ips:fees-due:${bic}`;

/**
 * Tariffs published by the operator (every version kept: the history is public) and the fees they charge.
 * A settled payment's fee is a ledger transfer from the charged bank's fees-due account to the operator's fee
 * account (so what a bank owes is a balance, settled monthly), recorded with the payment's settlement.
 */
export class IpsTariffs {
  private readonly db: Db;
  private readonly ledger: Ledger;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly operator: () => Promise<{ id: string }>;
  private cache: Tariff[] | undefined;
  /** When the cache was read: re-read after a second, so tariffs published by another process apply too. */
  private loadedAt = -Infinity;
  /** Banks whose fees-due account (and the fee account) exist: created with the first fee, not every one. */
  private readonly feeAccounts = new Set<string>();

  constructor(deps: {
    db: Db;
    ledger: Ledger;
    clock: Clock;
    ids: IdGenerator;
    operator: () => Promise<{ id: string }>;
  }) {
    this.db = deps.db;
    this.ledger = deps.ledger;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.operator = deps.operator;
  }

  async all(): Promise<Tariff[]> {
    const now = this.clock.nowMs();
    if (!this.cache || now - this.loadedAt >= 1000) {
      this.cache = (await this.db.query<TariffRow>('SELECT * FROM ips_tariffs ORDER BY valid_from, created_at')).map(
        toTariff,
      );
      this.loadedAt = now;
    }
    return this.cache;
  }

  /** Publishes a tariff version (operator); it applies from `validFrom` (not in the past). */
  async publish(request: Omit<Tariff, 'id' | 'createdAt' | 'validFrom'> & { validFrom?: string }): Promise<Tariff> {
    const at = this.clock.now().toISOString();
    // without a date it applies from now (taken here: a date taken by the caller is already past)
    const input = { ...request, validFrom: request.validFrom ?? at };
    const problem = tariffProblem(input);
    if (problem)
      throw new DomainError('validation', `${problem[0]}: ${problem[1]}`, {
        issues: [{ field: problem[0], message: problem[1] }],
      });
    if (input.validFrom < at) {
      throw new DomainError('validation', 'a tariff cannot apply to the past', {
        issues: [{ field: '/validFrom', message: 'must not be in the past' }],
      });
    }
    const t: Tariff = { ...input, id: this.ids.next('trf'), createdAt: at };
    await this.db.transaction((tx) =>
      tx.exec(
        `INSERT INTO ips_tariffs (id, bic, payment_type, charged, fixed, bps, min_fee, max_fee, valid_from, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [t.id, t.bic, t.paymentType, t.charged, t.fixed, t.bps, t.min, t.max, t.validFrom, t.createdAt],
      ),
    );
    this.cache = undefined;
    return t;
  }

  /**
   * The fee of a settled payment: posted on the ledger (idempotent by payment id) before the caller records
   * it with `record` in the transaction that records the settlement. Undefined when no tariff applies.
   */
  async charge(
    p: IpsPayment,
  ): Promise<{ bic: string; type: PaymentType; amount: bigint; tariffId: string } | undefined> {
    const type = paymentTypeOf(p.document);
    const all = await this.all();
    // the tariff of the bank it would charge: the payer's bank, or the payee's for C2B
    const candidates = [p.payerBic, p.payeeBic];
    let found: { tariff: Tariff; bic: string } | undefined;
    for (const bic of candidates) {
      const t = tariffInForce(all, bic, type, p.createdAt);
      if (t && (t.charged === 'payer_bank' ? p.payerBic : p.payeeBic) === bic) {
        found = { tariff: t, bic };
        break;
      }
    }
    if (!found) return undefined;
    const amount = feeFor(found.tariff, p.amount);
    if (amount === 0n) return undefined;
    if (!this.feeAccounts.has(found.bic)) {
      const op = await this.operator();
      await this.ledger.createAccounts([
        { id: FEE_ACCOUNT, owner: op.id, currency: 'KZT', code: 'ips_fees', flags: { history: true } },
        {
          id: feesDueAccount(found.bic),
          owner: op.id,
          currency: 'KZT',
          code: 'ips_fees_due',
          flags: { history: true },
        },
      ]);
      this.feeAccounts.add(found.bic);
    }
    const [r] = await this.ledger.submit([
      {
        id: `ips:fee:${p.id}`,
        debitAccountId: feesDueAccount(found.bic),
        creditAccountId: FEE_ACCOUNT,
        amount,
        currency: 'KZT',
        code: `ips.fee.${type}`,
        reference: p.id,
      },
    ]);
    if (!r?.ok) throw new DomainError('unavailable', 'the fee could not be posted');
    return { bic: found.bic, type, amount, tariffId: found.tariff.id };
  }

  async record(
    tx: Queryable,
    paymentId: string,
    fee: { bic: string; type: string; amount: bigint; tariffId: string },
    at: string,
  ): Promise<void> {
    await tx.exec(
      `INSERT INTO ips_fees (payment_id, bic, payment_type, amount, tariff_id, charged_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (payment_id) DO NOTHING`,
      [paymentId, fee.bic, fee.type, fee.amount, fee.tariffId, at],
    );
  }

  /** A bank's fee statement for a month (YYYY-MM, UTC): count and total per payment type. */
  async statement(bic: string, month: string) {
    const from = `${month}-01T00:00:00.000Z`;
    const [y, m] = month.split('-').map(Number) as [number, number];
    const to = new Date(Date.UTC(m === 12 ? y + 1 : y, m === 12 ? 0 : m, 1)).toISOString();
    const rows = await this.db.query<{ payment_type: string; n: bigint; total: bigint }>(
      `SELECT payment_type, COUNT(*) AS n, SUM(amount) AS total FROM ips_fees
       WHERE bic = $1 AND charged_at >= $2 AND charged_at < $3 GROUP BY payment_type ORDER BY payment_type`,
      [bic, from, to],
    );
    const lines = rows.map((r) => ({ paymentType: r.payment_type, payments: Number(r.n), total: BigInt(r.total) }));
    return { bic, month, lines, total: lines.reduce((s, l) => s + l.total, 0n) };
  }
}
