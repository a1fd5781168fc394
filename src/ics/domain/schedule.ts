import { DomainError, invalid } from '../../platform/pure.ts';

/**
 * Clearing cycle schedule. Cycles are named `<business date>#<n>` (e.g. `2026-11-23#2`): cycle n of a
 * business day collects what arrives from the previous close (of that day, or of the previous business
 * day for n = 1) until its own close, exclusive — at the close instant the cycle is already closed.
 * So anything arriving after the last close, or on a weekend or holiday, falls into the next business
 * day's first cycle. All functions take the time as a parameter; nothing here reads a clock.
 */
export interface CycleSchedule {
  /** Local time minus UTC, in minutes (Asia/Almaty: 300). A fixed offset: Kazakhstan has no DST. */
  offsetMinutes: number;
  /** Local close times 'HH:MM', strictly increasing, at least one. */
  closes: readonly string[];
}

export interface BusinessCalendar {
  /** Local dates 'YYYY-MM-DD' with no clearing (public holidays, bridge days). */
  holidays?: readonly string[];
  /** Weekend dates that are working days (holiday transfers), 'YYYY-MM-DD'. */
  workingWeekends?: readonly string[];
  /** Weekdays with no clearing, 0 = Sunday … 6 = Saturday; default Saturday and Sunday. */
  weekend?: readonly number[];
}

export interface CycleRef {
  /** `YYYY-MM-DD#n`. */
  id: string;
  businessDate: string;
  /** 1-based index within the business day. */
  number: number;
  /** The previous cycle's close: this cycle collects [opensAt, closesAt). */
  opensAt: Date;
  closesAt: Date;
}

export interface CurrentCycle extends CycleRef {
  next: CycleRef;
}

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
/** How far to look for a business day before calling the calendar broken. */
const MAX_SEARCH_DAYS = 400;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Compiled {
  offsetMs: number;
  closeMinutes: number[];
  isBusinessDay: (day: number) => boolean;
}

/** Days since 1970-01-01 ⇄ 'YYYY-MM-DD' (the date of that UTC day, used as a local calendar date). */
const dateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
function dayOf(date: string, field: string): number {
  const ms = DATE.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || dateOf(ms / DAY_MS) !== date) throw invalid(field, `"${date}" is not a date YYYY-MM-DD`);
  return ms / DAY_MS;
}

function compile(schedule: CycleSchedule, calendar: BusinessCalendar): Compiled {
  const { offsetMinutes, closes } = schedule;
  if (!Number.isInteger(offsetMinutes) || offsetMinutes < -720 || offsetMinutes > 840) {
    throw invalid('offsetMinutes', 'must be an integer number of minutes between -720 and 840');
  }
  if (closes.length === 0) throw invalid('closes', 'at least one close time is required');
  const closeMinutes = closes.map((c, i) => {
    const m = HHMM.exec(c);
    if (!m) throw invalid(`closes/${i}`, `"${c}" is not a time HH:MM`);
    return Number(m[1]) * 60 + Number(m[2]);
  });
  for (let i = 1; i < closeMinutes.length; i++) {
    if (closeMinutes[i]! <= closeMinutes[i - 1]!) throw invalid(`closes/${i}`, 'close times must strictly increase');
  }
  const holidays = new Set((calendar.holidays ?? []).map((d, i) => dayOf(d, `holidays/${i}`)));
  const working = new Set((calendar.workingWeekends ?? []).map((d, i) => dayOf(d, `workingWeekends/${i}`)));
  const weekend = new Set(calendar.weekend ?? [0, 6]);
  for (const d of weekend)
    if (!Number.isInteger(d) || d < 0 || d > 6) throw invalid('weekend', 'days are 0 (Sunday) … 6');
  return {
    offsetMs: offsetMinutes * MIN_MS,
    closeMinutes,
    // 1970-01-01 was a Thursday (4)
    isBusinessDay: (day) => !holidays.has(day) && (working.has(day) || !weekend.has((((day + 4) % 7) + 7) % 7)),
  };
}

