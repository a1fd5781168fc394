/**
 * Model → XML. The model is checked as it is written (types, facets, cardinality, unknown keys —
 * a typo in a JSON field name must not silently drop data), so a built document is valid.
 */

import { namespaceOf } from '../message-types.ts';
import type { MessageDef } from '../messages/define.ts';
import { type ChoiceNode, Fault, type Node, type SeqNode } from '../schema/dsl.ts';
import { checkCurrency, checkMinorUnits, formatAmount } from '../schema/money.ts';
import { escapeAttr, escapeText } from '../xml/text.ts';
import { type Frame, formatModelPath, frame, modelPath } from './paths.ts';

export interface EncodeIssue {
  path: string;
  message: string;
}

export interface EncodeOptions {
  /** Indent with two spaces per level (default: compact, one line). */
  pretty?: boolean;
}

export function encodeMessage(
  def: MessageDef,
  message: unknown,
  options: EncodeOptions = {},
): { xml: string; issues: EncodeIssue[] } {
  const e = new Encoder(options.pretty === true);
  e.out.push(`<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${namespaceOf(def.type)}">`);
  e.seq(def.body, message, def.root, null, 1);
  e.out.push(e.pretty ? '\n</Document>\n' : '</Document>\n');
  if (e.issues.length === 0) {
    def.rules(message as never, {
      fail: (path, text) => e.issues.push({ path: formatModelPath(path), message: text }),
    });
  }
  return { xml: e.issues.length === 0 ? e.out.join('') : '', issues: e.issues };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Encoder {
  readonly out: string[] = [];
  readonly issues: EncodeIssue[] = [];
  readonly pretty: boolean;

  constructor(pretty: boolean) {
    this.pretty = pretty;
  }

  issue(f: Frame | null, message: string): void {
    this.issues.push({ path: modelPath(f), message });
  }

  open(tag: string, depth: number, attrs = ''): void {
    this.out.push(this.pretty ? `\n${'  '.repeat(depth)}<${tag}${attrs}>` : `<${tag}${attrs}>`);
  }

  close(tag: string, depth: number): void {
    this.out.push(this.pretty ? `\n${'  '.repeat(depth)}</${tag}>` : `</${tag}>`);
  }

  value(node: Node, v: unknown, tag: string, f: Frame, depth: number): void {
    if (node.kind === 'seq') this.seq(node, v, tag, f, depth);
    else if (node.kind === 'choice') this.choice(node, v, tag, f, depth);
    else if (node.kind === 'amount') this.amount(v, tag, f, depth);
    else {
      try {
        const text = node.type.encode(node.type.check(v));
        this.open(tag, depth);
        this.out.push(escapeText(text), `</${tag}>`);
      } catch (e) {
        this.fault(f, e);
      }
    }
  }

  amount(v: unknown, tag: string, f: Frame, depth: number): void {
    if (!isRecord(v)) {
      this.issue(f, 'must be { amount, ccy }');
      return;
    }
    for (const k of Object.keys(v)) if (k !== 'amount' && k !== 'ccy') this.issue(frame(f, k), 'unknown property');
    try {
      const ccy = checkCurrency(v.ccy);
      const text = formatAmount(checkMinorUnits(v.amount), ccy);
      this.open(tag, depth, ` Ccy="${escapeAttr(ccy)}"`);
      this.out.push(text, `</${tag}>`);
    } catch (e) {
      this.fault(f, e);
    }
  }

  fault(f: Frame, e: unknown): void {
    if (!(e instanceof Fault)) throw e;
    this.issue(f, e.message);
  }

  seq(node: SeqNode, v: unknown, tag: string, f: Frame | null, depth: number): void {
    if (!isRecord(v)) {
      this.issue(f, 'must be an object');
      return;
    }
    for (const k of Object.keys(v)) {
      if (!node.byKey.has(k) && v[k] !== undefined) this.issue(frame(f, k), `unknown property (not in ${node.name})`);
    }
    this.open(tag, depth);
    for (const field of node.fields) {
      const item = v[field.key];
      const here = frame(f, field.key);
      if (item === undefined) {
        if (field.required) this.issue(here, 'is required');
        continue;
      }
      if (!field.list) {
        this.value(field.node, item, field.tag, here, depth + 1);
        continue;
      }
      if (!Array.isArray(item)) {
        this.issue(here, 'must be an array');
        continue;
      }
      if (item.length < field.min) this.issue(here, `needs at least ${field.min} item(s)`);
      if (item.length > field.max) this.issue(here, `allows at most ${field.max} items`);
      item.forEach((x, i) => {
        this.value(field.node, x, field.tag, frame(f, field.key, i), depth + 1);
      });
    }
    this.close(tag, depth);
  }

  choice(node: ChoiceNode, v: unknown, tag: string, f: Frame, depth: number): void {
    const keys = isRecord(v) ? Object.keys(v).filter((k) => v[k] !== undefined) : [];
    const options = node.fields.map((x) => x.key).join(', ');
    if (!isRecord(v) || keys.length !== 1) {
      this.issue(f, `must have exactly one of ${options}`);
      return;
    }
    const idx = node.byKey.get(keys[0]!);
    if (idx === undefined) {
      this.issue(frame(f, keys[0]!), `unknown property (expected one of ${options})`);
      return;
    }
    const field = node.fields[idx]!;
    this.open(tag, depth);
    this.value(field.node, v[field.key], field.tag, frame(f, field.key), depth + 1);
    this.close(tag, depth);
  }
}
