/**
 * XML tree → model, checking the document against the message description on the way: element
 * order and cardinality, unknown elements, attributes, and every simple type's facets. This is
 * the structural validation that stands in for the XSD when no schema set is configured.
 */
import type { MessageDef } from '../messages/define.ts';
import { type AmountNode, type ChoiceNode, Fault, type FaultKind, type Node, type SeqNode } from '../schema/dsl.ts';
import { checkCurrency, parseAmount } from '../schema/money.ts';
import type { XElement } from '../xml/scan.ts';
import { type Frame, formatXmlPath, frame, xmlPath } from './paths.ts';

export interface Issue {
  path: string;
  message: string;
  kind: FaultKind;
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export function decodeMessage(def: MessageDef, root: XElement): { message: unknown; issues: Issue[] } {
  const d = new Decoder(root.ns);
  const top = frame(null, 'Document');
  for (const a of root.attrs ?? []) {
    // Samples often carry a schema location hint; it is harmless (never fetched) and ignored.
    if (!(a.ns === XSI && a.name === 'schemaLocation')) d.issue(top, `attribute ${a.name} is not allowed`);
  }
  d.noText(root, top);
  const body = root.children[0];
  if (root.children.length !== 1 || body === undefined || body.ns !== root.ns || body.name !== def.root) {
    d.issue(top, `Document must contain exactly one ${def.root} element`);
    return { message: undefined, issues: d.issues };
  }
  const f = frame(top, def.root);
  const message = d.seq(def.body, body, f);
  if (d.issues.length === 0) {
    const base = xmlPath(f);
    def.rules(message as never, {
      fail: (path, text) => d.issues.push({ path: formatXmlPath(base, def.body, path), message: text, kind: 'field' }),
    });
  }
  return { message, issues: d.issues };
}

/** XML whitespace only: JS trim() would also eat NBSP and friends, which XSD collapse keeps. */
function collapseWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

class Decoder {
  readonly ns: string;
  readonly issues: Issue[] = [];

  constructor(ns: string) {
    this.ns = ns;
  }

  issue(f: Frame, message: string, kind: FaultKind = 'schema'): void {
    this.issues.push({ path: xmlPath(f), message, kind });
  }

  fault(f: Frame, e: unknown): undefined {
    if (!(e instanceof Fault)) throw e;
    this.issue(f, e.message, e.kind);
    return undefined;
  }

  noText(el: XElement, f: Frame): void {
    if (el.text !== '' && collapseWs(el.text) !== '') this.issue(f, 'text is not allowed here');
  }

  complex(el: XElement, f: Frame): void {
    if (el.attrs !== null) this.issue(f, `attribute ${el.attrs[0]!.name} is not allowed`);
    this.noText(el, f);
  }

  value(node: Node, el: XElement, f: Frame): unknown {
    switch (node.kind) {
      case 'seq':
        return this.seq(node, el, f);
      case 'choice':
        return this.choice(node, el, f);
      case 'amount':
        return this.amount(node, el, f);
      case 'text': {
        if (el.children.length > 0) return this.issue(f, 'must not contain elements');
        if (el.attrs !== null) return this.issue(f, `attribute ${el.attrs[0]!.name} is not allowed`);
        try {
          return node.type.decode(node.type.collapse ? collapseWs(el.text) : el.text);
        } catch (e) {
          return this.fault(f, e);
        }
      }
    }
  }

  amount(_node: AmountNode, el: XElement, f: Frame): unknown {
    if (el.children.length > 0) return this.issue(f, 'must not contain elements');
    let ccy: string | undefined;
    for (const a of el.attrs ?? []) {
      if (a.ns === '' && a.name === 'Ccy') ccy = a.value;
      else this.issue(f, `attribute ${a.name} is not allowed`);
    }
    if (ccy === undefined) return this.issue(f, 'attribute Ccy is required');
    try {
      checkCurrency(ccy);
      return { amount: parseAmount(collapseWs(el.text), ccy), ccy };
    } catch (e) {
      return this.fault(f, e);
    }
  }

  seq(node: SeqNode, el: XElement, f: Frame): Record<string, unknown> {
    this.complex(el, f);
    const fields = node.fields;
    const buckets: (XElement[] | undefined)[] = new Array(fields.length);
    let cursor = 0;
    for (const child of el.children) {
      const idx = child.ns === this.ns ? node.byTag.get(child.name) : undefined;
      if (idx === undefined) {
        this.issue(frame(f, child.name), `element ${child.name} is not expected in ${el.name}`);
        continue;
      }
      if (idx < cursor) {
        this.issue(frame(f, child.name), `element ${child.name} is out of order in ${el.name}`);
        continue;
      }
      cursor = idx;
      const bucket = buckets[idx];
      if (bucket === undefined) buckets[idx] = [child];
      else bucket.push(child);
    }
    const out: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      const found = buckets[i];
      const n = found?.length ?? 0;
      if (n < field.min) {
        this.issue(frame(f, field.tag), `element ${field.tag} is required in ${el.name}`);
        continue;
      }
      if (n > field.max)
        this.issue(frame(f, field.tag), `element ${field.tag} occurs ${n} times, at most ${field.max}`);
      if (found === undefined) continue;
      if (field.list) out[field.key] = found.map((c, j) => this.value(field.node, c, frame(f, field.tag, j + 1)));
      else out[field.key] = this.value(field.node, found[0]!, frame(f, field.tag));
    }
    return out;
  }

  choice(node: ChoiceNode, el: XElement, f: Frame): unknown {
    this.complex(el, f);
    if (el.children.length !== 1) {
      const names = node.fields.map((x) => x.tag).join(', ');
      return this.issue(f, `${el.name} must contain exactly one of ${names}`);
    }
    const child = el.children[0]!;
    const idx = child.ns === this.ns ? node.byTag.get(child.name) : undefined;
    if (idx === undefined)
      return this.issue(frame(f, child.name), `element ${child.name} is not expected in ${el.name}`);
    const field = node.fields[idx]!;
    return { [field.key]: this.value(field.node, child, frame(f, field.tag)) };
  }
}
