/**
 * Per-account features over a frozen payment graph, in one pass over each account's payments in time order.
 *
 * Money is matched last-in-first-out: each outgoing payment is taken from the most recent incoming money
 * still in the account (what a mule forwards is what it just received, whatever old balance it also holds).
 * Money sent beyond what came in during the period is the opening balance and is not matched (an employer
 * paying salaries from its reserves passes nothing through). From the matching:
 *  - pass-through: share of the money received that left again within the window;
 *  - funded share: share of the money sent that had arrived within the window;
 *  - dwell: amount-weighted median time matched money stayed in the account;
 *  - forwarding payers / payees: distinct counterparties whose money was passed on / who were paid with
 *    money that had just arrived, counting only those behind at least `SIGNIFICANT` of the money forwarded
 *    (a few small transfers between friends do not make a fan);
 *  - dedicated share: share of the account's payments that were money passed straight on (an incoming
 *    payment at least half forwarded within the window, an outgoing one at least half funded by such money):
 *    an account opened for the fraud does nothing else.
 */

/** Share of the forwarded money a counterparty must account for to count in fan-in / fan-out. */
export const SIGNIFICANT = 0.05;

import type { FrozenGraph } from './graph.ts';

export interface AccountFeatures {
  readonly inCount: Int32Array;
  readonly outCount: Int32Array;
  /** Distinct payers and payees. */
  readonly payers: Int32Array;
  readonly payees: Int32Array;
  readonly inSum: Float64Array;
  readonly outSum: Float64Array;
  /** Money received that left within the window. */
  readonly forwarded: Float64Array;
  readonly passThrough: Float64Array;
  readonly fundedShare: Float64Array;
  /** Amount-weighted median dwell of matched money, ms (NaN when nothing was matched). */
  readonly dwellMedian: Float64Array;
  readonly forwardPayers: Int32Array;
  readonly forwardPayees: Int32Array;
  readonly dedicatedShare: Float64Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
}

