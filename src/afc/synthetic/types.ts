/** Synthetic payment traffic: what the generator produces. */

export type Rail = 'ips' | 'imts';

/** Planted fraud typologies (PaySim / AMLSim style). */
export type FraudPattern = 'ato' | 'fan_in' | 'fan_out' | 'cycle';
export const FRAUD_PATTERNS: readonly FraudPattern[] = ['ato', 'fan_in', 'fan_out', 'cycle'];

/** Ground truth per account. Mules and fraudsters are what detection should propose for the suspects list. */
export type AccountLabel = 'normal' | 'victim' | 'mule' | 'fraudster';

/** What the account is used for in normal traffic (mules and fraudsters are persons). */
export type AccountKind = 'person' | 'savings' | 'merchant' | 'employer' | 'pension_fund';

export type AgeBand = '18-24' | '25-34' | '35-44' | '45-54' | '55-64' | '65+';
export const AGE_BANDS: readonly AgeBand[] = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'];

export interface SyntheticAccount {
  /** A Kazakh IBAN (KZ, 2 check digits, 3-digit bank code, 13 digits), valid by ISO 13616 mod 97. */
  id: string;
  /** BIC of the account's bank (one of the configured banks). */
  bic: string;
  kind: AccountKind;
  label: AccountLabel;
  /** Holder's age band (persons only). */
  ageBand?: AgeBand;
  region: string;
  /** Holder's mobile number (+7 7xx …). */
  phone: string;
  /** Opened for the fraud: no activity besides it (mules and fraudsters only). */
  fresh?: boolean;
  /** Fraud ring the account belongs to (mules and fraudsters only). */
  ring?: number;
}

export interface SyntheticPayment {
  id: string;
  from: string;
  to: string;
  /** Minor units (tiyn), KZT. */
  amount: bigint;
  /** Epoch milliseconds. */
  at: number;
  rail: Rail;
  label: 'normal' | 'fraud';
  /** The typology a fraud payment belongs to. */
  pattern?: FraudPattern;
  /** Fraud scheme instance (one planted occurrence of a pattern), for fraud payments. */
  scheme?: number;
}

export interface SyntheticConfig {
  seed: number;
  /** Exact number of payments produced. */
  payments: number;
  /** Number of accounts; default payments / 10 (at least 200). */
  accounts?: number;
  /** BICs accounts are spread over; default ten Kazakh-looking banks. */
  banks?: readonly string[];
  /** First instant of the period, epoch ms; default 2025-01-01T00:00:00Z. */
  start?: number;
  /** Length of the period in days; default 30 (at least 5). */
  days?: number;
  /** Share of payments that are fraud; default 0.01. */
  fraudShare?: number;
  /** Typologies planted; default all. At least one instance of each when fraudShare > 0. */
  patterns?: readonly FraudPattern[];
  /** Payments per chunk yielded by `chunks()`; default 10,000. */
  chunkSize?: number;
}
