import { useCallback, useRef, useState } from 'react';
import { errorMessage } from './api.ts';

export interface Page<T> {
  items: T[];
  /** Cursor of the next page, or null on the last one. */
  next: string | null;
}

/** Fetches one page: the first when `after` is undefined, else the one after that cursor. */
export type PageSource<T> = (after: string | undefined) => Promise<Page<T>>;

export interface PagedList<T> {
  /** The pages loaded so far, undefined until the first answers. */
  list: Page<T> | undefined;
  error: string | undefined;
  loading: boolean;
  /** Starts over from another source (a new filter): the items shown are dropped. */
  start: (source: PageSource<T>) => Promise<void>;
  /** Loads the first page again from the same source, keeping the items shown until it answers. */
  reload: () => Promise<void>;
  /** Appends the next page. */
  more: () => Promise<void>;
  /** Replaces items in place (an item seen fresher elsewhere). */
  update: (fn: (item: T) => T) => void;
}

/**
 * A list loaded page by page from a cursor API. Answers to an earlier source or reload that arrive late
 * are dropped, so a quick change of filter never shows the previous filter's items.
 */
export function usePagedList<T>(): PagedList<T> {
  const [list, setList] = useState<Page<T> | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const source = useRef<PageSource<T> | undefined>(undefined);
  const next = useRef<string | null>(null);
  const generation = useRef(0);

  const fetchPage = useCallback(async (after?: string) => {
    const from = source.current;
    if (!from) return;
    const mine = after ? generation.current : ++generation.current;
    setLoading(true);
    try {
      const page = await from(after);
      if (mine !== generation.current) return;
      next.current = page.next;
      setList((prev) => ({ items: after && prev ? [...prev.items, ...page.items] : page.items, next: page.next }));
      setError(undefined);
    } catch (err) {
      if (mine === generation.current) setError(errorMessage(err));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  const start = useCallback(
    (from: PageSource<T>) => {
      source.current = from;
      next.current = null;
      setList(undefined);
      return fetchPage();
    },
    [fetchPage],
  );
  const reload = useCallback(() => fetchPage(), [fetchPage]);
  const more = useCallback(() => (next.current ? fetchPage(next.current) : Promise.resolve()), [fetchPage]);
  const update = useCallback(
    (fn: (item: T) => T) => setList((prev) => prev && { ...prev, items: prev.items.map(fn) }),
    [],
  );
  return { list, error, loading, start, reload, more, update };
}
