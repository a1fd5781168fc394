/**
 * Mule-network detection: scores every account of the payment graph and proposes the suspicious ones for the
 * suspects list, each with the signals that fired (value and threshold) and an explanation a fraud analyst
 * reads.
 *
 * A mule is a conduit: it passes on most of what it receives (pass-through), what it sends is money that had
 * just arrived (funded share), and the money stays minutes or hours (dwell). Busy legitimate accounts fan in
 * (a shop) or fan out (an employer) too, but a shop keeps its takings for days and an employer pays salaries
 * from its reserves, so degree only adds weight to conduit evidence (fan-in / fan-out of forwarded money).
 * With known victims or fraud accounts (incidents), money is followed forward from them (chains) and the
 * share of an account's incoming money coming straight from them counts. A second pass finds collecting
 * accounts: those whose incoming money comes mostly from several proposed mules. Louvain communities over
 * the suspicious subgraph group proposals into networks, and membership in a network of several suspects
 * counts too.
 */
import { chainsFrom } from './chains.ts';
import { communities } from './communities.ts';
import { accountFeatures } from './features.ts';
import { type PaymentEdge, PaymentGraph } from './graph.ts';

export type SignalName =
  | 'pass_through'
  | 'funded_share'
  | 'dwell_time'
  | 'dedicated'
  | 'fan_in'
  | 'fan_out'
  | 'victim_inflow'
  | 'chain_from_victim'
  | 'flagged_inflow'
  | 'network';

export interface MuleSignal {
  name: SignalName;
  /** Ratios in 0..1, dwell in hours, fan-in/out and network in accounts, chains in hops. */
  value: number;
  threshold: number;
  /** How value compares to threshold when the signal fires. */
  op: '>=' | '<=';
  /** What the signal adds to the score. */
  weight: number;
}

export interface MuleProposal {
  account: string;
  /** Sum of the weights of the signals that fired, capped at 1. */
  score: number;
  /** `mule` passes money on; `collector` receives it from proposed mules and keeps it. */
  role: 'mule' | 'collector';
  /** Network the account belongs to (numbered in account order), -1 when it is alone. */
  community: number;
  communitySize: number;
  signals: MuleSignal[];
  explanation: string;
}

export interface MuleThresholds {
  passThrough: number;
  fundedShare: number;
  dwellHours: number;
  dedicated: number;
  fanIn: number;
  fanOut: number;
  victimInflow: number;
  chainHops: number;
  flaggedInflow: number;
  /** Distinct proposed mules a collector must receive from. */
  flaggedPayers: number;
  network: number;
}

export const DEFAULT_THRESHOLDS: Readonly<MuleThresholds> = {
  passThrough: 0.7,
  fundedShare: 0.8,
  dwellHours: 6,
  dedicated: 0.8,
  fanIn: 3,
  fanOut: 3,
  victimInflow: 0.3,
  chainHops: 4,
  flaggedInflow: 0.5,
  flaggedPayers: 2,
  network: 3,
};

export const SIGNAL_WEIGHTS: Readonly<Record<SignalName, number>> = {
  pass_through: 0.25,
  funded_share: 0.2,
  dwell_time: 0.2,
  dedicated: 0.15,
  fan_in: 0.1,
  fan_out: 0.1,
  victim_inflow: 0.3,
  chain_from_victim: 0.1,
  flagged_inflow: 0.7,
  network: 0.1,
};

export interface MuleOptions {
  /** Money forwarded within this window counts as passed through; default 48 h. */
  windowMs?: number;
  /** Known victim or fraud accounts (from incidents): chains start from them; they are never proposed. */
  seeds?: Iterable<string>;
  /** Chains: at most this many hops, each within `hopWindowMs` of the money's arrival; default 72 h. */
  hopWindowMs?: number;
  thresholds?: Partial<MuleThresholds>;
  /** Proposed when the score reaches this; default 0.7. */
  minScore?: number;
  /** Accounts scoring at least this join the community step; default 0.4. */
  candidateScore?: number;
}

export interface MuleReport {
  proposals: MuleProposal[];
  accounts: number;
  payments: number;
  /** Milliseconds per stage, for benchmarks. */
  timings: { freeze: number; features: number; chains: number; communities: number; scoring: number };
}

const HOUR = 3_600_000;

/** Detects mules in a set of payments (any order). For streams, feed a `PaymentGraph` and call `detectInGraph`. */
export function detectMules(payments: Iterable<PaymentEdge>, options: MuleOptions = {}): MuleReport {
  const g = new PaymentGraph();
  g.add(payments);
  return detectInGraph(g, options);
}

