import { useEffect, useState } from 'react';
import { api } from './api.ts';
import { canListParticipants } from './roles.ts';
import type { Me, Participant } from './types.ts';

/** Names of the participants behind BICs and ledger owners, as far as this session may know them. */
export interface Directory {
  byBic: ReadonlyMap<string, Participant>;
  byId: ReadonlyMap<string, Participant>;
  /** Every participant, for oversight; empty for a bank. */
  all: readonly Participant[];
}

const EMPTY: Directory = { byBic: new Map(), byId: new Map(), all: [] };

function ownOnly(me: Me): Directory {
  const own: Participant = {
    id: me.participant.id,
    name: me.participant.name,
    type: me.participant.type,
    bic: me.participant.bic,
    status: 'active',
    taxId: null,
    binRanges: [],
    roles: [],
    createdAt: '',
  };
  return {
    byBic: new Map(own.bic ? [[own.bic, own]] : []),
    byId: new Map([[own.id, own]]),
    all: [],
  };
}

/**
 * Oversight staff read the participant registry (names for every BIC); a bank knows its own name only.
 * A registry that cannot be read leaves BICs unnamed rather than failing the screen.
 */
export function useDirectory(me: Me, reloadKey = 0): Directory {
  const registry = canListParticipants(me);
  const [dir, setDir] = useState<Directory>(() => (registry ? EMPTY : ownOnly(me)));
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey asks for a fresh copy of the registry
  useEffect(() => {
    if (!registry) return;
    let cancelled = false;
    api
      .participants()
      .then(({ items }) => {
        if (cancelled) return;
        setDir({
          byBic: new Map(items.filter((p) => p.bic).map((p) => [p.bic!, p])),
          byId: new Map(items.map((p) => [p.id, p])),
          all: items,
        });
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [registry, reloadKey]);
  return dir;
}

/** A payment's fields a search box looks in: its ids, both BICs and the banks' names. */
interface Searchable {
  id: string;
  msgId: string;
  txId: string;
  endToEndId: string;
  senderBic: string;
  receiverBic: string;
}

/** Whether a payment matches a search text (case-insensitive; an empty search matches everything). */
export function paymentMatches(p: Searchable, search: string, dir: Directory): boolean {
  const q = search.trim().toLowerCase();
  if (!q) return true;
  return [
    p.id,
    p.msgId,
    p.txId,
    p.endToEndId,
    p.senderBic,
    p.receiverBic,
    dir.byBic.get(p.senderBic)?.name ?? '',
    dir.byBic.get(p.receiverBic)?.name ?? '',
  ].some((v) => v.toLowerCase().includes(q));
}
