import { type ReactNode, useId } from 'react';

interface Props {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  /** Marks the field as required (a star after the label; the control should carry `required`). */
  required?: boolean;
  /** Renders the control; receives the ids to wire label, hint and error to it. */
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

/** A labelled form control with an optional hint and an error message announced to assistive tech. */
export function Field({ label, error, hint, required, children }: Props) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      {required ? (
        // the star stays out of the label: the control's name is the label alone, `required` says the rest
        <span className="field-label-row">
          <label htmlFor={id}>{label}</label>
          <span className="field-required" aria-hidden="true" title="required">
            *
          </span>
        </span>
      ) : (
        <label htmlFor={id}>{label}</label>
      )}
      {children({ id, describedBy, invalid: Boolean(error) })}
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The attributes that wire a control to its Field's label, hint and error. */
export const controlProps = ({
  id,
  describedBy,
  invalid,
}: {
  id: string;
  describedBy: string | undefined;
  invalid: boolean;
}) => ({
  id,
  'aria-invalid': invalid || undefined,
  'aria-describedby': describedBy,
});
