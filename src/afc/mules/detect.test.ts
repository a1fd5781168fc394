import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateSynthetic } from '../synthetic/index.ts';
import {
  accountFeatures,
  detectInGraph,
  detectMules,
  formatHours,
  formatKzt,
  type MuleProposal,
  type PaymentEdge,
  PaymentGraph,
  precisionRecall,
} from './index.ts';

const T0 = Date.UTC(2025, 2, 1);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const KZT = (n: number) => BigInt(Math.round(n * 100));

/**
 * A small world: a shop paid by many customers that keeps its takings, an employer paying salaries from its
 * reserves, people sweeping their salary to a savings account, and planted mules: a fan-in collector, an
 * account-takeover chain, a fan-out split and a cycle, all ending at one fraudster.
 */
function world(): { payments: PaymentEdge[]; mules: string[]; collector: string; victims: string[] } {
  const payments: PaymentEdge[] = [];
  let seq = 0;
  const pay = (from: string, to: string, kzt: number, at: number) =>
    payments.push({ id: `p${String(seq++).padStart(6, '0')}`, from, to, amount: KZT(kzt), at });
  // the shop: 40 customers over 20 days, a weekly payout of 60% to its supplier
  for (let c = 0; c < 40; c++) {
    for (let k = 0; k < 5; k++)
      pay(`cust${c}`, 'shop', 3_000 + ((c * 7 + k * 13) % 20) * 500, T0 + (c * 11 + k * 97) * 37 * MIN);
  }
  for (let w = 1; w <= 3; w++) pay('shop', 'supplier', 250_000, T0 + w * 7 * DAY + 16 * HOUR);
  // the employer: a large client payment on day 2, salaries to 25 people on day 10 (from reserves too)
  pay('client', 'employer', 3_000_000, T0 + 2 * DAY);
  for (let e = 0; e < 25; e++) pay('employer', `emp${e}`, 300_000 + e * 1_000, T0 + 10 * DAY + 9 * HOUR + e * MIN);
  // employees spend over the month; a few sweep their salary to savings at once
  for (let e = 0; e < 25; e++) {
    if (e % 5 === 0) pay(`emp${e}`, `sav${e}`, 200_000, T0 + 10 * DAY + 11 * HOUR);
    for (let k = 0; k < 6; k++) pay(`emp${e}`, 'shop', 4_000 + k * 700, T0 + 10 * DAY + (k + 1) * 2 * DAY + e * MIN);
  }
  // fan-in: 6 victims of a "safe account" call pay mule fi over 12 hours; it forwards twice
  const victims: string[] = [];
  for (let v = 0; v < 6; v++) {
    victims.push(`vic${v}`);
    pay(`vic${v}`, 'fi', 150_000 + v * 10_000, T0 + 5 * DAY + v * 2 * HOUR);
    if (v === 2) pay('fi', 'boss', 480_000 * 0.96, T0 + 5 * DAY + 4 * HOUR + 40 * MIN);
  }
  pay('fi', 'boss', 570_000 * 0.96, T0 + 5 * DAY + 10 * HOUR + 30 * MIN);
  // account takeover: victim ato → a1 → a2 → boss within an hour and a half
  victims.push('ato');
  pay('ato', 'a1', 900_000, T0 + 12 * DAY);
  pay('a1', 'a2', 870_000, T0 + 12 * DAY + 25 * MIN);
  pay('a2', 'boss', 840_000, T0 + 12 * DAY + 80 * MIN);
  // fan-out: a victim's large transfer split by hub over 4 mules, each forwarding to the boss
  victims.push('big');
  pay('big', 'hub', 2_000_000, T0 + 15 * DAY);
  for (let b = 0; b < 4; b++) {
    pay('hub', `br${b}`, 480_000, T0 + 15 * DAY + (b + 1) * 10 * MIN);
    pay(`br${b}`, 'boss', 465_000, T0 + 15 * DAY + (b + 1) * 10 * MIN + 45 * MIN);
  }
  // cycle: boss → c1 → c2 → c3 → boss, the same amount
  for (const [i, [f, t]] of [
    ['boss', 'c1'],
    ['c1', 'c2'],
    ['c2', 'c3'],
    ['c3', 'boss'],
  ].entries())
    pay(f!, t!, 1_000_000, T0 + 18 * DAY + i * HOUR);
  const mules = ['fi', 'a1', 'a2', 'hub', 'br0', 'br1', 'br2', 'br3', 'c1', 'c2', 'c3'];
  return { payments, mules, collector: 'boss', victims };
}

