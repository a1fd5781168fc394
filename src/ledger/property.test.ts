/**
 * Property tests: random sequences of account creations and transfers (posted, pending with timeouts,
 * post/void, linked chains, replays, concurrent submits, expiry sweeps) must keep the books balanced,
 * respect every floor and ceiling, be immune to replaying the whole sequence, and leave the database
 * exactly where the writer's memory is.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Currency, Db } from '../platform/index.ts';
import { engines, freshDb } from '../platform/testing.ts';
import { PENDING, VOID } from './domain/model.ts';
import type { AccountInput, TransferInput, TransferResult } from './domain/types.ts';
import type { LedgerService } from './service.ts';
import { memoryBalances, openLedger } from './testkit.ts';

const ACCOUNTS = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'];

type Spec =
  | { k: 'posted' | 'pending'; dr: number; cr: number; amount: bigint; usd: boolean; timeout: number; linked: boolean }
  | { k: 'post' | 'void'; ref: number; amount: bigint | undefined; linked: boolean };

type Req =
  | { r: 'accounts'; items: { i: number; flag: 0 | 1 | 2 | 3; usd: boolean }[] }
  | { r: 'submit'; groups: Spec[][] }
  | { r: 'replay'; back: number }
  | { r: 'expire'; seconds: number };

const idx = fc.integer({ min: 0, max: ACCOUNTS.length - 1 });
const rarely = fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const spec: fc.Arbitrary<Spec> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constantFrom('posted' as const, 'pending' as const),
      dr: idx,
      cr: idx,
      amount: fc.bigInt({ min: 1n, max: 400n }),
      usd: rarely,
      timeout: fc.constantFrom(0, 5, 30),
      linked: rarely,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constantFrom('post' as const, 'void' as const),
      // which of the latest pending transfers it resolves (counting back)
      ref: fc.nat({ max: 6 }),
      amount: fc.option(fc.bigInt({ min: 1n, max: 400n }), { nil: undefined }),
      linked: rarely,
    }),
  },
);
const flag = fc.constantFrom(0 as const, 0 as const, 1 as const, 1 as const, 2 as const, 3 as const);
const req: fc.Arbitrary<Req> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      r: fc.constant('accounts' as const),
      items: fc.array(fc.record({ i: idx, flag, usd: rarely }), { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      r: fc.constant('submit' as const),
      groups: fc.array(fc.array(spec, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ r: fc.constant('replay' as const), back: fc.nat({ max: 10 }) }) },
  { weight: 1, arbitrary: fc.record({ r: fc.constant('expire' as const), seconds: fc.integer({ min: 1, max: 40 }) }) },
);
/** Every run starts with the six accounts (random limits; a5 in USD) funded with 400 from a source. */
const setup = fc.array(flag, { minLength: ACCOUNTS.length, maxLength: ACCOUNTS.length });

const FLAGS: AccountInput['flags'][] = [
  {},
  { debitsMustNotExceedCredits: true },
  { creditsMustNotExceedDebits: true },
  { history: true },
];

/** The sequence of calls a generated run makes, built once so the replay sends exactly the same requests. */
type Call =
  | { c: 'accounts'; input: AccountInput[] }
  | { c: 'submit'; inputs: TransferInput[][] }
  | { c: 'expire'; seconds: number; at?: Date };

