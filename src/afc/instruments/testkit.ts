/** Card numbers for tests: Luhn-valid PANs under a BIN prefix, distinct per n. */
import { luhnValid } from '../domain/identifiers.ts';

/** A PAN of `length` digits (Luhn-valid) starting with `prefix`, distinct for every n that fits. */
export function pan(prefix: string, n: number, length = 16): string {
  const body = prefix + String(n).padStart(length - prefix.length - 1, '0');
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}
