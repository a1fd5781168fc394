/**
 * Character data in and out of XML. Only the five predefined entities and character references
 * exist here: documents with a DTD are refused before this runs, so no entity can expand.
 */

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Thrown by the decoders; the scanner turns it into `xml-malformed` with a line number. */
export class CharDataError extends Error {}

export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Replaces `&...;` references in `raw`; anything but a predefined entity or a valid char ref fails. */
export function decodeRefs(raw: string): string {
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    const semi = raw.indexOf(';', amp + 1);
    // A reference longer than &#x10FFFF; is never valid, so a short window suffices.
    if (semi === -1 || semi - amp > 10) throw new CharDataError("'&' must start a character or entity reference");
    const ref = raw.slice(amp + 1, semi);
    out += raw.slice(from, amp) + resolve(ref);
    from = semi + 1;
    amp = raw.indexOf('&', from);
  }
  return out + raw.slice(from);
}

function resolve(ref: string): string {
  const named = NAMED[ref];
  if (named !== undefined) return named;
  let cp = Number.NaN;
  if (/^#x[0-9a-fA-F]{1,6}$/.test(ref)) cp = Number.parseInt(ref.slice(2), 16);
  else if (/^#[0-9]{1,7}$/.test(ref)) cp = Number.parseInt(ref.slice(1), 10);
  else throw new CharDataError(`entity '${ref.slice(0, 12)}' is not defined`);
  if (!isXmlChar(cp)) throw new CharDataError(`character reference &${ref}; is not a legal XML character`);
  return String.fromCodePoint(cp);
}

/** XML end-of-line handling: CRLF and lone CR become LF before anything else looks at the text. */
export function normalizeNewlines(raw: string): string {
  return raw.indexOf('\r') === -1 ? raw : raw.replace(/\r\n?/g, '\n');
}

const TEXT_SPECIAL = /[&<>\r]/;
const TEXT_SPECIAL_ALL = /[&<>\r]/g;
const ATTR_SPECIAL = /[&<"\t\n\r]/;
const ATTR_SPECIAL_ALL = /[&<"\t\n\r]/g;
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // CR and attribute whitespace would be normalised away by any XML parser; references survive.
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
};

export function escapeText(value: string): string {
  return TEXT_SPECIAL.test(value) ? value.replace(TEXT_SPECIAL_ALL, (c) => ESCAPES[c]!) : value;
}

export function escapeAttr(value: string): string {
  return ATTR_SPECIAL.test(value) ? value.replace(ATTR_SPECIAL_ALL, (c) => ESCAPES[c]!) : value;
}

/** Chars XML 1.0 cannot carry at all, even as references (controls, U+FFFE/F, lone surrogates). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/g;

/** Index of the first character XML cannot represent, or -1. Surrogates are fine only in pairs. */
export function firstIllegalChar(value: string): number {
  SUSPECT.lastIndex = 0;
  for (let m = SUSPECT.exec(value); m !== null; m = SUSPECT.exec(value)) {
    const c = value.charCodeAt(m.index);
    if (c < 0xd800 || c > 0xdbff) return m.index;
    const next = value.charCodeAt(m.index + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return m.index;
    SUSPECT.lastIndex = m.index + 2;
  }
  return -1;
}