function build(flags: (0 | 1 | 2 | 3)[], reqs: Req[]): Call[] {
  let n = 0;
  /** Ids of pending transfers generated so far: posts and voids pick among the latest ones. */
  const pendings: string[] = [];
  const currency = (i: number): Currency => (i === ACCOUNTS.length - 1 ? 'USD' : 'KZT');
  const calls: Call[] = [
    {
      c: 'accounts',
      input: [
        ...(['KZT', 'USD'] as const).map((c) => ({ id: `src-${c}`, currency: c, owner: 'cb', code: 'issuance' })),
        ...ACCOUNTS.map((id, i) => ({
          id,
          currency: currency(i),
          owner: 'p',
          code: 'settlement',
          flags: FLAGS[flags[i]!]!,
        })),
      ],
    },
    {
      c: 'submit',
      inputs: [
        ACCOUNTS.map((id, i) => ({
          id: `fund-${id}`,
          debitAccountId: `src-${currency(i)}`,
          creditAccountId: id,
          amount: 400n,
          currency: currency(i),
          code: 'fund',
        })),
      ],
    },
  ];
  for (const q of reqs) {
    if (q.r === 'accounts') {
      calls.push({
        c: 'accounts',
        input: q.items.map((a) => ({
          id: ACCOUNTS[a.i]!,
          currency: (a.usd ? 'USD' : 'KZT') as Currency,
          owner: 'p',
          code: 'settlement',
          flags: FLAGS[a.flag]!,
        })),
      });
    } else if (q.r === 'expire') calls.push({ c: 'expire', seconds: q.seconds });
    else if (q.r === 'replay') {
      const prior = calls.filter((c) => c.c === 'submit');
      const back = prior[prior.length - 1 - (q.back % Math.max(prior.length, 1))];
      if (back) calls.push(back);
    } else {
      calls.push({
        c: 'submit',
        inputs: q.groups.map((g) =>
          g.map((s): TransferInput => {
            const id = `t${++n}`;
            const flags = { linked: s.linked };
            if (s.k === 'post' || s.k === 'void') {
              return {
                id,
                pendingId: pendings[pendings.length - 1 - (s.ref % Math.max(pendings.length, 1))] ?? 'none',
                code: 'c',
                ...(s.amount !== undefined ? { amount: s.amount } : {}),
                flags: { ...flags, [s.k === 'post' ? 'postPending' : 'voidPending']: true },
              };
            }
            const p = s as Extract<Spec, { dr: number }>;
            if (p.k === 'pending') pendings.push(id);
            // a5 is the USD account: with `usd` it trades with the USD source, otherwise it is a currency mismatch
            const [dr, cr] = p.usd
              ? p.dr % 2
                ? ['a5', 'src-USD']
                : ['src-USD', 'a5']
              : [ACCOUNTS[p.dr]!, ACCOUNTS[p.cr]!];
            return {
              id,
              debitAccountId: dr,
              creditAccountId: cr,
              amount: p.amount,
              currency: p.usd ? 'USD' : 'KZT',
              code: 'c',
              ...(p.k === 'pending' ? { flags: { ...flags, pending: true }, timeoutSeconds: p.timeout } : { flags }),
            };
          }),
        ),
      });
    }
  }
  return calls;
}

const brief = (r: TransferResult) =>
  r.ok ? `${r.id}:ok:${r.transfer.seq}:${r.transfer.amount}` : `${r.id}:${r.reason}`;

/** Runs one call; account conflicts are an expected answer, anything else thrown fails the property. */
async function perform(ledger: LedgerService, call: Call, clock: { advance(ms: number): void; now(): Date }) {
  if (call.c === 'accounts') {
    try {
      return JSON.stringify(await ledger.createAccounts(call.input));
    } catch (e) {
      if ((e as { reason?: string }).reason !== 'DUPL') throw e;
      return 'conflict';
    }
  }
  if (call.c === 'expire') {
    // the first run sweeps at a later time; the replay sweeps at that same recorded instant
    if (!call.at) {
      clock.advance(call.seconds * 1000);
      call.at = clock.now();
    }
    return String(await ledger.expirePending(call.at));
  }
  // groups go in together: they share a commit and are applied in submission order
  const results = await Promise.all(call.inputs.map((g) => ledger.submit(g)));
  for (const [i, g] of call.inputs.entries()) checkChains(g, results[i]!);
  return results.map((rs) => rs.map(brief).join(',')).join('|');
}

