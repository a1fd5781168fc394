import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DomainError } from '../platform/index.ts';
import { engines, freshDb, type TestDb } from '../platform/testing.ts';
import type { LedgerService } from './service.ts';
import { account, memoryBalances, openLedger } from './testkit.ts';

const bal = async (l: LedgerService, id: string) => {
  const a = await l.getAccount(id);
  assert.ok(a, `account ${id}`);
  return { dp: a.debitsPending, dpo: a.debitsPosted, cp: a.creditsPending, cpo: a.creditsPosted };
};

const rejects = (p: Promise<unknown>, type: string, reason?: string) =>
  assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DomainError, String(e));
    assert.equal(e.type, type);
    if (reason) assert.equal(e.reason, reason);
    return true;
  });

for (const engine of engines()) {
  describe(`ledger on ${engine}`, () => {
    let t: TestDb;
    let ledger: LedgerService;
    let clock: Awaited<ReturnType<typeof openLedger>>['clock'];
    let n = 0;
    const id = (p: string) => `${p}-${++n}`;

    before(async () => {
      t = await freshDb(engine);
      ({ ledger, clock } = await openLedger(t.db));
    });
    after(async () => {
      await ledger.close();
      await t.cleanup();
    });

    /** A funded bank account with a floor, and the issuance account it was funded from. */
    const funded = async (amount: bigint) => {
      const bank = id('bank');
      const src = id('src');
      await ledger.createAccounts([account(src), account(bank, { debitsMustNotExceedCredits: true })]);
      await ledger.transfer({
        id: id('fund'),
        debitAccountId: src,
        creditAccountId: bank,
        amount,
        currency: 'KZT',
        code: 'fund',
      });
      const other = id('other');
      await ledger.createAccounts([account(other)]);
      return { bank, src, other };
    };

    it('posts a transfer to both sides and keeps the books balanced', async () => {
      const { bank, other } = await funded(1000n);
      const tr = await ledger.transfer({
        id: id('t'),
        debitAccountId: bank,
        creditAccountId: other,
        amount: 300n,
        currency: 'KZT',
        code: 'payment',
        reference: 'E2E-1',
      });
      assert.equal(tr.result, 'ok');
      assert.equal(tr.amount, 300n);
      assert.deepEqual(await bal(ledger, bank), { dp: 0n, dpo: 300n, cp: 0n, cpo: 1000n });
      assert.deepEqual(await bal(ledger, other), { dp: 0n, dpo: 0n, cp: 0n, cpo: 300n });
      assert.deepEqual(await ledger.getTransfer(tr.id), tr);
      assert.deepEqual(await ledger.sumOfBalances(), { posted: 0n, pending: 0n });
    });

    it('stores ids and references with quotes, backslashes, tabs, line breaks and non-ASCII intact', async () => {
      const { bank, other } = await funded(100n);
      const tr = await ledger.transfer({
        id: `we"ird\\id-${++n}`,
        debitAccountId: bank,
        creditAccountId: other,
        amount: 1n,
        currency: 'KZT',
        code: 'tab\there',
        reference: 'line\nbreak\r\\N "quoted" \\ тенге €',
      });
      assert.deepEqual(await ledger.getTransfer(tr.id), tr);
      assert.equal(tr.reference, 'line\nbreak\r\\N "quoted" \\ тенге €');
    });

    it('refuses to take an account with a floor below zero, counting pending debits', async () => {
      const { bank, other } = await funded(500n);
      await ledger.transfer({
        id: id('hold'),
        debitAccountId: bank,
        creditAccountId: other,
        amount: 400n,
        currency: 'KZT',
        code: 'hold',
        flags: { pending: true },
      });
      const tid = id('t');
      await rejects(
        ledger.transfer({
          id: tid,
          debitAccountId: bank,
          creditAccountId: other,
          amount: 101n,
          currency: 'KZT',
          code: 'x',
        }),
        'insufficient-funds',
        'AM04',
      );
      // the rejection is recorded under its id and moved nothing
      assert.equal((await ledger.getTransfer(tid))?.result, 'exceeds_credits');
      assert.deepEqual(await bal(ledger, bank), { dp: 400n, dpo: 0n, cp: 0n, cpo: 500n });
      await ledger.transfer({
        id: id('t'),
        debitAccountId: bank,
        creditAccountId: other,
        amount: 100n,
        currency: 'KZT',
        code: 'x',
      });
      assert.deepEqual(await bal(ledger, bank), { dp: 400n, dpo: 100n, cp: 0n, cpo: 500n });
    });

    it('enforces a ceiling on credits', async () => {
      const cap = id('cap');
      const src = id('src');
      await ledger.createAccounts([account(cap, { creditsMustNotExceedDebits: true }), account(src)]);
      const [r] = await ledger.submit([
        { id: id('t'), debitAccountId: src, creditAccountId: cap, amount: 1n, currency: 'KZT', code: 'x' },
      ]);
      assert.deepEqual(r && !r.ok && r.reason, 'exceeds_debits');
    });

    it('rejects unknown accounts, same accounts and currency mismatches with typed reasons', async () => {
      const { bank, other } = await funded(100n);
      const usd = id('usd');
      await ledger.createAccounts([account(usd, {}, 'USD')]);
      const rs = await ledger.submit([
        { id: id('t'), debitAccountId: bank, creditAccountId: 'nope', amount: 1n, currency: 'KZT', code: 'x' },
        { id: id('t'), debitAccountId: bank, creditAccountId: bank, amount: 1n, currency: 'KZT', code: 'x' },
        { id: id('t'), debitAccountId: bank, creditAccountId: usd, amount: 1n, currency: 'KZT', code: 'x' },
        { id: id('t'), debitAccountId: bank, creditAccountId: other, amount: 1n, currency: 'USD', code: 'x' },
      ]);
      assert.deepEqual(
        rs.map((r) => (r.ok ? 'ok' : r.reason)),
        ['account_not_found', 'accounts_must_be_different', 'currency_mismatch', 'currency_mismatch'],
      );
      await rejects(
        ledger.transfer({
          id: id('t'),
          debitAccountId: 'nope',
          creditAccountId: bank,
          amount: 1n,
          currency: 'KZT',
          code: 'x',
        }),
        'not-found',
        'AC01',
      );
    });

    it('posts a pending transfer in full', async () => {
      const { bank, other } = await funded(1000n);
      const p = await ledger.transfer({
        id: id('p'),
        debitAccountId: bank,
        creditAccountId: other,
        amount: 600n,
        currency: 'KZT',
        code: 'card',
        flags: { pending: true },
      });
      assert.equal(p.state, 'pending');
      assert.deepEqual(await bal(ledger, bank), { dp: 600n, dpo: 0n, cp: 0n, cpo: 1000n });
      assert.deepEqual(await bal(ledger, other), { dp: 0n, dpo: 0n, cp: 600n, cpo: 0n });
      const post = await ledger.transfer({
        id: id('post'),
        pendingId: p.id,
        code: 'card',
        flags: { postPending: true },
      });
      assert.equal(post.amount, 600n);
      assert.equal(post.debitAccountId, bank);
      assert.deepEqual(await bal(ledger, bank), { dp: 0n, dpo: 600n, cp: 0n, cpo: 1000n });
      assert.deepEqual(await bal(ledger, other), { dp: 0n, dpo: 0n, cp: 0n, cpo: 600n });
      assert.equal((await ledger.getTransfer(p.id))?.state, 'posted');
      await rejects(
        ledger.transfer({ id: id('again'), pendingId: p.id, code: 'card', flags: { voidPending: true } }),
        'state',
        'pending_already_posted',
      );
    });

    it('posts part of a pending transfer and releases the rest', async () => {
      const { bank, other } = await funded(1000n);
      const p = await ledger.transfer({
        id: id('p'),
        debitAccountId: bank,
        creditAccountId: other,
        amount: 600n,
        currency: 'KZT',
        code: 'card',
        flags: { pending: true },
      });
      await rejects(
        ledger.transfer({ id: id('post'), pendingId: p.id, amount: 601n, code: 'card', flags: { postPending: true } }),
        'validation',
        'amount_exceeds_pending',
      );
      await ledger.transfer({
        id: id('post'),
        pendingId: p.id,
        amount: 250n,
        code: 'card',
        flags: { postPending: true },
      });
      assert.deepEqual(await bal(ledger, bank), { dp: 0n, dpo: 250n, cp: 0n, cpo: 1000n });
      assert.deepEqual(await bal(ledger, other), { dp: 0n, dpo: 0n, cp: 0n, cpo: 250n });
    });

    it('voids a pending transfer', async () => {
      const { bank, other } = await funded(1000n);
      const p = await ledger.transfer({
        id: id('p'),
        debitAccountId: bank,
        creditAccountId: other,
        amount: 700n,
        currency: 'KZT',
        code: 'card',
        flags: { pending: true },
      });
      await ledger.transfer({ id: id('void'), pendingId: p.id, code: 'card', flags: { voidPending: true } });
      assert.deepEqual(await bal(ledger, bank), { dp: 0n, dpo: 0n, cp: 0n, cpo: 1000n });
      assert.deepEqual(await bal(ledger, other), { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n });
      await rejects(
        ledger.transfer({ id: id('post'), pendingId: p.id, code: 'card', flags: { postPending: true } }),
        'state',
        'pending_already_voided',
      );
      await rejects(
        ledger.transfer({ id: id('post'), pendingId: 'never', code: 'card', flags: { postPending: true } }),
        'not-found',
        'pending_not_found',
      );
    });

    it('voids pending transfers whose timeout passed, as transfers of their own', async () => {
      const { bank, other } = await funded(1000n);
      const short = await ledger.transfer({
        id: id('p'),
        debitAccountId: bank,
        creditAccountId: other,
        amount: 100n,
        currency: 'KZT',
        code: 'card',
        flags: { pending: true },
        timeoutSeconds: 60,
      });
      const long = await ledger.transfer({
        id: id('p'),
        debitAccountId: bank,
        creditAccountId: other,
        amount: 200n,
        currency: 'KZT',
        code: 'card',
        flags: { pending: true },
        timeoutSeconds: 3600,
      });
      assert.equal(short.expiresAt, short.timestamp + 60_000);
      clock.advance(59_999);
      assert.equal(await ledger.expirePending(), 0);
      clock.advance(1);
      // past its timeout but not yet expired by the sweep: it can no longer be posted
      await rejects(
        ledger.transfer({ id: id('late'), pendingId: short.id, code: 'card', flags: { postPending: true } }),
        'state',
        'pending_expired',
      );
      assert.equal(await ledger.expirePending(), 1);
      assert.equal(await ledger.expirePending(), 0);
      assert.equal((await ledger.getTransfer(short.id))?.state, 'expired');
      const voided = await ledger.getTransfer(`${short.id}#timeout`);
      assert.equal(voided?.flags.voidPending, true);
      assert.equal(voided?.pendingId, short.id);
      assert.deepEqual(await bal(ledger, bank), { dp: 200n, dpo: 0n, cp: 0n, cpo: 1000n });
      assert.equal((await ledger.getTransfer(long.id))?.state, 'pending');
    });

    it('applies a linked chain all-or-nothing', async () => {
      const { bank, other } = await funded(100n);
      const third = id('third');
      await ledger.createAccounts([account(third)]);
      const ids = [id('a'), id('b'), id('c')];
      const rs = await ledger.submit([
        {
          id: ids[0]!,
          debitAccountId: bank,
          creditAccountId: other,
          amount: 60n,
          currency: 'KZT',
          code: 'x',
          flags: { linked: true },
        },
        {
          id: ids[1]!,
          debitAccountId: bank,
          creditAccountId: third,
          amount: 60n,
          currency: 'KZT',
          code: 'x',
          flags: { linked: true },
        },
        { id: ids[2]!, debitAccountId: other, creditAccountId: third, amount: 1n, currency: 'KZT', code: 'x' },
      ]);
      assert.deepEqual(
        rs.map((r) => (r.ok ? 'ok' : r.reason)),
        ['linked_event_failed', 'exceeds_credits', 'linked_event_failed'],
      );
      assert.deepEqual(await bal(ledger, bank), { dp: 0n, dpo: 0n, cp: 0n, cpo: 100n });
      assert.deepEqual(await bal(ledger, other), { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n });

      const ok = await ledger.submit([
        {
          id: id('a'),
          debitAccountId: bank,
          creditAccountId: other,
          amount: 60n,
          currency: 'KZT',
          code: 'x',
          flags: { linked: true },
        },
        { id: id('b'), debitAccountId: other, creditAccountId: third, amount: 60n, currency: 'KZT', code: 'x' },
      ]);
      assert.ok(ok.every((r) => r.ok));
      assert.deepEqual(await bal(ledger, third), { dp: 0n, dpo: 0n, cp: 0n, cpo: 60n });

      const open = await ledger.submit([
        {
          id: id('a'),
          debitAccountId: bank,
          creditAccountId: other,
          amount: 1n,
          currency: 'KZT',
          code: 'x',
          flags: { linked: true },
        },
      ]);
      assert.deepEqual(
        open.map((r) => (r.ok ? 'ok' : r.reason)),
        ['linked_event_chain_open'],
      );
    });

    it('answers a replay with the stored result and applies nothing twice', async () => {
      const { bank, other } = await funded(1000n);
      const batch = [
        { id: id('r'), debitAccountId: bank, creditAccountId: other, amount: 10n, currency: 'KZT' as const, code: 'x' },
        {
          id: id('r'),
          debitAccountId: bank,
          creditAccountId: other,
          amount: 5000n,
          currency: 'KZT' as const,
          code: 'x',
        },
      ];
      const first = await ledger.submit(batch);
      const again = await ledger.submit(batch.map((b) => ({ ...b })));
      assert.deepEqual(again, first);
      assert.deepEqual(
        first.map((r) => (r.ok ? 'ok' : r.reason)),
        ['ok', 'exceeds_credits'],
      );
      // funding the account does not resurrect the rejected id
      await ledger.transfer({
        id: id('top'),
        debitAccountId: other,
        creditAccountId: bank,
        amount: 9000n,
        currency: 'KZT',
        code: 'x',
      });
      assert.deepEqual((await ledger.submit([batch[1]!]))[0], first[1]);
      assert.deepEqual(await bal(ledger, bank), { dp: 0n, dpo: 10n, cp: 0n, cpo: 10000n });
    });

    it('refuses an id reused with different content', async () => {
      const { bank, other } = await funded(1000n);
      const t0 = {
        id: id('d'),
        debitAccountId: bank,
        creditAccountId: other,
        amount: 10n,
        currency: 'KZT' as const,
        code: 'x',
      };
      await ledger.transfer(t0);
      await rejects(ledger.transfer({ ...t0, amount: 11n }), 'conflict', 'DUPL');
      const [r] = await ledger.submit([{ ...t0, reference: 'other' }]);
      assert.deepEqual(r, { id: t0.id, ok: false, reason: 'exists_with_different_fields' });
      assert.equal((await ledger.getTransfer(t0.id))?.amount, 10n);
      assert.deepEqual(await bal(ledger, other), { dp: 0n, dpo: 0n, cp: 0n, cpo: 10n });
    });

    it('creates accounts idempotently and refuses a conflicting redefinition as a whole', async () => {
      const a = account(id('acc'));
      const b = account(id('acc'));
      assert.deepEqual(await ledger.createAccounts([a]), [{ id: a.id, result: 'created' }]);
      assert.deepEqual(await ledger.createAccounts([a]), [{ id: a.id, result: 'exists' }]);
      await rejects(ledger.createAccounts([b, { ...a, code: 'fees' }]), 'conflict', 'DUPL');
      assert.equal(await ledger.getAccount(b.id), undefined);
      const got = await ledger.getAccount(a.id);
      assert.equal(got?.code, 'settlement');
      assert.deepEqual(got?.flags, {
        debitsMustNotExceedCredits: false,
        creditsMustNotExceedDebits: false,
        history: false,
      });
      assert.deepEqual(
        (await ledger.listAccounts({ owner: a.owner })).map((x) => x.id),
        [a.id],
      );
    });

    it('refuses malformed requests as a whole, naming the field', async () => {
      const bad = [
        { id: id('v'), debitAccountId: 'a', creditAccountId: 'b', amount: 0n, currency: 'KZT' as const, code: 'x' },
      ];
      await assert.rejects(
        ledger.submit(bad),
        (e: DomainError) => e.type === 'validation' && e.issues[0]?.field === '/0/amount',
      );
      await assert.rejects(
        ledger.submit([
          { id: 'has#hash', debitAccountId: 'a', creditAccountId: 'b', amount: 1n, currency: 'KZT', code: 'x' },
        ]),
        (e: DomainError) => e.issues[0]?.field === '/0/id',
      );
      await assert.rejects(ledger.submit([]), (e: DomainError) => e.type === 'validation');
      await assert.rejects(
        ledger.createAccounts([
          account(id('f'), { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: true }),
        ]),
        (e: DomainError) => e.issues[0]?.field === '/0/flags',
      );
    });

    it('pages through the history of a history account', async () => {
      const h = id('hist');
      const src = id('src');
      await ledger.createAccounts([account(h, { history: true }), account(src)]);
      for (let i = 1; i <= 5; i++) {
        await ledger.transfer({
          id: id('h'),
          debitAccountId: src,
          creditAccountId: h,
          amount: BigInt(i),
          currency: 'KZT',
          code: 'x',
        });
      }
      const p1 = await ledger.history(h, { limit: 2 });
      const p2 = await ledger.history(h, { limit: 2, after: p1.next });
      const p3 = await ledger.history(h, { limit: 2, after: p2.next });
      assert.deepEqual(
        [...p1.entries, ...p2.entries, ...p3.entries].map((e) => [e.transfer.amount, e.balance.creditsPosted]),
        [
          [1n, 1n],
          [2n, 3n],
          [3n, 6n],
          [4n, 10n],
          [5n, 15n],
        ],
      );
      assert.equal(p3.next, undefined);
      await assert.rejects(ledger.history(src), (e: DomainError) => e.type === 'validation');
    });

    it('settles 1,000 concurrent transfers consistently', async () => {
      const { bank, other } = await funded(500n);
      const results = await Promise.allSettled(
        Array.from({ length: 1000 }, (_, i) =>
          ledger.transfer({
            id: id('c'),
            debitAccountId: bank,
            creditAccountId: other,
            amount: 1n,
            currency: 'KZT',
            code: `c${i % 3}`,
          }),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      assert.equal(ok, 500);
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as DomainError).reason, 'AM04');
      }
      assert.deepEqual(await bal(ledger, bank), { dp: 0n, dpo: 500n, cp: 0n, cpo: 500n });
      assert.deepEqual(await ledger.sumOfBalances(), { posted: 0n, pending: 0n });
    });

    it('counts and totals committed accounts and transfers', async () => {
      const c = await ledger.counts();
      const totals = await ledger.totals();
      const kzt = totals.find((x) => x.currency === 'KZT');
      assert.ok(kzt && kzt.debitsPosted === kzt.creditsPosted && kzt.debitsPosted > 0n);
      assert.equal(
        c.accounts,
        totals.reduce((s, x) => s + x.accounts, 0),
      );
      assert.ok(c.transfers > 500);
    });

    it('restarts from the database with the same balances and idempotency', async () => {
      const { bank, other } = await funded(1000n);
      const p = await ledger.transfer({
        id: id('p'),
        debitAccountId: bank,
        creditAccountId: other,
        amount: 100n,
        currency: 'KZT',
        code: 'card',
        flags: { pending: true },
      });
      const done = {
        id: id('r'),
        debitAccountId: bank,
        creditAccountId: other,
        amount: 7n,
        currency: 'KZT' as const,
        code: 'x',
      };
      const first = await ledger.transfer(done);
      const before = memoryBalances(ledger);
      const counts = await ledger.counts();
      await ledger.close();
      ({ ledger } = await openLedger(t.db, { clock }));
      assert.deepEqual(memoryBalances(ledger), before);
      assert.deepEqual(await ledger.counts(), counts);
      // the replay is answered from the database (the new writer's id cache is empty)
      assert.deepEqual(await ledger.transfer(done), first);
      await rejects(ledger.transfer({ ...done, amount: 8n }), 'conflict', 'DUPL');
      // the open pending transfer survived the restart
      await ledger.transfer({ id: id('post'), pendingId: p.id, code: 'card', flags: { postPending: true } });
      assert.deepEqual(await bal(ledger, bank), { dp: 0n, dpo: 107n, cp: 0n, cpo: 1000n });
      assert.deepEqual(memoryBalances(ledger), memoryBalances(await reload()));
    });

    /** A second writer's view of the database, opened after this one closes. */
    const reload = async (): Promise<LedgerService> => {
      await ledger.close();
      ({ ledger } = await openLedger(t.db, { clock }));
      return ledger;
    };
  });
}
