/** IPS disputes at the service level on every engine: steps, deadlines, money returned once, refusals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLedger, type Ledger, ledgerMigrations } from '../../ledger/index.ts';
import {
  auditMigrations,
  type Db,
  DomainError,
  ManualClock,
  migrate,
  sequentialIds,
  silentLogger,
  verifyAudit,
  webhooksMigrations,
} from '../../platform/index.ts';
import { engines, freshDb } from '../../platform/testing.ts';
import { type IpsPayment, positionAccountId } from '../domain/payment.ts';
import { ipsMigrations } from '../migrations.ts';
import { IpsReturns } from '../returns.ts';
import { ipsStore } from '../store.ts';
import { ipsDisputesMigrations } from './migrations.ts';
import { IpsDisputes } from './service.ts';

const A = 'AAAAKZKA';
const B = 'BBBBKZKA';
const C = 'CCCCKZKA';
const DAY = 24 * 3600_000;
const bank = (bic: string) => ({ participantId: `ptc_${bic}`, bic, oversight: false });
const operator = { participantId: 'ptc_operator', oversight: true };
const party = (bic: string) => ({ id: `ptc_${bic}`, bic, status: 'active' as const });

interface World {
  db: Db;
  ledger: Ledger;
  clock: ManualClock;
  disputes: IpsDisputes;
  returns: IpsReturns;
  close(): Promise<void>;
}

async function world(engine: 'sqlite' | 'postgres'): Promise<World> {
  const t = await freshDb(engine);
  await migrate(t.db, [auditMigrations, ledgerMigrations, webhooksMigrations, ipsMigrations, ipsDisputesMigrations]);
  const clock = new ManualClock();
  const ledger = await createLedger({ db: t.db, clock });
  await ledger.createAccounts([
    { id: 'funding', owner: 'cb', currency: 'KZT', code: 'test' },
    ...[A, B, C].map((bic) => ({
      id: positionAccountId(bic),
      owner: `ptc_${bic}`,
      currency: 'KZT' as const,
      code: 'ips_position',
      flags: { debitsMustNotExceedCredits: true },
    })),
  ]);
  const ids = sequentialIds();
  const lookup = async (bic: string) => party(bic);
  const returns = new IpsReturns({ db: t.db, ledger, clock, ids, lookup });
  const disputes = new IpsDisputes({ db: t.db, clock, ids, logger: silentLogger(), returns, lookup });
  return {
    db: t.db,
    ledger,
    clock,
    disputes,
    returns,
    close: async () => {
      await ledger.close();
      await t.cleanup();
    },
  };
}

let n = 0;
/** A payment from A to B settled on the ledger and recorded as IPS records it. */
async function settled(w: World, amount: bigint, from = A, to = B): Promise<IpsPayment> {
  const id = `${from}:TX${++n}`;
  const [fund] = await w.ledger.submit([
    {
      id: `fund:${id}`,
      debitAccountId: 'funding',
      creditAccountId: positionAccountId(from),
      amount,
      currency: 'KZT',
      code: 'test',
    },
    {
      id: `pay:${id}`,
      debitAccountId: positionAccountId(from),
      creditAccountId: positionAccountId(to),
      amount,
      currency: 'KZT',
      code: 'ips.payment',
    },
  ]);
  assert.ok(fund?.ok);
  const at = w.clock.now().toISOString();
  const p: IpsPayment = {
    id,
    msgId: `M${n}`,
    txId: `TX${n}`,
    endToEndId: `E${n}`,
    payerBic: from,
    payeeBic: to,
    amount,
    creditorAccount: 'KZ86125KZT5004100100',
    alias: null,
    status: 'settled',
    reason: null,
    document: {},
    createdAt: at,
    deadline: at,
    updatedAt: at,
  };
  await w.db.transaction((tx) => ipsStore.insert(tx, p));
  return p;
}

const balance = async (w: World, bic: string) => {
  const a = await w.ledger.getAccount(positionAccountId(bic));
  return a!.creditsPosted - a!.debitsPosted;
};

async function refused(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof DomainError, String(e));
    return e.type;
  }
  return 'none';
}

