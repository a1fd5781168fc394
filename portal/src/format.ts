/** Display formatting. Amounts are minor-unit integer strings and never pass through a float. */

/** Number of minor-unit digits per currency (ISO 4217); 2 unless listed. */
const MINOR_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, BHD: 3, KWD: 3, OMR: 3, TND: 3 };

const INTEGER = /^-?\d+$/;

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** "123450" with KZT → "1 234.50 KZT". Input that is not an integer string is shown as it came. */
export function formatMinor(minor: string, currency: string): string {
  if (!INTEGER.test(minor)) return `${minor} ${currency}`;
  const value = BigInt(minor);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const digits = MINOR_DIGITS[currency] ?? 2;
  const scale = 10n ** BigInt(digits);
  const major = groupThousands((abs / scale).toString());
  const fraction = digits > 0 ? `.${(abs % scale).toString().padStart(digits, '0')}` : '';
  return `${negative ? '-' : ''}${major}${fraction} ${currency}`;
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
