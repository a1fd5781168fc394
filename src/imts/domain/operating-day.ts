/**
 * The IMTS operating day in the time zone of record (Asia/Almaty, UTC+5): business days exclude
 * weekends and holidays; customer payments (pacs.008) stop at the customer cut-off, interbank ones
 * (pacs.009) at the interbank cut-off; at close every still-queued payment is rejected.
 */
export interface OperatingDayConfig {
  /** Minutes east of UTC of the time zone of record. */
  utcOffsetMinutes: number;
  open: string;
  customerCutoff: string;
  interbankCutoff: string;
  close: string;
  /** ISO dates (YYYY-MM-DD) that are not business days. */
  holidays: readonly string[];
  /** Days of the week (0 = Sunday) that are not business days. */
  weekend: readonly number[];
}

export const DEFAULT_OPERATING_DAY: OperatingDayConfig = {
  utcOffsetMinutes: 300,
  open: '08:00',
  customerCutoff: '17:00',
  interbankCutoff: '18:00',
  close: '18:30',
  holidays: [],
  weekend: [0, 6],
};

export type DayPhase = 'closed' | 'open' | 'customer_cutoff' | 'interbank_cutoff';

export interface DayState {
  /** Local business date (YYYY-MM-DD) of `now`, or of the next business day while closed. */
  businessDate: string;
  phase: DayPhase;
  /** Local time (HH:MM) of `now`. */
  localTime: string;
  isBusinessDay: boolean;
}

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

const localParts = (now: Date, offset: number) => {
  const local = new Date(now.getTime() + offset * 60_000);
  return {
    date: local.toISOString().slice(0, 10),
    minute: local.getUTCHours() * 60 + local.getUTCMinutes(),
    weekday: local.getUTCDay(),
    time: local.toISOString().slice(11, 16),
  };
};

export function isBusinessDay(date: string, cfg: OperatingDayConfig): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return !cfg.weekend.includes(weekday) && !cfg.holidays.includes(date);
}

export function nextBusinessDay(date: string, cfg: OperatingDayConfig): string {
  let d = new Date(`${date}T00:00:00Z`);
  do d = new Date(d.getTime() + 86_400_000);
  while (!isBusinessDay(d.toISOString().slice(0, 10), cfg));
  return d.toISOString().slice(0, 10);
}

export function dayState(now: Date, cfg: OperatingDayConfig = DEFAULT_OPERATING_DAY): DayState {
  const l = localParts(now, cfg.utcOffsetMinutes);
  const business = isBusinessDay(l.date, cfg);
  const base = { localTime: l.time, isBusinessDay: business };
  if (!business || l.minute < minutes(cfg.open)) {
    return { ...base, phase: 'closed', businessDate: business ? l.date : nextBusinessDay(l.date, cfg) };
  }
  if (l.minute >= minutes(cfg.close)) return { ...base, phase: 'closed', businessDate: nextBusinessDay(l.date, cfg) };
  if (l.minute >= minutes(cfg.interbankCutoff)) return { ...base, phase: 'interbank_cutoff', businessDate: l.date };
  if (l.minute >= minutes(cfg.customerCutoff)) return { ...base, phase: 'customer_cutoff', businessDate: l.date };
  return { ...base, phase: 'open', businessDate: l.date };
}

/**
 * Whether a message of this type may enter now; undefined when it may, else the ISO reason (TM01: after cut-off).
 * Returns (pacs.004) are interbank: they stop at the interbank cut-off.
 */
export function cutoffRejection(msgType: 'pacs.008' | 'pacs.009' | 'pacs.004', state: DayState): 'TM01' | undefined {
  if (state.phase === 'closed' || state.phase === 'interbank_cutoff') return 'TM01';
  if (state.phase === 'customer_cutoff' && msgType === 'pacs.008') return 'TM01';
  return undefined;
}
