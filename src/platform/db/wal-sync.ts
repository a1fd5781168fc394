import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';

/** Flushes a file's written data to disk, off the event loop (libuv's thread pool). */
export type Flush = (fd: number) => Promise<void>;

const fdatasyncAsync: Flush = (fd) =>
  new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));

interface Waiter {
  epoch: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Makes SQLite's commits durable without holding the event loop (ADR 9). The connection runs WAL with
 * synchronous=NORMAL, so COMMIT writes its frames to the WAL without an fsync; each commit then waits here
 * for an fdatasync of the WAL file that started after it. One flush covers every commit made before it
 * began (commits during a flush share the next one: group commit), and it runs in the thread pool while the
 * loop goes on parsing, validating and committing the next batch. SQLite recovers a WAL up to its first
 * invalid frame, so what survives a power loss is a prefix of the commits: everything acknowledged and
 * perhaps some that were not yet.
 *
 * A failed flush leaves unknown what reached the disk (the kernel may drop the dirty pages it could not
 * write): every waiting and later commit fails, and the process must restart and recover from the file.
 */
export class WalSync {
  private fd: number | undefined;
  private ino = 0;
  private committed = 0;
  private synced = 0;
  private running = false;
  private failure: unknown;
  private waiters: Waiter[] = [];

  private readonly walPath: string;
  private readonly flush: Flush;

  constructor(walPath: string, flush: Flush = fdatasyncAsync) {
    this.walPath = walPath;
    this.flush = flush;
  }

  /** A commit just returned: resolves once it is on disk. */
  committedNow(): Promise<void> {
    this.committed++;
    const p = this.waitFor(this.committed);
    this.pump();
    return p;
  }

  /** Resolves once everything committed so far is on disk; undefined when it already is. */
  settled(): Promise<void> | undefined {
    if (this.failure === undefined && this.synced >= this.committed) return undefined;
    return this.waitFor(this.committed);
  }

  /** Whether the disk refused a flush: the file's state is unknown from then on. */
  get failed(): unknown {
    return this.failure;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private waitFor(epoch: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => this.waiters.push({ epoch, resolve, reject }));
  }

  private pump(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      while (this.synced < this.committed) {
        // every commit counted so far wrote its frames before this flush begins
        const target = this.committed;
        const fd = this.walFd();
        // no WAL yet: no commit has written a frame (a statement that changed nothing)
        if (fd !== undefined) await this.flush(fd);
        this.synced = target;
        const waiting = this.waiters;
        this.waiters = [];
        for (const w of waiting) {
          if (w.epoch <= target) w.resolve();
          else this.waiters.push(w);
        }
      }
    } catch (e) {
      this.failure = new Error(`SQLite WAL flush failed; the database must be reopened: ${String(e)}`, { cause: e });
      const waiting = this.waiters;
      this.waiters = [];
      for (const w of waiting) w.reject(this.failure);
    } finally {
      this.running = false;
    }
  }

  /** The WAL's descriptor; reopened if the file was replaced (SQLite resets it in place, so only after a close). */
  private walFd(): number | undefined {
    const ino = statSync(this.walPath, { throwIfNoEntry: false })?.ino;
    if (ino === undefined) return undefined;
    if (this.fd !== undefined && ino !== this.ino) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    if (this.fd === undefined) {
      this.fd = openSync(this.walPath, 'r+');
      this.ino = fstatSync(this.fd).ino;
    }
    return this.fd;
  }
}
