/**
 * The payment graph detection runs on: account ids interned to indices, edges in typed arrays, fed chunk by
 * chunk (a million edges take about 30 MB). Order of arrival does not matter: `freeze` puts accounts in id
 * order and edges in (time, id) order, so every result is a function of the set of payments.
 */

/** One payment as detection sees it (IPS or IMTS alike). `amount` in minor units (tiyn). */
export interface PaymentEdge {
  id: string;
  from: string;
  to: string;
  amount: bigint;
  /** Epoch milliseconds. */
  at: number;
}

/** The frozen graph: accounts 0..n-1 in id order, edges 0..m-1 in (at, id) order, adjacency in CSR form. */
export interface FrozenGraph {
  readonly accounts: readonly string[];
  readonly from: Int32Array;
  readonly to: Int32Array;
  /** Minor units as float64 (exact below 2^53 tiyn, i.e. 90 trillion KZT per payment). */
  readonly amount: Float64Array;
  readonly at: Float64Array;
  /** Outgoing edges of account a: outEdges[outStart[a] .. outStart[a+1]), ascending edge index (= time). */
  readonly outStart: Int32Array;
  readonly outEdges: Int32Array;
  readonly inStart: Int32Array;
  readonly inEdges: Int32Array;
  /** Account index of an id, or -1. */
  indexOf(id: string): number;
}

export class PaymentGraph {
  private readonly index = new Map<string, number>();
  private readonly names: string[] = [];
  private from = new Int32Array(1024);
  private to = new Int32Array(1024);
  private amount = new Float64Array(1024);
  private at = new Float64Array(1024);
  private ids: string[] = [];
  private size = 0;
  private ordered = true;
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastId = '';
  private selfPayments = 0;

  get edges(): number {
    return this.size;
  }

  get accountCount(): number {
    return this.names.length;
  }

  /** Payments from an account to itself are counted and left out. Amounts must be positive. */
  add(edges: Iterable<PaymentEdge>): void {
    for (const e of edges) {
      if (e.from === e.to) {
        this.selfPayments++;
        continue;
      }
      if (e.amount <= 0n) throw new RangeError(`payment ${e.id}: amount must be positive`);
      if (!Number.isFinite(e.at)) throw new RangeError(`payment ${e.id}: at must be epoch milliseconds`);
      if (this.size === this.from.length) this.grow();
      const k = this.size++;
      this.from[k] = this.intern(e.from);
      this.to[k] = this.intern(e.to);
      this.amount[k] = Number(e.amount);
      this.at[k] = e.at;
      this.ids.push(e.id);
      if (this.ordered && (e.at < this.lastAt || (e.at === this.lastAt && e.id <= this.lastId))) this.ordered = false;
      this.lastAt = e.at;
      this.lastId = e.id;
    }
  }

  get skippedSelfPayments(): number {
    return this.selfPayments;
  }

  private intern(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.names.length;
      this.index.set(id, i);
      this.names.push(id);
    }
    return i;
  }

  private grow(): void {
    const n = this.from.length * 2;
    const f = new Int32Array(n);
    f.set(this.from);
    this.from = f;
    const t = new Int32Array(n);
    t.set(this.to);
    this.to = t;
    const a = new Float64Array(n);
    a.set(this.amount);
    this.amount = a;
    const at = new Float64Array(n);
    at.set(this.at);
    this.at = at;
  }

  /** Canonical order and adjacency. The builder can keep receiving payments; freeze again to see them. */
  freeze(): FrozenGraph {
    const n = this.names.length;
    const m = this.size;
    // accounts in id order
    const byName = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
      this.names[a]! < this.names[b]! ? -1 : this.names[a]! > this.names[b]! ? 1 : 0,
    );
    const rank = new Int32Array(n);
    const accounts = new Array<string>(n);
    for (let r = 0; r < n; r++) {
      rank[byName[r]!] = r;
      accounts[r] = this.names[byName[r]!]!;
    }
    // edges in (at, id) order: already so when payments arrived in order (the usual stream)
    let perm: Uint32Array | undefined;
    if (!this.ordered) {
      const at = this.at;
      const ids = this.ids;
      perm = new Uint32Array(m);
      for (let k = 0; k < m; k++) perm[k] = k;
      perm.sort((x, y) => at[x]! - at[y]! || (ids[x]! < ids[y]! ? -1 : ids[x]! > ids[y]! ? 1 : 0));
    }
    const from = new Int32Array(m);
    const to = new Int32Array(m);
    const amount = new Float64Array(m);
    const at = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      const s = perm ? perm[k]! : k;
      from[k] = rank[this.from[s]!]!;
      to[k] = rank[this.to[s]!]!;
      amount[k] = this.amount[s]!;
      at[k] = this.at[s]!;
    }
    const csr = (side: Int32Array): [Int32Array, Int32Array] => {
      const start = new Int32Array(n + 1);
      for (let k = 0; k < m; k++) start[side[k]! + 1]!++;
      for (let a = 0; a < n; a++) start[a + 1]! += start[a]!;
      const fill = start.slice(0, n);
      const edges = new Int32Array(m);
      for (let k = 0; k < m; k++) edges[fill[side[k]!]!++] = k;
      return [start, edges];
    };
    const [outStart, outEdges] = csr(from);
    const [inStart, inEdges] = csr(to);
    const index = this.index;
    return {
      accounts,
      from,
      to,
      amount,
      at,
      outStart,
      outEdges,
      inStart,
      inEdges,
      indexOf: (id) => {
        const i = index.get(id);
        return i === undefined || i >= n ? -1 : rank[i]!;
      },
    };
  }
}
