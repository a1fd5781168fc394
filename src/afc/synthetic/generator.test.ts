import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_BANKS,
  FRAUD_PATTERNS,
  generateSynthetic,
  ibanValid,
  kzIban,
  rng,
  type SyntheticPayment,
  syntheticTraffic,
} from './index.ts';

const small = { seed: 11, payments: 8_000, accounts: 600, days: 25 };

describe('synthetic traffic', () => {
  it('is a function of its seed: the same seed gives the same accounts and payments, another seed others', () => {
    const a = generateSynthetic(small);
    const b = generateSynthetic(small);
    assert.deepEqual(a, b);
    const c = generateSynthetic({ ...small, seed: 12 });
    assert.notDeepEqual(c.payments.slice(0, 50), a.payments.slice(0, 50));
  });

  it('yields exactly the payments asked for, in time order, in chunks, again on every call', () => {
    const ds = syntheticTraffic({ ...small, chunkSize: 1_000 });
    const sizes: number[] = [];
    const all: SyntheticPayment[] = [];
    for (const chunk of ds.chunks()) {
      sizes.push(chunk.length);
      all.push(...chunk);
    }
    assert.equal(all.length, 8_000);
    assert.ok(sizes.slice(0, -1).every((s) => s === 1_000));
    for (let i = 1; i < all.length; i++) {
      assert.ok(all[i - 1]!.at <= all[i]!.at, 'time order');
      assert.ok(all[i - 1]!.id < all[i]!.id, 'ids follow the order');
    }
    const again = [...ds.chunks()].flat();
    assert.deepEqual(again, all);
  });

  it('carries money as positive bigint tiyn, within the period, between known accounts on given banks', () => {
    const banks = ['AAAAKZKA', 'BBBBKZKB', 'CCCCKZKC'];
    const { accounts, payments } = generateSynthetic({ ...small, banks, start: Date.UTC(2025, 5, 1) });
    const ids = new Set(accounts.map((a) => a.id));
    assert.equal(ids.size, accounts.length, 'account ids are unique');
    for (const a of accounts) {
      assert.match(a.id, /^KZ\d{2}\d{3}\d{13}$/);
      assert.ok(ibanValid(a.id), `${a.id} has valid check digits`);
      assert.ok(banks.includes(a.bic));
      assert.match(a.phone, /^\+77\d{9}$/);
      if (a.kind === 'person') assert.ok(a.ageBand);
    }
    const end = Date.UTC(2025, 5, 26);
    for (const p of payments) {
      assert.equal(typeof p.amount, 'bigint');
      assert.ok(p.amount > 0n);
      assert.ok(p.at >= Date.UTC(2025, 5, 1) && p.at < end);
      assert.ok(ids.has(p.from) && ids.has(p.to) && p.from !== p.to);
      if (p.amount >= 200_000_000n) assert.equal(p.rail, 'imts', 'large amounts go over IMTS');
    }
  });

  it('labels payments and accounts consistently with the planted patterns', () => {
    const { accounts, payments } = generateSynthetic(small);
    const label = new Map(accounts.map((a) => [a.id, a]));
    const fraudIn = new Map<string, number>();
    const fraudOut = new Map<string, number>();
    const patterns = new Set<string>();
    for (const p of payments) {
      if (p.label === 'normal') {
        assert.equal(p.pattern, undefined);
        assert.ok(!label.get(p.from)!.fresh && !label.get(p.to)!.fresh, 'fresh accounts only move fraud money');
        continue;
      }
      assert.ok(p.pattern && FRAUD_PATTERNS.includes(p.pattern));
      patterns.add(p.pattern);
      assert.ok(['victim', 'mule', 'fraudster'].includes(label.get(p.from)!.label), `${p.id} from`);
      assert.ok(['mule', 'fraudster'].includes(label.get(p.to)!.label), `${p.id} to`);
      fraudIn.set(p.to, (fraudIn.get(p.to) ?? 0) + 1);
      fraudOut.set(p.from, (fraudOut.get(p.from) ?? 0) + 1);
    }
    assert.deepEqual([...patterns].sort(), [...FRAUD_PATTERNS].sort(), 'every pattern is planted');
    for (const a of accounts) {
      if (a.label === 'mule') assert.ok(fraudIn.get(a.id) && fraudOut.get(a.id), `mule ${a.id} passes money on`);
      if (a.label === 'fraudster') assert.ok(fraudIn.get(a.id), `fraudster ${a.id} collects`);
      if (a.label === 'victim') assert.ok(fraudOut.get(a.id) && !fraudIn.get(a.id), `victim ${a.id} loses money`);
      if (a.label === 'normal') assert.ok(!fraudIn.get(a.id) && !fraudOut.get(a.id));
      if (a.label === 'mule' || a.label === 'fraudster') assert.equal(typeof a.ring, 'number');
    }
    const share = payments.filter((p) => p.label === 'fraud').length / payments.length;
    assert.ok(share > 0.005 && share < 0.03, `fraud share ${share}`);
  });

  it('has legitimate fan-in (merchants) and fan-out (employers, the pension fund) besides the fraud', () => {
    const { accounts, payments } = generateSynthetic(small);
    const payers = new Map<string, Set<string>>();
    const payees = new Map<string, Set<string>>();
    for (const p of payments) {
      if (p.label !== 'normal') continue;
      if (!payers.has(p.to)) payers.set(p.to, new Set());
      payers.get(p.to)!.add(p.from);
      if (!payees.has(p.from)) payees.set(p.from, new Set());
      payees.get(p.from)!.add(p.to);
    }
    const maxOf = (kind: string, m: Map<string, Set<string>>) =>
      Math.max(...accounts.filter((a) => a.kind === kind).map((a) => m.get(a.id)?.size ?? 0));
    assert.ok(maxOf('merchant', payers) >= 30, 'a merchant paid by many customers');
    assert.ok(maxOf('employer', payees) >= 20, 'an employer paying many salaries');
    assert.ok(maxOf('pension_fund', payees) >= 20, 'the pension fund paying many pensioners');
  });

  it('conserves the amount around every planted cycle (property, over seeds)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const { payments } = generateSynthetic({ seed, payments: 3_000, accounts: 300, days: 7 });
        const schemes = new Map<number, SyntheticPayment[]>();
        for (const p of payments) {
          if (p.pattern !== 'cycle') continue;
          if (!schemes.has(p.scheme!)) schemes.set(p.scheme!, []);
          schemes.get(p.scheme!)!.push(p);
        }
        assert.ok(schemes.size >= 1);
        for (const hops of schemes.values()) {
          const net = new Map<string, bigint>();
          for (const p of hops) {
            net.set(p.from, (net.get(p.from) ?? 0n) - p.amount);
            net.set(p.to, (net.get(p.to) ?? 0n) + p.amount);
            assert.equal(p.amount, hops[0]!.amount);
          }
          for (const v of net.values()) assert.equal(v, 0n);
          assert.equal(hops.at(-1)!.to, hops[0]!.from, 'the money comes back');
        }
      }),
      { numRuns: 8 },
    );
  });

  it('refuses configurations it cannot honour', () => {
    assert.throws(() => syntheticTraffic({ seed: 1, payments: 0 }), RangeError);
    assert.throws(() => syntheticTraffic({ seed: 1, payments: 1_000, days: 2 }), RangeError);
    assert.throws(() => syntheticTraffic({ seed: 1, payments: 1_000, accounts: 5_000 }), RangeError);
    assert.throws(() => syntheticTraffic({ seed: 1, payments: 1_000, banks: ['AAAAKZKA'] }), RangeError);
  });

  it('can plant only some patterns, or none', () => {
    const only = generateSynthetic({ ...small, patterns: ['cycle'] });
    assert.ok(only.payments.every((p) => p.label === 'normal' || p.pattern === 'cycle'));
    const none = generateSynthetic({ ...small, fraudShare: 0 });
    assert.ok(none.payments.every((p) => p.label === 'normal'));
    assert.ok(none.accounts.every((a) => a.label === 'normal'));
  });
});

describe('synthetic helpers', () => {
  it('builds Kazakh IBANs with valid check digits', () => {
    const iban = kzIban('722', '0000000000001');
    assert.equal(iban.length, 20);
    assert.ok(ibanValid(iban));
    assert.ok(!ibanValid(`${iban.slice(0, 19)}${(Number(iban[19]) + 1) % 10}`));
    assert.ok(DEFAULT_BANKS.length >= 2);
  });

  it('draws the same numbers for the same seed and stream, in range', () => {
    const a = rng(5, 3);
    const b = rng(5, 3);
    const c = rng(5, 4);
    const xs = Array.from({ length: 100 }, () => a.next());
    assert.deepEqual(
      xs,
      Array.from({ length: 100 }, () => b.next()),
    );
    assert.notDeepEqual(
      xs,
      Array.from({ length: 100 }, () => c.next()),
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const r = rng(9);
    for (let i = 0; i < 1_000; i++) {
      const k = r.int(7);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
    }
  });
});
