import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import type { DomainError } from '../platform/index.ts';
import { engines, freshDb } from '../platform/testing.ts';
import type { Committer } from './commit.ts';
import { createLedger } from './service.ts';
import { account, memoryBalances, openLedger, pay } from './testkit.ts';

for (const engine of engines()) {
  describe(`ledger writer on ${engine}`, () => {
    it('refuses a second writer on the same database until the first is closed', async () => {
      const t = await freshDb(engine);
      try {
        const { ledger } = await openLedger(t.db);
        await assert.rejects(createLedger({ db: t.db }));
        await ledger.close();
        const again = await createLedger({ db: t.db });
        await again.close();
      } finally {
        await t.cleanup();
      }
    });

    it('answers replays of ids the cache forgot from the database, inside busy batches', async () => {
      const t = await freshDb(engine);
      try {
        const { ledger } = await openLedger(t.db, { idCacheSize: 2 });
        await ledger.createAccounts([
          account('src'),
          account('dst'),
          account('floor', { debitsMustNotExceedCredits: true }),
        ]);
        const old = await ledger.submit([
          pay('old-1', 5n),
          pay('old-2', 6n),
          { ...pay('old-3'), debitAccountId: 'floor' },
        ]);
        for (let i = 0; i < 5; i++) await ledger.transfer(pay(`filler-${i}`));
        // replays (same and different content) race with new transfers into one batch
        const [replayed, fresh, changed] = await Promise.all([
          ledger.submit([pay('old-1', 5n), pay('old-2', 6n), { ...pay('old-3'), debitAccountId: 'floor' }]),
          ledger.submit([pay('new-1', 7n)]),
          ledger.submit([pay('old-1', 9n)]),
        ]);
        assert.deepEqual(replayed, old);
        assert.equal(fresh[0]?.ok, true);
        assert.deepEqual(changed, [{ id: 'old-1', ok: false, reason: 'exists_with_different_fields' }]);
        assert.equal((await ledger.getAccount('dst'))?.creditsPosted, 5n + 6n + 5n + 7n);
        await ledger.close();
      } finally {
        await t.cleanup();
      }
    });

    it('answers a post of a pending transfer resolved long ago from the database', async () => {
      const t = await freshDb(engine);
      try {
        const { ledger } = await openLedger(t.db, { idCacheSize: 1 });
        await ledger.createAccounts([account('src'), account('dst')]);
        await ledger.transfer({ ...pay('p', 10n), flags: { pending: true } });
        await ledger.transfer({ id: 'v', pendingId: 'p', code: 'x', flags: { voidPending: true } });
        for (let i = 0; i < 3; i++) await ledger.transfer(pay(`filler-${i}`));
        const [r] = await ledger.submit([{ id: 'post', pendingId: 'p', code: 'x', flags: { postPending: true } }]);
        assert.deepEqual(r, { id: 'post', ok: false, reason: 'pending_already_voided' });
        await ledger.close();
      } finally {
        await t.cleanup();
      }
    });

    it('resolves a pending of an earlier batch once when one batch posts and voids it', async () => {
      const t = await freshDb(engine);
      try {
        const { ledger } = await openLedger(t.db);
        await ledger.createAccounts([account('src'), account('dst')]);
        await ledger.transfer({ ...pay('p', 10n), flags: { pending: true } });
        const [post, again, voided] = await ledger.submit([
          { id: 'post', pendingId: 'p', code: 'x', flags: { postPending: true } },
          { id: 'post-2', pendingId: 'p', code: 'x', flags: { postPending: true } },
          { id: 'void', pendingId: 'p', code: 'x', flags: { voidPending: true } },
        ]);
        assert.equal(post?.ok, true);
        assert.deepEqual(again, { id: 'post-2', ok: false, reason: 'pending_already_posted' });
        assert.deepEqual(voided, { id: 'void', ok: false, reason: 'pending_already_posted' });
        assert.equal((await ledger.getTransfer('p'))?.state, 'posted');
        assert.equal((await ledger.getAccount('dst'))?.creditsPosted, 10n);
        await ledger.close();
      } finally {
        await t.cleanup();
      }
    });

    it('answers replays of committed ids it keeps only as ids, with the stored record', async () => {
      const t = await freshDb(engine);
      try {
        const { ledger } = await openLedger(t.db);
        await ledger.createAccounts([account('src'), account('dst', { debitsMustNotExceedCredits: true })]);
        const first = await ledger.submit([pay('a', 5n), { ...pay('b'), debitAccountId: 'dst' }]);
        assert.deepEqual(
          first.map((r) => r.ok),
          [true, false],
        );
        // later batches: the same requests answer the same (ok and rejected), other content is a conflict
        assert.deepEqual(await ledger.submit([pay('a', 5n), { ...pay('b'), debitAccountId: 'dst' }]), first);
        const [changed, fresh] = await ledger.submit([pay('a', 6n), pay('c', 7n)]);
        assert.deepEqual(changed, { id: 'a', ok: false, reason: 'exists_with_different_fields' });
        assert.equal(fresh?.ok, true);
        assert.equal((await ledger.getAccount('dst'))?.creditsPosted, 12n);
        await ledger.close();
      } finally {
        await t.cleanup();
      }
    });

    it('commits requests delivered by separate I/O callbacks together, not one commit each', async () => {
      const t = await freshDb(engine);
      const { port1, port2 } = new MessageChannel();
      try {
        const { ledger } = await openLedger(t.db);
        await ledger.createAccounts([account('src'), account('dst')]);
        let commits = 0;
        const committer = (ledger.writer as unknown as { o: { committer: Committer } }).o.committer;
        const persist = committer.persist.bind(committer);
        committer.persist = (b) => {
          commits++;
          return persist(b);
        };
        // every message is its own callback with its own microtask checkpoint, as sockets are
        const answers: Promise<unknown>[] = [];
        const all = new Promise<void>((resolve) => {
          port2.on('message', (i: number) => {
            answers.push(ledger.transfer(pay(`m-${i}`)));
            if (answers.length === 20) resolve();
          });
        });
        for (let i = 0; i < 20; i++) port1.postMessage(i);
        await all;
        await Promise.all(answers);
        assert.ok(commits <= 3, `${commits} commits for 20 requests`);
        assert.equal((await ledger.getAccount('dst'))?.creditsPosted, 20n);
        await ledger.close();
      } finally {
        port1.close();
        await t.cleanup();
      }
    });

    it("shares the commit of other modules' transactions pending in the same turn (SQLite)", async () => {
      const t = await freshDb(engine);
      const { ledger } = await openLedger(t.db);
      try {
        await ledger.createAccounts([account('src'), account('dst')]);
        await t.db.exec('CREATE TABLE other (id TEXT PRIMARY KEY)');
        let commits = 0;
        t.db.onCommit(() => commits++);
        // the writer's turn comes first and finds the other transaction waiting for its commit
        await Promise.all([
          ledger.transfer(pay('shared')),
          t.db.transaction((tx) => tx.exec(`INSERT INTO other (id) VALUES ('x')`)),
        ]);
        if (engine === 'sqlite') assert.equal(commits, 1);
        assert.equal((await ledger.getAccount('dst'))?.creditsPosted, 1n);
        assert.equal((await t.db.query('SELECT id FROM other')).length, 1);
      } finally {
        await ledger.close();
        await t.cleanup();
      }
    });

    it('rejects every caller of a failed commit and keeps memory equal to the database', async () => {
      const t = await freshDb(engine);
      try {
        const { ledger } = await openLedger(t.db);
        await ledger.createAccounts([account('src'), account('dst')]);
        await ledger.transfer(pay('before', 3n));
        // make the database refuse any transfer coded 'boom'
        if (engine === 'sqlite') {
          await t.db.exec(`CREATE TRIGGER boom BEFORE INSERT ON ledger_transfers WHEN NEW.code = 'boom'
            BEGIN SELECT RAISE(ABORT, 'boom'); END`);
        } else {
          await t.db.exec(`CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN
            IF NEW.code = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
          await t.db.exec('CREATE TRIGGER boom BEFORE INSERT ON ledger_transfers FOR EACH ROW EXECUTE FUNCTION boom()');
        }
        const same = await Promise.allSettled([
          ledger.transfer(pay('a', 100n)),
          ledger.createAccounts([account('late')]),
          ledger.transfer({ ...pay('b', 200n), code: 'boom' }),
        ]);
        for (const r of same) {
          assert.equal(r.status, 'rejected');
          assert.equal((r.reason as DomainError).type, 'unavailable');
        }
        assert.equal(await ledger.getAccount('late'), undefined);
        assert.equal((await ledger.getAccount('dst'))?.creditsPosted, 3n);
        // retrying the good ones with the same ids succeeds; the writer reloaded and still agrees with the db
        await ledger.transfer(pay('a', 100n));
        await ledger.createAccounts([account('late')]);
        assert.equal((await ledger.getAccount('dst'))?.creditsPosted, 103n);
        const mem = memoryBalances(ledger);
        await ledger.close();
        const { ledger: fresh } = await openLedger(t.db);
        assert.deepEqual(memoryBalances(fresh), mem);
        await fresh.close();
      } finally {
        await t.cleanup();
      }
    });

    it('waits for another module holding the connection in a transaction instead of failing', async () => {
      const t = await freshDb(engine);
      try {
        const { ledger } = await openLedger(t.db);
        await ledger.createAccounts([account('src'), account('dst')]);
        await t.db.exec('CREATE TABLE other (id TEXT PRIMARY KEY)');
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        const other = t.db.transaction(async (tx) => {
          await tx.exec(`INSERT INTO other (id) VALUES ('x')`);
          await held;
        });
        const transfer = ledger.transfer(pay('during'));
        await new Promise<void>((r) => setImmediate(r));
        release();
        await other;
        assert.equal((await transfer).result, 'ok');
        assert.equal((await ledger.getAccount('dst'))?.creditsPosted, 1n);
        await ledger.close();
      } finally {
        await t.cleanup();
      }
    });

    it('commits what was accepted before close and refuses what comes after', async () => {
      const t = await freshDb(engine);
      try {
        const { ledger } = await openLedger(t.db);
        await ledger.createAccounts([account('src'), account('dst')]);
        const pending = Array.from({ length: 50 }, (_, i) => ledger.transfer(pay(`c-${i}`)));
        const closing = ledger.close();
        await assert.rejects(ledger.transfer(pay('after')), (e: DomainError) => e.type === 'unavailable');
        await Promise.all(pending);
        await closing;
        const { ledger: again } = await openLedger(t.db);
        assert.equal((await again.getAccount('dst'))?.creditsPosted, 50n);
        await again.close();
      } finally {
        await t.cleanup();
      }
    });
  });
}
