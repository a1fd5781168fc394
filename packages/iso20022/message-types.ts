/** The ISO 20022 message versions this package speaks (`<area>.<function>.<variant>.<version>`). */
export const MESSAGE_TYPES = [
  'pacs.008.001.09',
  'pacs.009.001.09',
  'pacs.002.001.11',
  'pacs.004.001.10',
  'pacs.028.001.04',
  'camt.056.001.09',
  'camt.029.001.10',
  'camt.052.001.08',
  'camt.053.001.08',
  'camt.054.001.08',
  'pain.013.001.08',
  'pain.014.001.08',
  'acmt.023.001.02',
  'acmt.024.001.02',
] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];

const NS_PREFIX = 'urn:iso:std:iso:20022:tech:xsd:';

export function namespaceOf(type: MessageType): string {
  return NS_PREFIX + type;
}

const byNamespace = new Map<string, MessageType>(MESSAGE_TYPES.map((t) => [namespaceOf(t), t]));

/** The message type for an XML namespace, or undefined when it is not one we speak. */
export function typeOfNamespace(ns: string): MessageType | undefined {
  return byNamespace.get(ns);
}

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && byNamespace.has(NS_PREFIX + value);
}
