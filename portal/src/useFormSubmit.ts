import { useCallback, useState } from 'react';
import { submitErrors } from './problemFields.ts';

export interface FormSubmit {
  /** Messages by field: the form's own checks and the API's problem+json issues. */
  errors: Record<string, string>;
  setErrors: (errors: Record<string, string>) => void;
  /** Drops one field's message (the user typed in it). */
  clearError: (field: string) => void;
  /** A message for the whole form (a refusal, issues about fields the form does not show). */
  formError: string | undefined;
  busy: boolean;
  /** Runs one submission: nothing while one runs; a failure's messages go by their fields. */
  run: (submit: () => Promise<void>) => Promise<void>;
}

/**
 * The state of a form that submits to the API: busy while it runs, and the API's field errors split onto
 * the `known` fields (under `nested` maps, the key inside: `/details/amount` is `amount`), the rest above.
 */
export function useFormSubmit(
  known: readonly string[],
  opts: { fallback?: string; nested?: readonly string[] } = {},
): FormSubmit {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const { fallback, nested } = opts;
  const run = useCallback(
    async (submit: () => Promise<void>) => {
      if (busy) return;
      setBusy(true);
      setErrors({});
      setFormError(undefined);
      try {
        await submit();
      } catch (err) {
        const r = submitErrors(err, known, fallback, nested);
        setErrors(r.byField);
        setFormError(r.formError);
      } finally {
        setBusy(false);
      }
    },
    [busy, known, fallback, nested],
  );
  const clearError = useCallback(
    (field: string) =>
      setErrors((e) => {
        if (!(field in e)) return e;
        const { [field]: _dropped, ...rest } = e;
        return rest;
      }),
    [],
  );
  return { errors, setErrors, clearError, formError, busy, run };
}
