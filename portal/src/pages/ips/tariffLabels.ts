import type { IpsPaymentType, Tariff, TariffCharged } from '../../types.ts';

export const PAYMENT_TYPE_LABELS: Record<IpsPaymentType, string> = {
  c2c: 'Person to person (C2C)',
  c2b: 'QR payment to a merchant (C2B)',
  me2me: 'Between own accounts (Me2Me)',
  rtp: 'Request to pay (RTP)',
};

export const CHARGED_LABELS: Record<TariffCharged, string> = {
  payer_bank: 'Payer’s bank',
  payee_bank: 'Payee’s bank',
};

export type TariffState = 'in_force' | 'scheduled' | 'superseded';

/**
 * Each version's state at `now`: for each bank (or the default) and payment type, the latest version that
 * has started is in force, later ones are scheduled, earlier ones superseded (the API's own choice rule).
 */
export function tariffStates(all: readonly Tariff[], now: string): Map<string, TariffState> {
  const states = new Map<string, TariffState>();
  const groups = new Map<string, Tariff[]>();
  for (const t of all) {
    const key = `${t.bic ?? ''}|${t.paymentType}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  for (const versions of groups.values()) {
    const started = versions
      .filter((t) => Date.parse(t.validFrom) <= Date.parse(now))
      .sort((a, b) => Date.parse(b.validFrom) - Date.parse(a.validFrom) || (b.createdAt < a.createdAt ? -1 : 1));
    const current = started[0];
    for (const t of versions) {
      states.set(
        t.id,
        t === current ? 'in_force' : Date.parse(t.validFrom) > Date.parse(now) ? 'scheduled' : 'superseded',
      );
    }
  }
  return states;
}
