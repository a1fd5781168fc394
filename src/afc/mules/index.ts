/** Mule-network detection over the payment graph: the public interface of src/afc/mules. */
export { type Chains, chainsFrom } from './chains.ts';
export { type Communities, communities } from './communities.ts';
export { type FraudDemoOptions, type FraudDemoResult, formatFraudDemo, fraudDemo } from './demo.ts';
export {
  DEFAULT_THRESHOLDS,
  detectInGraph,
  detectMules,
  formatHours,
  formatKzt,
  type MuleOptions,
  type MuleProposal,
  type MuleReport,
  type MuleSignal,
  type MuleThresholds,
  SIGNAL_WEIGHTS,
  type SignalName,
} from './detect.ts';
export { type Evaluation, precisionRecall } from './evaluate.ts';
export { type AccountFeatures, accountFeatures, SIGNIFICANT } from './features.ts';
export { type FrozenGraph, type PaymentEdge, PaymentGraph } from './graph.ts';
