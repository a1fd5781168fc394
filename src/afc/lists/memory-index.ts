import { DomainError } from '../../platform/pure.ts';
import { IDENTIFIER_KINDS, type IdentifierKind, macInput } from '../domain/identifiers.ts';
import { expiryMs, LIST_STATUSES, type ListStatus } from '../domain/lists.ts';
import { nameBlockKeys, nameTokens } from '../domain/names.ts';
import type { HitEntry, NameCandidate } from '../domain/screening.ts';

/** An entry as screening needs it: no raw value, no reason, just what decides. */
export interface IndexedEntry extends HitEntry {
  id: string;
  kind: IdentifierKind;
  status: ListStatus;
  expiresAtMs: number;
  version: number;
  /** Name-only entries: the skeleton tokens of the name. */
  tokens?: readonly string[];
  /** The prefilter slot of the entry's identifier (entries given raw), see `ListIndex.mayHold`. */
  probe?: number;
}

/** The state of one entry after a change, or its removal: what the index is fed with. */
export interface IndexChange {
  op: 'upsert' | 'remove';
  version: number;
  entryId: string;
  mac: string;
  kind: IdentifierKind;
  value: string | null;
  status: ListStatus;
  holderName: string | null;
  expiresAt: string | null;
}

/**
 * The lists in memory, keyed by MAC: what screening reads, never the database. Fed at start from the entries
 * table and then from the change log in version order; applying a change is idempotent (an entry keeps the
 * highest version it has seen), so a replay over a snapshot converges on the same state.
 */
/**
 * A multiset of 30-bit numbers in two typed arrays: open addressing with linear probing (Fibonacci hashing
 * of the number to its home slot, at most half the slots used, deletion by backward shift). A lookup reads
 * one or two neighbouring slots, mostly in one cache line: a Map of a million numbers takes several
 * dependent loads per lookup, each a cache miss, and was most of a screening check's time.
 */
export class ProbeCounts {
  /** value + 1 per slot, 0 for an empty one. */
  private keys: Int32Array;
  private counts: Uint32Array;
  private shift: number;
  private mask: number;
  /** Distinct values held. */
  size = 0;

  constructor(capacity = 1 << 12) {
    const bits = Math.max(4, Math.ceil(Math.log2(capacity)));
    this.keys = new Int32Array(1 << bits);
    this.counts = new Uint32Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
  }

  private home(v: number): number {
    return Math.imul(v, 0x9e3779b1) >>> this.shift;
  }

  /** The slot holding v, or -1. */
  private find(v: number): number {
    const k = v + 1;
    const keys = this.keys;
    for (let i = this.home(v); ; i = (i + 1) & this.mask) {
      const x = keys[i]!;
      if (x === k) return i;
      if (x === 0) return -1;
    }
  }

  has(v: number): boolean {
    return this.find(v) >= 0;
  }

  /** How many times v was added and not removed. */
  count(v: number): number {
    const i = this.find(v);
    return i < 0 ? 0 : this.counts[i]!;
  }

  add(v: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const k = v + 1;
    const keys = this.keys;
    let i = this.home(v);
    for (; keys[i] !== 0; i = (i + 1) & this.mask) {
      if (keys[i] === k) {
        this.counts[i]!++;
        return;
      }
    }
    keys[i] = k;
    this.counts[i] = 1;
    this.size++;
  }

  remove(v: number): void {
    let i = this.find(v);
    if (i < 0) return;
    if (--this.counts[i]! > 0) return;
    this.size--;
    const keys = this.keys;
    const counts = this.counts;
    const mask = this.mask;
    // backward shift: pull up every later entry of the run whose home does not lie in (i, j]
    for (let j = (i + 1) & mask; keys[j] !== 0; j = (j + 1) & mask) {
      const h = this.home(keys[j]! - 1);
      const stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (stays) continue;
      keys[i] = keys[j]!;
      counts[i] = counts[j]!;
      i = j;
    }
    keys[i] = 0;
    counts[i] = 0;
  }

