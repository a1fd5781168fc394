/** Every supported message, by type, with its model type. */
import type { MessageType } from '../message-types.ts';
import type { SeqNode } from '../schema/dsl.ts';
import { type Acmt023, acmt023 } from './acmt023.ts';
import { type Acmt024, acmt024 } from './acmt024.ts';
import { type Camt029, camt029 } from './camt029.ts';
import { type Camt052, camt052 } from './camt052.ts';
import { type Camt053, camt053 } from './camt053.ts';
import { type Camt054, camt054 } from './camt054.ts';
import { type Camt056, camt056 } from './camt056.ts';
import type { MessageDef } from './define.ts';
import { type Pacs002, pacs002 } from './pacs002.ts';
import { type Pacs004, pacs004 } from './pacs004.ts';
import { type Pacs008, pacs008 } from './pacs008.ts';
import { type Pacs009, pacs009 } from './pacs009.ts';
import { type Pacs028, pacs028 } from './pacs028.ts';
import { type Pain013, pain013 } from './pain013.ts';
import { type Pain014, pain014 } from './pain014.ts';

/** Message type → model. */
export interface MessageModels {
  'pacs.008.001.09': Pacs008;
  'pacs.009.001.09': Pacs009;
  'pacs.002.001.11': Pacs002;
  'pacs.004.001.10': Pacs004;
  'pacs.028.001.04': Pacs028;
  'camt.056.001.09': Camt056;
  'camt.029.001.10': Camt029;
  'camt.052.001.08': Camt052;
  'camt.053.001.08': Camt053;
  'camt.054.001.08': Camt054;
  'pain.013.001.08': Pain013;
  'pain.014.001.08': Pain014;
  'acmt.023.001.02': Acmt023;
  'acmt.024.001.02': Acmt024;
}

/** A message with its type: what `parse` returns and `build` takes. */
export type Message<T extends MessageType = MessageType> = { [K in T]: { type: K; message: MessageModels[K] } }[T];

const DEFS = {
  'pacs.008.001.09': pacs008,
  'pacs.009.001.09': pacs009,
  'pacs.002.001.11': pacs002,
  'pacs.004.001.10': pacs004,
  'pacs.028.001.04': pacs028,
  'camt.056.001.09': camt056,
  'camt.029.001.10': camt029,
  'camt.052.001.08': camt052,
  'camt.053.001.08': camt053,
  'camt.054.001.08': camt054,
  'pain.013.001.08': pain013,
  'pain.014.001.08': pain014,
  'acmt.023.001.02': acmt023,
  'acmt.024.001.02': acmt024,
} satisfies { [K in MessageType]: MessageDef<K> };

/** The description of a message type; untyped on purpose, the codecs walk it generically. */
export function definitionOf(type: MessageType): MessageDef<MessageType, SeqNode> {
  return DEFS[type] as unknown as MessageDef<MessageType, SeqNode>;
}
