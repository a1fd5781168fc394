/**
 * Deterministic synthetic payment traffic with labelled fraud (pure: the output is a function of the config).
 *
 * Normal traffic is built so that degree alone does not reveal a mule:
 *  - employers pay salaries to many employees once a month (fan-out), from the balance they hold;
 *  - merchants are paid by many customers (fan-in, Zipf popularity) and pay their supplier once a week;
 *  - the pension fund pays every pensioner on one day of the month (fan-out from reserves);
 *  - persons pay merchants and friends, as often as their income allows; some sweep most of their salary to their own savings account
 *    at another bank within hours (a legitimate fast pass-through);
 *  - businesses pay each other (large, over IMTS).
 * Fraud is planted by rings, each with a pool of mules (most opened for the fraud, some recruited among
 * ordinary customers, who keep their normal activity) and one or two fraudsters' collecting accounts:
 *  - ato: a victim's account is taken over and drained to a mule, who passes it on through 0-2 more mules
 *    to a fraudster within minutes to hours;
 *  - fan_in: several victims of a "safe account" scam pay one mule over a day or so; it forwards in batches;
 *  - fan_out: a victim's large transfer to a mule is split over several mules, each forwarding it on;
 *  - cycle: a fraudster round-trips an amount through mules back to itself (amount conserved at each hop).
 * Mules keep a small commission; everything else moves on.
 *
 * Streaming: the account table and the fraud plan (about `fraudShare` of the payments) are built up front;
 * normal traffic is generated one hour at a time from a generator seeded per hour, merged with the fraud
 * plan, and yielded in chunks ordered by time (ids follow that order), so a million payments never need to
 * be in memory at once.
 */
import { hash01, type Rng, rng } from './prng.ts';
import {
  type AccountKind,
  type AccountLabel,
  AGE_BANDS,
  type AgeBand,
  FRAUD_PATTERNS,
  type FraudPattern,
  type Rail,
  type SyntheticAccount,
  type SyntheticConfig,
  type SyntheticPayment,
} from './types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Amounts at or above this (2,000,000 KZT, in tiyn) go over IMTS; below, over IPS. */
const IMTS_FROM = 200_000_000;

export const DEFAULT_BANKS: readonly string[] = [
  'CASPKZKA',
  'HSBKKZKX',
  'KCJBKZKX',
  'IRTYKZKA',
  'TSESKZKA',
  'EURIKZKA',
  'BRKEKZKA',
  'ALFAKZKA',
  'HCSKKZKA',
  'KINCKZKA',
];
/** Bank market shares for persons' accounts (first banks largest). */
const BANK_WEIGHT = [0.34, 0.2, 0.1, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03, 0.03];

export const REGIONS: readonly string[] = [
  'Almaty',
  'Astana',
  'Shymkent',
  'Almaty Region',
  'Karaganda',
  'Turkistan',
  'East Kazakhstan',
  'Aktobe',
  'Zhambyl',
  'Pavlodar',
  'Kostanay',
  'Atyrau',
  'Mangystau',
  'West Kazakhstan',
  'Akmola',
  'North Kazakhstan',
  'Kyzylorda',
  'Abai',
  'Zhetysu',
  'Ulytau',
];
const REGION_WEIGHT = [11, 7, 6, 8, 6, 11, 4, 5, 6, 4, 4, 3, 4, 3, 4, 3, 4, 3, 3, 1];
const AGE_WEIGHT = [12, 24, 22, 17, 14, 11];
const FRESH_MULE_AGE = [45, 35, 12, 5, 2, 1];
const PHONE_PREFIXES = ['700', '701', '702', '705', '707', '708', '747', '771', '775', '776', '777', '778'];
/** Relative activity by hour of day (UTC+5 local hours are not modelled; the curve is what matters). */
const HOUR_WEIGHT = [1, 0.5, 0.3, 0.3, 0.4, 0.8, 1.5, 3, 5, 6, 6.5, 7, 7.5, 7, 6.5, 6.5, 6.5, 7, 7.5, 7, 6, 5, 3.5, 2];
/** Day of the month pensions are paid. */
const PENSION_DAY = 20;
const PATTERN_WEIGHT: Record<FraudPattern, number> = { ato: 0.4, fan_in: 0.25, fan_out: 0.2, cycle: 0.15 };

