/**
 * Chains from known victims or fraud accounts: money followed forward over up to `maxHops` payments, each
 * made after the money arrived and within `hopWindowMs` of it (a time-respecting path). The first hop takes
 * every payment a seed made in the period; from then on only accounts that pass money through carry the
 * chain on (a shop a victim paid is reached, but the chain does not spread through the shop's suppliers).
 */
import type { AccountFeatures } from './features.ts';
import type { FrozenGraph } from './graph.ts';

export interface Chains {
  /** Hops from the nearest seed (0 for a seed), -1 when not reached. */
  readonly hops: Int8Array;
  /** Share of each account's incoming money that came straight from a seed. */
  readonly seedInflowShare: Float64Array;
}

export function chainsFrom(
  g: FrozenGraph,
  f: AccountFeatures,
  seeds: readonly number[],
  opts: { maxHops: number; hopWindowMs: number; conduitShare: number },
): Chains {
  const n = g.accounts.length;
  const { to, at, amount, outStart, outEdges, inStart, inEdges, from } = g;
  const hops = new Int8Array(n).fill(-1);
  const arrival = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const isSeed = new Uint8Array(n);
  let frontier: number[] = [];
  for (const s of seeds) {
    if (isSeed[s]) continue;
    isSeed[s] = 1;
    hops[s] = 0;
    arrival[s] = Number.NEGATIVE_INFINITY;
    frontier.push(s);
  }
  for (let h = 1; h <= opts.maxHops && frontier.length > 0; h++) {
    const next: number[] = [];
    for (const u of frontier) {
      const seed = isSeed[u] === 1;
      if (!seed && f.passThrough[u]! < opts.conduitShare && f.fundedShare[u]! < opts.conduitShare) continue;
      const limit = seed ? Number.POSITIVE_INFINITY : arrival[u]! + opts.hopWindowMs;
      for (let k = outStart[u]!; k < outStart[u + 1]!; k++) {
        const e = outEdges[k]!;
        const t = at[e]!;
        if (t < arrival[u]! || t > limit) continue;
        const v = to[e]!;
        if (hops[v] === -1) {
          hops[v] = h;
          arrival[v] = t;
          next.push(v);
        } else if (hops[v] === h && t < arrival[v]!) arrival[v] = t;
      }
    }
    frontier = next;
  }
  const seedInflowShare = new Float64Array(n);
  if (seeds.length > 0) {
    for (let v = 0; v < n; v++) {
      if (f.inSum[v] === 0) continue;
      let s = 0;
      for (let k = inStart[v]!; k < inStart[v + 1]!; k++) {
        const e = inEdges[k]!;
        if (isSeed[from[e]!]) s += amount[e]!;
      }
      seedInflowShare[v] = s / f.inSum[v]!;
    }
  }
  return { hops, seedInflowShare };
}
