/** Synthetic payment traffic with labelled fraud: the public interface of src/afc/synthetic. */
export {
  DEFAULT_BANKS,
  generateSynthetic,
  ibanValid,
  kzIban,
  REGIONS,
  type SyntheticDataset,
  syntheticTraffic,
} from './generator.ts';
export { hash01, type Rng, rng } from './prng.ts';
export {
  type AccountKind,
  type AccountLabel,
  AGE_BANDS,
  type AgeBand,
  FRAUD_PATTERNS,
  type FraudPattern,
  type Rail,
  type SyntheticAccount,
  type SyntheticConfig,
  type SyntheticPayment,
} from './types.ts';