  private grow(): void {
    const keys = this.keys;
    const counts = this.counts;
    const bits = 33 - this.shift;
    this.keys = new Int32Array(1 << bits);
    this.counts = new Uint32Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j]!;
      if (k === 0) continue;
      let i = this.home(k - 1);
      while (this.keys[i] !== 0) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.counts[i] = counts[j]!;
    }
  }
}

/** Codes of the kinds and statuses in the entry arrays (their place in IDENTIFIER_KINDS, LIST_STATUSES). */
const KIND_CODE = new Map<IdentifierKind, number>(IDENTIFIER_KINDS.map((k, i) => [k, i]));
const STATUS_CODE = new Map<ListStatus, number>(LIST_STATUSES.map((st, i) => [st, i]));
const MAC_BYTES = 32;
/** Entry ids of up to this many ASCII characters are kept as bytes (the platform's are 30), others as strings. */
const ID_BYTES = 32;

/** The hex digit's value, or -1. */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = 10 + i;

/** Writes a MAC (64 lower-case hex digits) as 32 bytes at `at`; false when it is not one. */
function macToBytes(mac: string, out: Uint8Array, at: number): boolean {
  if (mac.length !== 2 * MAC_BYTES) return false;
  for (let i = 0; i < MAC_BYTES; i++) {
    const a = mac.charCodeAt(2 * i);
    const b = mac.charCodeAt(2 * i + 1);
    const hi = a < 128 ? HEX[a]! : -1;
    const lo = b < 128 ? HEX[b]! : -1;
    if (hi < 0 || lo < 0) return false;
    out[at + i] = (hi << 4) | lo;
  }
  return true;
}

/**
 * The lists in memory, keyed by MAC: what screening reads, never the database. Fed at start from the entries
 * table and then from the change log in version order; applying a change is idempotent (an entry keeps the
 * highest version it has seen), so a replay over a snapshot converges on the same state.
 *
 * Entries live in typed arrays, one slot each (MAC bytes, kind, status, expiry, version, prefilter slot, the
 * next entry of the same MAC, the entry id's characters), found through an open-addressing table of MACs;
 * only the name tokens of the few entries that carry a name are JS objects. A million entries as objects and
 * hex-string keys took some 350 bytes and seven heap objects each: hundreds of megabytes every full
 * collection had to mark, a pause of about half a second. Screening reads entries as objects only for the
 * identifiers that hit (`get`).
 */
export class ListIndex {
  /**
   * A membership prefilter in front of the MAC table: a 30-bit hash (FNV-1a from a random per-process
   * basis) of the MAC input of every entry given raw, with a count per slot. An identifier whose slot is
   * empty is on no list, so screening need not compute its HMAC (the check's dominant cost): it computes one
   * for about one identifier in a thousand at a million entries. Kinds with entries known only by MAC are
   * always looked up by MAC. It adds nothing a memory dump would not already give: the MAC key is here too.
   */
  private readonly probes = new ProbeCounts();
  private readonly basis = (Math.random() * 0x7fffffff) | 0;
  /** Entries per kind known only by their MAC. */
  private readonly macOnly = new Map<IdentifierKind, number>();
  /** How many entries per kind: screening skips MACs of kinds nobody lists. */
  private readonly kinds = new Map<IdentifierKind, number>();
  private entries = 0;

  // entry slots
  private cap = 0;
  /** Slots below it have been used; freed ones are chained through `nextOf` from `freeHead`. */
  private top = 0;
  private freeHead = -1;
  private macs = new Uint8Array(0);
  private kindOf = new Uint8Array(0);
  private statusOf = new Uint8Array(0);
  private expiresOf = new Float64Array(0);
  private versionOf = new Float64Array(0);
  /** The prefilter slot of an entry given raw, -1 for one known only by its MAC. */
  private probeOf = new Int32Array(0);
  /** The next entry with the same MAC (-1: none); for a free slot, the next free one. */
  private nextOf = new Int32Array(0);
  /** Entry ids as ASCII bytes (`idLength` of them); a longer or non-ASCII id (length 0) is in `otherIds`. */
  private idBytes = new Uint8Array(0);
  private idLength = new Uint8Array(0);
  private readonly otherIds = new Map<number, string>();
  /** Skeleton tokens of the holder's name, for entries that carry one (a name entry: its own). */
  private readonly holders = new Map<number, readonly string[]>();
  /** Name-only entries by block key (first letters of each word's skeleton). */
  private readonly names = new Map<string, Set<number>>();

