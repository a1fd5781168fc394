import { type Queryable, rowPlaceholders, type SqlValue } from '../platform/index.ts';

/** What the AFC stores share: version counters, chunked multi-row writes and WHERE clauses of optional filters. */

/**
 * A gap-free version counter in a one-row table `<table> (id = 1, version)`, as the AFC lists and the
 * compromised instruments number their changes. `allocate` updates the row, which stays locked to the end of
 * the transaction on PostgreSQL, so versions become visible in the order they were taken.
 */
export function versionCounter(table: string): {
  head(q: Queryable): Promise<number>;
  allocate(tx: Queryable, n: number): Promise<number>;
} {
  const head = async (q: Queryable): Promise<number> => {
    const [r] = await q.query<{ version: bigint }>(`SELECT version FROM ${table} WHERE id = 1`);
    return Number(r?.version ?? 0n);
  };
  return {
    head,
    /** Takes the next `n` versions and returns the first. */
    async allocate(tx: Queryable, n: number): Promise<number> {
      await tx.exec(`UPDATE ${table} SET version = version + $1 WHERE id = 1`, [BigInt(n)]);
      return (await head(tx)) - n + 1;
    },
  };
}

/** Rows per multi-row statement: a fixed size keeps the prepared statements few. */
export const CHUNK = 200;
/** Keys per `IN (…)` lookup. */
export const KEYS = 100;

export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * Writes `rows` with multi-row statements of at most CHUNK rows: `sql(values)` is the statement around the
 * `VALUES` list of placeholders; `push` appends one row's `cols` values to the statement's parameters.
 */
export async function insertRows<T>(
  tx: Queryable,
  rows: readonly T[],
  cols: number,
  push: (params: SqlValue[], row: T) => void,
  sql: (values: string) => string,
): Promise<void> {
  for (const part of chunks(rows, CHUNK)) {
    const params: SqlValue[] = [];
    for (const r of part) push(params, r);
    await tx.exec(sql(rowPlaceholders(part.length, cols)), params);
  }
}

/**
 * A WHERE clause built condition by condition, each value bound as the next numbered parameter: listings with
 * optional filters, without counting placeholders by hand.
 */
export class Conditions {
  readonly args: SqlValue[] = [];
  private readonly parts: string[] = [];

  /** Binds a value as the next parameter and returns its placeholder. */
  bind(value: SqlValue): string {
    this.args.push(value);
    return `$${this.args.length}`;
  }

  /** Adds a condition, its values bound with `bind`. */
  and(condition: string): this {
    this.parts.push(condition);
    return this;
  }

  /** `WHERE a AND b…`, or nothing when there is no condition. */
  toString(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/** `$from, $from+1, …`: the placeholders of an `IN (…)` list of `n` values. */
export const inList = (n: number, from = 1): string => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');
