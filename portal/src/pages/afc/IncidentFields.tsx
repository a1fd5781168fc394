import { controlProps, Field } from '../../components/Field.tsx';
import type { IncidentFieldDef, IncidentTypes } from '../../types.ts';
import { enumLabel } from './afcLabels.ts';

/** What to type, by the field's format. */
const HINTS: Record<string, string> = {
  datetime: 'UTC',
  amount: 'KZT, e.g. 180000.00',
  phone: 'E.164 (+77011234567) or local (8 701 123 45 67)',
  iin: '12 digits',
  account: 'IBAN (KZ…)',
  bic: '8 or 11 characters',
  bin: '6 to 8 digits',
  card: 'the card token, never the card number',
  device: 'IMEI, 15 digits',
  url: 'host and path',
};

/** A `datetime-local` value (read as UTC) as ISO 8601, or the text as typed. */
export const utcInstant = (local: string): string =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)
    ? `${local}:00Z`
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(local)
      ? `${local}Z`
      : local;

/** The values typed, trimmed, without the empty ones; instants as ISO 8601 UTC. */
export function detailsOf(values: Record<string, string>, fields: IncidentTypes['fields']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    const t = v.trim();
    if (t) out[k] = fields[k]?.format === 'datetime' ? utcInstant(t) : t;
  }
  return out;
}

/** One field of a card, its control by its format: a select of its values, a date and time, a text. */
function IncidentField({
  name,
  def,
  required,
  value,
  error,
  onChange,
}: {
  name: string;
  def: IncidentFieldDef;
  required: boolean;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const identifier = !['text', 'enum', 'datetime', 'amount'].includes(def.format);
  return (
    <Field label={def.label} error={error} hint={HINTS[def.format]} required={required}>
      {(ids) => {
        const common = { ...controlProps(ids), name, required, value };
        if (def.format === 'enum') {
          return (
            <select {...common} onChange={(e) => onChange(e.target.value)}>
              <option value="">{required ? 'Choose…' : '—'}</option>
              {(def.values ?? []).map((v) => (
                <option key={v} value={v}>
                  {enumLabel(name, v)}
                </option>
              ))}
            </select>
          );
        }
        if (def.format === 'text') {
          return <textarea {...common} rows={3} maxLength={4000} onChange={(e) => onChange(e.target.value)} />;
        }
        return (
          <input
            {...common}
            type={def.format === 'datetime' ? 'datetime-local' : 'text'}
            step={def.format === 'datetime' ? 1 : undefined}
            inputMode={def.format === 'amount' ? 'decimal' : undefined}
            className={identifier ? 'mono' : undefined}
            autoComplete="off"
            onChange={(e) => onChange(e.target.value)}
          />
        );
      }}
    </Field>
  );
}

/**
 * The fields of a card as the matrix defines them (mandatory ones starred), with the server's messages
 * by each; long texts take a row of their own.
 */
export function IncidentFieldsEditor({
  fields,
  catalogue,
  values,
  errors,
  onChange,
}: {
  fields: readonly { name: string; mandatory: boolean }[];
  catalogue: IncidentTypes['fields'];
  values: Record<string, string>;
  errors: Record<string, string>;
  onChange: (name: string, value: string) => void;
}) {
  const shown = fields.filter((f) => catalogue[f.name]);
  const short = shown.filter((f) => catalogue[f.name]!.format !== 'text');
  const long = shown.filter((f) => catalogue[f.name]!.format === 'text');
  const control = (f: { name: string; mandatory: boolean }) => (
    <IncidentField
      key={f.name}
      name={f.name}
      def={catalogue[f.name]!}
      required={f.mandatory}
      value={values[f.name] ?? ''}
      error={errors[f.name]}
      onChange={(v) => onChange(f.name, v)}
    />
  );
  return (
    <>
      <div className="form-grid">{short.map(control)}</div>
      {long.map(control)}
    </>
  );
}
