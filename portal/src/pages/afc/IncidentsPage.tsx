import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { WhenCell } from '../../components/cells.tsx';
import { ListCount, numCol } from '../../components/DataTable.tsx';
import { RefreshButton } from '../../components/detail.tsx';
import { SelectFilter, StatusFilter } from '../../components/filters.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { AfcTabs } from '../../components/Tabs.tsx';
import { useDirectory } from '../../directory.ts';
import { formatDecimalNumber, shownCount } from '../../format.ts';
import { decidesFraud, reportsFraud, seesIncidentSummaries } from '../../roles.ts';
import { INCIDENT_STATUSES, type IncidentStatus, type IncidentSummary, type Me } from '../../types.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { usePagedList } from '../../usePagedList.ts';
import { enumLabel, fraudTypeLabel, INCIDENT_STATUS_LABELS } from './afcLabels.ts';
import { IncidentCardView } from './IncidentCardView.tsx';
import { formatScore, PriorityReasons } from './incidentParts.tsx';
import { typeLabel, useIncidentTypes } from './useIncidentTypes.ts';

/** The server's page size (its default limit). */
const PAGE_SIZE = 50;

type Sort = 'newest' | 'priority';

/** How the viewer stands to a card in the list: it filed it, or it is related to it. */
const partOf = (i: IncidentSummary, me: Me): string =>
  i.reporterId === undefined ? '—' : i.reporterId === me.participant.id ? 'Filed by you' : 'Related';

/**
 * Incidents: the cards a bank, PSP or mobile operator filed or is related to; every card for law enforcement
 * (with its priority queue: open cards by score, with the reasons) and the operator; summaries without
 * personal data for the regulator. One card in detail at `#/afc/incidents/<id>`.
 */
export function IncidentsPage({ me, incidentId, query }: { me: Me; incidentId: string | undefined; query: string }) {
  const dir = useDirectory(me);
  const { matrix } = useIncidentTypes();
  const paged = usePagedList<IncidentSummary>();
  const { list, error, loading, start, reload } = paged;
  const [status, setStatus] = useState<IncidentStatus | ''>('');
  const [type, setType] = useState('');
  const [sort, setSort] = useState<Sort>('newest');
  const summaries = seesIncidentSummaries(me);
  const queue = decidesFraud(me);
  const filed = useMemo(() => new URLSearchParams(query).has('filed'), [query]);

  useEffect(() => {
    if (incidentId) return;
    void start((after) =>
      api.afc.incidents({
        status: status || undefined,
        type: type || undefined,
        sort: sort === 'priority' ? 'priority' : undefined,
        after,
      }),
    );
  }, [start, incidentId, status, type, sort]);

  if (incidentId) {
    return (
      <section aria-labelledby="incident-title">
        <div className="page-head">
          <h1 id="incident-title">Anti-fraud · Incident</h1>
        </div>
        <IncidentCardView key={incidentId} id={incidentId} me={me} dir={dir} filed={filed} />
      </section>
    );
  }

  const items = list?.items ?? [];
  const withPriority = !summaries && items.some((i) => i.priority);
  const byPriority = sort === 'priority';

  return (
    <section aria-labelledby="incidents-title">
      <div className="page-head">
        <h1 id="incidents-title">Anti-fraud · Incidents</h1>
        <div className="page-actions">
          <RefreshButton loading={loading} onClick={() => void reload()} />
          {reportsFraud(me) && (
            <a className="btn btn-primary" href={hrefOf('afc-file')}>
              File incident
            </a>
          )}
        </div>
      </div>
      <AfcTabs me={me} current="afc" />
      {error && <Alert>{error}</Alert>}
      <div className="panel">
        <div className="table-toolbar">
          <div className="toolbar-fields">
            <StatusFilter
              id="incident-status"
              value={status}
              onChange={setStatus}
              statuses={INCIDENT_STATUSES}
              labels={INCIDENT_STATUS_LABELS}
            />
            <SelectFilter
              id="incident-type"
              label="Transaction type"
              value={type}
              onChange={setType}
              allLabel="All types"
              options={(matrix?.types ?? []).map((t) => ({ value: t.type, label: t.definition.label }))}
            />
            {queue && (
              <SelectFilter<Sort>
                id="incident-sort"
                label="Order"
                className="field-narrow"
                value={sort === 'newest' ? '' : sort}
                onChange={(v) => setSort(v || 'newest')}
                allLabel="Newest first"
                options={[{ value: 'priority', label: 'Priority queue' }]}
              />
            )}
          </div>
          {list && (
            <ListCount testId="incidents-count">
              {shownCount(items.length, items.length, list.next !== null, 'incident')}
            </ListCount>
          )}
        </div>
        <p className="muted panel-lead">
          {summaries
            ? 'Every incident card, as a summary without personal data. Amounts in KZT.'
            : queue
              ? byPriority
                ? 'Open cards of each page by priority score (probability × amount at risk × recoverability), with the reasons; closed cards last.'
                : 'Every incident card, newest first. Choose the priority queue to see open cards by score.'
              : 'Cards your organisation filed, and cards it is related to (the beneficiary is its customer), newest first. Amounts in KZT.'}
        </p>
        <PagedTable
          paged={paged}
          pageSize={PAGE_SIZE}
          labelledBy="incidents-title"
          testId="incidents"
          columns={[
            'Incident',
            'Type',
            'Fraud type',
            'Outcome',
            numCol('Amount (KZT)'),
            'Region',
            'Status',
            withPriority && 'Priority',
            !summaries && !queue && me.participant.type !== 'operator' && 'Your part',
            'Happened',
            'Filed',
          ]}
          loading="Loading incidents…"
          empty={status || type ? 'No incident matches the filter.' : 'No incidents.'}
        >
          {items.map((i) => (
            <tr key={i.id} data-incident-id={i.id} data-status={i.status}>
              <th scope="row" className="mono cell-id">
                {summaries ? i.id : <a href={hrefOf('afc', i.id)}>{i.id}</a>}
              </th>
              <td>{typeLabel(matrix, i.type)}</td>
              <td>{fraudTypeLabel(i.fraudType)}</td>
              <td>{enumLabel('outcome', i.outcome)}</td>
              <td className="num amount" data-testid="amount">
                {i.amount === null ? '—' : formatDecimalNumber(i.amount, 'KZT')}
              </td>
              <td className="mono" title={i.region ?? undefined}>
                {i.region ?? '—'}
              </td>
              <td>
                <StatusBadge status={i.status} />
              </td>
              {withPriority && (
                <td data-testid="priority">
                  {i.priority ? (
                    <span className="stacked">
                      <strong data-testid="priority-score" title={i.priority.reasons.join('\n')}>
                        {formatScore(i.priority.score)}
                      </strong>
                      {byPriority && <PriorityReasons reasons={i.priority.reasons} />}
                    </span>
                  ) : (
                    <span className="muted">closed</span>
                  )}
                </td>
              )}
              {!summaries && !queue && me.participant.type !== 'operator' && <td>{partOf(i, me)}</td>}
              <td>
                <WhenCell iso={i.occurredAt} />
              </td>
              <td>
                <WhenCell iso={i.createdAt} />
              </td>
            </tr>
          ))}
        </PagedTable>
      </div>
    </section>
  );
}
