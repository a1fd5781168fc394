/**
 * Valid identifiers for tests and benches, distinct per n: IINs with their check digit, KZ IBANs, IMEIs
 * with their Luhn digit, Kazakh mobile phones, card tokens. For the AFC tests: the callers they act as, and
 * what a refusal says.
 */
import { DomainError } from '../platform/pure.ts';
import { isValidIinBin, luhnValid } from './domain/identifiers.ts';
import type { ListActor } from './lists/service.ts';

/** A valid IIN/BIN, distinct for every n < 10^10. */
export function iin(n: number): string {
  for (const family of ['9', '8', '7', '6']) {
    const prefix = family + String(n).padStart(10, '0');
    for (let d = 0; d <= 9; d++) if (isValidIinBin(prefix + d)) return prefix + d;
  }
  throw new Error(`no IIN for ${n}`);
}

const mod97 = (digits: string): number => {
  let r = 0;
  for (const d of digits) r = (r * 10 + Number(d)) % 97;
  return r;
};
const toDigits = (s: string): string =>
  [...s].map((c) => (c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c)).join('');

/** A Kazakh IBAN (20 characters) with bank code `bank` and account number n. */
export function iban(n: number, bank = '125'): string {
  const bban = `${bank}KZT${String(n).padStart(10, '0')}`;
  const check = 98 - mod97(toDigits(`${bban}KZ00`));
  return `KZ${String(check).padStart(2, '0')}${bban}`;
}

/** A 15-digit IMEI with its Luhn check digit. */
export function imei(n: number): string {
  const body = `35${String(n).padStart(12, '0')}`;
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

/** +7 701 NNN NN NN, for n < 10^7. */
export const phone = (n: number): string => `+7701${String(n).padStart(7, '0')}`;

/** A card token as a card switch would issue it. */
export const cardToken = (n: number): string => `tok_${n.toString(36).padStart(12, '0')}`;

// --- callers, as the routes make them of a principal (the audit actor, its participant, its roles) ---

export const OPERATOR: ListActor = { actor: 'usr_ops', participantId: 'ptc_ops', roles: ['operator', 'oversight'] };
export const POLICE: ListActor = {
  actor: 'usr_pol',
  participantId: 'ptc_pol',
  roles: ['law_enforcement', 'fraud_decider'],
};
export const REGULATOR: ListActor = { actor: 'usr_reg', participantId: 'ptc_reg', roles: ['regulator', 'oversight'] };
export const BANK_A: ListActor = { actor: 'cli_a', participantId: 'ptc_a', roles: ['bank', 'fraud_reporter'] };
export const BANK_B: ListActor = { actor: 'cli_b', participantId: 'ptc_b', roles: ['bank', 'fraud_reporter'] };
export const BANK_C: ListActor = { actor: 'cli_c', participantId: 'ptc_c', roles: ['bank', 'fraud_reporter'] };

/** What a refusal says: the DomainError's type and its first field; type `none` when nothing was refused. */
export interface Refusal {
  type: string;
  field?: string | undefined;
}

const refusalOf = (e: unknown): Refusal => {
  if (!(e instanceof DomainError)) throw e;
  return { type: e.type, field: e.issues[0]?.field };
};

/** The refusal of a check (any other error is thrown on). */
export function refusal(f: () => unknown): Refusal {
  try {
    f();
  } catch (e) {
    return refusalOf(e);
  }
  return { type: 'none' };
}

/** The refusal of a step (any other error is thrown on). */
export async function refused(f: () => Promise<unknown>): Promise<Refusal> {
  try {
    await f();
  } catch (e) {
    return refusalOf(e);
  }
  return { type: 'none' };
}
