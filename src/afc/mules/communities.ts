/**
 * Mule networks: Louvain communities (graphology-communities-louvain) over the suspicious subgraph only, i.e.
 * the candidate accounts and the payments between them, undirected and weighted by the money moved. Nodes
 * are added in account order and Louvain draws from a seeded generator, so the grouping is reproducible.
 */
import { UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
import type { FrozenGraph } from './graph.ts';

/**
 * The package is CommonJS (`module.exports = louvain`) while its typings declare a default export: under
 * Node's ESM interop the default import is the function itself, which TypeScript types as the module object.
 */
type Louvain = typeof louvainModule.default;
const louvain: Louvain =
  typeof louvainModule === 'function' ? (louvainModule as unknown as Louvain) : louvainModule.default;

export interface Communities {
  /** Community of each candidate (by position in `candidates`), numbered 0.. in order of first member. */
  readonly of: Int32Array;
  /** Members per community. */
  readonly size: Int32Array;
}

export function communities(g: FrozenGraph, candidates: readonly number[]): Communities {
  const pos = new Map<number, number>();
  for (let i = 0; i < candidates.length; i++) pos.set(candidates[i]!, i);
  const graph = new UndirectedGraph<Record<string, never>, { weight: number }>({ allowSelfLoops: false });
  for (const a of candidates) graph.addNode(String(a));
  for (const a of candidates) {
    for (let k = g.outStart[a]!; k < g.outStart[a + 1]!; k++) {
      const e = g.outEdges[k]!;
      const b = g.to[e]!;
      if (!pos.has(b)) continue;
      const w = g.amount[e]!;
      const edge = graph.edge(String(a), String(b));
      if (edge === undefined) graph.addEdge(String(a), String(b), { weight: w });
      else graph.updateEdgeAttribute(edge, 'weight', (x) => (x ?? 0) + w);
    }
  }
  const raw = new Int32Array(candidates.length).fill(-1);
  if (graph.size > 0) {
    let s = 0x9e3779b9;
    const rng = () => {
      s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return s / 4294967296;
    };
    const mapping = louvain(graph, { getEdgeWeight: 'weight', rng });
    candidates.forEach((a, i) => {
      raw[i] = mapping[String(a)] ?? -1;
    });
  }
  // renumber in order of first member; isolated candidates get a community of their own
  const renumber = new Map<number, number>();
  const of = new Int32Array(candidates.length);
  const sizes: number[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const a = candidates[i]!;
    const key = graph.degree(String(a)) === 0 || raw[i]! < 0 ? -1 - i : raw[i]!;
    let c = renumber.get(key);
    if (c === undefined) {
      c = sizes.length;
      renumber.set(key, c);
      sizes.push(0);
    }
    of[i] = c;
    sizes[c]!++;
  }
  return { of, size: Int32Array.from(sizes) };
}
