import { useRecord } from './useRecord.ts';

/**
 * One payment fetched by id, again whenever the id changes; `onSeen` hears of each fetched copy (a list
 * shows it as fresh). A 404 reads as not found or not the organization's: the API does not tell them apart.
 */
export function usePaymentById<T>(id: string, fetch: (id: string) => Promise<T>, onSeen: (payment: T) => void) {
  const { record, setRecord, error, setError } = useRecord(
    id,
    fetch,
    `Payment ${id} was not found, or it is not one your organization sent or received.`,
    onSeen,
  );
  return { payment: record, setPayment: setRecord, error, setError };
}
