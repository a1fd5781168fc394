import { useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { hasAfcInbox } from '../../roles.ts';
import type { Me } from '../../types.ts';

const CHANGED = 'ndfi:afc-inbox-changed';

/** Tells the navigation that notifications were read (its unread count is asked for again). */
export const inboxChanged = (): void => {
  window.dispatchEvent(new Event(CHANGED));
};

/**
 * The number of unread incident notifications, for the navigation: asked for when `key` changes (the
 * screen shown) and when the inbox says notifications were read; undefined for users without an inbox.
 */
export function useAfcUnread(me: Me, key: unknown): number | undefined {
  const enabled = hasAfcInbox(me);
  const [unread, setUnread] = useState<number | undefined>();
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    const onChange = () => setChanges((n) => n + 1);
    window.addEventListener(CHANGED, onChange);
    return () => window.removeEventListener(CHANGED, onChange);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` and `changes` ask for a fresh count
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    api.afc
      .notifications({ unread: true, limit: 1 })
      .then((r) => !cancelled && setUnread(r.unread))
      // the count is a hint: a failure leaves the last one shown
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [enabled, key, changes]);
  return enabled ? unread : undefined;
}
