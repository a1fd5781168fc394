/** Typed message → XML (UTF-8 text with the message's namespace on Document). */
import { type EncodeOptions, encodeMessage } from './codec/encode.ts';
import { failWith, Iso20022Error } from './errors.ts';
import { isMessageType } from './message-types.ts';
import { definitionOf, type Message } from './messages/registry.ts';

export type BuildOptions = EncodeOptions;

/** Throws Iso20022Error `field-invalid` (model paths in `details`) when the model is not valid. */
export function build(msg: Message, options: BuildOptions = {}): string {
  if (typeof msg !== 'object' || msg === null || !isMessageType(msg.type)) {
    throw new Iso20022Error('wrong-message', `unsupported message type ${String((msg as { type?: unknown })?.type)}`);
  }
  const { xml, issues } = encodeMessage(definitionOf(msg.type), msg.message, options);
  if (issues.length > 0) failWith('field-invalid', issues);
  return xml;
}
