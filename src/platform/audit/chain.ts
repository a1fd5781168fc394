import { canonicalJson, sha256Hex } from './canonical.ts';

/** What the first entry chains from. Versioned so a future hash scheme starts a distinguishable chain. */
export const GENESIS_HASH = sha256Hex('ndfi-audit-genesis-v1');

export interface ChainedFields {
  seq: bigint;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  digest: string;
}

/**
 * hash = sha256(prev_hash ‖ canonical JSON of the entry's fields). The seq is inside, so moving an entry
 * changes its hash; the details enter through their digest, so the chain can be verified from the
 * digest alone even where details are redacted.
 */
export function entryHash(prevHash: string, f: ChainedFields): string {
  return sha256Hex(
    prevHash +
      canonicalJson({
        seq: f.seq,
        at: f.at,
        actor: f.actor,
        action: f.action,
        entity: f.entity,
        entityId: f.entityId,
        digest: f.digest,
      }),
  );
}
