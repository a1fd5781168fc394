import type client from 'prom-client';

type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  /** Observations per bucket (not cumulative), the last one above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram of request durations by method, route and status, registered like prom-client's
 * own (the same exposition: `_bucket` lines with `le`, cumulative, then `+Inf`, `_sum` and `_count`).
 * prom-client's `observe` validates and hashes the label object on every call (some 4 µs, on every request
 * of every API); here a request adds to its series found by one string key.
 */
export class RequestDurations {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: readonly number[];
  private series = new Map<string, Series>();

  constructor(opts: { name: string; help: string; buckets: readonly number[]; registers: client.Registry[] }) {
    this.name = opts.name;
    this.help = opts.help;
    this.bounds = [...opts.buckets].sort((a, b) => a - b);
    for (const r of opts.registers) r.registerMetric(this as unknown as client.Metric);
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    const key = `${method} ${status} ${route}`;
    let s = this.series.get(key);
    if (!s) {
      s = {
        labels: { method, route, status: String(status) },
        counts: new Float64Array(this.bounds.length + 1),
        sum: 0,
        count: 0,
      };
      this.series.set(key, s);
    }
    let b = 0;
    while (b < this.bounds.length && seconds > this.bounds[b]!) b++;
    s.counts[b]!++;
    s.sum += seconds;
    s.count++;
  }

  reset(): void {
    this.series = new Map();
  }

  /** The exposition prom-client's registry writes: bucket labels apart from the series' own. */
  async getForPromString() {
    const values: Value[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      let acc = 0;
      for (let b = 0; b < this.bounds.length; b++) {
        acc += s.counts[b]!;
        values.push({
          labels: { le: this.bounds[b]! },
          sharedLabels: s.labels,
          value: acc,
          metricName: bucket,
          exemplar: null,
        });
      }
      values.push({
        labels: { le: '+Inf' },
        sharedLabels: s.labels,
        value: s.count,
        metricName: bucket,
        exemplar: null,
      });
      values.push({
        labels: {},
        sharedLabels: s.labels,
        value: s.sum,
        metricName: `${this.name}_sum`,
        exemplar: undefined,
      });
      values.push({
        labels: {},
        sharedLabels: s.labels,
        value: s.count,
        metricName: `${this.name}_count`,
        exemplar: undefined,
      });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** As JSON (registry.getMetricsAsJSON): the series' labels on each value. */
  async get() {
    const m = await this.getForPromString();
    return {
      ...m,
      values: m.values.map(({ sharedLabels, labels, ...v }) => ({ ...v, labels: { ...labels, ...sharedLabels } })),
    };
  }
}

interface Value {
  labels: Record<string, string | number>;
  sharedLabels: Labels;
  value: number;
  metricName: string;
  exemplar: null | undefined;
}
