/** On SQLite the ledger answers a batch only once its WAL flush is done, and commits the next one meanwhile. */
import assert from 'node:assert/strict';
import { fdatasync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteDb } from '../platform/index.ts';
import { account, openLedger, pay } from './testkit.ts';

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

/**
 * A power loss, simulated: the disk keeps the WAL as it was when the last completed flush began, plus any
 * prefix of what was written after (later frames partly written). Checkpoints are off, so the database file
 * and the WAL's start do not change under the test. Whatever the cut, SQLite recovers every acknowledged
 * transfer, exactly once, and the balances sum to zero.
 */
describe('ledger after a simulated power loss on SQLite', () => {
  it('keeps every acknowledged transfer, whatever the disk kept of the unflushed tail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndfi-ledger-power-'));
    const path = join(dir, 'l.db');
    let flushedImage = Buffer.alloc(0);
    const db = new SqliteDb(path, {
      flush: (fd) => {
        const image = readFileSync(`${path}-wal`);
        return new Promise<void>((resolve, reject) =>
          fdatasync(fd, (err) => {
            if (err) return reject(err);
            flushedImage = image;
            resolve();
          }),
        );
      },
    });
    try {
      await db.exec('PRAGMA wal_autocheckpoint=0');
      const { ledger } = await openLedger(db);
      const ids = ['a', 'b', 'c', 'd'];
      await ledger.createAccounts(ids.map((id) => account(id)));
      const acknowledged = new Set<string>();
      const cuts: { db: Buffer; wal: Buffer; acknowledged: string[] }[] = [];
      let n = 0;
      const send = async (): Promise<void> => {
        while (n < 1500) {
          const i = n++;
          const t = {
            ...pay(`t${i}`, BigInt(1 + (i % 7))),
            debitAccountId: ids[i % 4]!,
            creditAccountId: ids[(i + 1) % 4]!,
          };
          await ledger.transfer(t);
          acknowledged.add(t.id);
          if (i % 250 === 0) {
            // the disk at this instant: the flushed WAL, and a random part of what came after it
            const current = readFileSync(`${path}-wal`);
            const extra = Math.floor(Math.random() * (current.length - flushedImage.length + 1));
            cuts.push({
              db: readFileSync(path),
              wal: Buffer.concat([flushedImage, current.subarray(flushedImage.length, flushedImage.length + extra)]),
              acknowledged: [...acknowledged],
            });
          }
        }
      };
      await Promise.all(Array.from({ length: 32 }, send));
      await ledger.close();
      assert.ok(cuts.length >= 5);
      for (const [k, cut] of cuts.entries()) {
        const at = join(dir, `cut${k}.db`);
        writeFileSync(at, cut.db);
        writeFileSync(`${at}-wal`, cut.wal);
        const recovered = new SqliteDb(at);
        try {
          const rows = await recovered.query<{ id: string }>('SELECT id FROM ledger_transfers');
          const have = new Set(rows.map((r) => r.id));
          const lost = cut.acknowledged.filter((id) => !have.has(id));
          assert.deepEqual(lost, [], `cut ${k}: acknowledged transfers lost`);
          const [sum] = await recovered.query<{ s: bigint | null }>(
            'SELECT SUM(credits_posted - debits_posted) AS s FROM ledger_accounts',
          );
          assert.equal(sum?.s ?? 0n, 0n, `cut ${k}: balances sum to zero`);
          const [posted] = await recovered.query<{ s: bigint | null }>(
            "SELECT SUM(amount) AS s FROM ledger_transfers WHERE id LIKE 't%'",
          );
          const [credited] = await recovered.query<{ s: bigint | null }>(
            'SELECT SUM(credits_posted) AS s FROM ledger_accounts',
          );
          assert.equal(credited?.s, posted?.s, `cut ${k}: balances match the transfers they hold`);
        } finally {
          await recovered.close();
        }
      }
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
