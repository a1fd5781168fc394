import { useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { overseesImts } from '../../roles.ts';
import type { Me, Participant } from '../../types.ts';

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
  const [dir, setDir] = useState<Directory>(() => (overseesImts(me) ? EMPTY : ownOnly(me)));
  const oversight = overseesImts(me);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey asks for a fresh copy of the registry
  useEffect(() => {
    if (!oversight) return;
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
  }, [oversight, reloadKey]);
  return dir;
}