  // MAC → the first entry of that MAC (slot + 1; 0 empty), open addressing on the MAC's first bytes
  private table = new Int32Array(1 << 10);
  private tableShift = 32 - 10;
  private tableMask = (1 << 10) - 1;
  private distinctMacs = 0;
  private readonly scratch = new Uint8Array(MAC_BYTES);

  get size(): number {
    return this.entries;
  }

  /** Whether any entry of `kind` is indexed. */
  has(kind: IdentifierKind): boolean {
    return (this.kinds.get(kind) ?? 0) > 0;
  }

  /** The prefilter slot of a MAC input (`<kind>:<normal form>`). */
  probe(input: string): number {
    let h = this.basis ^ 0x811c9dc5;
    for (let i = 0; i < input.length; i++) h = Math.imul(h ^ input.charCodeAt(i), 0x01000193);
    return h & 0x3fffffff;
  }

  /**
   * False when the identifier (kind and MAC input) is certainly on no list; true when it may be, and then
   * its entries are found by MAC.
   */
  mayHold(kind: IdentifierKind, input: string): boolean {
    if ((this.kinds.get(kind) ?? 0) === 0) return false;
    if ((this.macOnly.get(kind) ?? 0) > 0) return true;
    return this.probes.has(this.probe(input));
  }

  /** Entries of one MAC, or undefined. */
  get(mac: string): readonly IndexedEntry[] | undefined {
    if (!macToBytes(mac, this.scratch, 0)) return undefined;
    let s = this.headOf(this.scratch, 0);
    if (s < 0) return undefined;
    const out: IndexedEntry[] = [];
    for (; s >= 0; s = this.nextOf[s]!) out.push(this.entryAt(s));
    return out;
  }

  apply(c: IndexChange): void {
    if (!macToBytes(c.mac, this.scratch, 0)) throw new DomainError('internal', `not a list MAC: ${c.mac}`);
    const head = this.headOf(this.scratch, 0);
    let prev = -1;
    let at = -1;
    for (let s = head; s >= 0; prev = s, s = this.nextOf[s]!) {
      if (this.idIs(s, c.entryId)) {
        at = s;
        break;
      }
    }
    if (at >= 0 && this.versionOf[at]! >= c.version) return;
    if (c.op === 'remove') {
      if (at < 0) return;
      this.forget(at);
      const after = this.nextOf[at]!;
      if (prev >= 0) this.nextOf[prev] = after;
      else if (after >= 0) this.setHead(this.scratch, after);
      else this.dropHead(this.scratch);
      this.release(at);
      return;
    }
    let s = at;
    if (s >= 0) this.forget(s);
    else {
      s = this.allocate();
      this.macs.set(this.scratch, s * MAC_BYTES);
      this.writeId(s, c.entryId);
      // a new entry goes first in its MAC's chain
      this.nextOf[s] = head;
      if (head >= 0) this.setHead(this.scratch, s);
      else this.addHead(this.scratch, s);
    }
    this.kindOf[s] = KIND_CODE.get(c.kind)!;
    this.statusOf[s] = STATUS_CODE.get(c.status)!;
    this.expiresOf[s] = expiryMs(c.expiresAt);
    this.versionOf[s] = c.version;
    this.probeOf[s] = c.value !== null ? this.probe(macInput(c.kind, c.value)) : -1;
    const tokens = c.kind === 'name' && c.value !== null ? nameTokens(c.value) : undefined;
    const holder = c.kind === 'name' ? c.value : c.holderName;
    if (holder) this.holders.set(s, c.kind === 'name' && tokens ? tokens : nameTokens(holder));
    this.remember(s, tokens);
  }

