/** Display formatting. Amounts are minor-unit integer strings and never pass through a float. */

/** Number of minor-unit digits per currency (ISO 4217); 2 unless listed. */
const MINOR_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, BHD: 3, KWD: 3, OMR: 3, TND: 3 };

const INTEGER = /^-?\d+$/;

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** "123450" with KZT → "1 234.50 KZT". Input that is not an integer string is shown as it came. */
export function formatMinor(minor: string, currency: string): string {
  return `${formatMinorNumber(minor, currency)} ${currency}`;
}

/** "123450" with KZT → "1 234.50": the amount without the currency, for tables whose header names it. */
export function formatMinorNumber(minor: string, currency: string): string {
  if (!INTEGER.test(minor)) return minor;
  const value = BigInt(minor);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const digits = MINOR_DIGITS[currency] ?? 2;
  const scale = 10n ** BigInt(digits);
  const major = groupThousands((abs / scale).toString());
  const fraction = digits > 0 ? `.${(abs % scale).toString().padStart(digits, '0')}` : '';
  return `${negative ? '-' : ''}${major}${fraction}`;
}

/**
 * A net position: "+1 234.50" for a credit, "−1 234.50" (minus sign) for a debit, "0.00" for none.
 * Input that is not an integer string is shown as it came.
 */
export function formatSignedMinor(minor: string, currency: string): string {
  if (!INTEGER.test(minor)) return minor;
  const value = BigInt(minor);
  const abs = formatMinorNumber((value < 0n ? -value : value).toString(), currency);
  return value > 0n ? `+${abs}` : value < 0n ? `\u2212${abs}` : abs;
}

