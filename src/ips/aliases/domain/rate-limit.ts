/**
 * Token buckets keyed by caller: `perMinute` requests a minute on average, bursts up to `perMinute`.
 * Pure: the caller passes the time. Idle full buckets are dropped once the map grows past `maxKeys`.
 */
export class TokenBuckets {
  readonly perMinute: number;
  private readonly ratePerMs: number;
  private readonly maxKeys: number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perMinute: number, maxKeys = 100_000) {
    if (!Number.isFinite(perMinute) || perMinute < 1) throw new Error('perMinute must be ≥ 1');
    this.perMinute = perMinute;
    this.ratePerMs = perMinute / 60_000;
    this.maxKeys = maxKeys;
  }

  private level(key: string, nowMs: number): number {
    const b = this.buckets.get(key);
    if (!b) return this.perMinute;
    return Math.min(this.perMinute, b.tokens + Math.max(0, nowMs - b.at) * this.ratePerMs);
  }

  /** 0 when a request may pass now, otherwise the milliseconds until one may. Takes nothing. */
  wait(key: string, nowMs: number): number {
    const tokens = this.level(key, nowMs);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / this.ratePerMs);
  }

  /** Takes one token; call only after `wait` answered 0 for every bucket the request passes. */
  take(key: string, nowMs: number): void {
    const tokens = this.level(key, nowMs);
    this.buckets.set(key, { tokens: Math.max(0, tokens - 1), at: nowMs });
    if (this.buckets.size > this.maxKeys) this.prune(nowMs);
  }

  private prune(nowMs: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + (nowMs - b.at) * this.ratePerMs >= this.perMinute) this.buckets.delete(k);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
