import type { PagedList } from '../usePagedList.ts';

/** "Load N more" under a paged table, while the server has more. */
export function LoadMore({
  paged,
  pageSize,
}: {
  paged: Pick<PagedList<unknown>, 'list' | 'loading' | 'more'>;
  pageSize: number;
}) {
  if (!paged.list?.next) return null;
  return (
    <div className="table-more">
      <button type="button" className="btn" disabled={paged.loading} onClick={() => void paged.more()}>
        {paged.loading ? 'Loading…' : `Load ${pageSize} more`}
      </button>
    </div>
  );
}
