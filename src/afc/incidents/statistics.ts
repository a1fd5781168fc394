import { type Db, invalid } from '../../platform/index.ts';
import type { AfcLists, ListActor } from '../lists/service.ts';
import { AGE_BANDS, toCsv } from './domain/statistics.ts';
import { type StatsScope, statisticsStore as store } from './store.ts';

/** Who sees statistics over every card: oversight (regulator, operator) and law enforcement. */
const SEES_ALL = ['oversight', 'fraud_decider'];
const DAY = 24 * 3600_000;
/** At most a year per query: a dashboard, not a data warehouse. */
const MAX_RANGE_MS = 366 * DAY;

export interface CountAmount {
  count: number;
  /** tiyn as a decimal string (amounts may exceed 2^53). */
  amount: string;
}

export interface AfcStatisticsView {
  from: string;
  to: string;
  scope: 'all' | 'own';
  total: CountAmount;
  byDay: (CountAmount & { day: string })[];
  byStatus: (CountAmount & { status: string })[];
  byType: (CountAmount & { type: string })[];
  byFraudType: (CountAmount & { fraudType: string })[];
  byRecipientAge: (CountAmount & { band: string })[];
  byVictimAge: (CountAmount & { band: string })[];
  fraudTypeByAge: { fraudType: string; band: string; count: number }[];
  byRegion: (CountAmount & { region: string })[];
  recovered: { blockedAtSender: string; blockedAtRecipient: string; returned: string };
  listGrowth: { day: string; suspects: number; confirmed: number; removed: number }[];
}

export const STATISTICS_TABLES = [
  'byDay',
  'byStatus',
  'byType',
  'byFraudType',
  'byRecipientAge',
  'byVictimAge',
  'fraudTypeByAge',
  'byRegion',
  'listGrowth',
] as const;
export type StatisticsTable = (typeof STATISTICS_TABLES)[number];

const ca = (r: { count: bigint; amount: bigint | null }): CountAmount => ({
  count: Number(r.count),
  amount: String(r.amount ?? 0n),
});

/**
 * AFC statistics (AFC-6): incidents over time, by status, type, fraud type, age band of the recipient of the
 * money and of the victim (from their IINs), fraud type × age, region; funds blocked and returned; list growth.
 * Oversight and law enforcement see every card; a bank or mobile operator sees the cards it filed or is
 * related to (and the lists' growth, which every participant receives anyway).
 */
export class AfcStatistics {
  private readonly db: Db;
  private readonly lists: AfcLists;

  constructor(deps: { db: Db; lists: AfcLists }) {
    this.db = deps.db;
    this.lists = deps.lists;
  }

  private scope(actor: ListActor, from: string, to: string): StatsScope {
    const f = Date.parse(from);
    const t = Date.parse(to);
    if (Number.isNaN(f)) throw invalid('querystring/from', 'must be an ISO 8601 date or date-time');
    if (Number.isNaN(t)) throw invalid('querystring/to', 'must be an ISO 8601 date or date-time');
    if (t <= f) throw invalid('querystring/to', 'must be after from');
    if (t - f > MAX_RANGE_MS) throw invalid('querystring/to', 'at most 366 days after from');
    const all = SEES_ALL.some((r) => actor.roles.includes(r));
    return {
      from: new Date(f).toISOString(),
      to: new Date(t).toISOString(),
      ...(all ? {} : { participantId: actor.participantId }),
    };
  }

  async compute(actor: ListActor, range: { from: string; to: string }): Promise<AfcStatisticsView> {
    const s = this.scope(actor, range.from, range.to);
    const g = (expr: string, expr2?: string) => store.groupBy(this.db, s, expr, expr2);
    const [byDay, byStatus, byType, byFraud, byRecipient, byVictim, fraudAge, byRegion, recovered, growth] =
      await Promise.all([
        g('SUBSTR(i.created_at, 1, 10)'),
        g('i.status'),
        g('i.type'),
        g('i.fraud_type'),
        g('i.beneficiary_age_band'),
        g('i.victim_age_band'),
        g('i.fraud_type', 'i.victim_age_band'),
        g("COALESCE(i.region, 'unknown')"),
        store.recovered(this.db, s),
        this.lists.growthByDay(s.from, s.to),
      ]);
    const bandOrder = (a: { band: string }, b: { band: string }) =>
      AGE_BANDS.indexOf(a.band as never) - AGE_BANDS.indexOf(b.band as never);
    const rec = (k: string) => String(recovered.find((r) => r.kind === k)?.amount ?? 0n);
    const total = byStatus.reduce((a, r) => ({ count: a.count + r.count, amount: a.amount + BigInt(r.amount ?? 0n) }), {
      count: 0n,
      amount: 0n,
    });
    return {
      from: s.from,
      to: s.to,
      scope: s.participantId ? 'own' : 'all',
      total: ca(total),
      byDay: byDay.map((r) => ({ day: r.key, ...ca(r) })),
      byStatus: byStatus.map((r) => ({ status: r.key, ...ca(r) })),
      byType: byType.map((r) => ({ type: r.key, ...ca(r) })),
      byFraudType: byFraud.map((r) => ({ fraudType: r.key, ...ca(r) })).sort((a, b) => b.count - a.count),
      byRecipientAge: byRecipient.map((r) => ({ band: r.key, ...ca(r) })).sort(bandOrder),
      byVictimAge: byVictim.map((r) => ({ band: r.key, ...ca(r) })).sort(bandOrder),
      fraudTypeByAge: fraudAge.map((r) => ({ fraudType: r.key, band: r.key2!, count: Number(r.count) })),
      byRegion: byRegion.map((r) => ({ region: r.key, ...ca(r) })),
      recovered: {
        blockedAtSender: rec('blocked_at_sender'),
        blockedAtRecipient: rec('blocked_at_recipient'),
        returned: rec('returned'),
      },
      listGrowth: growth,
    };
  }

  /** One table of the statistics as CSV (RFC 4180), for spreadsheets and the regulator's reports. */
  async csv(actor: ListActor, range: { from: string; to: string }, table: StatisticsTable): Promise<string> {
    const v = await this.compute(actor, range);
    const rows = v[table] as readonly Record<string, string | number>[];
    const header =
      rows.length > 0
        ? Object.keys(rows[0]!)
        : table === 'listGrowth'
          ? ['day', 'suspects', 'confirmed', 'removed']
          : ['key', 'count', 'amount'];
    return toCsv(
      header,
      rows.map((r) => header.map((h) => r[h] ?? null)),
    );
  }
}