  /** Name-only entries that share a block key with a name (skeleton tokens): the ones worth comparing. */
  nameCandidates(tokens: readonly string[]): NameCandidate[] {
    if (this.names.size === 0) return [];
    const seen = new Set<number>();
    for (const k of nameBlockKeys(tokens)) {
      const set = this.names.get(k);
      if (set) for (const s of set) seen.add(s);
    }
    const out: NameCandidate[] = [];
    for (const s of seen) {
      out.push({
        status: LIST_STATUSES[this.statusOf[s]!]!,
        expiresAtMs: this.expiresOf[s]!,
        tokens: this.holders.get(s)!,
      });
    }
    return out;
  }

  // --- entries ---

  private entryAt(s: number): IndexedEntry {
    const kind = IDENTIFIER_KINDS[this.kindOf[s]!]!;
    const e: IndexedEntry = {
      id: this.idAt(s),
      kind,
      status: LIST_STATUSES[this.statusOf[s]!]!,
      expiresAtMs: this.expiresOf[s]!,
      version: this.versionOf[s]!,
    };
    const holder = this.holders.get(s);
    if (holder) {
      e.holderTokens = holder;
      if (kind === 'name') e.tokens = holder;
    }
    if (this.probeOf[s]! >= 0) e.probe = this.probeOf[s]!;
    return e;
  }

  private remember(s: number, tokens: readonly string[] | undefined): void {
    const kind = IDENTIFIER_KINDS[this.kindOf[s]!]!;
    this.entries++;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    const probe = this.probeOf[s]!;
    if (probe < 0) this.macOnly.set(kind, (this.macOnly.get(kind) ?? 0) + 1);
    else this.probes.add(probe);
    if (tokens) {
      for (const k of nameBlockKeys(tokens)) {
        const set = this.names.get(k);
        if (set) set.add(s);
        else this.names.set(k, new Set([s]));
      }
    }
  }

