interface SelectFilterProps<V extends string> {
  id: string;
  label: string;
  value: V | '';
  onChange: (value: V | '') => void;
  /** The first choice, for no filter (value ''). */
  allLabel: string;
  options: readonly { value: V; label: string }[];
  /** Extra classes of the field (field-narrow). */
  className?: string;
}

/** A compact select filtering a table from its toolbar. */
export function SelectFilter<V extends string>({
  id,
  label,
  value,
  onChange,
  allLabel,
  options,
  className,
}: SelectFilterProps<V>) {
  return (
    <div className={className ? `field field-compact ${className}` : 'field field-compact'}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as V | '')}>
        <option value="">{allLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The choices of a status filter, from the statuses and their labels. */
export const statusOptions = <S extends string>(statuses: readonly S[], labels: Record<S, string>) =>
  statuses.map((s) => ({ value: s, label: labels[s] }));

/** A wide search box in a table's toolbar. */
export function SearchFilter({
  id,
  label,
  placeholder,
  value,
  onChange,
}: {
  id: string;
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field field-compact field-wide">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** A status filter: every status, or one of `statuses` by its label. */
export function StatusFilter<S extends string>({
  id,
  value,
  onChange,
  statuses,
  labels,
}: {
  id: string;
  value: S | '';
  onChange: (value: S | '') => void;
  statuses: readonly S[];
  labels: Record<S, string>;
}) {
  return (
    <SelectFilter
      id={id}
      label="Status"
      className="field-narrow"
      value={value}
      onChange={onChange}
      allLabel="All statuses"
      options={statusOptions(statuses, labels)}
    />
  );
}

/** The search over the loaded payments of a list. */
export const PaymentSearch = ({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
}) => (
  <SearchFilter
    id={id}
    label="Search payments"
    placeholder="Payment ID, message ID, end-to-end ID, BIC or bank"
    value={value}
    onChange={onChange}
  />
);
