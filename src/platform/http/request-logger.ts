import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from '../logger.ts';

type Bindings = Record<string, unknown>;
type ChildOptions = { level?: string; serializers?: Record<string, (v: unknown) => unknown> };
type LogFn = (...args: unknown[]) => void;
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * The request's logger (`req.log`), made only when a request logs something. Fastify gives every request
 * a child of the platform logger bound to its request id; a pino child with redaction costs some 5 µs to
 * make, on every request, and almost no request logs. This stands in for it: a line at a level the
 * platform logger does not write costs nothing, the first line it does write makes the real child (same
 * bindings, same options) and every later call goes to that child.
 */
export function lazyChildLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  opts: ChildOptions,
): FastifyBaseLogger {
  // a route with its own level or serializers gets its child at once: its levels are not the parent's
  if (opts.level !== undefined || opts.serializers !== undefined) return logger.child(bindings, opts);
  return new LazyChild(logger as Logger, bindings) as unknown as FastifyBaseLogger;
}

class LazyChild {
  private readonly parent: Logger;
  private readonly bound: Bindings;
  private made: Logger | undefined;

  constructor(parent: Logger, bound: Bindings) {
    this.parent = parent;
    this.bound = bound;
  }

  private get real(): Logger {
    this.made ??= this.parent.child(this.bound);
    return this.made;
  }

  private write(level: Level, args: unknown[]): void {
    if (this.made === undefined && !this.parent.isLevelEnabled(level)) return;
    (this.real[level] as LogFn)(...args);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, opts?: ChildOptions): Logger {
    return this.real.child(bindings, opts as never);
  }

  isLevelEnabled(level: string): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level);
  }

  bindings(): Bindings {
    return this.real.bindings();
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }
  set level(level: string) {
    this.real.level = level;
  }
}