  /** Takes an entry's counts and name keys back; its slot and chain stay. */
  private forget(s: number): void {
    const kind = IDENTIFIER_KINDS[this.kindOf[s]!]!;
    this.entries--;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 1) - 1);
    const probe = this.probeOf[s]!;
    if (probe < 0) this.macOnly.set(kind, (this.macOnly.get(kind) ?? 1) - 1);
    else this.probes.remove(probe);
    const holder = this.holders.get(s);
    if (kind === 'name' && holder) {
      for (const k of nameBlockKeys(holder)) {
        const set = this.names.get(k);
        set?.delete(s);
        if (set?.size === 0) this.names.delete(k);
      }
    }
    this.holders.delete(s);
  }

  private allocate(): number {
    if (this.freeHead >= 0) {
      const s = this.freeHead;
      this.freeHead = this.nextOf[s]!;
      return s;
    }
    if (this.top === this.cap) this.grow();
    return this.top++;
  }

  private release(s: number): void {
    this.idLength[s] = 0;
    this.otherIds.delete(s);
    this.nextOf[s] = this.freeHead;
    this.freeHead = s;
  }

  private grow(): void {
    const cap = Math.max(1024, this.cap * 2);
    const more = <T extends Uint8Array | Float64Array | Int32Array>(a: T, make: (n: number) => T, n: number): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.macs = more(this.macs, (n) => new Uint8Array(n), cap * MAC_BYTES);
    this.kindOf = more(this.kindOf, (n) => new Uint8Array(n), cap);
    this.statusOf = more(this.statusOf, (n) => new Uint8Array(n), cap);
    this.expiresOf = more(this.expiresOf, (n) => new Float64Array(n), cap);
    this.versionOf = more(this.versionOf, (n) => new Float64Array(n), cap);
    this.probeOf = more(this.probeOf, (n) => new Int32Array(n), cap);
    this.nextOf = more(this.nextOf, (n) => new Int32Array(n), cap);
    this.idBytes = more(this.idBytes, (n) => new Uint8Array(n), cap * ID_BYTES);
    this.idLength = more(this.idLength, (n) => new Uint8Array(n), cap);
    this.cap = cap;
  }

  // --- entry ids ---

  private writeId(s: number, id: string): void {
    let ascii = id.length > 0 && id.length <= ID_BYTES;
    for (let i = 0; ascii && i < id.length; i++) ascii = id.charCodeAt(i) < 128;
    if (!ascii) {
      this.idLength[s] = 0;
      this.otherIds.set(s, id);
      return;
    }
    const o = s * ID_BYTES;
    for (let i = 0; i < id.length; i++) this.idBytes[o + i] = id.charCodeAt(i);
    this.idLength[s] = id.length;
  }

  private idIs(s: number, id: string): boolean {
    const n = this.idLength[s]!;
    if (n === 0) return this.otherIds.get(s) === id;
    if (id.length !== n) return false;
    const o = s * ID_BYTES;
    for (let i = 0; i < n; i++) if (this.idBytes[o + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  private idAt(s: number): string {
    const n = this.idLength[s]!;
    if (n === 0) return this.otherIds.get(s)!;
    const o = s * ID_BYTES;
    return String.fromCharCode(...this.idBytes.subarray(o, o + n));
  }

  // --- the MAC table ---

  /** Home position of a MAC (its first four bytes, mixed). */
  private home(bytes: Uint8Array, at: number): number {
    const h = (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
    return Math.imul(h, 0x9e3779b1) >>> this.tableShift;
  }

  private sameMac(bytes: Uint8Array, at: number, s: number): boolean {
    const macs = this.macs;
    const o = s * MAC_BYTES;
    for (let i = 0; i < MAC_BYTES; i++) if (macs[o + i] !== bytes[at + i]) return false;
    return true;
  }

  /** The table position holding this MAC, or -1. */
  private findMac(bytes: Uint8Array, at: number): number {
    const table = this.table;
    for (let i = this.home(bytes, at); ; i = (i + 1) & this.tableMask) {
      const v = table[i]!;
      if (v === 0) return -1;
      if (this.sameMac(bytes, at, v - 1)) return i;
    }
  }

  /** The first entry of a MAC, or -1. */
  private headOf(bytes: Uint8Array, at: number): number {
    const i = this.findMac(bytes, at);
    return i < 0 ? -1 : this.table[i]! - 1;
  }

  private setHead(bytes: Uint8Array, s: number): void {
    this.table[this.findMac(bytes, 0)] = s + 1;
  }

  private addHead(bytes: Uint8Array, s: number): void {
    if ((this.distinctMacs + 1) * 2 > this.table.length) this.growTable();
    let i = this.home(bytes, 0);
    while (this.table[i] !== 0) i = (i + 1) & this.tableMask;
    this.table[i] = s + 1;
    this.distinctMacs++;
  }

  /** Removes a MAC from the table (backward shift, as in ProbeCounts). */
  private dropHead(bytes: Uint8Array): void {
    let i = this.findMac(bytes, 0);
    if (i < 0) return;
    this.distinctMacs--;
    const table = this.table;
    const mask = this.tableMask;
    for (let j = (i + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const h = this.home(this.macs, (table[j]! - 1) * MAC_BYTES);
      const stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (stays) continue;
      table[i] = table[j]!;
      i = j;
    }
    table[i] = 0;
  }

  private growTable(): void {
    const old = this.table;
    const bits = 33 - this.tableShift;
    this.table = new Int32Array(1 << bits);
    this.tableShift = 32 - bits;
    this.tableMask = (1 << bits) - 1;
    for (let j = 0; j < old.length; j++) {
      const v = old[j]!;
      if (v === 0) continue;
      let i = this.home(this.macs, (v - 1) * MAC_BYTES);
      while (this.table[i] !== 0) i = (i + 1) & this.tableMask;
      this.table[i] = v;
    }
  }
}
