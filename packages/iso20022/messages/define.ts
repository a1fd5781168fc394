import type { MessageType } from '../message-types.ts';
import type { Amount, SeqNode, ValueOf } from '../schema/dsl.ts';

/** A path into the model: keys and 0-based list indexes, e.g. ['cdtTrfTxInf', 0, 'intrBkSttlmAmt']. */
export type ModelPath = readonly (string | number)[];

/** Where cross-field rules report; paths are turned into XML or model paths by the caller. */
export interface RuleSink {
  fail(path: ModelPath, message: string): void;
}

export interface MessageDef<T extends MessageType = MessageType, B extends SeqNode = SeqNode> {
  readonly type: T;
  /** The element under Document, e.g. FIToFICstmrCdtTrf. */
  readonly root: string;
  readonly body: B;
  /** Scheme rules that span fields (counts, totals, reasons); run only on structurally valid input. */
  readonly rules: (message: ValueOf<B>, sink: RuleSink) => void;
}

export function defineMessage<T extends MessageType, B extends SeqNode>(
  type: T,
  root: string,
  body: B,
  rules: (message: ValueOf<B>, sink: RuleSink) => void = () => {},
): MessageDef<T, B> {
  return { type, root, body, rules };
}

// ---- rule helpers shared by several messages ----

/** NbOfTxs (and the like) must equal the number of transactions actually carried. */
export function expectCount(sink: RuleSink, path: ModelPath, declared: number | undefined, actual: number): void {
  if (declared !== undefined && declared !== actual) {
    sink.fail(path, `declares ${declared} transactions but carries ${actual}`);
  }
}

/** A control total must be in the currency of, and equal to the sum of, the amounts it covers. */
export function expectTotal(sink: RuleSink, path: ModelPath, total: Amount | undefined, amounts: Amount[]): void {
  if (total === undefined) return;
  let sum = 0n;
  for (const a of amounts) {
    if (a.ccy !== total.ccy) {
      sink.fail(path, `total is in ${total.ccy} but a transaction is in ${a.ccy}`);
      return;
    }
    sum += a.amount;
  }
  if (sum !== total.amount) sink.fail(path, `total ${total.amount} does not equal the sum of transactions ${sum}`);
}

/** A rejection must say why (the scheme makes StsRsnInf/Rsn mandatory with RJCT-like statuses). */
export function expectReason(
  sink: RuleSink,
  path: ModelPath,
  status: string | undefined,
  rejected: readonly string[],
  infos: readonly { rsn?: unknown }[] | undefined,
): void {
  if (status === undefined || !rejected.includes(status)) return;
  if (!infos?.some((i) => i.rsn !== undefined)) sink.fail(path, `status ${status} needs a reason (Rsn)`);
}
