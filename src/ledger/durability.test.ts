/** On SQLite the ledger answers a batch only once its WAL flush is done, and commits the next one meanwhile. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteDb } from '../platform/index.ts';
import { account, openLedger } from './testkit.ts';

const pay = (id: string, amount = 1n) => ({
  id,
  debitAccountId: 'src',
  creditAccountId: 'dst',
  amount,
  currency: 'KZT' as const,
  code: 'x',
});

const turns = async (n = 10) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('ledger durability on SQLite', () => {
  it('acknowledges a transfer only after the flush; the next batch commits while it runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndfi-ledger-wal-'));
    let hold = false;
    const held: (() => void)[] = [];
    const db = new SqliteDb(join(dir, 'l.db'), {
      flush: () => (hold ? new Promise<void>((r) => held.push(r)) : Promise.resolve()),
    });
    try {
      const { ledger } = await openLedger(db);
      await ledger.createAccounts([account('src'), account('dst')]);
      hold = true;
      let firstAnswered = false;
      const first = ledger.transfer(pay('t1')).then((r) => {
        firstAnswered = true;
        return r;
      });
      await turns();
      assert.equal(held.length, 1, 'the first batch is being flushed');
      assert.equal(firstAnswered, false, 'committed, not yet on disk: not acknowledged');
      const count = async () =>
        (await db.query<{ n: bigint }>('SELECT count(*) AS n FROM ledger_transfers WHERE id = $1', ['t2']))[0]!.n;
      const second = ledger.transfer(pay('t2'));
      await turns();
      assert.equal(await count(), 1n, 'the second batch committed while the first was flushed');
      held.shift()!();
      await first;
      hold = false;
      while (held.length) held.shift()!();
      await second;
      assert.equal((await ledger.getAccount('dst'))?.creditsPosted, 2n);
      await ledger.close();
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a failed flush acknowledges nothing of its batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndfi-ledger-wal-'));
    let fail = false;
    const db = new SqliteDb(join(dir, 'l.db'), {
      flush: () => (fail ? Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })) : Promise.resolve()),
    });
    try {
      const { ledger } = await openLedger(db);
      await ledger.createAccounts([account('src'), account('dst')]);
      fail = true;
      await assert.rejects(ledger.transfer(pay('t1')), (e: Error & { type?: string }) => e.type === 'unavailable');
      await assert.rejects(ledger.transfer(pay('t2')));
      await ledger.close();
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
