/**
 * Paths to report problems at. Frames are linked lists built while walking, so the happy path
 * allocates a tiny object per element and no strings; text is made only for an issue.
 */
import type { ModelPath } from '../messages/define.ts';
import type { AnyField, Node } from '../schema/dsl.ts';

export interface Frame {
  readonly up: Frame | null;
  /** XML tag (parse) or model key (build). */
  readonly name: string;
  /** 1-based position for repeatable XML elements, 0-based index for model arrays, -1 otherwise. */
  readonly index: number;
}

export function frame(up: Frame | null, name: string, index = -1): Frame {
  return { up, name, index };
}

/** `/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]/IntrBkSttlmAmt` */
export function xmlPath(f: Frame | null): string {
  let out = '';
  for (let p = f; p !== null; p = p.up) out = `/${p.name}${p.index >= 0 ? `[${p.index}]` : ''}${out}`;
  return out;
}

/** `cdtTrfTxInf[1].intrBkSttlmAmt` */
export function modelPath(f: Frame | null): string {
  let out = '';
  for (let p = f; p !== null; p = p.up) {
    if (p.name === '') continue;
    const part = `${p.name}${p.index >= 0 ? `[${p.index}]` : ''}`;
    out = out === '' ? part : `${part}.${out}`;
  }
  return out;
}

/** A rule's model path as text, for build errors. */
export function formatModelPath(path: ModelPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

/** A rule's model path as the XML path of the same element, for parse errors. */
export function formatXmlPath(base: string, body: Node, path: ModelPath): string {
  let out = base;
  let node: Node | undefined = body;
  for (const seg of path) {
    if (typeof seg === 'number') {
      out += `[${seg + 1}]`;
      continue;
    }
    const fields: readonly AnyField[] | undefined =
      node?.kind === 'seq' || node?.kind === 'choice' ? node.fields : undefined;
    const f: AnyField | undefined = fields?.find((x) => x.key === seg);
    out += `/${f?.tag ?? seg}`;
    node = f?.node;
  }
  return out;
}
