import { useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage } from './api.ts';

/**
 * One payment fetched by id, again whenever the id changes; `onSeen` hears of each fetched copy (a list
 * shows it as fresh). A 404 reads as not found or not the organization's: the API does not tell them apart.
 */
export function usePaymentById<T>(id: string, fetch: (id: string) => Promise<T>, onSeen: (payment: T) => void) {
  const [payment, setPayment] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  // callers pass fresh functions on every render; the payment is fetched once per id
  const calls = useRef({ fetch, onSeen });
  calls.current = { fetch, onSeen };

  useEffect(() => {
    let cancelled = false;
    setPayment(undefined);
    setError(undefined);
    calls.current
      .fetch(id)
      .then((p) => {
        if (cancelled) return;
        setPayment(p);
        calls.current.onSeen(p);
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        setError(
          err instanceof ApiError && err.status === 404
            ? `Payment ${id} was not found, or it is not one your organization sent or received.`
            : errorMessage(err),
        );
      });
    return () => {
      cancelled = true;
    };
  }, [id]);

  return { payment, setPayment, error, setError };
}
