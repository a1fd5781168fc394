/**
 * AFC mule-network detection benchmark. One JSON line per case on stdout.
 *  - afc.mules: synthetic traffic (seed 42, 1% fraud: ato, fan-in, fan-out, cycles) fed to the detector in
 *    chunks of 10,000 payments, then one detection run with half of the victims known from incidents.
 *    `seconds` is ingest + detection (generation is not counted, reported apart as `generate_s`);
 *    `ops_per_s` is payments per second over that time; p50/p99 are of the ingest time of one chunk
 *    (`latency_of`). Precision and recall are over accounts, against the generator's labels (mules and
 *    fraudsters are positives); `*_no_seeds` is the same graph detected again with no victim known.
 */
import { detectInGraph, PaymentGraph, precisionRecall } from '../src/afc/mules/index.ts';
import { syntheticTraffic } from '../src/afc/synthetic/index.ts';
import { cores, emit, Latencies, now, round } from './lib.ts';

const CHUNK = 10_000;

async function benchMules(payments: number): Promise<void> {
  const ds = syntheticTraffic({ seed: 42, payments, chunkSize: CHUNK });
  const graph = new PaymentGraph();
  const lat = new Latencies();
  let ingest = 0;
  const g0 = now();
  for (const chunk of ds.chunks()) {
    const s = now();
    graph.add(chunk);
    const ms = now() - s;
    lat.add(ms);
    ingest += ms;
  }
  const generate = now() - g0 - ingest;
  // half of the victims reported an incident (every other one, in account order)
  const seeds = ds.accounts.filter((a) => a.label === 'victim').flatMap((a, i) => (i % 2 === 0 ? [a.id] : []));
  const positives = ds.accounts.filter((a) => a.label === 'mule' || a.label === 'fraudster').map((a) => a.id);
  const d0 = now();
  const report = detectInGraph(graph, { seeds });
  const detect = now() - d0;
  const ev = precisionRecall(
    report.proposals.map((p) => p.account),
    positives,
  );
  const plain = detectInGraph(graph);
  const ev0 = precisionRecall(
    plain.proposals.map((p) => p.account),
    positives,
  );
  const seconds = (ingest + detect) / 1000;
  emit({
    bench: 'afc.mules',
    engine: 'memory',
    payments: report.payments,
    accounts: report.accounts,
    seconds: round(seconds),
    ops_per_s: round(payments / seconds, 0),
    ...lat.summary(),
    latency_of: `ingest of one ${CHUNK}-payment chunk`,
    detect_s: round(detect / 1000),
    stages_ms: Object.fromEntries(Object.entries(report.timings).map(([k, v]) => [k, round(v, 0)])),
    generate_s: round(generate / 1000),
    cores,
    durable: false,
    known_victims: seeds.length,
    positives: positives.length,
    proposals: report.proposals.length,
    precision: round(ev.precision, 3),
    recall: round(ev.recall, 3),
    precision_no_seeds: round(ev0.precision, 3),
    recall_no_seeds: round(ev0.recall, 3),
    heap_mb: round(process.memoryUsage().heapUsed / 2 ** 20, 0),
  });
}

export async function run(): Promise<void> {
  await benchMules(100_000);
  await benchMules(1_000_000);
}
