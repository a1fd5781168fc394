import type { Db, Queryable } from './types.ts';

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Durable group commit for rows a module must persist before it answers: callers `add` an item and
 * resolve once the transaction holding it has committed. Items arriving during a commit form the next
 * batch, so a busy system pays one fsync per batch instead of one per item.
 */
export class GroupCommit<T> {
  private readonly db: Db;
  private readonly write: (tx: Queryable, items: T[]) => Promise<void>;
  private readonly maxBatch: number;
  private queue: Waiting<T>[] = [];
  private flushing = false;

  constructor(db: Db, write: (tx: Queryable, items: T[]) => Promise<void>, opts: { maxBatch?: number } = {}) {
    this.db = db;
    this.write = write;
    this.maxBatch = opts.maxBatch ?? 2000;
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // let the callers of this tick join the batch
        setImmediate(() => void this.flush());
      }
    });
  }

  addAll(items: T[]): Promise<void> {
    return Promise.all(items.map((i) => this.add(i))).then(() => undefined);
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.db.transaction((tx) =>
          this.write(
            tx,
            batch.map((w) => w.item),
          ),
        );
        for (const w of batch) w.resolve();
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
    this.flushing = false;
  }
}
