/**
 * A single-pass XML reader for the subset ISO 20022 messages use: UTF-8, elements, attributes,
 * namespaces, text, CDATA and comments. Everything else — DOCTYPE and entity declarations,
 * processing instructions — is refused as hostile the moment it is seen, and depth is bounded
 * while reading, so no input can make the reader do more than one linear pass.
 *
 * Why not fast-xml-parser: it is ~10x slower on a payment-sized document, would still need this
 * pre-scan for depth and DOCTYPE, and accepts some malformed input (it is not a checking parser).
 */
import { Iso20022Error, type Iso20022ErrorCode } from '../errors.ts';
import type { XmlLimits } from './limits.ts';
import { CharDataError, decodeRefs, firstIllegalChar, normalizeNewlines } from './text.ts';

export interface XAttr {
  ns: string;
  name: string;
  value: string;
}

export interface XElement {
  /** Namespace URI, '' when none. */
  ns: string;
  /** Local name. */
  name: string;
  attrs: XAttr[] | null;
  children: XElement[];
  /** All character data directly inside this element (text and CDATA, references decoded). */
  text: string;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

interface Binding {
  prefix: string;
  uri: string;
  depth: number;
}

const HOSTILE_DECLS = ['<!DOCTYPE', '<!ENTITY', '<!ELEMENT', '<!ATTLIST', '<!NOTATION'];

class Reader {
  readonly s: string;
  readonly limits: XmlLimits;
  i = 0;
  readonly stack: XElement[] = [];
  readonly qnames: string[] = [];
  readonly bindings: Binding[] = [];
  root: XElement | null = null;
  rootClosed = false;

  constructor(s: string, limits: XmlLimits) {
    this.s = s;
    this.limits = limits;
  }

  fail(code: Iso20022ErrorCode, message: string, at = this.i): never {
    let line = 1;
    for (let k = this.s.indexOf('\n'); k !== -1 && k < at; k = this.s.indexOf('\n', k + 1)) line++;
    throw new Iso20022Error(code, `line ${line}: ${message}`, { details: [{ line, message }] });
  }

  decode(raw: string, at: number): string {
    try {
      return decodeRefs(raw);
    } catch (e) {
      if (e instanceof CharDataError) this.fail('xml-malformed', e.message, at);
      throw e;
    }
  }

  run(stopAtRoot: boolean): XElement {
    const s = this.s;
    const bad = firstIllegalChar(s);
    if (bad !== -1) this.fail('xml-malformed', 'document contains a character XML does not allow', bad);
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
    this.declaration();
    const n = s.length;
    while (this.i < n) {
      const lt = s.indexOf('<', this.i);
      const end = lt === -1 ? n : lt;
      if (end > this.i) this.charData(this.i, end);
      if (lt === -1) break;
      this.i = lt;
      const c = s.charCodeAt(lt + 1);
      if (c === 0x2f /* / */) this.endTag();
      else if (c === 0x21 /* ! */) this.bang();
      else if (c === 0x3f /* ? */) this.fail('xml-hostile', 'processing instructions are not accepted');
      else {
        this.startTag();
        if (stopAtRoot) return this.root!;
      }
    }
    if (this.stack.length > 0) this.fail('xml-malformed', `element <${this.qnames.at(-1)}> is not closed`, n);
    if (this.root === null) this.fail('xml-malformed', 'document has no root element', n);
    return this.root;
  }

