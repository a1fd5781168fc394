import { invalid } from '../../platform/pure.ts';

/**
 * Person names across Kazakh, Russian and Latin spellings. A name is compared on its *skeleton*: Cyrillic
 * transliterated to Latin (ICAO 9303, the Kazakh letters folded to their base letters), diacritics of the
 * Kazakh Latin alphabets dropped (ş ç ğ ñ ö ü ū ä ı), and the spelling variants that transliteration
 * systems disagree on folded together (zh/j, kh/h, sh/ş, ts/ch/c, y/i, ks/x, doubled letters). So
 * "Жанна Ким", "ZHANNA KIM", "Janna Kim" and "Жанна Кім" share one skeleton, and Jaro-Winkler between
 * skeletons measures the remaining difference.
 */

const CYRILLIC: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: 'ie',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'iu',
  я: 'ia',
  // Kazakh
  ә: 'a',
  ғ: 'g',
  қ: 'k',
  ң: 'n',
  ө: 'o',
  ұ: 'u',
  ү: 'u',
  һ: 'h',
  і: 'i',
  // Ukrainian and Belarusian letters seen in names
  є: 'ie',
  ї: 'i',
  ґ: 'g',
  ў: 'u',
};

/**
 * Cyrillic (Russian and Kazakh) to Latin as on passports (ICAO 9303), lower case; Latin passes through.
 * "Сейтқали Әлия" → "seitkali alia".
 */
export function transliterate(input: string): string {
  const s = input.normalize('NFC').toLowerCase();
  let out = '';
  for (const ch of s) {
    const t = CYRILLIC[ch];
    out += t ?? ch;
  }
  return out;
}

/** Latin letters of the Kazakh Latin alphabets and others that NFD does not decompose. */
const LATIN_EXTRA: Record<string, string> = { ı: 'i', ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', đ: 'd', ł: 'l' };

/** Spelling variants folded together, longest first at each position. */
const FOLD = /shch|sch|dzh|dj|zh|kh|gh|ph|ts|tz|ch|sh|ks|y|w|q/g;
const FOLD_TO: Record<string, string> = {
  shch: 's',
  sch: 's',
  dzh: 'j',
  dj: 'j',
  zh: 'j',
  kh: 'h',
  gh: 'g',
  ph: 'f',
  ts: 'c',
  tz: 'c',
  ch: 'c',
  sh: 's',
  ks: 'x',
  y: 'i',
  w: 'v',
  q: 'k',
};
const DOUBLE = /([a-z])\1+/g;
const foldOne = (m: string): string => FOLD_TO[m] ?? m;

/** One token's skeleton: letters a-z only, spelling variants folded until nothing changes. */
function foldToken(token: string): string {
  let t = token;
  for (;;) {
    const next = t.replace(FOLD, foldOne).replace(DOUBLE, '$1');
    if (next === t) return t;
    t = next;
  }
}

/**
 * The skeleton tokens of a name, in the order written: transliterated, diacritics dropped, folded.
 * Hyphens and apostrophes separate nothing ("Abdul-Aziz" is one token), other characters separate words.
 */
export function nameTokens(name: string): string[] {
  const latin = transliterate(name)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[ıøæœßđł]/g, (c) => LATIN_EXTRA[c] ?? c)
    .replace(/['’`ʼ-]/g, '');
  const tokens: string[] = [];
  for (const w of latin.split(/[^a-z]+/)) {
    if (w.length === 0) continue;
    const t = foldToken(w);
    if (t.length > 0) tokens.push(t);
  }
  return tokens;
}

/** The spelling- and order-independent key of a name: its skeleton tokens sorted. Exact-name MACs use it. */
export function nameKey(name: string): string {
  return nameTokens(name).sort().join(' ');
}

/** Normalises a person name for storage and display: NFC, trimmed, single blanks; 400 naming `field`. */
export function normalizePersonName(input: string, field: string): string {
  if (typeof input !== 'string') throw invalid(field, 'must be a name');
  const name = input.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (name.length < 2 || name.length > 140) throw invalid(field, 'a name is 2-140 characters');
  if (!/^[\p{L}\p{M}][\p{L}\p{M}'’.\- ]*$/u.test(name)) {
    throw invalid(field, 'must be a person name: letters (Latin, Cyrillic…), spaces, hyphens, apostrophes');
  }
  return name;
}

/** Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4) of two strings: 1 for equal, 0 for nothing shared. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  // bit sets of matched positions (names are short; arrays keep it general)
  const ma = new Uint8Array(la);
  const mb = new Uint8Array(lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (mb[j] === 0 && b.charCodeAt(j) === c) {
        ma[i] = 1;
        mb[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (ma[i] === 0) continue;
    while (mb[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) t++;
    k++;
  }
  const jaro = (matches / la + matches / lb + (matches - t / 2) / matches) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Similarity of two names given as skeleton tokens, 0…1, independent of word order: every word of the name
 * with fewer words is paired with its best unused match in the other (Jaro-Winkler) and the scores are
 * averaged, so a patronymic present on one side only costs nothing. Names of one word are compared whole.
 */
export function tokenSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a.length === 1 || b.length === 1) return jaroWinkler([...a].sort().join(''), [...b].sort().join(''));
  if (a.length < b.length) return pairUp(a, b);
  if (b.length < a.length) return pairUp(b, a);
  // equal word counts: the greedy pairing depends on the side it starts from; take the better, symmetric
  return Math.max(pairUp(a, b), pairUp(b, a));
}

function pairUp(short: readonly string[], long: readonly string[]): number {
  const used = new Uint8Array(long.length);
  let total = 0;
  for (const s of short) {
    let best = 0;
    let at = -1;
    for (let j = 0; j < long.length; j++) {
      if (used[j] === 1) continue;
      const v = jaroWinkler(s, long[j]!);
      if (v > best) {
        best = v;
        at = j;
      }
    }
    if (at >= 0) used[at] = 1;
    total += best;
  }
  return total / short.length;
}

/** Similarity of two names as written, in any of the scripts: `tokenSimilarity` of their skeletons. */
export function nameSimilarity(a: string, b: string): number {
  return tokenSimilarity(nameTokens(a), nameTokens(b));
}

/** Names at least this similar are a match worth a reason (review). */
export const NAME_MATCH_THRESHOLD = 0.92;

/**
 * Keys that put a listed name in the buckets a query is looked up in: the first three letters of each
 * skeleton token. A candidate must share a key on at least `min(2, words)` tokens (see `nameCandidates`).
 */
export function nameBlockKeys(tokens: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const t of tokens) if (t.length >= 2) keys.add(t.slice(0, 3));
  return [...keys];
}
