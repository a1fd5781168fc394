/** Error codes the package reports; callers branch on `code`, never on `message`. */
export type Iso20022ErrorCode =
  | 'xml-malformed'
  | 'xml-hostile'
  | 'xml-too-large'
  | 'xml-too-deep'
  | 'schema-invalid'
  | 'wrong-message'
  | 'field-invalid'
  | 'xsd-unavailable';

/** One problem in a document or model: an XML path (parse) or model path (build), or a line. */
export interface IssueDetail {
  path?: string;
  line?: number;
  message: string;
}

export class Iso20022Error extends Error {
  readonly code: Iso20022ErrorCode;
  readonly path?: string;
  readonly details?: IssueDetail[];

  constructor(code: Iso20022ErrorCode, message: string, extra: { path?: string; details?: IssueDetail[] } = {}) {
    super(message);
    this.name = 'Iso20022Error';
    this.code = code;
    if (extra.path !== undefined) this.path = extra.path;
    if (extra.details !== undefined) this.details = extra.details;
  }
}

/** Throws the first of `details` as the headline, keeping all of them for the caller. */
export function failWith(code: Iso20022ErrorCode, details: IssueDetail[]): never {
  const first = details[0];
  const where = first?.path ?? (first?.line !== undefined ? `line ${first.line}` : undefined);
  const more = details.length > 1 ? ` (+${details.length - 1} more)` : '';
  const headline = `${where ? `${where}: ` : ''}${first?.message ?? code}${more}`;
  throw new Iso20022Error(code, headline, { ...(first?.path !== undefined ? { path: first.path } : {}), details });
}
