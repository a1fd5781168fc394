import { randomBytes } from 'node:crypto';

/** Injectable time source: domain code takes `now` as a parameter, services take a Clock. */
export interface Clock {
  now(): Date;
  nowMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
};

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  private ms: number;
  constructor(start: Date | number = Date.UTC(2026, 0, 5, 4, 0, 0)) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  nowMs(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(t: Date | number): void {
    this.ms = typeof t === 'number' ? t : t.getTime();
  }
}

/** Sortable, unique ids (ULID: 48-bit time + 80 bits of randomness, Crockford base32). */
export interface IdGenerator {
  next(prefix?: string): string;
}

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function ulidGenerator(clock: Clock = systemClock): IdGenerator {
  let lastMs = -1;
  let last = new Uint8Array(10);
  return {
    next(prefix?: string) {
      const ms = clock.nowMs();
      if (ms === lastMs) {
        // monotonic within the same millisecond: increment the random part
        for (let i = 9; i >= 0; i--) {
          last[i] = (last[i]! + 1) & 0xff;
          if (last[i] !== 0) break;
        }
      } else {
        last = new Uint8Array(randomBytes(10));
        lastMs = ms;
      }
      let out = '';
      let t = ms;
      for (let i = 0; i < 10; i++) {
        out = B32[t % 32]! + out;
        t = Math.floor(t / 32);
      }
      let bits = 0;
      let acc = 0;
      for (const byte of last) {
        acc = (acc << 8) | byte;
        bits += 8;
        while (bits >= 5) {
          out += B32[(acc >> (bits - 5)) & 31]!;
          bits -= 5;
        }
        acc &= (1 << bits) - 1;
      }
      return prefix ? `${prefix}_${out}` : out;
    },
  };
}

/** Deterministic ids for tests: prefix + zero-padded counter (still sortable). */
export function sequentialIds(): IdGenerator {
  let n = 0;
  return { next: (prefix?: string) => `${prefix ? `${prefix}_` : ''}${String(++n).padStart(12, '0')}` };
}
