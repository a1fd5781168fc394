/**
 * XSD validation with libxml2 compiled to WebAssembly. Each schema is compiled once, on first
 * use, and kept until `close()`; documents are freed right after validation. libxml2 parses
 * with no network, no DTD loading and no external entities (and never sees a DOCTYPE: the
 * guards refuse it first), so it reads nothing but the document and the XSD files handed to it
 * here — even if some other module registered an input provider (see validator.test.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ParseOption, XmlDocument, XmlElement, XmlLibError, XsdValidator } from 'libxml2-wasm';
import { Iso20022Error, type IssueDetail } from '../errors.ts';
import { type MessageType, namespaceOf } from '../message-types.ts';
import { definitionOf } from '../messages/registry.ts';
import type { AnyField, Node } from '../schema/dsl.ts';
import { limitsFrom, sizedText, type XmlLimits } from '../xml/limits.ts';
import { scanXml } from '../xml/scan.ts';

const SAFE = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

export interface Validator {
  readonly xsdDir: string;
  /**
   * Validates against the official XSD of `type`. Hostile, oversized or malformed input throws
   * Iso20022Error as in `parse`; schema violations are returned (empty list: valid).
   */
  validate(xml: string | Uint8Array, type: MessageType, limits?: Partial<XmlLimits>): IssueDetail[];
  /** Compiles the schemas now rather than on first use (e.g. at service start). */
  preload(types?: readonly MessageType[]): void;
  /** Frees the compiled schemas (WebAssembly memory). The validator is unusable afterwards. */
  close(): void;
  [Symbol.dispose](): void;
}

interface Compiled {
  doc: XmlDocument;
  schema: XsdValidator;
}

class LibxmlValidator implements Validator {
  readonly xsdDir: string;
  readonly #compiled = new Map<MessageType, Compiled>();
  #closed = false;

  constructor(xsdDir: string) {
    this.xsdDir = xsdDir;
  }

  #schema(type: MessageType): XsdValidator {
    if (this.#closed) throw new Iso20022Error('xsd-unavailable', 'validator is closed');
    const hit = this.#compiled.get(type);
    if (hit !== undefined) return hit.schema;
    const file = join(this.xsdDir, `${type}.xsd`);
    let doc: XmlDocument;
    try {
      doc = XmlDocument.fromBuffer(readFileSync(file), { option: SAFE, url: file });
    } catch (e) {
      throw new Iso20022Error('xsd-unavailable', `cannot read XSD ${file}: ${(e as Error).message}`);
    }
    try {
      // The schema keeps pointers into its source document, so both live until close().
      const schema = XsdValidator.fromDoc(doc);
      this.#compiled.set(type, { doc, schema });
      return schema;
    } catch (e) {
      doc.dispose();
      throw new Iso20022Error('xsd-unavailable', `cannot compile XSD ${file}: ${(e as Error).message}`);
    }
  }

  preload(types: readonly MessageType[] = []): void {
    for (const t of types) this.#schema(t);
  }

  validate(xml: string | Uint8Array, type: MessageType, limits?: Partial<XmlLimits>): IssueDetail[] {
    const lim = limitsFrom(limits);
    // Same guards as parse: libxml2 never sees DOCTYPEs, oversized or over-deep input.
    const text = sizedText(xml, lim.maxBytes);
    const root = scanXml(text, lim);
    if (root.ns !== namespaceOf(type)) {
      throw new Iso20022Error('wrong-message', `document is not ${type} (namespace ${root.ns || 'none'})`);
    }
    return this.validateTrusted(typeof xml === 'string' ? text : xml, type);
  }

  /** For input that already passed the guards (parse runs them first). */
  validateTrusted(xml: string | Uint8Array, type: MessageType): IssueDetail[] {
    const schema = this.#schema(type);
    let doc: XmlDocument;
    try {
      doc =
        typeof xml === 'string'
          ? XmlDocument.fromString(xml, { option: SAFE })
          : XmlDocument.fromBuffer(xml, { option: SAFE });
    } catch (e) {
      throw new Iso20022Error('xml-malformed', `not well-formed: ${libxmlMessage(e)}`, { details: libxmlDetails(e) });
    }
    try {
      schema.validate(doc);
      return [];
    } catch (e) {
      if (!(e instanceof XmlLibError) || e.details.length === 0) {
        throw new Iso20022Error('schema-invalid', `validation failed: ${libxmlMessage(e)}`);
      }
      return e.details.map((d) => ({ ...namedPath(doc, d.xpath, type), line: d.line, message: tidy(d.message) }));
    } finally {
      doc.dispose();
    }
  }

  close(): void {
    this.#closed = true;
    for (const { schema, doc } of this.#compiled.values()) {
      schema.dispose();
      doc.dispose();
    }
    this.#compiled.clear();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * libxml2 reports `/*\/*[2]/*[5]`; callers want `/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Dbtr`,
 * indexed like the structural validator does: repeatable elements always carry a position.
 */
function namedPath(doc: XmlDocument, xpath: string | undefined, type: MessageType): { path?: string } {
  if (xpath === undefined) return {};
  try {
    const node = doc.get(xpath);
    if (!(node instanceof XmlElement)) return { path: xpath };
    const chain: XmlElement[] = [];
    for (let n: XmlElement | null = node; n !== null; n = n.parent) chain.unshift(n);
    let schemaNode: Node | undefined = definitionOf(type).body;
    const parts = chain.map((el, depth) => {
      if (depth < 2) return el.name;
      const field: AnyField | undefined =
        schemaNode?.kind === 'seq' || schemaNode?.kind === 'choice'
          ? schemaNode.fields[schemaNode.byTag.get(el.name) ?? -1]
          : undefined;
      schemaNode = field?.node;
      return field?.list ? `${el.name}[${position(el)}]` : el.name;
    });
    return { path: `/${parts.join('/')}` };
  } catch {
    return { path: xpath };
  }
}

function position(el: XmlElement): number {
  let i = 1;
  for (let s = el.prev; s !== null; s = s.prev) if (s instanceof XmlElement && s.name === el.name) i++;
  return i;
}

/** Drops the `{urn:iso:std:iso:20022:tech:xsd:…}` noise libxml2 puts before every name. */
function tidy(message: string): string {
  return message.replace(/\{urn:iso:std:iso:20022:tech:xsd:[^}]*\}/g, '').trim();
}

function libxmlMessage(e: unknown): string {
  if (e instanceof XmlLibError && e.details.length > 0) return tidy(e.details[0]!.message);
  return e instanceof Error ? e.message : String(e);
}

function libxmlDetails(e: unknown): IssueDetail[] | undefined {
  if (!(e instanceof XmlLibError)) return undefined;
  return e.details.map((d) => ({ line: d.line, message: tidy(d.message) }));
}

/**
 * Opens a validator on a directory holding `<type>.xsd` files (e.g. `pacs.008.001.09.xsd`).
 * Schemas compile lazily; pass `preload` to pay that cost (~50-100 ms each) up front.
 */
export function createValidator(xsdDir: string, options: { preload?: readonly MessageType[] } = {}): Validator {
  const dir = resolve(xsdDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Iso20022Error('xsd-unavailable', `XSD directory ${dir} does not exist`);
  }
  const v = new LibxmlValidator(dir);
  if (options.preload) v.preload(options.preload);
  return v;
}

/** Internal hook for parse: skip the guards it has already run. */
export function validateTrusted(v: Validator, xml: string | Uint8Array, type: MessageType): IssueDetail[] {
  return v instanceof LibxmlValidator ? v.validateTrusted(xml, type) : v.validate(xml, type);
}