export function accountFeatures(g: FrozenGraph, windowMs: number): AccountFeatures {
  const n = g.accounts.length;
  const { from, to, amount, at, inStart, inEdges, outStart, outEdges } = g;
  const f: AccountFeatures = {
    inCount: new Int32Array(n),
    outCount: new Int32Array(n),
    payers: new Int32Array(n),
    payees: new Int32Array(n),
    inSum: new Float64Array(n),
    outSum: new Float64Array(n),
    forwarded: new Float64Array(n),
    passThrough: new Float64Array(n),
    fundedShare: new Float64Array(n),
    dwellMedian: new Float64Array(n).fill(Number.NaN),
    forwardPayers: new Int32Array(n),
    forwardPayees: new Int32Array(n),
    dedicatedShare: new Float64Array(n),
    first: new Float64Array(n),
    last: new Float64Array(n),
  };
  let maxIn = 1;
  let maxPieces = 1;
  for (let a = 0; a < n; a++) {
    const d = inStart[a + 1]! - inStart[a]!;
    if (d > maxIn) maxIn = d;
    const p = d + outStart[a + 1]! - outStart[a]!;
    if (p > maxPieces) maxPieces = p;
  }
  const lotAmount = new Float64Array(maxIn);
  const lotAt = new Float64Array(maxIn);
  const lotPayer = new Int32Array(maxIn);
  const lotOrig = new Float64Array(maxIn);
  const lotFwd = new Float64Array(maxIn);
  const pieceDt = new Float64Array(maxPieces);
  const pieceW = new Float64Array(maxPieces);
  const order = new Uint32Array(maxPieces);
  const seenPayer = new Int32Array(n).fill(-1);
  const seenPayee = new Int32Array(n).fill(-1);
  const seenFwdPayer = new Int32Array(n).fill(-1);
  const seenFwdPayee = new Int32Array(n).fill(-1);
  const fwdByPayer = new Float64Array(n);
  const fwdByPayee = new Float64Array(n);
  const fwdPayerList = new Int32Array(maxPieces);
  const fwdPayeeList = new Int32Array(maxPieces);

  for (let a = 0; a < n; a++) {
    let i = inStart[a]!;
    const iEnd = inStart[a + 1]!;
    let o = outStart[a]!;
    const oEnd = outStart[a + 1]!;
    f.inCount[a] = iEnd - i;
    f.outCount[a] = oEnd - o;
    let top = 0;
    let pieces = 0;
    let inSum = 0;
    let outSum = 0;
    let forwarded = 0;
    let matched = 0;
    let payers = 0;
    let payees = 0;
    let fwdPayers = 0;
    let fwdPayees = 0;
    let dedicated = 0;
    const firstEdge = Math.min(i < iEnd ? inEdges[i]! : 2 ** 31, o < oEnd ? outEdges[o]! : 2 ** 31);
    f.first[a] = firstEdge < 2 ** 31 ? at[firstEdge]! : Number.NaN;
    const lastEdge = Math.max(iEnd > i ? inEdges[iEnd - 1]! : -1, oEnd > o ? outEdges[oEnd - 1]! : -1);
    f.last[a] = lastEdge >= 0 ? at[lastEdge]! : Number.NaN;
    while (i < iEnd || o < oEnd) {
      if (o >= oEnd || (i < iEnd && inEdges[i]! < outEdges[o]!)) {
        const e = inEdges[i++]!;
        const p = from[e]!;
        lotAmount[top] = amount[e]!;
        lotOrig[top] = amount[e]!;
        lotFwd[top] = 0;
        lotAt[top] = at[e]!;
        lotPayer[top++] = p;
        inSum += amount[e]!;
        if (seenPayer[p] !== a) {
          seenPayer[p] = a;
          payers++;
        }
        continue;
      }
      const e = outEdges[o++]!;
      const q = to[e]!;
      const t = at[e]!;
      let rem = amount[e]!;
      outSum += rem;
      if (seenPayee[q] !== a) {
        seenPayee[q] = a;
        payees++;
      }
      let recent = 0;
      while (rem > 0 && top > 0) {
        const l = top - 1;
        const take = Math.min(lotAmount[l]!, rem);
        const dt = t - lotAt[l]!;
        pieceDt[pieces] = dt;
        pieceW[pieces++] = take;
        matched += take;
        if (dt <= windowMs) {
          recent += take;
          lotFwd[l]! += take;
          const p = lotPayer[l]!;
          if (seenFwdPayer[p] !== a) {
            seenFwdPayer[p] = a;
            fwdByPayer[p] = 0;
            fwdPayerList[fwdPayers++] = p;
          }
          fwdByPayer[p]! += take;
        }
        rem -= take;
        lotAmount[l]! -= take;
        if (lotAmount[l]! <= 0) {
          if (lotFwd[l]! * 2 >= lotOrig[l]!) dedicated++;
          top--;
        }
      }
      forwarded += recent;
      if (recent > 0) {
        if (seenFwdPayee[q] !== a) {
          seenFwdPayee[q] = a;
          fwdByPayee[q] = 0;
          fwdPayeeList[fwdPayees++] = q;
        }
        fwdByPayee[q]! += recent;
      }
      if (recent * 2 >= amount[e]!) dedicated++;
    }
    for (let l = 0; l < top; l++) if (lotFwd[l]! * 2 >= lotOrig[l]!) dedicated++;
    let bigPayers = 0;
    let bigPayees = 0;
    for (let k = 0; k < fwdPayers; k++) if (fwdByPayer[fwdPayerList[k]!]! >= SIGNIFICANT * forwarded) bigPayers++;
    for (let k = 0; k < fwdPayees; k++) if (fwdByPayee[fwdPayeeList[k]!]! >= SIGNIFICANT * forwarded) bigPayees++;
    f.inSum[a] = inSum;
    f.outSum[a] = outSum;
    f.forwarded[a] = forwarded;
    f.passThrough[a] = inSum > 0 ? forwarded / inSum : 0;
    f.fundedShare[a] = outSum > 0 ? forwarded / outSum : 0;
    f.payers[a] = payers;
    f.payees[a] = payees;
    f.forwardPayers[a] = bigPayers;
    f.forwardPayees[a] = bigPayees;
    f.dedicatedShare[a] = dedicated / (iEnd - inStart[a]! + oEnd - outStart[a]!);
    if (pieces > 0) f.dwellMedian[a] = weightedMedian(pieceDt, pieceW, order, pieces, matched);
  }
  return f;
}

function weightedMedian(dt: Float64Array, w: Float64Array, order: Uint32Array, n: number, total: number): number {
  if (n === 1) return dt[0]!;
  const idx = order.subarray(0, n);
  for (let k = 0; k < n; k++) idx[k] = k;
  idx.sort((x, y) => dt[x]! - dt[y]!);
  let acc = 0;
  for (let k = 0; k < n; k++) {
    acc += w[idx[k]!]!;
    if (acc * 2 >= total) return dt[idx[k]!]!;
  }
  return dt[idx[n - 1]!]!;
}
