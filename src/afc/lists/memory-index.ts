import { type IdentifierKind, macInput } from '../domain/identifiers.ts';
import { expiryMs, type ListStatus } from '../domain/lists.ts';
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

export class ListIndex {
  /**
   * A membership prefilter in front of the MAC map: a 30-bit hash (FNV-1a from a random per-process basis)
   * of the MAC input of every entry given raw, with a count per slot. An identifier whose slot is empty is
   * on no list, so screening need not compute its HMAC (the check's dominant cost): it computes one for
   * about one identifier in a thousand at a million entries. Kinds with entries known only by MAC are
   * always looked up by MAC. It adds nothing a memory dump would not already give: the MAC key is here too.
   */
  private readonly probes = new ProbeCounts();
  private readonly basis = (Math.random() * 0x7fffffff) | 0;
  /** Entries per kind known only by their MAC. */
  private readonly macOnly = new Map<IdentifierKind, number>();
  /** MAC → its entries (one object when there is one, the common case, else an array). */
  private readonly byMac = new Map<string, IndexedEntry | IndexedEntry[]>();
  /** Name-only entries by block key (first letters of each word's skeleton). */
  private readonly names = new Map<string, Set<IndexedEntry>>();
  /** How many entries per kind: screening skips MACs of kinds nobody lists. */
  private readonly kinds = new Map<IdentifierKind, number>();
  private entries = 0;

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
    const v = this.byMac.get(mac);
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v : [v];
  }

  apply(c: IndexChange): void {
    const slot = this.byMac.get(c.mac);
    const list = slot === undefined ? [] : Array.isArray(slot) ? slot : [slot];
    const at = list.findIndex((e) => e.id === c.entryId);
    const old = at >= 0 ? list[at] : undefined;
    if (old && old.version >= c.version) return;
    if (c.op === 'remove') {
      if (!old) return;
      list.splice(at, 1);
      this.forget(old);
    } else {
      const e: IndexedEntry = {
        id: c.entryId,
        kind: c.kind,
        status: c.status,
        expiresAtMs: expiryMs(c.expiresAt),
        version: c.version,
      };
      if (c.kind === 'name' && c.value !== null) e.tokens = nameTokens(c.value);
      if (c.value !== null) e.probe = this.probe(macInput(c.kind, c.value));
      const holder = c.kind === 'name' ? c.value : c.holderName;
      if (holder) e.holderTokens = c.kind === 'name' && e.tokens ? e.tokens : nameTokens(holder);
      if (old) {
        list[at] = e;
        this.forget(old);
      } else {
        list.push(e);
      }
      this.remember(e);
    }
    if (list.length === 0) this.byMac.delete(c.mac);
    else this.byMac.set(c.mac, list.length === 1 ? list[0]! : list);
  }

  private remember(e: IndexedEntry): void {
    this.entries++;
    this.kinds.set(e.kind, (this.kinds.get(e.kind) ?? 0) + 1);
    if (e.probe === undefined) this.macOnly.set(e.kind, (this.macOnly.get(e.kind) ?? 0) + 1);
    else this.probes.add(e.probe);
    if (e.tokens) {
      for (const k of nameBlockKeys(e.tokens)) {
        const set = this.names.get(k);
        if (set) set.add(e);
        else this.names.set(k, new Set([e]));
      }
    }
  }

  private forget(e: IndexedEntry): void {
    this.entries--;
    this.kinds.set(e.kind, (this.kinds.get(e.kind) ?? 1) - 1);
    if (e.probe === undefined) this.macOnly.set(e.kind, (this.macOnly.get(e.kind) ?? 1) - 1);
    else this.probes.remove(e.probe);
    if (e.tokens) {
      for (const k of nameBlockKeys(e.tokens)) {
        const set = this.names.get(k);
        set?.delete(e);
        if (set?.size === 0) this.names.delete(k);
      }
    }
  }

  /** Name-only entries that share a block key with a name (skeleton tokens): the ones worth comparing. */
  nameCandidates(tokens: readonly string[]): NameCandidate[] {
    if (this.names.size === 0) return [];
    const seen = new Set<IndexedEntry>();
    for (const k of nameBlockKeys(tokens)) {
      const set = this.names.get(k);
      if (set) for (const e of set) seen.add(e);
    }
    const out: NameCandidate[] = [];
    for (const e of seen) out.push({ status: e.status, expiresAtMs: e.expiresAtMs, tokens: e.tokens! });
    return out;
  }
}
