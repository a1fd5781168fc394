import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { PartyCells, PaymentRowHead, WhenCell } from '../../components/cells.tsx';
import { ListCount, numCol } from '../../components/DataTable.tsx';
import { PaymentSearch, SelectFilter, StatusFilter } from '../../components/filters.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { IcsTabs } from '../../components/Tabs.tsx';
import { paymentMatches, useDirectory } from '../../directory.ts';
import { formatMinor, reasonLabel, shownCount } from '../../format.ts';
import { overseesIcs } from '../../roles.ts';
import {
  type CurrentCycle,
  type Cycle,
  ICS_PAYMENT_STATUSES,
  type IcsPayment,
  type IcsPaymentStatus,
  type Me,
} from '../../types.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { usePagedList } from '../../usePagedList.ts';
import { CycleLink } from './cycle.tsx';
import { IcsPaymentDetail } from './IcsPaymentDetail.tsx';

/** The server's page size (its default limit). */
const PAGE_SIZE = 100;

const STATUS_LABELS: Record<IcsPaymentStatus, string> = {
  accepted: 'Accepted',
  settled: 'Settled',
  rejected: 'Rejected',
};

/** The list's filter as kept in the URL query: `cycle` ('' = the current cycle) and `status`. */
function filterOf(query: string): { cycle: string; status: IcsPaymentStatus | '' } {
  const q = new URLSearchParams(query);
  const status = q.get('status') ?? '';
  return {
    cycle: q.get('cycle') ?? '',
    status: (ICS_PAYMENT_STATUSES as readonly string[]).includes(status) ? (status as IcsPaymentStatus) : '',
  };
}

const queryOf = (f: { cycle: string; status: string }): string =>
  new URLSearchParams({ ...(f.cycle ? { cycle: f.cycle } : {}), ...(f.status ? { status: f.status } : {}) }).toString();

/** The cycles a user may pick: the current one first, then the latest (and the one in the URL). */
function useCycleChoices(): { current: CurrentCycle | undefined; cycles: Cycle[] } {
  const [current, setCurrent] = useState<CurrentCycle | undefined>();
  const [cycles, setCycles] = useState<Cycle[]>([]);
  useEffect(() => {
    let cancelled = false;
    // without them the list still works on the current cycle and on one named in the URL
    api.ics
      .current()
      .then((c) => !cancelled && setCurrent(c))
      .catch(() => undefined);
    api.ics
      .cycles()
      .then((p) => !cancelled && setCycles(p.items))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  return { current, cycles };
}

/** ICS payments of a cycle, searched and filtered; with a payment id in the URL, that payment in detail. */
export function IcsPaymentsPage({ me, paymentId, query }: { me: Me; paymentId: string | undefined; query: string }) {
  const oversight = overseesIcs(me);
  const ownBic = oversight ? null : me.participant.bic;
  const dir = useDirectory(me);
  const { cycle, status } = filterOf(query);
  const [search, setSearch] = useState('');
  const { current, cycles } = useCycleChoices();
  const paged = usePagedList<IcsPayment>();
  const { list, error, loading, start, reload, update } = paged;
  // the detail's way back keeps the list's filter
  const listQuery = useRef('');
  if (!paymentId) listQuery.current = query;

  // loads when the filter changes; back from a payment's detail the list is kept as it was
  const loadedFilter = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (paymentId || loadedFilter.current === `${cycle}|${status}`) return;
    loadedFilter.current = `${cycle}|${status}`;
    void start((after) => api.ics.payments({ cycleId: cycle || undefined, status: status || undefined, after }));
  }, [start, cycle, status, paymentId]);

  const visible = useMemo(() => list?.items.filter((p) => paymentMatches(p, search, dir)), [list, search, dir]);

  const setFilter = (f: { cycle: string; status: string }) => {
    window.location.hash = hrefOf('ics-payments', undefined, queryOf(f));
  };

  if (paymentId) {
    return (
      <section aria-labelledby="payment-title">
        <div className="page-head">
          <h1 id="payment-title">ICS · Payment</h1>
        </div>
        <IcsTabs current="ics-payments" />
        <IcsPaymentDetail
          id={paymentId}
          dir={dir}
          backHref={hrefOf('ics-payments', undefined, listQuery.current)}
          onSeen={(p) => update((x) => (x.id === p.id ? p : x))}
        />
      </section>
    );
  }

  const shownCycle = cycle || current?.id;
  const choices = cycles.map((c) => ({ value: c.id, label: `${c.id} · ${c.status}` }));
  if (cycle && !choices.some((c) => c.value === cycle)) choices.unshift({ value: cycle, label: cycle });

  return (
    <section aria-labelledby="payments-title">
      <div className="page-head">
        <h1 id="payments-title">ICS · Payments</h1>
        <button type="button" className="btn" onClick={() => void reload()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <IcsTabs current="ics-payments" />
      {error && <Alert>{error}</Alert>}

      <div className="panel">
        <div className="table-toolbar">
          <div className="toolbar-fields">
            <SelectFilter
              id="ics-payments-cycle"
              label="Cycle"
              value={cycle}
              onChange={(v) => setFilter({ cycle: v, status })}
              allLabel={`Current cycle${current ? ` (${current.id})` : ''}`}
              options={choices}
            />
            <StatusFilter
              id="ics-payments-status"
              value={status}
              onChange={(v) => setFilter({ cycle, status: v })}
              statuses={ICS_PAYMENT_STATUSES}
              labels={STATUS_LABELS}
            />
            <PaymentSearch id="ics-payments-search" value={search} onChange={setSearch} />
          </div>
          {list && (
            <ListCount testId="payments-count">
              {shownCount(visible?.length ?? 0, list.items.length, list.next !== null)}
            </ListCount>
          )}
        </div>
        {shownCycle && (
          <p className="muted panel-lead">
            Cycle <CycleLink id={shownCycle} />.{' '}
            {oversight ? 'Every participant’s payments' : 'Payments your bank sent or received'}; accepted payments
            settle or are rejected when the cycle closes.
          </p>
        )}
        <PagedTable
          paged={paged}
          pageSize={PAGE_SIZE}
          shown={visible?.length}
          labelledBy="payments-title"
          testId="payments"
          columns={[
            'Payment',
            ownBic && 'Direction',
            'Sender',
            'Receiver',
            numCol('Amount'),
            'Status',
            'Reason',
            'Received',
          ]}
          loading="Loading payments…"
          empty={
            list?.items.length
              ? 'No loaded payment matches the search.'
              : status
                ? `No ${STATUS_LABELS[status].toLowerCase()} payments in this cycle.`
                : 'No payments in this cycle yet.'
          }
        >
          {visible?.map((p) => (
            <tr key={p.id} data-payment-id={p.id}>
              <PaymentRowHead payment={p} route="ics-payments" senderBic={p.senderBic} ownBic={ownBic} />
              <PartyCells from={p.senderBic} to={p.receiverBic} dir={dir} />
              <td className="num amount">{formatMinor(p.amount, p.currency)}</td>
              <td>
                <StatusBadge status={p.status} />
              </td>
              <td data-testid="reason">{p.reason ? reasonLabel(p.reason) : '—'}</td>
              <td>
                <WhenCell iso={p.createdAt} />
              </td>
            </tr>
          ))}
        </PagedTable>
      </div>
    </section>
  );
}