const byAccount = (ps: MuleProposal[]) => new Map(ps.map((p) => [p.account, p]));

describe('mule detection on a small world', () => {
  it('proposes the planted mules and the account they pay, and no shop, employer, saver or victim', () => {
    const w = world();
    const { proposals } = detectMules(w.payments);
    const found = byAccount(proposals);
    for (const m of w.mules) assert.ok(found.has(m), `mule ${m} proposed`);
    assert.equal(found.get(w.collector)?.role, 'collector');
    const expected = new Set([...w.mules, w.collector]);
    const wrong = proposals.filter((p) => !expected.has(p.account)).map((p) => p.account);
    assert.deepEqual(wrong, [], 'nothing else is proposed');
    for (const clean of ['shop', 'employer', 'supplier', 'emp0', 'sav0', 'vic0', 'ato']) assert.ok(!found.has(clean));
  });

  it('does not flag a shop with many payers that keeps its money, nor an employer paying salaries', () => {
    const w = world();
    const g = new PaymentGraph();
    g.add(w.payments);
    const fg = g.freeze();
    const f = accountFeatures(fg, 48 * HOUR);
    const shop = fg.indexOf('shop');
    const employer = fg.indexOf('employer');
    assert.ok(f.payers[shop]! >= 40, 'the shop has a large fan-in');
    assert.ok(f.passThrough[shop]! < 0.3, `the shop keeps its takings (${f.passThrough[shop]})`);
    assert.ok(f.dwellMedian[shop]! > DAY, 'takings stay days');
    assert.ok(f.payees[employer]! >= 25, 'the employer has a large fan-out');
    assert.ok(f.fundedShare[employer]! < 0.1, 'salaries come from reserves, not from fresh money');
    const { proposals } = detectMules(w.payments);
    assert.ok(!proposals.some((p) => p.account === 'shop' || p.account === 'employer'));
  });

  it('explains every proposal with the signals that fired, their values and thresholds', () => {
    const { proposals } = detectMules(world().payments);
    const fi = byAccount(proposals).get('fi')!;
    const names = fi.signals.map((s) => s.name);
    for (const n of ['pass_through', 'funded_share', 'dwell_time', 'fan_in']) assert.ok(names.includes(n as never), n);
    for (const s of fi.signals) {
      assert.ok(Number.isFinite(s.value) && Number.isFinite(s.threshold) && s.weight > 0);
      assert.ok(s.op === '>=' ? s.value >= s.threshold : s.value <= s.threshold, `${s.name} fired by its threshold`);
    }
    assert.match(
      fi.explanation,
      /^Proposed as a money mule \(score \d\.\d\d\): passed on 96% of the 1 050 000\.00 KZT/,
    );
    assert.match(fi.explanation, /from 6 different payers/);
    const boss = byAccount(proposals).get('boss')!;
    assert.match(boss.explanation, /collecting money from mules.*came from \d+ accounts also proposed as mules/);
    assert.ok(boss.community >= 0 && boss.communitySize >= 3, 'the boss heads a network');
    // Louvain may split one ring into tighter groups (the fan-out around its hub, the chain…)
    for (const p of proposals) assert.ok(p.community >= 0 && p.communitySize >= 2, `${p.account} is in a network`);
  });

  it('follows money from known victims: chains and victim inflow count, victims are never proposed', () => {
    const w = world();
    const { proposals } = detectMules(w.payments, { seeds: w.victims });
    const found = byAccount(proposals);
    const fi = found.get('fi')!.signals.map((s) => s.name);
    assert.ok(fi.includes('victim_inflow') && fi.includes('chain_from_victim'));
    const a2 = found.get('a2')!.signals.find((s) => s.name === 'chain_from_victim');
    assert.equal(a2?.value, 2, 'two payments from the victim');
    assert.ok(!w.victims.some((v) => found.has(v)));
  });

  it('gives the same proposals whatever the order the payments arrive in (property)', () => {
    const w = world();
    const base = detectMules(w.payments).proposals;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 50 }), (seed, chunk) => {
        const shuffled = [...w.payments];
        let s = seed;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const g = new PaymentGraph();
        for (let i = 0; i < shuffled.length; i += chunk) g.add(shuffled.slice(i, i + chunk));
        assert.deepEqual(detectInGraph(g).proposals, base);
      }),
      { numRuns: 20 },
    );
  });
});

