/** Test data: valid IINs, IBANs and phones, distinct per n. */
import { iinBinCheckDigit } from '../../participants/index.ts';

export function iin(n: number): string {
  for (let k = n; ; k += 1000) {
    const prefix = `900101${String(k % 100_000).padStart(5, '0')}`;
    const d = iinBinCheckDigit(prefix);
    if (d !== undefined) return prefix + d;
  }
}

const mod97 = (digits: string): number => {
  let r = 0;
  for (const d of digits) r = (r * 10 + Number(d)) % 97;
  return r;
};
const toDigits = (s: string): string =>
  [...s].map((c) => (c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c)).join('');

/** A Kazakh IBAN with bank code `bank` (3 digits) and a 13-digit account number. */
export function iban(n: number, bank = '125'): string {
  const bban = `${bank}${String(n).padStart(13, '0')}`;
  const check = 98 - mod97(toDigits(`${bban}KZ00`));
  return `KZ${String(check).padStart(2, '0')}${bban}`;
}

/** +7 701 NNN NN NN */
export const phone = (n: number): string => `+7701${String(n).padStart(7, '0')}`;
