/**
 * `ndfi demo fraud`: generates synthetic traffic with planted fraud, runs mule detection with part of the
 * victims known (as if they had reported incidents), and scores the proposals against the generator's labels.
 * Pure apart from the work itself: the CLI prints `formatFraudDemo(result)` or the result as JSON.
 */
import {
  type AccountLabel,
  type FraudPattern,
  type SyntheticAccount,
  type SyntheticConfig,
  syntheticTraffic,
} from '../synthetic/index.ts';
import { detectInGraph, type MuleOptions, type MuleProposal } from './detect.ts';
import { type Evaluation, precisionRecall } from './evaluate.ts';
import { PaymentGraph } from './graph.ts';

export interface FraudDemoOptions extends Partial<SyntheticConfig> {
  /** Share of victims whose incident is known to detection (spread evenly in account order); default 0.5. */
  knownVictims?: number;
  /** Proposals listed in full; default 10. */
  top?: number;
  detection?: Omit<MuleOptions, 'seeds'>;
}

export interface FraudDemoResult {
  seed: number;
  payments: number;
  fraudPayments: number;
  accounts: number;
  labels: Record<AccountLabel, number>;
  patterns: Record<FraudPattern, number>;
  knownVictims: number;
  proposals: number;
  evaluation: Evaluation;
  /** The highest-scoring proposals with the truth beside them. */
  top: Array<MuleProposal & { truth: AccountLabel }>;
}

export function fraudDemo(options: FraudDemoOptions = {}): FraudDemoResult {
  const { knownVictims = 0.5, top = 10, detection, ...config } = options;
  const ds = syntheticTraffic({ ...config, seed: config.seed ?? 42, payments: config.payments ?? 100_000 });
  const graph = new PaymentGraph();
  const patterns: Record<FraudPattern, number> = { ato: 0, fan_in: 0, fan_out: 0, cycle: 0 };
  for (const chunk of ds.chunks()) {
    graph.add(chunk);
    for (const p of chunk) if (p.pattern) patterns[p.pattern]++;
  }
  const labels: Record<AccountLabel, number> = { normal: 0, victim: 0, mule: 0, fraudster: 0 };
  for (const a of ds.accounts) labels[a.label]++;
  const victims = ds.accounts.filter((a) => a.label === 'victim');
  const share = Math.max(0, Math.min(1, knownVictims));
  const seeds = victims.filter((_, i) => Math.floor((i + 1) * share) > Math.floor(i * share)).map((a) => a.id);
  const report = detectInGraph(graph, { ...detection, seeds });
  const byId = new Map<string, SyntheticAccount>(ds.accounts.map((a) => [a.id, a]));
  const positives = ds.accounts.filter((a) => a.label === 'mule' || a.label === 'fraudster').map((a) => a.id);
  return {
    seed: ds.config.seed,
    payments: ds.payments,
    fraudPayments: ds.fraudPayments,
    accounts: ds.accounts.length,
    labels,
    patterns,
    knownVictims: seeds.length,
    proposals: report.proposals.length,
    evaluation: precisionRecall(
      report.proposals.map((p) => p.account),
      positives,
    ),
    top: report.proposals.slice(0, top).map((p) => ({ ...p, truth: byId.get(p.account)!.label })),
  };
}

/** The demo result as text for a terminal. */
export function formatFraudDemo(r: FraudDemoResult): string {
  const e = r.evaluation;
  const lines = [
    `Synthetic traffic (seed ${r.seed}): ${r.payments} payments, ${r.fraudPayments} of them fraud ` +
      `(account takeover ${r.patterns.ato}, fan-in ${r.patterns.fan_in}, fan-out ${r.patterns.fan_out}, cycles ${r.patterns.cycle}), ` +
      `${r.accounts} accounts: ${r.labels.mule} mules, ${r.labels.fraudster} fraudsters, ${r.labels.victim} victims.`,
    `Mule detection with ${r.knownVictims} victims known from incidents: ${r.proposals} accounts proposed for the suspects list; ` +
      `precision ${e.precision.toFixed(3)}, recall ${e.recall.toFixed(3)} ` +
      `(${e.truePositives} right, ${e.falsePositives} wrong, ${e.falseNegatives} missed).`,
    '',
  ];
  for (const p of r.top) lines.push(`${p.account} [${p.truth}] ${p.explanation}`);
  return lines.join('\n');
}
