/** Pure pieces of the AFC statistics (AFC-6): age bands from Kazakhstan's IIN and CSV rendering. */

export const AGE_BANDS = ['under_18', '18_24', '25_34', '35_44', '45_54', '55_64', '65_plus', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/**
 * A person's birth date from an IIN: YYMMDD, then a digit giving century and sex (1–2: 1800s, 3–4: 1900s,
 * 5–6: 2000s). A BIN (a company) or anything else gives undefined.
 */
export function birthDateOfIin(iin: string): Date | undefined {
  if (!/^\d{12}$/.test(iin)) return undefined;
  const c = Number(iin[6]);
  if (c < 1 || c > 6) return undefined;
  const year = 1800 + 100 * Math.floor((c - 1) / 2) + Number(iin.slice(0, 2));
  const month = Number(iin.slice(2, 4));
  const day = Number(iin.slice(4, 6));
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return d;
}

/** Whole years between a birth date and an instant. */
export function ageAt(birth: Date, atMs: number): number {
  const at = new Date(atMs);
  let age = at.getUTCFullYear() - birth.getUTCFullYear();
  const before =
    at.getUTCMonth() < birth.getUTCMonth() ||
    (at.getUTCMonth() === birth.getUTCMonth() && at.getUTCDate() < birth.getUTCDate());
  if (before) age -= 1;
  return age;
}

export function ageBand(iin: string | undefined, atMs: number): AgeBand {
  const birth = iin ? birthDateOfIin(iin) : undefined;
  if (!birth) return 'unknown';
  const age = ageAt(birth, atMs);
  if (age < 0) return 'unknown';
  if (age < 18) return 'under_18';
  if (age < 25) return '18_24';
  if (age < 35) return '25_34';
  if (age < 45) return '35_44';
  if (age < 55) return '45_54';
  if (age < 65) return '55_64';
  return '65_plus';
}

/** RFC 4180 CSV: fields quoted when they hold a comma, quote or line break; formula starts defused. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | bigint | null)[])[],
): string {
  const cell = (v: string | number | bigint | null): string => {
    let s = v === null ? '' : String(v);
    // a spreadsheet would run =, +, -, @ as a formula (CSV injection); numbers stay numbers
    if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