export function detectInGraph(graph: PaymentGraph, options: MuleOptions = {}): MuleReport {
  const now = () => performance.now();
  const t0 = now();
  const g = graph.freeze();
  const t1 = now();
  const th = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const windowMs = options.windowMs ?? 48 * HOUR;
  const minScore = options.minScore ?? 0.7;
  const candidateScore = options.candidateScore ?? 0.4;
  const n = g.accounts.length;
  const f = accountFeatures(g, windowMs);
  const t2 = now();

  const seeds: number[] = [];
  for (const id of options.seeds ?? []) {
    const i = g.indexOf(id);
    if (i >= 0) seeds.push(i);
  }
  seeds.sort((a, b) => a - b);
  const isSeed = new Uint8Array(n);
  for (const s of seeds) isSeed[s] = 1;
  const ch = chainsFrom(g, f, seeds, {
    maxHops: th.chainHops,
    hopWindowMs: options.hopWindowMs ?? 72 * HOUR,
    conduitShare: 0.5,
  });
  const t3 = now();

  // pass 1: conduit evidence
  const W = SIGNAL_WEIGHTS;
  const score = new Float64Array(n);
  const fired = new Uint16Array(n);
  const bit = (s: SignalName) => 1 << (Object.keys(W) as SignalName[]).indexOf(s);
  const B = {
    pass_through: bit('pass_through'),
    funded_share: bit('funded_share'),
    dwell_time: bit('dwell_time'),
    dedicated: bit('dedicated'),
    fan_in: bit('fan_in'),
    fan_out: bit('fan_out'),
    victim_inflow: bit('victim_inflow'),
    chain_from_victim: bit('chain_from_victim'),
    flagged_inflow: bit('flagged_inflow'),
    network: bit('network'),
  } as const;
  const dwellMs = th.dwellHours * HOUR;
  for (let a = 0; a < n; a++) {
    if (isSeed[a] || f.inCount[a] === 0) continue;
    let s = 0;
    let m = 0;
    const conduit = f.outCount[a]! > 0;
    if (conduit && f.passThrough[a]! >= th.passThrough) {
      s += W.pass_through;
      m |= B.pass_through;
    }
    if (conduit && f.fundedShare[a]! >= th.fundedShare) {
      s += W.funded_share;
      m |= B.funded_share;
    }
    if (conduit && f.forwarded[a]! > 0 && f.dwellMedian[a]! <= dwellMs) {
      s += W.dwell_time;
      m |= B.dwell_time;
    }
    if (m !== 0) {
      // fan-in / fan-out and dedication only strengthen conduit evidence
      if (f.dedicatedShare[a]! >= th.dedicated) {
        s += W.dedicated;
        m |= B.dedicated;
      }
      if (f.forwardPayers[a]! >= th.fanIn) {
        s += W.fan_in;
        m |= B.fan_in;
      }
      if (f.forwardPayees[a]! >= th.fanOut) {
        s += W.fan_out;
        m |= B.fan_out;
      }
    }
    if (ch.seedInflowShare[a]! >= th.victimInflow) {
      s += W.victim_inflow;
      m |= B.victim_inflow;
    }
    if (ch.hops[a]! > 0) {
      s += W.chain_from_victim;
      m |= B.chain_from_victim;
    }
    score[a] = s;
    fired[a] = m;
  }

  // pass 2: collectors, whose incoming money comes mostly from several accounts proposed in pass 1
  const flaggedIn = new Float64Array(n);
  const flaggedPayers = new Int32Array(n);
  {
    const seen = new Int32Array(n).fill(-1);
    for (let a = 0; a < n; a++) {
      if (f.inSum[a] === 0) continue;
      let sum = 0;
      let payers = 0;
      for (let k = g.inStart[a]!; k < g.inStart[a + 1]!; k++) {
        const e = g.inEdges[k]!;
        const p = g.from[e]!;
        if (score[p]! < minScore) continue;
        sum += g.amount[e]!;
        if (seen[p] !== a) {
          seen[p] = a;
          payers++;
        }
      }
      flaggedIn[a] = sum / f.inSum[a]!;
      flaggedPayers[a] = payers;
    }
    for (let a = 0; a < n; a++) {
      if (isSeed[a] || flaggedIn[a]! < th.flaggedInflow || flaggedPayers[a]! < th.flaggedPayers) continue;
      score[a]! += W.flagged_inflow;
      fired[a]! |= B.flagged_inflow;
    }
  }
  const t4 = now();

  // networks over the suspicious subgraph
  const candidates: number[] = [];
  for (let a = 0; a < n; a++) if (score[a]! >= candidateScore) candidates.push(a);
  const comm = communities(g, candidates);
  const t5 = now();

  const proposals: MuleProposal[] = [];
  candidates.forEach((a, i) => {
    const c = comm.of[i]!;
    const size = comm.size[c]!;
    let s = score[a]!;
    let m = fired[a]!;
    if (size >= th.network) {
      s += W.network;
      m |= B.network;
    }
    if (s < minScore - 1e-9) return;
    const signals: MuleSignal[] = [];
    const add = (name: SignalName, value: number, threshold: number, op: '>=' | '<=') => {
      if (m & B[name]) signals.push({ name, value: round(value), threshold, op, weight: W[name] });
    };
    add('pass_through', f.passThrough[a]!, th.passThrough, '>=');
    add('funded_share', f.fundedShare[a]!, th.fundedShare, '>=');
    add('dwell_time', f.dwellMedian[a]! / HOUR, th.dwellHours, '<=');
    add('dedicated', f.dedicatedShare[a]!, th.dedicated, '>=');
    add('fan_in', f.forwardPayers[a]!, th.fanIn, '>=');
    add('fan_out', f.forwardPayees[a]!, th.fanOut, '>=');
    add('victim_inflow', ch.seedInflowShare[a]!, th.victimInflow, '>=');
    add('chain_from_victim', ch.hops[a]!, th.chainHops, '<=');
    add('flagged_inflow', flaggedIn[a]!, th.flaggedInflow, '>=');
    add('network', size, th.network, '>=');
    const role = m & (B.pass_through | B.funded_share | B.dwell_time) ? 'mule' : 'collector';
    const proposal: MuleProposal = {
      account: g.accounts[a]!,
      score: round(Math.min(1, s)),
      role,
      community: size > 1 ? c : -1,
      communitySize: size,
      signals,
      explanation: '',
    };
    proposal.explanation = explain(proposal, {
      inSum: f.inSum[a]!,
      windowHours: windowMs / HOUR,
      flaggedPayers: flaggedPayers[a]!,
    });
    proposals.push(proposal);
  });
  proposals.sort((x, y) => y.score - x.score || (x.account < y.account ? -1 : 1));
  const t6 = now();
  return {
    proposals,
    accounts: n,
    payments: g.from.length,
    timings: {
      freeze: t1 - t0,
      features: t2 - t1,
      chains: t3 - t2,
      communities: t5 - t4,
      scoring: t4 - t3 + (t6 - t5),
    },
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Tiyn as "1 250 000.00 KZT". */
export function formatKzt(tiyn: number): string {
  const whole = Math.floor(tiyn / 100);
  const cents = String(Math.round(tiyn - whole * 100)).padStart(2, '0');
  return `${String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')}.${cents} KZT`;
}

/** Hours as "42 min" or "5.5 h". */
export function formatHours(h: number): string {
  return h < 1 ? `${Math.max(1, Math.round(h * 60))} min` : `${Math.round(h * 10) / 10} h`;
}

function explain(p: MuleProposal, ctx: { inSum: number; windowHours: number; flaggedPayers: number }): string {
  const parts = p.signals.map((s) => {
    switch (s.name) {
      case 'pass_through':
        return `passed on ${pct(s.value)} of the ${formatKzt(ctx.inSum)} it received within ${ctx.windowHours} h (flag at ${pct(s.threshold)})`;
      case 'funded_share':
        return `${pct(s.value)} of the money it sent had arrived less than ${ctx.windowHours} h before (flag at ${pct(s.threshold)})`;
      case 'dwell_time':
        return `money stayed a median of ${formatHours(s.value)} before leaving (flag at ${s.threshold} h or less)`;
      case 'dedicated':
        return `${pct(s.value)} of its payments were money passed straight on (flag at ${pct(s.threshold)})`;
      case 'fan_in':
        return `it forwarded money received from ${s.value} different payers (flag at ${s.threshold})`;
      case 'fan_out':
        return `it spread money it had just received over ${s.value} different payees (flag at ${s.threshold})`;
      case 'victim_inflow':
        return `${pct(s.value)} of its incoming money came straight from known victim or fraud accounts (flag at ${pct(s.threshold)})`;
      case 'chain_from_victim':
        return `money from a known victim or fraud account reached it in ${s.value} ${s.value === 1 ? 'payment' : 'payments'} (followed up to ${s.threshold})`;
      case 'flagged_inflow':
        return `${pct(s.value)} of its incoming money came from ${ctx.flaggedPayers} accounts also proposed as mules (flag at ${pct(s.threshold)})`;
      case 'network':
        return `it belongs to a network of ${s.value} suspicious accounts linked by payments (network ${p.community})`;
    }
    return '';
  });
  const what = p.role === 'mule' ? 'a money mule' : 'an account collecting money from mules';
  return `Proposed as ${what} (score ${p.score.toFixed(2)}): ${parts.join('; ')}.`;
}
