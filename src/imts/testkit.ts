/** Shared set-up for IMTS service tests: three active banks, a ledger with the central bank's issuance account. */
import { createLedger, type Ledger, ledgerMigrations } from '../ledger/index.ts';
import { type Db, ManualClock, migrate, silentLogger, webhooksMigrations } from '../platform/index.ts';
import type { OperatingDayConfig } from './domain/operating-day.ts';
import { imtsMigrations } from './migrations.ts';
import {
  type ImtsScreen,
  ImtsService,
  type PaymentInstruction,
  type SettlementParticipant,
  settlementAccountId,
} from './service.ts';

export const BANKS = ['AAAAKZKA', 'BBBBKZKA', 'CCCCKZKA'];
export const participants = new Map<string, SettlementParticipant>(
  BANKS.map((bic, i) => [bic, { id: `ptc_${i}`, bic, status: 'active', roles: ['bank', 'settlement'] }]),
);

export interface World {
  t: { db: Db; cleanup(): Promise<void> };
  ledger: Ledger;
  imts: ImtsService;
  /** A new ledger writer and IMTS on the same database, as after a crash. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** IMTS on a fresh database (from freshDb). Without an operating day it is open around the clock. */
export async function imtsWorld(
  t: { db: Db; cleanup(): Promise<void> },
  opts: { operatingDay?: OperatingDayConfig; clock?: ManualClock; screen?: ImtsScreen; reviewHoldMs?: number } = {},
): Promise<World> {
  const clock = opts.clock ?? new ManualClock();
  await migrate(t.db, [ledgerMigrations, imtsMigrations, webhooksMigrations]);
  const make = async () => {
    const ledger = await createLedger({ db: t.db, clock });
    await ledger.createAccounts([{ id: 'cb:issuance', owner: 'cb', currency: 'KZT', code: 'issuance' }]);
    const imts = new ImtsService({
      db: t.db,
      ledger,
      clock,
      logger: silentLogger(),
      lookup: async (bic) => participants.get(bic),
      centralBank: async () => ({ id: 'cb', issuanceAccountId: 'cb:issuance' }),
      ...(opts.operatingDay ? { operatingDay: opts.operatingDay } : {}),
      ...(opts.screen ? { screen: opts.screen } : {}),
      ...(opts.reviewHoldMs ? { reviewHoldMs: opts.reviewHoldMs } : {}),
    });
    await imts.start();
    return { ledger, imts };
  };
  const w = { t, ...(await make()) } as World;
  w.restart = async () => {
    await w.ledger.close();
    Object.assign(w, await make());
  };
  w.close = async () => {
    await w.ledger.close();
    await t.cleanup();
  };
  return w;
}

export const pay = (
  txId: string,
  to: string,
  amount: bigint,
  priority: 'urgent' | 'normal' = 'normal',
): PaymentInstruction => ({
  msgType: 'pacs.008',
  txId,
  endToEndId: `e2e-${txId}`,
  receiverBic: to,
  amount,
  currency: 'KZT',
  priority,
  document: { txId },
});

let msg = 0;
/** One message of these transactions from `from`, under a fresh message id. */
export const send = (w: World, from: string, ...txs: PaymentInstruction[]) => w.imts.submit(from, `msg-${++msg}`, txs);

/** The message id `send` used last (to send a message id again). */
export const lastMessageId = (): string => `msg-${msg}`;

/** Posted balance of a bank's settlement account. */
export async function balance(w: World, bic: string): Promise<bigint> {
  const a = await w.ledger.getAccount(settlementAccountId(bic));
  return a ? a.creditsPosted - a.debitsPosted : 0n;
}