  /** The XML declaration, if any, must come first and declare version 1.0 and UTF-8 (XML spaces only). */
  declaration(): void {
    const s = this.s;
    if (!s.startsWith('<?xml', this.i) || !isSpace(s.charCodeAt(this.i + 5))) return;
    const close = s.indexOf('?>', this.i);
    if (close === -1) this.fail('xml-malformed', 'XML declaration is not closed');
    const decl = s.slice(this.i, close + 2);
    const m =
      /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.0\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][A-Za-z0-9._-]*)\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\4)?[ \t\r\n]*\?>$/.exec(
        decl,
      );
    if (m === null) this.fail('xml-malformed', 'XML declaration is not well-formed');
    if (m[3] !== undefined && m[3].toLowerCase() !== 'utf-8') {
      this.fail('xml-malformed', `encoding ${m[3]} is not accepted; ISO 20022 messages are UTF-8`);
    }
    this.i = close + 2;
  }

  charData(from: number, to: number): void {
    const s = this.s;
    const top = this.stack.at(-1);
    if (top === undefined) {
      for (let k = from; k < to; k++) {
        if (!isSpace(s.charCodeAt(k))) this.fail('xml-malformed', 'text outside the root element', k);
      }
      return;
    }
    const raw = s.slice(from, to);
    const cdataEnd = raw.indexOf(']]>');
    if (cdataEnd !== -1) this.fail('xml-malformed', "']]>' is not allowed in text", from + cdataEnd);
    top.text += this.decode(normalizeNewlines(raw), from);
  }

  bang(): void {
    const s = this.s;
    const at = this.i;
    if (s.startsWith('<!--', at)) {
      const close = s.indexOf('-->', at + 4);
      if (close === -1) this.fail('xml-malformed', 'comment is not closed');
      const body = s.slice(at + 4, close);
      if (body.includes('--') || body.endsWith('-')) this.fail('xml-malformed', "'--' is not allowed in a comment");
      this.i = close + 3;
      return;
    }
    if (s.startsWith('<![CDATA[', at)) {
      const top = this.stack.at(-1);
      if (top === undefined) this.fail('xml-malformed', 'CDATA outside the root element');
      const close = s.indexOf(']]>', at + 9);
      if (close === -1) this.fail('xml-malformed', 'CDATA section is not closed');
      top.text += normalizeNewlines(s.slice(at + 9, close));
      this.i = close + 3;
      return;
    }
    for (const decl of HOSTILE_DECLS) {
      if (s.startsWith(decl, at)) this.fail('xml-hostile', `${decl.slice(2)} declarations are not accepted`);
    }
    this.fail('xml-malformed', "unexpected '<!'");
  }

  endTag(): void {
    const s = this.s;
    const start = this.i + 2;
    const end = this.name(start);
    const qname = s.slice(start, end);
    let k = end;
    while (isSpace(s.charCodeAt(k))) k++;
    if (s.charCodeAt(k) !== 0x3e /* > */) this.fail('xml-malformed', `end tag </${qname}> is not closed`, k);
    const open = this.qnames.pop();
    if (open === undefined) this.fail('xml-malformed', `end tag </${qname}> has no start tag`);
    if (open !== qname) this.fail('xml-malformed', `end tag </${qname}> does not match <${open}>`);
    this.popElement();
    this.i = k + 1;
  }

  popElement(): void {
    const depth = this.stack.length;
    this.stack.pop();
    while (this.bindings.length > 0 && this.bindings.at(-1)!.depth === depth) this.bindings.pop();
    if (this.stack.length === 0) this.rootClosed = true;
  }

  startTag(): void {
    const s = this.s;
    if (this.rootClosed) this.fail('xml-malformed', 'content after the root element');
    const depth = this.stack.length + 1;
    if (depth > this.limits.maxDepth) this.fail('xml-too-deep', `nesting exceeds ${this.limits.maxDepth} levels`);
    const nameStart = this.i + 1;
    const nameEnd = this.name(nameStart);
    const qname = s.slice(nameStart, nameEnd);
    let k = nameEnd;
    let raw: [string, string, number][] | null = null;
    let selfClosing = false;
    for (;;) {
      const hadSpace = isSpace(s.charCodeAt(k));
      while (isSpace(s.charCodeAt(k))) k++;
      const c = s.charCodeAt(k);
      if (c === 0x3e /* > */) {
        k++;
        break;
      }
      if (c === 0x2f /* / */ && s.charCodeAt(k + 1) === 0x3e) {
        selfClosing = true;
        k += 2;
        break;
      }
      if (Number.isNaN(c)) this.fail('xml-malformed', `start tag <${qname}> is not closed`, k);
      if (!hadSpace) this.fail('xml-malformed', `attributes of <${qname}> must be separated by whitespace`, k);
      const an = this.name(k);
      const attrName = s.slice(k, an);
      k = an;
      while (isSpace(s.charCodeAt(k))) k++;
      if (s.charCodeAt(k) !== 0x3d /* = */) this.fail('xml-malformed', `attribute ${attrName} has no value`, k);
      k++;
      while (isSpace(s.charCodeAt(k))) k++;
      const q = s.charCodeAt(k);
      if (q !== 0x22 && q !== 0x27) this.fail('xml-malformed', `attribute ${attrName} value must be quoted`, k);
      const close = s.indexOf(q === 0x22 ? '"' : "'", k + 1);
      if (close === -1) this.fail('xml-malformed', `attribute ${attrName} value is not closed`, k);
      const value = s.slice(k + 1, close);
      if (value.includes('<')) this.fail('xml-malformed', "'<' is not allowed in attribute values", k);
      const normalized = normalizeNewlines(value).replace(/[\t\n]/g, ' ');
      raw ??= [];
      raw.push([attrName, this.decode(normalized, k), k]);
      k = close + 1;
    }
    const el: XElement = { ns: '', name: '', attrs: null, children: [], text: '' };
    if (raw !== null) el.attrs = this.attributes(raw, depth);
    const colon = qname.indexOf(':');
    el.name = colon === -1 ? qname : qname.slice(colon + 1);
    el.ns = this.lookup(colon === -1 ? '' : qname.slice(0, colon), nameStart);
    const parent = this.stack.at(-1);
    if (parent !== undefined) parent.children.push(el);
    else this.root = el;
    this.i = k;
    if (selfClosing) {
      this.stack.push(el);
      this.popElement();
    } else {
      this.stack.push(el);
      this.qnames.push(qname);
    }
  }

  /** Binds this element's namespace declarations, then resolves and de-duplicates the rest. */
  attributes(raw: [string, string, number][], depth: number): XAttr[] | null {
    for (const [name, value, at] of raw) {
      if (name === 'xmlns') {
        if (value === XML_NS || value === XMLNS_NS)
          this.fail('xml-malformed', `namespace ${value} cannot be default`, at);
        this.bindings.push({ prefix: '', uri: value, depth });
      } else if (name.startsWith('xmlns:')) {
        const prefix = name.slice(6);
        if (value === '') this.fail('xml-malformed', `prefix ${prefix} cannot be bound to the empty namespace`, at);
        if (prefix === 'xmlns' || (prefix === 'xml') !== (value === XML_NS) || value === XMLNS_NS) {
          this.fail('xml-malformed', `reserved namespace binding ${name}`, at);
        }
        this.bindings.push({ prefix, uri: value, depth });
      }
    }
    let attrs: XAttr[] | null = null;
    const seen = new Set<string>();
    for (const [name, value, at] of raw) {
      if (seen.has(name)) this.fail('xml-malformed', `attribute ${name} is repeated`, at);
      seen.add(name);
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      const colon = name.indexOf(':');
      const ns = colon === -1 ? '' : this.lookup(name.slice(0, colon), at);
      const local = colon === -1 ? name : name.slice(colon + 1);
      if (colon !== -1 && seen.has(`{${ns}}${local}`)) this.fail('xml-malformed', `attribute ${name} is repeated`, at);
      if (colon !== -1) seen.add(`{${ns}}${local}`);
      attrs ??= [];
      attrs.push({ ns, name: local, value });
    }
    return attrs;
  }

  lookup(prefix: string, at: number): string {
    if (prefix === 'xml') return XML_NS;
    for (let b = this.bindings.length - 1; b >= 0; b--) {
      const binding = this.bindings[b]!;
      if (binding.prefix === prefix) return binding.uri;
    }
    if (prefix === '') return '';
    this.fail('xml-malformed', `namespace prefix ${prefix} is not declared`, at);
  }

  /** Reads a QName (NCName, optionally prefixed) starting at `from`; returns its end. */
  name(from: number): number {
    const s = this.s;
    let k = from;
    let colon = -1;
    for (;;) {
      const c = s.charCodeAt(k);
      const atStart = k === from || k === colon + 1;
      if (c === 0x3a /* : */) {
        if (colon !== -1 || atStart) this.fail('xml-malformed', 'malformed name', k);
        colon = k;
        k++;
        continue;
      }
      if (atStart ? isNameStart(c) : isNameChar(c)) {
        k++;
        continue;
      }
      if (c >= 0xd800 && c <= 0xdb7f) {
        k += 2; // U+10000..U+EFFFF are name characters; pairing was checked up front
        continue;
      }
      break;
    }
    if (k === from || k === colon + 1) this.fail('xml-malformed', 'expected a name', k);
    return k;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isNameStart(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}

function isNameChar(c: number): boolean {
  if (c < 0x80) {
    return (
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x5f ||
      c === 0x2d ||
      c === 0x2e
    );
  }
  return isNameStart(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}

/** Reads a whole document into a tree, refusing hostile, malformed, too-deep input. */
export function scanXml(xml: string, limits: XmlLimits): XElement {
  return new Reader(xml, limits).run(false);
}

/** Reads only up to the root start tag (enough to learn its namespace); same refusals on the way. */
export function scanRoot(xml: string, limits: XmlLimits): XElement {
  return new Reader(xml, limits).run(true);
}
