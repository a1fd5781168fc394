import type { PagedList } from '../usePagedList.ts';
import { DataTable, type DataTableProps } from './DataTable.tsx';
import { LoadMore } from './LoadMore.tsx';

/**
 * The table of a list loaded page by page: "Loading…" until the first page answers, `empty` when no row is
 * shown, the rows, then "Load N more" while the server has more.
 */
export function PagedTable({
  paged,
  pageSize,
  loading,
  empty,
  shown,
  ...table
}: Omit<DataTableProps, 'message'> & {
  paged: Pick<PagedList<unknown>, 'list' | 'error' | 'loading' | 'more'>;
  pageSize: number;
  /** The line while the first page loads, e.g. "Loading incidents…". */
  loading: string;
  /** The line when no row is shown: none loaded, or none matching the filter. */
  empty: string;
  /** How many rows are shown, when a filter of the page hides some; default every item loaded. */
  shown?: number | undefined;
}) {
  const { list, error } = paged;
  const message = !list && !error ? loading : list && (shown ?? list.items.length) === 0 ? empty : undefined;
  return (
    <>
      <DataTable {...table} message={message} />
      <LoadMore paged={paged} pageSize={pageSize} />
    </>
  );
}
