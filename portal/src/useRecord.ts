import { type Dispatch, type SetStateAction, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage } from './api.ts';

export interface FetchedRecord<T> {
  /** Undefined until the first answer for this key. */
  record: T | undefined;
  /** Replaces the record shown (a step answered with its new state). */
  setRecord: Dispatch<SetStateAction<T | undefined>>;
  error: string | undefined;
  setError: (error: string | undefined) => void;
  loading: boolean;
  /** Fetches it again, keeping the copy shown until the answer. */
  reload: () => Promise<void>;
}

/**
 * One record fetched by its key, again whenever the key changes and on `reload`; an answer that arrives after a
 * newer fetch started is dropped. A 404 reads as `notFound`: the API answers 404 alike for a record that does
 * not exist and one the caller may not see. `onSeen` hears of each copy fetched.
 */
export function useRecord<T>(
  key: string,
  fetch: (key: string) => Promise<T>,
  notFound: string,
  onSeen?: (record: T) => void,
): FetchedRecord<T> {
  const [record, setRecord] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  // callers pass fresh functions and messages on every render; the record is fetched once per key
  const calls = useRef({ fetch, notFound, onSeen });
  calls.current = { fetch, notFound, onSeen };
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const r = await calls.current.fetch(key);
      if (mine !== generation.current) return;
      setRecord(r);
      setError(undefined);
      calls.current.onSeen?.(r);
    } catch (err) {
      if (mine !== generation.current) return;
      setError(err instanceof ApiError && err.status === 404 ? calls.current.notFound : errorMessage(err));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [key]);

  useEffect(() => {
    setRecord(undefined);
    setError(undefined);
    void reload();
    return () => {
      generation.current++;
    };
  }, [reload]);

  return { record, setRecord, error, setError, loading, reload };
}
