/**
 * IPS tariffs (IPS-7): per payment type, a fixed part plus a percentage (in basis points), within a floor and
 * a cap, charged to one of the two banks. C2B is free for the payer: its fee is always the payee's bank's
 * (the merchant's acquirer), which passes it on by its own merchant tariff.
 */
export const PAYMENT_TYPES = ['c2c', 'c2b', 'me2me', 'rtp', 'b2b'] as const;
export type PaymentType = (typeof PAYMENT_TYPES)[number];

export interface Tariff {
  id: string;
  /** The bank it applies to; null: every bank without a tariff of its own. */
  bic: string | null;
  paymentType: PaymentType;
  charged: 'payer_bank' | 'payee_bank';
  /** tiyn */
  fixed: bigint;
  /** basis points of the amount (1 bp = 0.01 %) */
  bps: bigint;
  /** tiyn */
  min: bigint;
  /** tiyn; null: no cap */
  max: bigint | null;
  validFrom: string;
  createdAt: string;
}

/** Why a tariff is not acceptable, as [field, message], or undefined. */
export function tariffProblem(t: Omit<Tariff, 'id' | 'createdAt'>): [string, string] | undefined {
  if (t.fixed < 0n) return ['/fixed', 'must not be negative'];
  if (t.bps < 0n || t.bps > 10_000n) return ['/bps', 'must be 0…10000 basis points'];
  if (t.min < 0n) return ['/min', 'must not be negative'];
  if (t.max !== null && t.max < t.min) return ['/max', 'must not be below min'];
  if (t.paymentType === 'c2b' && t.charged !== 'payee_bank') return ['/charged', 'C2B is free for the payer'];
  return undefined;
}

/** The fee for an amount: fixed + amount × bps / 10,000 (rounded half up to the tiyn), within [min, max]. */
export function feeFor(t: Pick<Tariff, 'fixed' | 'bps' | 'min' | 'max'>, amount: bigint): bigint {
  const pct = (amount * t.bps * 2n + 10_000n) / 20_000n;
  let fee = t.fixed + pct;
  if (fee < t.min) fee = t.min;
  if (t.max !== null && fee > t.max) fee = t.max;
  return fee;
}

/** The tariff in force for a bank and type at `at`: its own before the default, the latest validFrom first. */
export function tariffInForce(all: Tariff[], bic: string, type: PaymentType, at: string): Tariff | undefined {
  const pick = (forBic: string | null) =>
    all
      .filter((t) => t.bic === forBic && t.paymentType === type && t.validFrom <= at)
      .sort((a, b) =>
        a.validFrom < b.validFrom ? 1 : a.validFrom > b.validFrom ? -1 : a.createdAt < b.createdAt ? 1 : -1,
      )[0];
  return pick(bic) ?? pick(null);
}