const closeInstant = (c: Compiled, day: number, k: number): number =>
  day * DAY_MS + c.closeMinutes[k]! * MIN_MS - c.offsetMs;

interface Slot {
  day: number;
  k: number;
}

/** The first close strictly after `ms`. */
function closeAfter(c: Compiled, ms: number): Slot {
  const first = Math.floor((ms + c.offsetMs) / DAY_MS);
  for (let day = first; day <= first + MAX_SEARCH_DAYS; day++) {
    if (!c.isBusinessDay(day)) continue;
    for (let k = 0; k < c.closeMinutes.length; k++) if (closeInstant(c, day, k) > ms) return { day, k };
  }
  throw new DomainError('state', `no business day within ${MAX_SEARCH_DAYS} days of ${new Date(ms).toISOString()}`);
}

/** The last close at or before `ms`. */
function closeAtOrBefore(c: Compiled, ms: number): Slot {
  const first = Math.floor((ms + c.offsetMs) / DAY_MS);
  for (let day = first; day >= first - MAX_SEARCH_DAYS; day--) {
    if (!c.isBusinessDay(day)) continue;
    for (let k = c.closeMinutes.length - 1; k >= 0; k--) if (closeInstant(c, day, k) <= ms) return { day, k };
  }
  throw new DomainError('state', `no business day within ${MAX_SEARCH_DAYS} days of ${new Date(ms).toISOString()}`);
}

function ref(c: Compiled, s: Slot): CycleRef {
  const closesAt = closeInstant(c, s.day, s.k);
  const businessDate = dateOf(s.day);
  return {
    id: `${businessDate}#${s.k + 1}`,
    businessDate,
    number: s.k + 1,
    opensAt: new Date(prevClose(c, s)),
    closesAt: new Date(closesAt),
  };
}

/** The close before slot `s`: the last one at or before the instant just before s closes. */
function prevClose(c: Compiled, s: Slot): number {
  const p = closeAtOrBefore(c, closeInstant(c, s.day, s.k) - 1);
  return closeInstant(c, p.day, p.k);
}

/**
 * The cycle a payment accepted at `now` belongs to (the one open at `now`), its close and the next one.
 */
export function cycleAt(schedule: CycleSchedule, calendar: BusinessCalendar, now: Date): CurrentCycle {
  const ms = now.getTime();
  if (Number.isNaN(ms)) throw invalid('now', 'is not a valid date');
  const c = compile(schedule, calendar);
  const cur = closeAfter(c, ms);
  const current = ref(c, cur);
  return { ...current, next: ref(c, closeAfter(c, current.closesAt.getTime())) };
}

/** Whether `date` ('YYYY-MM-DD', local) is a business day of `calendar`. */
export function isBusinessDay(calendar: BusinessCalendar, date: string): boolean {
  return compile({ offsetMinutes: 0, closes: ['00:00'] }, calendar).isBusinessDay(dayOf(date, 'date'));
}

/** Parses `YYYY-MM-DD#n`. Checks the form only; `cycleById` also checks it against a schedule. */
export function parseCycleId(id: string): { businessDate: string; number: number } {
  const m = /^(\d{4}-\d{2}-\d{2})#([1-9]\d{0,2})$/.exec(id);
  if (!m) throw invalid('cycleId', `"${id}" is not a cycle id YYYY-MM-DD#n`);
  dayOf(m[1]!, 'cycleId');
  return { businessDate: m[1]!, number: Number(m[2]) };
}

/** The cycle named `id`, which must exist in the schedule and fall on a business day. */
export function cycleById(schedule: CycleSchedule, calendar: BusinessCalendar, id: string): CycleRef {
  const { businessDate, number } = parseCycleId(id);
  const c = compile(schedule, calendar);
  const day = dayOf(businessDate, 'cycleId');
  if (number > c.closeMinutes.length)
    throw invalid('cycleId', `the schedule has ${c.closeMinutes.length} cycles a day`);
  if (!c.isBusinessDay(day)) throw invalid('cycleId', `${businessDate} is not a business day`);
  return ref(c, { day, k: number - 1 });
}
