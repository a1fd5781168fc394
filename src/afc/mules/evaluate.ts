/** Precision and recall of proposals against ground truth (the synthetic generator's labels). */
export interface Evaluation {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

export function precisionRecall(proposed: Iterable<string>, positives: Iterable<string>): Evaluation {
  const truth = new Set(positives);
  const seen = new Set<string>();
  let tp = 0;
  let fp = 0;
  for (const a of proposed) {
    if (seen.has(a)) continue;
    seen.add(a);
    if (truth.has(a)) tp++;
    else fp++;
  }
  const fn = truth.size - tp;
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: truth.size === 0 ? 1 : tp / truth.size,
  };
}
