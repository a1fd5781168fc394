/**
 * Crash test of the ledger writer. The parent streams transfers (unique ids, random amounts between funded
 * accounts, some as linked pairs) to a child process running the writer on a SQLite file, over JSON lines on
 * stdin/stdout. It records what the child ACKNOWLEDGED, SIGKILLs it at random moments (≥ 20 times),
 * restarts it and resends everything unacknowledged with the same ids and content. At the end it checks the
 * database: every acknowledged transfer is stored exactly once with the acknowledged result, balances equal
 * the sum of stored transfers, and the books sum to zero.
 *
 * Run: `node bench/chaos-ledger.ts [kills]` or `npm run chaos -- ledger`. The last stdout line is the verdict;
 * the exit code is non-zero on any loss or duplicate.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createLedger, ledgerMigrations, type TransferInput } from '../src/ledger/index.ts';
import { migrate, SqliteDb } from '../src/platform/index.ts';

const ACCOUNTS = Array.from({ length: 10 }, (_, i) => `a${i}`);
const FUND = 1_000_000n;

/** One line of the protocol: a submit of one transfer or of a linked chain. */
interface Line {
  n: number;
  transfers: { id: string; dr: string; cr: string; amount: string; linked?: boolean }[];
}

const toInput = (t: Line['transfers'][number]): TransferInput => ({
  id: t.id,
  debitAccountId: t.dr,
  creditAccountId: t.cr,
  amount: BigInt(t.amount),
  currency: 'KZT',
  code: 'chaos',
  ...(t.linked ? { flags: { linked: true } } : {}),
});

// ── child: the writer behind a line protocol ────────────────────────────────────────────────────────────

async function child(path: string): Promise<void> {
  const db = new SqliteDb(path);
  await migrate(db, [ledgerMigrations]);
  const ledger = await createLedger({ db });
  await ledger.createAccounts([
    { id: 'src', currency: 'KZT', owner: 'cb', code: 'issuance' },
    ...ACCOUNTS.map((id) => ({
      id,
      currency: 'KZT' as const,
      owner: id,
      code: 'settlement',
      flags: { debitsMustNotExceedCredits: true },
    })),
  ]);
  const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
  out({ ready: true });
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (text) => {
    const line = JSON.parse(text) as Line;
    // no await: lines in flight together are what group commit merges
    ledger.submit(line.transfers.map(toInput)).then(
      (rs) => out({ n: line.n, results: rs.map((r) => (r.ok ? 'ok' : r.reason)) }),
      (e: unknown) => out({ n: line.n, error: String(e) }),
    );
  });
  rl.on('close', async () => {
    await ledger.close();
    await db.close();
  });
}

// ── parent: load, kill, restart, verify ─────────────────────────────────────────────────────────────────

interface Life {
  proc: ChildProcess;
  ready: Promise<void>;
  exited: Promise<string | null>;
}