describe('mule detection on generated traffic', () => {
  it('finds the planted mules and fraudsters with precision and recall of at least 0.8', () => {
    const { accounts, payments } = generateSynthetic({ seed: 3, payments: 40_000 });
    const positives = accounts.filter((a) => a.label === 'mule' || a.label === 'fraudster').map((a) => a.id);
    const victims = accounts.filter((a) => a.label === 'victim').map((a) => a.id);
    for (const seeds of [[], victims.filter((_, i) => i % 2 === 0)]) {
      const { proposals } = detectMules(payments, { seeds });
      const ev = precisionRecall(
        proposals.map((p) => p.account),
        positives,
      );
      assert.ok(ev.precision >= 0.8, `precision ${ev.precision} with ${seeds.length} known victims`);
      assert.ok(ev.recall >= 0.8, `recall ${ev.recall} with ${seeds.length} known victims`);
    }
  });
});

describe('payment graph', () => {
  it('skips payments to oneself, refuses non-positive amounts, and knows its accounts', () => {
    const g = new PaymentGraph();
    g.add([
      { id: 'x1', from: 'A', to: 'A', amount: 1n, at: T0 },
      { id: 'x2', from: 'A', to: 'B', amount: 5n, at: T0 },
    ]);
    assert.equal(g.edges, 1);
    assert.equal(g.skippedSelfPayments, 1);
    assert.throws(() => g.add([{ id: 'x3', from: 'A', to: 'B', amount: 0n, at: T0 }]), RangeError);
    const fg = g.freeze();
    assert.deepEqual(fg.accounts, ['A', 'B']);
    assert.equal(fg.indexOf('B'), 1);
    assert.equal(fg.indexOf('nobody'), -1);
  });

  it('matches money last in, first out: what leaves is what just arrived', () => {
    const g = new PaymentGraph();
    g.add([
      { id: '1', from: 'salary', to: 'M', amount: 100_000n, at: T0 },
      { id: '2', from: 'victim', to: 'M', amount: 50_000n, at: T0 + 10 * DAY },
      { id: '3', from: 'M', to: 'boss', amount: 50_000n, at: T0 + 10 * DAY + 30 * MIN },
    ]);
    const fg = g.freeze();
    const f = accountFeatures(fg, 48 * HOUR);
    const m = fg.indexOf('M');
    assert.equal(f.dwellMedian[m], 30 * MIN);
    assert.equal(f.forwarded[m], 50_000);
    assert.equal(f.fundedShare[m], 1);
    assert.equal(f.forwardPayers[m], 1);
  });

  it('formats amounts and durations for analysts', () => {
    assert.equal(formatKzt(125_000_050), '1 250 000.50 KZT');
    assert.equal(formatKzt(99), '0.99 KZT');
    assert.equal(formatHours(0.7), '42 min');
    assert.equal(formatHours(5.26), '5.3 h');
  });
});
