/** Error codes the package reports; callers branch on `code`, never on `message`. */
export type EmvQrErrorCode =
  /** the payload is over {@link MAX_PAYLOAD_LENGTH} characters, or not a string at all */
  | 'too_large'
  /** a data object is cut short: fewer than 4 characters left for its id and length */
  | 'truncated'
  /** an id that is not two digits */
  | 'bad_id'
  /** a length that is not two digits, is 00, runs past the payload, or is outside the field's range */
  | 'bad_length'
  /** the payload format indicator is not first, or the CRC is not last */
  | 'bad_order'
  | 'missing_tag'
  | 'duplicate_tag'
  /** an id this standard does not carry (RFU ids, convenience fees, unknown sub-tags) */
  | 'unsupported_tag'
  | 'crc_mismatch'
  /** a control character, lone surrogate, or (outside template 64) any non-ASCII character */
  | 'bad_char'
  /** a value of the wrong shape: amount not like 1500.00, MCC not 4 digits, CRC not 4 upper hex… */
  | 'bad_format'
  /** a well-formed value this standard does not allow: version 02, initiation 13, amount 0… */
  | 'bad_value'
  | 'unsupported_currency'
  | 'unsupported_country';

/**
 * Every problem the encoder or decoder finds. `tag` names the data object as its EMV path
 * (`'59'`, `'62.05'`, `'26.01'`; `''` for the payload as a whole); `offset` is the position, in
 * characters (code points) from the start of the payload, where the decoder met it.
 */
export class EmvQrError extends Error {
  readonly code: EmvQrErrorCode;
  readonly tag: string;
  readonly offset?: number;

  constructor(code: EmvQrErrorCode, tag: string, message: string, offset?: number) {
    super(`${tag === '' ? 'payload' : `tag ${tag}`}: ${message}`);
    this.name = 'EmvQrError';
    this.code = code;
    this.tag = tag;
    if (offset !== undefined) this.offset = offset;
  }
}
