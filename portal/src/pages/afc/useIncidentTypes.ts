import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import type { IncidentType, IncidentTypes } from '../../types.ts';

/**
 * The metadata matrix (transaction types and the field catalogue), read once per page load: the operator
 * publishes new versions rarely, and a card filed against an older one is refused with the field named.
 */
let cached: Promise<IncidentTypes> | undefined;

export function useIncidentTypes(): { matrix: IncidentTypes | undefined; error: string | undefined } {
  const [matrix, setMatrix] = useState<IncidentTypes | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let cancelled = false;
    cached ??= api.afc.incidentTypes();
    cached.then(
      (m) => !cancelled && setMatrix(m),
      (err: unknown) => {
        cached = undefined;
        if (!cancelled) setError(errorMessage(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return { matrix, error };
}

/** A transaction type's label, or its code while the matrix loads. */
export const typeLabel = (matrix: IncidentTypes | undefined, type: string): string =>
  matrix?.types.find((t) => t.type === type)?.definition.label ?? type;

/** A field's label from the catalogue, or its name. */
export const fieldLabel = (matrix: IncidentTypes | undefined, field: string): string =>
  matrix?.fields[field]?.label ?? field;

/** The fields of a type: mandatory first, then optional, in the matrix's order. */
export const fieldsOf = (t: IncidentType): { name: string; mandatory: boolean }[] => [
  ...t.definition.mandatory.map((name) => ({ name, mandatory: true })),
  ...t.definition.optional.map((name) => ({ name, mandatory: false })),
];