/** Integer counts with thousands grouping: 12345 → "12 345". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? groupThousands(Math.trunc(n).toString()) : '—';
}

/** Seconds as "3d 4h 5m", "4h 5m", "5m 6s" or "6s". */
export function formatUptime(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) return '—';
  const s = Math.floor(totalSeconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/** ISO timestamp as "2025-01-31 14:05 UTC" (stable, locale-independent). */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} UTC`;
}

const TYPE_LABELS: Record<string, string> = {
  central_bank: 'Central bank',
  operator: 'Operator',
  bank: 'Bank',
  treasury: 'Treasury',
  government_agency: 'Government agency',
  psp: 'Payment service provider',
  tpp: 'Third-party provider',
  mno: 'Mobile network operator',
  law_enforcement: 'Law enforcement',
  regulator: 'Regulator',
};

export function participantTypeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type;
}

const DECIMAL = /^(\d{1,16})(?:\.(\d{1,2}))?$/;

/**
 * A decimal amount typed by a user ("1 000 000.50", "1000000,5") as minor units (2 digits), or
 * undefined when it is not a positive amount with at most 2 decimals. BigInt only, never a float.
 */
export function decimalToMinor(input: string, opts: { allowZero?: boolean } = {}): string | undefined {
  const m = DECIMAL.exec(input.replace(/[\s\u00a0]/g, '').replace(',', '.'));
  if (!m) return undefined;
  const minor = BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  return minor > 0n || (opts.allowZero && minor === 0n) ? minor.toString() : undefined;
}

/**
 * The normalized decimal form of a valid user amount ("1 000,5" → "1000.50"), else undefined; zero only
 * with `allowZero` (a fee of nothing).
 */
export function normalizeDecimal(input: string, opts: { allowZero?: boolean } = {}): string | undefined {
  const minor = decimalToMinor(input, opts);
  if (minor === undefined) return undefined;
  const v = BigInt(minor);
  return `${v / 100n}.${(v % 100n).toString().padStart(2, '0')}`;
}

/** Basis points as a percentage: "25" → "0.25 %", "150" → "1.50 %". Input that is not an integer is shown as it came. */
export function formatBps(bps: string): string {
  if (!/^\d+$/.test(bps)) return bps;
  const v = BigInt(bps);
  return `${v / 100n}.${(v % 100n).toString().padStart(2, '0')} %`;
}

/** A ratio 0…1 as a percentage with one decimal ("99.5 %"), '—' for none. */
export function formatRate(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  const pct = Math.round(ratio * 1000) / 10;
  return `${pct === 100 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)} %`;
}

/** A duration in milliseconds: "85 ms", "1.25 s", "2 min 5 s"; '—' for none. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

const SIGNED_DECIMAL = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/**
 * An amount the API gives in decimal tenge ("1500.00", "-12.5") as minor units ("150000", "-1250"), or
 * undefined when it is not one. BigInt only.
 */
export function decimalAmountToMinor(decimal: string): string | undefined {
  const m = SIGNED_DECIMAL.exec(decimal);
  if (!m) return undefined;
  const minor = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return (m[1] ? -minor : minor).toString();
}

/** A decimal-tenge amount from the API as "1 500.00 KZT"; input that is not an amount is shown as it came. */
export function formatDecimal(decimal: string, currency: string): string {
  const minor = decimalAmountToMinor(decimal);
  return minor === undefined ? decimal : formatMinor(minor, currency);
}

/** A decimal-tenge amount from the API as "1 500.00" (the table header names the currency). */
export function formatDecimalNumber(decimal: string, currency: string): string {
  const minor = decimalAmountToMinor(decimal);
  return minor === undefined ? decimal : formatMinorNumber(minor, currency);
}

/** Sum of minor-unit integer strings (non-integers are skipped). */
export function sumMinor(values: readonly string[]): string {
  let total = 0n;
  for (const v of values) if (INTEGER.test(v)) total += BigInt(v);
  return total.toString();
}

/** creditsPosted − debitsPosted − debitsPending of a ledger account, as a minor-unit string. */
export function availableOf(a: { creditsPosted: string; debitsPosted: string; debitsPending: string }): string {
  if (![a.creditsPosted, a.debitsPosted, a.debitsPending].every((v) => INTEGER.test(v))) return '0';
  return (BigInt(a.creditsPosted) - BigInt(a.debitsPosted) - BigInt(a.debitsPending)).toString();
}

/**
 * How many items of a paged list are shown: "3 payments", "100 payments loaded" (more on the server),
 * "2 of 3 payments" or "2 of 100 loaded payments" when a search hides some.
 */
export function shownCount(shown: number, loaded: number, more: boolean, noun = 'payment'): string {
  if (shown === loaded) return `${loaded} ${loaded === 1 ? noun : `${noun}s`}${more ? ' loaded' : ''}`;
  return `${shown} of ${loaded} ${more ? 'loaded ' : ''}${noun}s`;
}

/** ISO timestamp as its UTC date ("2025-01-31") and time with seconds ("14:05:09 UTC"). */
export function splitDateTime(iso: string): { date: string; time: string } {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { date: '', time: iso };
  const full = formatDateTimeSeconds(iso);
  return { date: full.slice(0, 10), time: full.slice(11) };
}

/** ISO timestamp with seconds: "2025-01-31 14:05:09 UTC". */
export function formatDateTimeSeconds(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${formatDateTime(iso).slice(0, -4)}:${String(d.getUTCSeconds()).padStart(2, '0')} UTC`;
}

/** ISO 20022 external status reason codes IMTS and ICS answer with. */
const REASONS: Record<string, string> = {
  AC01: 'Incorrect account number',
  AC04: 'Closed account number',
  AC06: 'Blocked account',
  AM01: 'Zero amount',
  AM02: 'Not allowed amount',
  AM03: 'Currency not allowed',
  AM04: 'Insufficient funds',
  AM21: 'Limit exceeded',
  ARDT: 'Already returned or settled',
  CUST: 'Requested by the customer',
  DUPL: 'Duplicate payment',
  FF01: 'Invalid file format',
  RC01: 'Bank identifier incorrect',
};

/** "AM04" → "AM04 · Insufficient funds"; unknown codes are shown as they came. */
export function reasonLabel(code: string | null): string {
  if (!code) return '—';
  return REASONS[code] ? `${code} · ${REASONS[code]}` : code;
}

const DAY_PHASES: Record<string, string> = {
  open: 'Open',
  closed: 'Closed',
  customer_cutoff: 'Customer cut-off passed',
  interbank_cutoff: 'Interbank cut-off passed',
};

export function dayPhaseLabel(phase: string): string {
  return DAY_PHASES[phase] ?? phase;
}
