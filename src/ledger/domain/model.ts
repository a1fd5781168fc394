/**
 * The writer's in-memory records. Flags are bitmasks and fields are flat so the hot path allocates little;
 * `toAccount`/`toTransfer` build the public shapes once a batch is durable.
 */
import type { Currency } from '../../platform/pure.ts';
import type {
  Account,
  AccountFlags,
  Balances,
  FailureReason,
  PendingState,
  Transfer,
  TransferFlags,
  TransferInput,
} from './types.ts';

export const DEBITS_MUST_NOT_EXCEED_CREDITS = 1;
export const CREDITS_MUST_NOT_EXCEED_DEBITS = 2;
export const HISTORY = 4;

export const LINKED = 1;
export const PENDING = 2;
export const POST = 4;
export const VOID = 8;

export interface AccountRecord extends Balances {
  id: string;
  currency: Currency;
  owner: string;
  code: string;
  flags: number;
  createdAt: number;
}

export interface TransferRecord {
  seq: number;
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  currency: Currency | '';
  code: string;
  reference: string;
  flags: number;
  pendingId: string | null;
  timeoutSeconds: number;
  timestamp: number;
  result: 'ok' | FailureReason;
  state: PendingState | null;
}

/** Balances of a `history` account right after transfer `seq`. */
export interface HistoryRecord extends Balances {
  accountId: string;
  seq: number;
}

export const accountFlags = (f: AccountFlags | undefined): number =>
  f
    ? (f.debitsMustNotExceedCredits ? DEBITS_MUST_NOT_EXCEED_CREDITS : 0) |
      (f.creditsMustNotExceedDebits ? CREDITS_MUST_NOT_EXCEED_DEBITS : 0) |
      (f.history ? HISTORY : 0)
    : 0;

export const transferFlags = (t: TransferInput): number => {
  const f = t.flags;
  if (!f) return 0;
  return (f.linked ? LINKED : 0) | (f.pending ? PENDING : 0) | (f.postPending ? POST : 0) | (f.voidPending ? VOID : 0);
};

export const expiresAt = (r: TransferRecord): number | null =>
  r.flags & PENDING && r.timeoutSeconds > 0 ? r.timestamp + r.timeoutSeconds * 1000 : null;

export const toAccount = (a: AccountRecord): Account => ({
  id: a.id,
  currency: a.currency,
  owner: a.owner,
  code: a.code,
  flags: {
    debitsMustNotExceedCredits: (a.flags & DEBITS_MUST_NOT_EXCEED_CREDITS) !== 0,
    creditsMustNotExceedDebits: (a.flags & CREDITS_MUST_NOT_EXCEED_DEBITS) !== 0,
    history: (a.flags & HISTORY) !== 0,
  },
  debitsPending: a.debitsPending,
  debitsPosted: a.debitsPosted,
  creditsPending: a.creditsPending,
  creditsPosted: a.creditsPosted,
  createdAt: a.createdAt,
});

/** One frozen flags object per combination, shared by every Transfer handed out (no allocation each). */
const FLAG_OBJECTS: Readonly<Required<TransferFlags>>[] = Array.from({ length: 16 }, (_, f) =>
  Object.freeze({
    linked: (f & LINKED) !== 0,
    pending: (f & PENDING) !== 0,
    postPending: (f & POST) !== 0,
    voidPending: (f & VOID) !== 0,
  }),
);

export const toTransfer = (r: TransferRecord): Transfer => ({
  id: r.id,
  seq: r.seq,
  debitAccountId: r.debitAccountId,
  creditAccountId: r.creditAccountId,
  amount: r.amount,
  currency: r.currency,
  code: r.code,
  reference: r.reference,
  flags: FLAG_OBJECTS[r.flags]!,
  pendingId: r.pendingId,
  timeoutSeconds: r.timeoutSeconds,
  timestamp: r.timestamp,
  expiresAt: expiresAt(r),
  result: r.result,
  state: r.state,
});