/** One payment before it gets its id and string account ids. */
interface Draft {
  f: number;
  t: number;
  /** tiyn */
  a: number;
  at: number;
  rail: Rail;
  p?: FraudPattern;
  s?: number;
}

export interface SyntheticDataset {
  readonly config: Readonly<Required<SyntheticConfig>>;
  readonly accounts: readonly SyntheticAccount[];
  /** Exactly `config.payments`. */
  readonly payments: number;
  readonly fraudPayments: number;
  /** Payments in time order (ties keep id order), `chunkSize` at a time; each call starts over. */
  chunks(): Generator<SyntheticPayment[]>;
  /** Label of an account id (undefined for an unknown id). */
  labelOf(id: string): AccountLabel | undefined;
}

const cumulative = (w: readonly number[]): Float64Array => {
  const c = new Float64Array(w.length);
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    s += w[i]!;
    c[i] = s;
  }
  for (let i = 0; i < w.length; i++) c[i]! /= s;
  return c;
};

/** Index i with cum[i-1] <= u < cum[i] (binary search). */
const sample = (cum: Float64Array, u: number): number => {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < cum[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
};

const railOf = (tiyn: number): Rail => (tiyn >= IMTS_FROM ? 'imts' : 'ips');
const tenge = (kzt: number): number => Math.max(100, Math.round(kzt) * 100);

/** `KZ` + check digits + bank code + account number, with valid ISO 13616 check digits. */
export function kzIban(bankCode: string, accountNumber: string): string {
  const bban = bankCode + accountNumber;
  const digits = `${bban}KZ00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rem = 0;
  for (let i = 0; i < digits.length; i++) rem = (rem * 10 + digits.charCodeAt(i) - 48) % 97;
  return `KZ${String(98 - rem).padStart(2, '0')}${bban}`;
}

/** Whether an IBAN's check digits are right (mod 97 = 1). */
export function ibanValid(iban: string): boolean {
  const s = iban.slice(4) + iban.slice(0, 4);
  const digits = s.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rem = 0;
  for (let i = 0; i < digits.length; i++) rem = (rem * 10 + digits.charCodeAt(i) - 48) % 97;
  return rem === 1;
}

function resolveConfig(c: SyntheticConfig): Required<SyntheticConfig> {
  if (!Number.isInteger(c.payments) || c.payments < 1) throw new RangeError('payments must be a positive integer');
  const days = c.days ?? 30;
  if (!Number.isInteger(days) || days < 5) throw new RangeError('days must be an integer of at least 5');
  const banks = c.banks ?? DEFAULT_BANKS;
  if (banks.length < 2) throw new RangeError('at least two banks');
  const fraudShare = c.fraudShare ?? 0.01;
  if (!(fraudShare >= 0 && fraudShare < 0.5)) throw new RangeError('fraudShare must be in [0, 0.5)');
  return {
    seed: c.seed >>> 0,
    payments: c.payments,
    accounts: c.accounts ?? Math.max(200, Math.round(c.payments / 10)),
    banks,
    start: c.start ?? Date.UTC(2025, 0, 1),
    days,
    fraudShare,
    patterns: c.patterns ?? FRAUD_PATTERNS,
    chunkSize: c.chunkSize ?? 10_000,
  };
}

/** The shape of one planted scheme, fixed before accounts are chosen (so the plan's size is known). */
interface Shape {
  pattern: FraudPattern;
  /** ato: mules in the chain; fan_in: victims; fan_out: branches; cycle: mules in the loop. */
  n: number;
  /** ato: victim payments (1-2); fan_in: forward batches. */
  m: number;
  ring: number;
  payments: number;
  muleSlots: number;
}

function shapeOf(pattern: FraudPattern, r: Rng): Omit<Shape, 'ring'> {
  switch (pattern) {
    case 'ato': {
      const n = 1 + (r.chance(0.5) ? 0 : r.chance(0.6) ? 1 : 2);
      const m = r.chance(0.3) ? 2 : 1;
      return { pattern, n, m, payments: m + n, muleSlots: n };
    }
    case 'fan_in': {
      const n = 4 + r.int(9);
      const m = 1 + r.int(3);
      return { pattern, n, m, payments: n + m, muleSlots: 1 };
    }
    case 'fan_out': {
      const n = 3 + r.int(6);
      return { pattern, n, m: 0, payments: 1 + 2 * n, muleSlots: 1 + n };
    }
    case 'cycle': {
      const n = 3 + r.int(4);
      return { pattern, n, m: 0, payments: n + 1, muleSlots: n };
    }
  }
}

/** Builds the dataset: accounts, fraud plan and the normal-traffic schedule. */
export function syntheticTraffic(config: SyntheticConfig): SyntheticDataset {
  const cfg = resolveConfig(config);
  const { seed, days, start } = cfg;
  const N = cfg.accounts;
  const end = start + days * DAY;
  const r = rng(seed, 1);

  // ---- fraud shapes and rings -------------------------------------------------------------------------
  const shapes: Shape[] = [];
  const fraudTarget = Math.round(cfg.payments * cfg.fraudShare);
  if (fraudTarget > 0 && cfg.patterns.length > 0) {
    const pw = cumulative(cfg.patterns.map((p) => PATTERN_WEIGHT[p]));
    let planned = 0;
    while (planned < fraudTarget || shapes.length < cfg.patterns.length) {
      const pattern =
        shapes.length < cfg.patterns.length ? cfg.patterns[shapes.length]! : cfg.patterns[sample(pw, r.next())]!;
      const s = { ...shapeOf(pattern, r), ring: 0 };
      shapes.push(s);
      planned += s.payments;
    }
  }
  const rings = Math.max(1, Math.round(shapes.length / 12));
  const ringDemand = new Array<number>(rings).fill(0);
  const ringMaxSlots = new Array<number>(rings).fill(0);
  for (const s of shapes) {
    s.ring = r.int(rings);
    ringDemand[s.ring]! += s.muleSlots;
    ringMaxSlots[s.ring] = Math.max(ringMaxSlots[s.ring]!, s.muleSlots);
  }
  const ringPool = ringDemand.map((d, i) => (d === 0 ? 0 : Math.max(ringMaxSlots[i]! + 1, Math.ceil(d / 1.6))));
  const ringFresh = ringPool.map((p) => Math.round(p * 0.7));
  const ringFraudsters = ringDemand.map((d): number => (d === 0 ? 0 : d > 24 ? 2 : 1));
  const freshTotal = ringFresh.reduce((a, b) => a + b, 0) + ringFraudsters.reduce((a, b) => a + b, 0);

  // ---- account layout: [persons][savings][merchants][employers][fresh mules, fraudsters] ---------------
  const E = Math.max(2, Math.round(N * 0.006));
  const M = Math.max(3, Math.round(N * 0.015));
  const S = Math.round(N * 0.03);
  const P = N - S - M - E - 1 - freshTotal;
  if (P < Math.max(50, N * 0.5)) throw new RangeError(`too few accounts (${N}) for ${cfg.payments} payments`);
  const SAV0 = P;
  const MER0 = SAV0 + S;
  const EMP0 = MER0 + M;
  const GOV = EMP0 + E;
  const FR0 = GOV + 1;

  const kind: AccountKind[] = new Array(N);
  const label: AccountLabel[] = new Array<AccountLabel>(N).fill('normal');
  const ringOf = new Int32Array(N).fill(-1);
  const fresh = new Uint8Array(N);
  const bankOf = new Uint16Array(N);
  const ageOf = new Int8Array(N).fill(-1);
  const bankCum = cumulative(cfg.banks.map((_, i) => BANK_WEIGHT[i] ?? 0.02));
  const ageCum = cumulative(AGE_WEIGHT);
  const freshAgeCum = cumulative(FRESH_MULE_AGE);
  const regionCum = cumulative(REGION_WEIGHT);
  const regionOf = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    kind[i] =
      i < SAV0
        ? 'person'
        : i < MER0
          ? 'savings'
          : i < EMP0
            ? 'merchant'
            : i < GOV
              ? 'employer'
              : i === GOV
                ? 'pension_fund'
                : 'person';
    bankOf[i] = sample(bankCum, r.next());
    regionOf[i] = sample(regionCum, r.next());
    if (kind[i] === 'person') ageOf[i] = sample(i >= FR0 ? freshAgeCum : ageCum, r.next());
  }

  // salaries: 75% of persons are employed; employer size is Zipf-like
  const employerCum = cumulative(Array.from({ length: E }, (_, e) => 1 / (e + 1) ** 0.8));
  const employerOf = new Int32Array(N).fill(-1);
  const salaryOf = new Float64Array(N);
  const pensionOf = new Float64Array(N);
  // what a person lives on: how often they pay shops and friends follows it
  const income = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    const age = ageOf[i]!;
    if (age === 5 || (age === 4 && r.chance(0.3))) pensionOf[i] = tenge(r.lognormal(110_000, 0.3));
    else if (r.chance(age === 0 ? 0.55 : 0.85)) {
      employerOf[i] = EMP0 + sample(employerCum, r.next());
      salaryOf[i] = tenge(Math.min(5_000_000, Math.max(85_000, r.lognormal(280_000, 0.45))));
    }
    income[i] = salaryOf[i]! + pensionOf[i]! + 4_000_000;
  }
  const incomeCum = cumulative(Array.from(income));
  const payday = Array.from({ length: E }, () => 1 + r.int(28));
  // savings accounts: each owned by an employed person, at another bank
  const savingsOf = new Int32Array(N).fill(-1);
  for (let k = 0; k < S; k++) {
    let owner = r.int(P);
    for (let tries = 0; tries < 20 && (employerOf[owner]! < 0 || savingsOf[owner]! >= 0); tries++) owner = r.int(P);
    if (employerOf[owner]! < 0 || savingsOf[owner]! >= 0) continue;
    savingsOf[owner] = SAV0 + k;
    if (bankOf[SAV0 + k] === bankOf[owner]) bankOf[SAV0 + k] = (bankOf[owner]! + 1) % cfg.banks.length;
  }
  const merchantCum = cumulative(Array.from({ length: M }, (_, m) => 1 / (m + 1) ** 0.9));

  // ---- fraud plan ------------------------------------------------------------------------------------
  const fraud: Draft[] = [];
  {
    const pools: number[][] = [];
    const unused: number[][] = [];
    const fraudsters: number[][] = [];
    let nextFresh = FR0;
    const taken = new Uint8Array(N);
    const pickPerson = (accept: (i: number) => boolean): number => {
      for (let tries = 0; tries < 10_000; tries++) {
        const i = r.int(P);
        if (!taken[i] && accept(i)) {
          taken[i] = 1;
          return i;
        }
      }
      throw new RangeError('too few accounts to plant the fraud');
    };
    for (let g = 0; g < rings; g++) {
      const pool: number[] = [];
      for (let k = 0; k < ringPool[g]!; k++) {
        let a: number;
        if (k < ringFresh[g]!) {
          a = nextFresh++;
          fresh[a] = 1;
        } else a = pickPerson((i) => ageOf[i]! <= 2);
        label[a] = 'mule';
        ringOf[a] = g;
        pool.push(a);
      }
      // shuffle so fresh and recruited mules mix
      for (let k = pool.length - 1; k > 0; k--) {
        const j = r.int(k + 1);
        [pool[k], pool[j]] = [pool[j]!, pool[k]!];
      }
      pools.push(pool);
      unused.push([...pool]);
      const fs: number[] = [];
      for (let k = 0; k < ringFraudsters[g]!; k++) {
        const a = nextFresh++;
        fresh[a] = 1;
        label[a] = 'fraudster';
        ringOf[a] = g;
        fs.push(a);
      }
      fraudsters.push(fs);
    }
    const victimAccept = [0.25, 0.3, 0.4, 0.55, 0.8, 1];
    const victim = (): number => {
      const v = pickPerson((i) => r.chance(victimAccept[ageOf[i]!]!));
      label[v] = 'victim';
      return v;
    };
    /** `n` distinct mules of the ring, unused ones first (so every mule of a pool takes part). */
    const mules = (g: number, n: number): number[] => {
      const out: number[] = [];
      const u = unused[g]!;
      while (out.length < n && u.length > 0) out.push(u.pop()!);
      const pool = pools[g]!;
      while (out.length < n) {
        const a = pool[r.int(pool.length)]!;
        if (!out.includes(a)) out.push(a);
      }
      return out;
    };
    const fraudsterUse = new Int32Array(rings);
    const collector = (g: number): number => {
      const fs = fraudsters[g]!;
      return fs[fraudsterUse[g]!++ % fs.length]!;
    };
    const delay = (medianMin: number): number => Math.max(MINUTE, Math.round(r.lognormal(medianMin, 0.8) * MINUTE));
    const push = (f: number, t: number, a: number, at: number, p: FraudPattern, s: number) => {
      if (at >= end) throw new Error('fraud plan beyond the period');
      fraud.push({ f, t, a, at, rail: railOf(a), p, s });
    };
    const keep = (a: number) => Math.round((a * r.between(0.95, 0.98)) / 100) * 100;

    shapes.forEach((sh, s) => {
      const g = sh.ring;
      const t0 = start + DAY + Math.floor(r.next() * (end - start - 4 * DAY));
      switch (sh.pattern) {
        case 'ato': {
          const v = victim();
          const chain = mules(g, sh.n);
          const total = tenge(Math.min(8_000_000, Math.max(30_000, r.lognormal(450_000, 0.8))));
          let t = t0;
          let sent = 0;
          for (let k = 0; k < sh.m; k++) {
            const a = k === sh.m - 1 ? total - sent : Math.round(total / sh.m / 100) * 100;
            push(v, chain[0]!, a, t, 'ato', s);
            sent += a;
            t += delay(4);
          }
          let amount = total;
          for (let k = 0; k < chain.length; k++) {
            const to = k + 1 < chain.length ? chain[k + 1]! : collector(g);
            amount = keep(amount);
            t += delay(35);
            push(chain[k]!, to, amount, t, 'ato', s);
          }
          break;
        }
        case 'fan_in': {
          const mule = mules(g, 1)[0]!;
          const times = Array.from({ length: sh.n }, () => t0 + Math.floor(r.next() * 36 * HOUR)).sort((a, b) => a - b);
          const amounts = times.map(() => tenge(Math.min(3_000_000, Math.max(20_000, r.lognormal(160_000, 0.7)))));
          // batch k forwards what arrived since the previous batch, a little after its last payment
          const cut = Array.from({ length: sh.m }, (_, k) => Math.round(((k + 1) * sh.n) / sh.m) - 1);
          let from = 0;
          for (const last of cut) {
            let sum = 0;
            for (let k = from; k <= last; k++) {
              push(victim(), mule, amounts[k]!, times[k]!, 'fan_in', s);
              sum += amounts[k]!;
            }
            push(mule, collector(g), keep(sum), times[last]! + delay(50), 'fan_in', s);
            from = last + 1;
          }
          break;
        }
        case 'fan_out': {
          const v = victim();
          const [hub, ...branches] = mules(g, 1 + sh.n);
          const total = tenge(Math.min(20_000_000, Math.max(300_000, r.lognormal(1_800_000, 0.6))));
          push(v, hub!, total, t0, 'fan_out', s);
          const split = keep(total);
          let left = split;
          let t = t0;
          branches.forEach((b, k) => {
            const a =
              k === branches.length - 1
                ? left
                : Math.round((split / branches.length) * r.between(0.8, 1.2) * 0.01) * 100;
            left -= a;
            t += delay(6);
            push(hub!, b, a, t, 'fan_out', s);
            push(b, collector(g), keep(a), t + delay(45), 'fan_out', s);
          });
          break;
        }
        case 'cycle': {
          const f = collector(g);
          const loop = mules(g, sh.n);
          const amount = tenge(Math.min(30_000_000, Math.max(200_000, r.lognormal(1_500_000, 0.7))));
          let t = t0;
          let prev = f;
          for (const m of [...loop, f]) {
            push(prev, m, amount, t, 'cycle', s);
            prev = m;
            t += delay(60);
          }
          break;
        }
      }
    });
    fraud.sort((a, b) => a.at - b.at);
  }

  // ---- normal traffic schedule -----------------------------------------------------------------------
  const slices = days * 24;
  const employees: number[][] = Array.from({ length: E }, () => []);
  for (let i = 0; i < P; i++) if (employerOf[i]! >= 0) employees[employerOf[i]! - EMP0]!.push(i);
  const dayOfMonth = Array.from({ length: days }, (_, d) => new Date(start + d * DAY).getUTCDate());
  let fixed = 0;
  for (let d = 0; d < days; d++)
    for (let e = 0; e < E; e++)
      if (dayOfMonth[d] === payday[e]) for (const i of employees[e]!) fixed += savingsOf[i]! >= 0 ? 2 : 1; // salary (+ sweep)
  const payoutDays = (m: number) => {
    let n = 0;
    for (let d = 1; d < days; d++) if (d % 7 === m % 7) n++;
    return n;
  };
  for (let m = 0; m < M; m++) fixed += payoutDays(m);
  const pensioners: number[] = [];
  for (let i = 0; i < P; i++) if (pensionOf[i]! > 0) pensioners.push(i);
  for (let d = 0; d < days; d++) if (dayOfMonth[d] === PENSION_DAY) fixed += pensioners.length;
  const random = cfg.payments - fraud.length - fixed;
  if (random < cfg.payments * 0.3) {
    throw new RangeError(`too many accounts (${N}) for ${cfg.payments} payments: raise payments or lower accounts`);
  }
  const hourCum = new Float64Array(slices + 1);
  {
    let s = 0;
    for (let k = 0; k < slices; k++) {
      const weekend = Math.floor(k / 24) % 7 >= 5 ? 1.15 : 1;
      s += HOUR_WEIGHT[k % 24]! * weekend;
      hourCum[k + 1] = s;
    }
    for (let k = 0; k <= slices; k++) hourCum[k]! /= s;
  }
  const perSlice = (k: number) => Math.floor(random * hourCum[k + 1]!) - Math.floor(random * hourCum[k]!);
  const MEAN_PURCHASE = 4_000 * Math.exp(0.9 ** 2 / 2) * 100;
  const purchases = random * 0.65;
  const weeklyRevenue = (m: number) =>
    purchases * (merchantCum[m]! - (m > 0 ? merchantCum[m - 1]! : 0)) * MEAN_PURCHASE * (7 / days);

  const emp = (e: number) => EMP0 + e;
  const normalSlice = (k: number, carry: Draft[]): Draft[] => {
    const sr = rng(seed, 1000 + k);
    const out: Draft[] = [];
    const t0 = start + k * HOUR;
    const d = Math.floor(k / 24);
    const h = k % 24;
    for (let e = 0; e < E; e++) {
      if (dayOfMonth[d] !== payday[e] || h !== 9 + (e % 3)) continue;
      for (const i of employees[e]!) {
        const at = t0 + Math.floor(sr.next() * HOUR);
        out.push({ f: emp(e), t: i, a: salaryOf[i]!, at, rail: railOf(salaryOf[i]!) });
        if (savingsOf[i]! >= 0) {
          const a = Math.round((salaryOf[i]! * sr.between(0.5, 0.9)) / 100) * 100;
          const later = at + Math.round(sr.between(20, 180) * MINUTE);
          carry.push({ f: i, t: savingsOf[i]!, a, at: later, rail: railOf(a) });
        }
      }
    }
    if (h === 8 && dayOfMonth[d] === PENSION_DAY) {
      for (const i of pensioners) {
        out.push({ f: GOV, t: i, a: pensionOf[i]!, at: t0 + Math.floor(sr.next() * HOUR), rail: 'ips' });
      }
    }
    if (h === 16 && d >= 1) {
      for (let m = 0; m < M; m++) {
        if (d % 7 !== m % 7) continue;
        const a = Math.max(10_000, Math.round((weeklyRevenue(m) * sr.between(0.55, 0.9)) / 100) * 100);
        out.push({ f: MER0 + m, t: emp(m % E), a, at: t0 + Math.floor(sr.next() * HOUR), rail: 'imts' });
      }
    }
    const n = perSlice(k);
    for (let j = 0; j < n; j++) {
      const at = t0 + Math.floor(sr.next() * HOUR);
      const u = sr.next();
      if (u < 0.65) {
        const payer = sample(incomeCum, sr.next());
        const m = MER0 + sample(merchantCum, sr.next());
        const a = Math.max(100, Math.round(sr.lognormal(4_000, 0.9) * 100));
        out.push({ f: payer, t: m, a, at, rail: railOf(a) });
      } else if (u < 0.985) {
        const payer = sample(incomeCum, sr.next());
        const friend = (payer + 1 + Math.floor(hash01(seed, payer, sr.int(6)) * (P - 1))) % P;
        const a = tenge(Math.min(3_000_000, sr.lognormal(9_000, 1)));
        out.push({ f: payer, t: friend, a, at, rail: railOf(a) });
      } else {
        const a = sr.int(E);
        const b = (a + 1 + sr.int(E - 1)) % E;
        const amt = tenge(sr.lognormal(2_500_000, 0.8));
        out.push({ f: emp(a), t: emp(b), a: amt, at, rail: 'imts' });
      }
    }
    return out;
  };

  // ---- accounts --------------------------------------------------------------------------------------
  const bankCodes = cfg.banks.map((_, i) => String(100 + ((i * 373) % 900)).padStart(3, '0'));
  const numOffset = Math.floor(hash01(seed, 7, 7) * 1e12);
  const accounts: SyntheticAccount[] = new Array(N);
  for (let i = 0; i < N; i++) {
    const num = String((i * 2654435761 + numOffset) % 1e13).padStart(13, '0');
    const phone =
      '+7' +
      PHONE_PREFIXES[Math.floor(hash01(seed, i, 1) * PHONE_PREFIXES.length)]! +
      String(Math.floor(hash01(seed, i, 2) * 1e7)).padStart(7, '0');
    const acc: SyntheticAccount = {
      id: kzIban(bankCodes[bankOf[i]!]!, num),
      bic: cfg.banks[bankOf[i]!]!,
      kind: kind[i]!,
      label: label[i]!,
      region: REGIONS[regionOf[i]!]!,
      phone,
    };
    if (ageOf[i]! >= 0) acc.ageBand = AGE_BANDS[ageOf[i]!] as AgeBand;
    if (ringOf[i]! >= 0) {
      acc.ring = ringOf[i]!;
      acc.fresh = fresh[i] === 1;
    }
    accounts[i] = acc;
  }
  const ids = accounts.map((a) => a.id);
  const byId = new Map(accounts.map((a) => [a.id, a.label]));

  function* chunks(): Generator<SyntheticPayment[]> {
    let fp = 0;
    let seq = 0;
    let carry: Draft[] = [];
    let out: SyntheticPayment[] = [];
    for (let k = 0; k < slices; k++) {
      const sliceEnd = start + (k + 1) * HOUR;
      const pending: Draft[] = [];
      const items = normalSlice(k, pending);
      const later: Draft[] = [];
      for (const c of carry.concat(pending)) (c.at < sliceEnd ? items : later).push(c);
      carry = later;
      while (fp < fraud.length && fraud[fp]!.at < sliceEnd) items.push(fraud[fp++]!);
      items.sort((a, b) => a.at - b.at);
      for (const x of items) {
        const p: SyntheticPayment = {
          id: `syn${String(seq++).padStart(9, '0')}`,
          from: ids[x.f]!,
          to: ids[x.t]!,
          amount: BigInt(x.a),
          at: x.at,
          rail: x.rail,
          label: x.p ? 'fraud' : 'normal',
        };
        if (x.p) {
          p.pattern = x.p;
          p.scheme = x.s!;
        }
        out.push(p);
        if (out.length === cfg.chunkSize) {
          yield out;
          out = [];
        }
      }
    }
    if (carry.length > 0) throw new Error('normal traffic beyond the period');
    if (out.length > 0) yield out;
  }

  return {
    config: cfg,
    accounts,
    payments: cfg.payments,
    fraudPayments: fraud.length,
    chunks,
    labelOf: (id) => byId.get(id),
  };
}

/** The whole dataset in memory (tests, demo). */
export function generateSynthetic(config: SyntheticConfig): {
  accounts: readonly SyntheticAccount[];
  payments: SyntheticPayment[];
} {
  const ds = syntheticTraffic(config);
  const payments: SyntheticPayment[] = [];
  for (const c of ds.chunks()) for (const p of c) payments.push(p);
  return { accounts: ds.accounts, payments };
}