for (const engine of engines()) {
  describe(`IPS disputes on ${engine}`, () => {
    it('accepted by the respondent: the claimed part is returned once, the case is final, both banks are told', async () => {
      const w = await world(engine);
      try {
        const p = await settled(w, 10_000n);
        const d = await w.disputes.open(bank(A), {
          paymentId: p.id,
          caseId: 'CASE-1',
          reason: 'AM09',
          amount: 4_000n,
          description: 'charged 100.00 instead of 60.00',
        });
        assert.equal(d.status, 'open');
        assert.equal(d.respondentBic, B);
        assert.equal(d.deadline, new Date(w.clock.nowMs() + 7 * DAY).toISOString());
        const done = await w.disputes.act(bank(B), d.id, 'accept');
        assert.equal(done.status, 'accepted');
        assert.ok(done.returnId);
        assert.equal(await balance(w, A), 4_000n);
        assert.equal(await balance(w, B), 6_000n);
        assert.equal(await w.returns.returned(p.id), 4_000n);
        assert.deepEqual(
          done.history.map((e) => [e.action, e.status]),
          [
            ['open', 'open'],
            ['accept', 'accepted'],
          ],
        );
        // final: no second return, no other step
        assert.equal(await refused(() => w.disputes.act(bank(B), d.id, 'accept')), 'state');
        assert.equal(await refused(() => w.disputes.act(bank(A), d.id, 'withdraw')), 'state');
        assert.equal(await balance(w, A), 4_000n);
        const hooks = await w.db.query<{ participant_id: string; event_type: string }>(
          `SELECT participant_id, event_type FROM webhook_deliveries WHERE event_type = 'ips.dispute' ORDER BY participant_id`,
        );
        assert.equal(hooks.length, 4); // open and accept, to both banks
        assert.equal((await verifyAudit(w.db)).ok, true);
        assert.deepEqual(await w.ledger.sumOfBalances(), { posted: 0n, pending: 0n });
      } finally {
        await w.close();
      }
    });

    it('rejected, escalated and decided by the operator for the claimant: the money comes back', async () => {
      const w = await world(engine);
      try {
        const p = await settled(w, 5_000n);
        const d = await w.disputes.open(bank(A), {
          paymentId: p.id,
          caseId: 'CASE-2',
          reason: 'FRAD',
          description: 'the customer was deceived by a fake seller',
        });
        assert.equal(d.amount, 5_000n);
        const r = await w.disputes.act(bank(B), d.id, 'reject', 'the recipient shipped the goods');
        assert.equal(r.status, 'rejected');
        assert.equal(r.deadline, new Date(w.clock.nowMs() + 5 * DAY).toISOString());
        assert.equal(await refused(() => w.disputes.act(operator, d.id, 'decide_claimant', 'x')), 'state');
        await w.disputes.act(bank(A), d.id, 'escalate', 'police report 123 attached');
        const decided = await w.disputes.act(operator, d.id, 'decide_claimant', 'the seller is a known fraudster');
        assert.equal(decided.status, 'decided_for_claimant');
        assert.equal(await balance(w, A), 5_000n);
        assert.equal(await balance(w, B), 0n);
        const [ret] = await w.db.query<{ reason: string }>('SELECT reason FROM ips_returns WHERE id = $1', [
          decided.returnId,
        ]);
        assert.equal(ret?.reason, 'FRAD');
      } finally {
        await w.close();
      }
    });

    it('deadlines: an unanswered claim goes to the operator, an unescalated rejection lapses; money stays', async () => {
      const w = await world(engine);
      try {
        const p1 = await settled(w, 1_000n);
        const p2 = await settled(w, 2_000n);
        const silent = await w.disputes.open(bank(A), {
          paymentId: p1.id,
          caseId: 'S',
          reason: 'UPAY',
          description: 'wrong person',
        });
        const rejected = await w.disputes.open(bank(A), {
          paymentId: p2.id,
          caseId: 'R',
          reason: 'DUPL',
          description: 'paid twice',
        });
        await w.disputes.act(bank(B), rejected.id, 'reject', 'two different invoices');
        w.clock.advance(5 * DAY + 1);
        assert.equal(await w.disputes.sweep(), 1); // the rejection lapsed; the claim still has time
        assert.equal((await w.disputes.get(rejected.id, operator)).status, 'lapsed');
        assert.equal((await w.disputes.get(silent.id, operator)).status, 'open');
        w.clock.advance(2 * DAY);
        assert.equal(await w.disputes.sweep(), 1);
        const escalated = await w.disputes.get(silent.id, operator);
        assert.equal(escalated.status, 'escalated');
        assert.equal(escalated.history.at(-1)?.actor, 'deadline');
        assert.equal(await w.disputes.sweep(), 0);
        // the respondent may still concede while the operator has it
        assert.equal((await w.disputes.act(bank(B), silent.id, 'accept')).status, 'accepted');
        assert.equal(await balance(w, A), 1_000n);
        assert.equal(await balance(w, B), 2_000n);
      } finally {
        await w.close();
      }
    });

    it('refuses bad cases and steps, changing nothing', async () => {
      const w = await world(engine);
      try {
        const p = await settled(w, 3_000n);
        const open = (caseId: string, extra: Partial<Parameters<IpsDisputes['open']>[1]> = {}, by = A) =>
          w.disputes.open(bank(by), { paymentId: p.id, caseId, reason: 'FRAD', description: 'x', ...extra });
        assert.equal(await refused(() => open('X1', {}, B)), 'not-found'); // the payee does not claim
        assert.equal(await refused(() => open('X2', {}, C)), 'not-found'); // a stranger sees nothing
        assert.equal(await refused(() => open('X3', { paymentId: `${A}:nope` })), 'not-found');
        assert.equal(await refused(() => open('X4', { amount: 3_001n })), 'validation');
        assert.equal(await refused(() => open('X5', { amount: 0n })), 'validation');
        const d = await open('OK');
        assert.equal(await refused(() => open('OK')), 'conflict');
        assert.equal(await refused(() => w.disputes.get(d.id, bank(C))), 'not-found');
        assert.equal(await refused(() => w.disputes.act(bank(C), d.id, 'accept')), 'not-found');
        assert.equal(await refused(() => w.disputes.act(bank(A), d.id, 'accept')), 'forbidden');
        assert.equal(await refused(() => w.disputes.act(bank(B), d.id, 'reject', '')), 'validation');
        assert.equal(await refused(() => w.disputes.act(bank(B), d.id, 'escalate', 'x')), 'forbidden');
        assert.equal((await w.disputes.get(d.id, bank(B))).history.length, 1);
        // a respondent whose position cannot cover the return: refused, the case stays open
        await w.ledger.submit([
          {
            id: 'drain',
            debitAccountId: positionAccountId(B),
            creditAccountId: 'funding',
            amount: 3_000n,
            currency: 'KZT',
            code: 'test',
          },
        ]);
        assert.equal(await refused(() => w.disputes.act(bank(B), d.id, 'accept')), 'insufficient-funds');
        assert.equal((await w.disputes.get(d.id, bank(A))).status, 'open');
        assert.deepEqual(
          (await w.disputes.list(bank(C), { limit: 10 })).map((x) => x.id),
          [],
        );
        assert.deepEqual(
          (await w.disputes.list(bank(B), { limit: 10 })).map((x) => x.id),
          [d.id],
        );
        // a rejected payment is not disputed
        await w.db.exec(`UPDATE ips_payments SET status = 'rejected' WHERE id = $1`, [p.id]);
        assert.equal(await refused(() => open('X6')), 'state');
      } finally {
        await w.close();
      }
    });

    it('two steps racing on one case: one wins, the money is returned at most once', async () => {
      const w = await world(engine);
      try {
        const p = await settled(w, 7_000n);
        const d = await w.disputes.open(bank(A), { paymentId: p.id, caseId: 'RACE', reason: 'FRAD', description: 'x' });
        const outcomes = await Promise.allSettled([
          w.disputes.act(bank(B), d.id, 'accept'),
          w.disputes.act(bank(A), d.id, 'withdraw'),
          w.disputes.act(bank(B), d.id, 'accept'),
        ]);
        assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
        const final = await w.disputes.get(d.id, operator);
        assert.ok(['accepted', 'withdrawn'].includes(final.status));
        assert.equal(await balance(w, A), final.status === 'accepted' ? 7_000n : 0n);
        assert.deepEqual(await w.ledger.sumOfBalances(), { posted: 0n, pending: 0n });
      } finally {
        await w.close();
      }
    });
  });
}