/** A linked chain (and the transfer closing it) succeeds as a whole or not at all. */
function checkChains(inputs: TransferInput[], results: TransferResult[]) {
  let start = 0;
  inputs.forEach((t, i) => {
    if (t.flags?.linked && i < inputs.length - 1) return;
    const chain = results.slice(start, i + 1);
    assert.ok(chain.every((r) => r.ok) || chain.every((r) => !r.ok), JSON.stringify(chain.map(brief)));
    start = i + 1;
  });
}

async function checkInvariants(ledger: LedgerService) {
  assert.deepEqual(await ledger.sumOfBalances(), { posted: 0n, pending: 0n });
  const db: Record<string, string> = {};
  for (const a of await ledger.listAccounts()) {
    db[a.id] = `${a.debitsPending}/${a.debitsPosted}/${a.creditsPending}/${a.creditsPosted}`;
    if (a.flags.debitsMustNotExceedCredits) assert.ok(a.debitsPending + a.debitsPosted <= a.creditsPosted, a.id);
    if (a.flags.creditsMustNotExceedDebits) assert.ok(a.creditsPending + a.creditsPosted <= a.debitsPosted, a.id);
    assert.ok(a.debitsPending >= 0n && a.creditsPending >= 0n, a.id);
  }
  assert.deepEqual(db, memoryBalances(ledger));
}

/** Every balance equals what the stored transfers add up to (posted: plain and posts; pending: still open). */
async function checkAgainstTransfers(ledger: LedgerService, db: Db) {
  const sums: Record<string, bigint[]> = {};
  for (const a of await ledger.listAccounts()) sums[a.id] = [0n, 0n, 0n, 0n];
  const rows = await db.query<{ dr: string; cr: string; amount: bigint; flags: bigint | number; state: string | null }>(
    `SELECT debit_account_id AS dr, credit_account_id AS cr, amount, flags, state FROM ledger_transfers WHERE result = 'ok'`,
  );
  for (const r of rows) {
    const f = Number(r.flags);
    const [d, c] = f & PENDING ? (r.state === 'pending' ? [0, 2] : [-1, -1]) : f & VOID ? [-1, -1] : [1, 3];
    if (d < 0) continue;
    sums[r.dr]![d]! += BigInt(r.amount);
    sums[r.cr]![c!]! += BigInt(r.amount);
  }
  const expected: Record<string, string> = {};
  for (const [id, s] of Object.entries(sums)) expected[id] = s.join('/');
  assert.deepEqual(memoryBalances(ledger), expected);
}

for (const engine of engines()) {
  describe(`ledger properties on ${engine}`, () => {
    it('keeps the books balanced, limits respected, replays inert and the database equal to memory', async () => {
      await fc.assert(
        fc.asyncProperty(setup, fc.array(req, { minLength: 1, maxLength: 30 }), async (flags, reqs) => {
          const t = await freshDb(engine);
          let { ledger, clock } = await openLedger(t.db);
          try {
            const calls = build(flags, reqs);
            const answers: string[] = [];
            for (const call of calls) {
              answers.push(await perform(ledger, call, clock));
              await checkInvariants(ledger);
            }
            await checkAgainstTransfers(ledger, t.db);

            // replaying every request changes nothing and answers every transfer the same way
            const before = memoryBalances(ledger);
            const again: string[] = [];
            for (const call of calls) again.push(await perform(ledger, call, clock));
            assert.deepEqual(memoryBalances(ledger), before);
            calls.forEach((c, i) => {
              if (c.c === 'submit') assert.equal(again[i], answers[i]);
            });

            // a fresh writer loaded from the database holds exactly the same state
            const pending = [...ledger.writer.memory.pending.keys()].sort();
            const seq = ledger.writer.memory.seq;
            await ledger.close();
            ({ ledger, clock } = await openLedger(t.db, { clock }));
            assert.deepEqual(memoryBalances(ledger), before);
            assert.deepEqual([...ledger.writer.memory.pending.keys()].sort(), pending);
            assert.equal(ledger.writer.memory.seq, seq);
          } finally {
            await ledger.close();
            await t.cleanup();
          }
        }),
        { numRuns: engine === 'sqlite' ? 60 : 30 },
      );
    });
  });
}
