import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { WhenCell } from '../../components/cells.tsx';
import { ListCount } from '../../components/DataTable.tsx';
import { RefreshButton } from '../../components/detail.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { AfcTabs } from '../../components/Tabs.tsx';
import { formatCount } from '../../format.ts';
import type { IncidentNotification, Me } from '../../types.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { usePagedList } from '../../usePagedList.ts';
import { incidentActionLabel } from './afcLabels.ts';
import { inboxChanged } from './useAfcUnread.ts';

/** The server's page size (its default limit). */
const PAGE_SIZE = 50;

/**
 * The notification inbox: every step on a card the organisation filed or is related to (law enforcement:
 * every card; the operator: escalations), newest first, with the unread count. Opening a card or “Mark read”
 * marks a notification read.
 */
export function InboxPage({ me }: { me: Me }) {
  const paged = usePagedList<IncidentNotification>();
  const { list, error, loading, start, reload, update } = paged;
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [unread, setUnread] = useState<number | undefined>();
  const [markError, setMarkError] = useState<string | undefined>();

  useEffect(() => {
    void start(async (after) => {
      const page = await api.afc.notifications({ unread: unreadOnly, after });
      setUnread(page.unread);
      return page;
    });
  }, [start, unreadOnly]);

  const markRead = async (n: IncidentNotification) => {
    if (n.readAt) return;
    try {
      await api.afc.markRead(n.id);
      const at = new Date().toISOString();
      update((x) => (x.id === n.id ? { ...x, readAt: at } : x));
      setUnread((u) => (u === undefined ? u : Math.max(0, u - 1)));
      setMarkError(undefined);
      inboxChanged();
    } catch (err) {
      setMarkError(errorMessage(err));
    }
  };

  const items = list?.items ?? [];

  return (
    <section aria-labelledby="inbox-title">
      <div className="page-head">
        <h1 id="inbox-title">Anti-fraud · Inbox</h1>
        <div className="page-actions">
          <RefreshButton
            loading={loading}
            onClick={() => {
              void reload();
              inboxChanged();
            }}
          />
        </div>
      </div>
      <AfcTabs me={me} current="afc-inbox" />
      {error && <Alert>{error}</Alert>}
      {markError && <Alert>{markError}</Alert>}
      <div className="panel">
        <div className="table-toolbar">
          <div className="toolbar-fields">
            <label className="checkbox">
              <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> Unread
              only
            </label>
          </div>
          <ListCount testId="inbox-unread">
            {unread === undefined ? '' : unread === 0 ? 'Nothing unread' : `${formatCount(unread)} unread`}
          </ListCount>
        </div>
        <p className="muted panel-lead">
          Every step on the incident cards your organisation filed or is related to; each is also sent to your systems
          as a signed <span className="mono">afc.incident</span> webhook.
        </p>
        <PagedTable
          paged={paged}
          pageSize={PAGE_SIZE}
          labelledBy="inbox-title"
          testId="notifications"
          columns={['Received', 'Incident', 'What happened', 'Summary', 'Read']}
          loading="Loading notifications…"
          empty={unreadOnly ? 'Nothing unread.' : 'No notifications.'}
        >
          {items.map((n) => (
            <tr
              key={n.id}
              data-notification-id={n.id}
              data-incident-id={n.incidentId}
              data-kind={n.kind}
              data-read={n.readAt ? 'true' : 'false'}
              className={n.readAt ? undefined : 'unread-row'}
            >
              <td>
                <WhenCell iso={n.at} />
              </td>
              <th scope="row" className="mono cell-id">
                <a href={hrefOf('afc', n.incidentId)} onClick={() => void markRead(n)}>
                  {n.incidentId}
                </a>
              </th>
              <td data-testid="notification-kind">{incidentActionLabel(n.kind)}</td>
              <td>{n.summary}</td>
              <td>
                {n.readAt ? (
                  <span className="muted">Read</span>
                ) : (
                  <button type="button" className="btn btn-small" onClick={() => void markRead(n)}>
                    Mark read
                  </button>
                )}
              </td>
            </tr>
          ))}
        </PagedTable>
      </div>
    </section>
  );
}