function start(path: string, onAck: (n: number, results: string[]) => void): Life {
  const proc = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', import.meta.filename, 'child', path], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const exited = new Promise<string | null>((r) => proc.once('exit', (_code, signal) => r(signal)));
  createInterface({ input: proc.stdout! }).on('line', (text) => {
    const m = JSON.parse(text) as { ready?: boolean; n?: number; results?: string[] };
    if (m.ready) ready();
    else if (m.results && m.n !== undefined) onAck(m.n, m.results);
  });
  proc.stdin!.on('error', () => {}); // writes racing the kill
  return { proc, ready: Promise.race([readyP, exited.then(() => {})]), exited };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function run(): Promise<void> {
  const arg = process.argv.slice(2).find((a) => /^\d+$/.test(a));
  const kills = Math.max(20, Number(arg ?? 24));
  const dir = mkdtempSync(join(tmpdir(), 'ndfi-chaos-'));
  const path = join(dir, 'ledger.db');
  const lines = new Map<number, Line>();
  const unacked = new Set<number>();
  const acked = new Map<string, string>(); // transfer id → acknowledged result
  let nextLine = 0;
  let nextId = 0;
  let inflight = 0;

  const onAck = (n: number, results: string[]) => {
    const line = lines.get(n);
    if (!line || !unacked.has(n)) return;
    unacked.delete(n);
    inflight--;
    for (const [i, t] of line.transfers.entries()) acked.set(t.id, results[i]!);
  };

  const newLine = (): Line => {
    const n = nextLine++;
    const pick = () => ACCOUNTS[Math.floor(Math.random() * ACCOUNTS.length)]!;
    const transfer = (linked: boolean) => {
      const dr = pick();
      let cr = pick();
      while (cr === dr) cr = pick();
      return { id: `t${++nextId}`, dr, cr, amount: String(1 + Math.floor(Math.random() * 5000)), linked };
    };
    // single transfers, linked pairs and submits of up to 20 independent transfers
    const shape = Math.random();
    const line: Line =
      n < ACCOUNTS.length
        ? { n, transfers: [{ id: `fund-${ACCOUNTS[n]}`, dr: 'src', cr: ACCOUNTS[n]!, amount: String(FUND) }] }
        : shape < 0.6
          ? { n, transfers: [transfer(false)] }
          : shape < 0.8
            ? { n, transfers: [transfer(true), transfer(false)] }
            : { n, transfers: Array.from({ length: 1 + Math.floor(Math.random() * 20) }, () => transfer(false)) };
    lines.set(n, line);
    unacked.add(n);
    return line;
  };

  const send = (life: Life, line: Line) => {
    inflight++;
    life.proc.stdin!.write(`${JSON.stringify(line)}\n`);
  };

  try {
    for (let k = 0; k <= kills; k++) {
      const life = start(path, onAck);
      await life.ready;
      inflight = 0;
      // resend everything unacknowledged from earlier lives: same ids, same content
      for (const n of [...unacked]) send(life, lines.get(n)!);
      const last = k === kills;
      const until = Date.now() + (last ? 300 : 100 + Math.random() * 300);
      while (Date.now() < until) {
        // keep the writer saturated, so kills land inside commits rather than between them
        while (inflight < 256) send(life, newLine());
        await sleep(1);
      }
      if (last) {
        // let everything be acknowledged, then stop cleanly
        while (unacked.size > 0) await sleep(5);
        life.proc.stdin!.end();
      } else {
        life.proc.kill('SIGKILL');
      }
      const signal = await life.exited;
      console.error(`life ${k}: ${signal ?? 'exit'}, acknowledged ${acked.size}, unacknowledged lines ${unacked.size}`);
    }

    const verdict = await verify(path, acked);
    const result = { chaos: 'ledger', kills, acknowledged: acked.size, ...verdict };
    console.log(JSON.stringify(result));
    if (verdict.lost !== 0 || verdict.duplicated !== 0 || verdict.sum !== '0') process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function verify(path: string, acked: Map<string, string>) {
  const db = new SqliteDb(path);
  try {
    const stored = new Map<string, { n: number; result: string }>();
    for (const r of await db.query<{ id: string; n: bigint; result: string }>(
      'SELECT id, COUNT(*) AS n, MIN(result) AS result FROM ledger_transfers GROUP BY id',
    )) {
      stored.set(r.id, { n: Number(r.n), result: r.result });
    }
    let lost = 0;
    for (const [id, result] of acked) {
      const s = stored.get(id);
      if (!s || s.result !== result) lost++;
    }
    let duplicated = [...stored.values()].filter((s) => s.n > 1).length;
    // applied twice in the balances but stored once would show here
    const rows = await db.query<{ id: string; dp: bigint; cp: bigint; d: bigint; c: bigint }>(
      `SELECT a.id, a.debits_posted AS dp, a.credits_posted AS cp,
         (SELECT COALESCE(SUM(amount), 0) FROM ledger_transfers WHERE debit_account_id = a.id AND result = 'ok') AS d,
         (SELECT COALESCE(SUM(amount), 0) FROM ledger_transfers WHERE credit_account_id = a.id AND result = 'ok') AS c
       FROM ledger_accounts a`,
    );
    duplicated += rows.filter((r) => r.dp !== r.d || r.cp !== r.c).length;
    const [s] = await db.query<{ posted: bigint; pending: bigint }>(
      'SELECT SUM(credits_posted - debits_posted) AS posted, SUM(credits_pending - debits_pending) AS pending FROM ledger_accounts',
    );
    // Σ (credits − debits) posted; a non-zero pending sum (there are no pending transfers here) shows too
    const posted = BigInt(s?.posted ?? 0n);
    const pending = BigInt(s?.pending ?? 0n);
    const sum = pending === 0n ? String(posted) : `${posted}/pending ${pending}`;
    return { lost, duplicated, sum };
  } finally {
    await db.close();
  }
}

if (import.meta.main) {
  if (process.argv[2] === 'child') await child(process.argv[3]!);
  else await run();
}
