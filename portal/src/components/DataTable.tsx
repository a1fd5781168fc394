import type { ReactNode } from 'react';

/** A column header: its label, or its label and the classes of its cells. */
export type Column = string | { label: string; className: string };

/** A right-aligned (numeric) column. */
export const numCol = (label: string): Column => ({ label, className: 'num' });

export interface DataTableProps {
  /** The table's accessible name: the id of the heading that names it, or a label. */
  labelledBy?: string;
  label?: string;
  testId: string;
  /** The column headers; false, null or undefined for a column not shown. */
  columns: readonly (Column | false | null | undefined)[];
  /** A line across all columns instead of rows (loading, nothing to show); none when undefined. */
  message?: ReactNode;
  /** The rows. */
  children?: ReactNode;
}

/** A table under its toolbar: headers from `columns`, a message row while loading or empty, then the rows. */
export function DataTable({ labelledBy, label, testId, columns, message, children }: DataTableProps) {
  const shown = columns.filter((c): c is Column => Boolean(c));
  return (
    <div className="table-wrap">
      <table aria-labelledby={labelledBy} aria-label={label} data-testid={testId}>
        <thead>
          <tr>
            {shown.map((c) =>
              typeof c === 'string' ? (
                <th key={c} scope="col">
                  {c}
                </th>
              ) : (
                <th key={c.label} scope="col" className={c.className}>
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>
          {message !== undefined && (
            <tr>
              <td colSpan={shown.length} className="muted">
                {message}
              </td>
            </tr>
          )}
          {children}
        </tbody>
      </table>
    </div>
  );
}

/** The count of shown items in a table's toolbar, read out when it changes. */
export function ListCount({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <span className="muted" aria-live="polite" data-testid={testId}>
      {children}
    </span>
  );
}
