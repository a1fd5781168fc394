/** XML → typed message: guards, type detection, optional XSD validation, structural decoding. */
import { resolve } from 'node:path';
import { decodeMessage } from './codec/decode.ts';
import { failWith, Iso20022Error } from './errors.ts';
import { type MessageType, typeOfNamespace } from './message-types.ts';
import { definitionOf, type Message } from './messages/registry.ts';
import { limitsFrom, sizedText, type XmlLimits } from './xml/limits.ts';
import { scanRoot, scanXml, type XElement } from './xml/scan.ts';
import { createValidator, type Validator, validateTrusted } from './xsd/validator.ts';

export interface ParseOptions<T extends MessageType = MessageType> extends Partial<XmlLimits> {
  /** Refuse (`wrong-message`) any other message type. */
  expect?: T;
  /** Validate against `<xsdDir>/<type>.xsd` too; the compiled schemas are cached per directory. */
  xsdDir?: string;
  /** Validate with this validator (takes precedence over xsdDir). */
  validator?: Validator;
}

const validators = new Map<string, Validator>();

/** One validator per directory for the life of the process: schemas compile once, not per call. */
function validatorFor(xsdDir: string): Validator {
  const dir = resolve(xsdDir);
  let v = validators.get(dir);
  if (v === undefined) {
    v = createValidator(dir);
    validators.set(dir, v);
  }
  return v;
}

function typeOfRoot(root: XElement): MessageType {
  const type = typeOfNamespace(root.ns);
  if (type === undefined || root.name !== 'Document') {
    throw new Iso20022Error(
      'wrong-message',
      `not a supported ISO 20022 message (root ${root.name}, namespace ${root.ns || 'none'})`,
    );
  }
  return type;
}

/** The message type, from the root element's namespace, reading no further than the root tag. */
export function detectType(xml: string | Uint8Array, limits?: Partial<XmlLimits>): MessageType {
  const lim = limitsFrom(limits);
  return typeOfRoot(scanRoot(sizedText(xml, lim.maxBytes), lim));
}

/**
 * Parses and checks a message. Throws Iso20022Error: xml-too-large / xml-hostile / xml-too-deep /
 * xml-malformed before any tree is built, wrong-message for an unexpected type, schema-invalid
 * (XSD or structure) and field-invalid (scheme rules), with every problem in `details`.
 */
export function parse<T extends MessageType = MessageType>(
  xml: string | Uint8Array,
  options: ParseOptions<T> = {},
): Message<T> {
  const limits = limitsFrom(options);
  const text = sizedText(xml, limits.maxBytes);
  const root = scanXml(text, limits);
  const type = typeOfRoot(root);
  if (options.expect !== undefined && options.expect !== type) {
    throw new Iso20022Error('wrong-message', `expected ${options.expect}, got ${type}`);
  }
  const validator = options.validator ?? (options.xsdDir !== undefined ? validatorFor(options.xsdDir) : undefined);
  if (validator !== undefined) {
    const problems = validateTrusted(validator, typeof xml === 'string' ? text : xml, type);
    if (problems.length > 0) failWith('schema-invalid', problems);
  }
  const { message, issues } = decodeMessage(definitionOf(type), root);
  if (issues.length > 0) {
    const structural = issues.some((i) => i.kind === 'schema');
    failWith(
      structural ? 'schema-invalid' : 'field-invalid',
      issues.map(({ path, message }) => ({ path, message })),
    );
  }
  return { type, message } as Message<T>;
}
