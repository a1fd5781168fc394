import { invalid } from '../../../platform/pure.ts';

/**
 * The account holder behind an alias: the name as the bank addresses its customer (given name(s) first,
 * surname last, e.g. "Aigerim Seitkali" or "Айгерим Сейтқали") and the account the alias credits.
 */

const NAME = /^[\p{L}\p{M}][\p{L}\p{M}'’.\- ]*$/u;
const MAX_NAME = 140;

/** Trims, collapses blanks and NFC-normalises a holder name; 400 naming `field` when it is not a name. */
export function normalizeHolderName(input: string, field = '/holderName'): string {
  const name = input.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (name.length < 2 || name.length > MAX_NAME) throw invalid(field, `must be 2-${MAX_NAME} characters`);
  if (!NAME.test(name))
    throw invalid(field, 'must be a person name: letters (Latin, Cyrillic…), spaces, hyphens, apostrophes');
  return name;
}

/** "AIGERIM" → "Aigerim", "айгерим-ай" → "Айгерим-Ай"; mixed case ("McAllister") is kept as given. */
function displayCase(word: string): string {
  const shouting = word === word.toLocaleUpperCase() || word === word.toLocaleLowerCase();
  if (!shouting) return word;
  return word
    .toLocaleLowerCase()
    .replace(/(^|[-'’])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toLocaleUpperCase());
}

const firstLetter = (word: string): string => {
  const m = /\p{L}/u.exec(word);
  return m ? m[0].toLocaleUpperCase() : '';
};

/**
 * What a payer may see before confirming (confirmation of payee): the first name and the initial of the
 * surname, "Aigerim Seitkali" → "Aigerim S.", "АЙГЕРИМ СЕЙТҚАЛИ" → "Айгерим С.". Middle names and
 * patronymics are dropped. A single-word name shows only its initial.
 */
export function maskHolderName(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return '';
  if (words.length === 1) return `${firstLetter(words[0]!)}.`;
  return `${displayCase(words[0]!)} ${firstLetter(words[words.length - 1]!)}.`;
}

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9\-/.]{0,33}$/;

/** ISO 13616 mod-97 check of an IBAN without spaces. */
export function isValidIban(iban: string): boolean {
  if (!IBAN.test(iban)) return false;
  if (iban.startsWith('KZ') && iban.length !== 20) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

/**
 * The account an alias credits: a Kazakh IBAN (KZ + 18, checked mod 97; spaces allowed in the input) or a
 * bank's own account id of up to 34 letters, digits, '-', '/', '.'.
 */
export function normalizeAccountId(input: string, field = '/accountId'): string {
  const compact = input.trim();
  const noSpaces = compact.replace(/\s+/g, '');
  if (/^KZ\d{2}/i.test(noSpaces)) {
    const iban = noSpaces.toUpperCase();
    if (!isValidIban(iban)) throw invalid(field, 'is not a valid Kazakh IBAN (KZ + 18 characters, mod-97 check)');
    return iban;
  }
  if (!ACCOUNT.test(compact)) throw invalid(field, "must be an IBAN or an account id of 1-34 letters, digits, '-/.'");
  return compact;
}
