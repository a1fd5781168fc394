import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { AmountCount, BankName, Bic, PartyCells, PaymentLink, WhenCell } from '../../components/cells.tsx';
import { DataTable, numCol } from '../../components/DataTable.tsx';
import { PriorityBadge, StatusBadge } from '../../components/StatusBadge.tsx';
import { ImtsTabs } from '../../components/Tabs.tsx';
import { type Directory, useDirectory } from '../../directory.ts';
import { availableOf, dayPhaseLabel, formatMinor, formatMinorNumber, sumMinor } from '../../format.ts';
import { canCloseDay, canManageLiquidity, canResolveGridlock, overseesImts } from '../../roles.ts';
import type { ImtsBalance, LedgerAccount, Me, Payment } from '../../types.ts';
import { LiquidityForm } from './LiquidityForm.tsx';
import { canActOn, PaymentActions } from './PaymentActions.tsx';

interface MonitorData {
  queue: Payment[];
  accounts: LedgerAccount[];
  /** A bank's own view of IMTS: its available balance and the operating day. */
  balance: ImtsBalance | undefined;
}

interface GridlockOutcome {
  settled: number;
  amount: string;
  /** The payments that were queued before and are not any more, as they are now. */
  left: Payment[];
  /** Payments that left the queue but are not listed (the list is capped). */
  more: number;
}

/** How many payments that left the queue are looked up and listed after a gridlock resolution. */
const LEFT_SHOWN = 50;

interface BalanceRow {
  accountId: string;
  bic: string;
  name: string | undefined;
  creditsPosted: string;
  debitsPosted: string;
  debitsPending: string;
  available: string;
  queuedOut: string;
  queuedCount: number;
}

/** The BIC of a settlement account: its owner's, else the one in its id (`imts:<BIC>:settlement:KZT`). */
function bicOf(a: LedgerAccount, dir: Directory): string {
  return dir.byId.get(a.owner)?.bic ?? a.id.split(':')[1] ?? a.id;
}

export function ImtsMonitorPage({ me }: { me: Me }) {
  const oversight = overseesImts(me);
  const [directoryKey, setDirectoryKey] = useState(0);
  const dir = useDirectory(me, directoryKey);
  const [data, setData] = useState<MonitorData | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<{ tone: 'success' | 'info'; text: string } | undefined>();
  const [loading, setLoading] = useState(true);
  const [busy, setBusy] = useState<'gridlock' | 'end-of-day' | undefined>();
  const [gridlock, setGridlock] = useState<GridlockOutcome | undefined>();
  const [confirmEndOfDay, setConfirmEndOfDay] = useState(false);

  const load = useCallback(async (): Promise<MonitorData | undefined> => {
    setLoading(true);
    try {
      const ownsBalance = !oversight && me.participant.bic !== null;
      const [queue, accounts, balance] = await Promise.all([
        api.imts.queue(),
        api.settlementAccounts(),
        ownsBalance ? api.imts.balance() : Promise.resolve(undefined),
      ]);
      const next: MonitorData = { queue: queue.items, accounts: accounts.items, balance };
      setData(next);
      setError(undefined);
      return next;
    } catch (err) {
      setError(errorMessage(err));
      return undefined;
    } finally {
      setLoading(false);
    }
  }, [oversight, me.participant.bic]);

  useEffect(() => {
    void load();
  }, [load]);

  const refresh = () => {
    setDirectoryKey((k) => k + 1);
    void load();
  };

  const rows = useMemo((): BalanceRow[] => {
    if (!data) return [];
    return data.accounts
      .map((a) => {
        const bic = bicOf(a, dir);
        const out = data.queue.filter((p) => p.senderBic === bic);
        return {
          accountId: a.id,
          bic,
          name: dir.byBic.get(bic)?.name ?? dir.byId.get(a.owner)?.name,
          creditsPosted: a.creditsPosted,
          debitsPosted: a.debitsPosted,
          debitsPending: a.debitsPending,
          available: availableOf(a),
          queuedOut: sumMinor(out.map((p) => p.amount)),
          queuedCount: out.length,
        };
      })
      .sort((x, y) => (x.name ?? x.bic).localeCompare(y.name ?? y.bic));
  }, [data, dir]);

  const settlementBanks = useMemo(
    () =>
      dir.all.filter(
        (p) => p.bic && p.status === 'active' && p.roles.includes('settlement') && p.type !== 'central_bank',
      ),
    [dir],
  );

  const resolveGridlock = async () => {
    if (busy || !data) return;
    const before = data.queue.map((p) => p.id);
    setBusy('gridlock');
    setNotice(undefined);
    setGridlock(undefined);
    try {
      const r = await api.imts.resolveGridlock();
      const fresh = await load();
      const still = new Set((fresh?.queue ?? []).map((p) => p.id));
      const leftIds = before.filter((id) => !still.has(id));
      const found = await Promise.all(
        leftIds.slice(0, LEFT_SHOWN).map((id) => api.imts.payment(id).catch(() => undefined)),
      );
      const left = found.filter((p): p is Payment => p !== undefined);
      setGridlock({ settled: r.settled, amount: r.amount, left, more: leftIds.length - left.length });
      setNotice(
        r.settled > 0
          ? {
              tone: 'success',
              text: `Gridlock resolved: ${r.settled} ${r.settled === 1 ? 'payment' : 'payments'} settled by offsetting (${formatMinor(r.amount, 'KZT')}).`,
            }
          : { tone: 'info', text: 'No gridlock to resolve: no set of queued payments settles by offsetting.' },
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(undefined);
    }
  };

  const endOfDay = async () => {
    if (busy) return;
    setBusy('end-of-day');
    setNotice(undefined);
    setGridlock(undefined);
    try {
      const r = await api.imts.endOfDay();
      const n = Array.isArray(r?.rejected) ? r.rejected.length : 0;
      setConfirmEndOfDay(false);
      setNotice({
        tone: 'success',
        text: `Operating day closed: ${n} queued ${n === 1 ? 'payment' : 'payments'} rejected (AM04).`,
      });
      await load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(undefined);
    }
  };

  const queue = data?.queue;
  const hasOwnQueued = Boolean(queue?.some((p) => canActOn(me, p)));

  return (
    <section aria-labelledby="imts-title">
      <div className="page-head">
        <h1 id="imts-title">IMTS · Monitor</h1>
        <div className="head-actions">
          {canResolveGridlock(me) && (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => void resolveGridlock()}
              disabled={busy !== undefined || !data}
            >
              {busy === 'gridlock' ? 'Resolving…' : 'Resolve gridlock'}
            </button>
          )}
          {canCloseDay(me) && !confirmEndOfDay && (
            <button
              type="button"
              className="btn btn-outline-danger"
              onClick={() => setConfirmEndOfDay(true)}
              disabled={busy !== undefined}
            >
              End of day
            </button>
          )}
          <button type="button" className="btn" onClick={refresh} disabled={loading}>
            {loading ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </div>
      <ImtsTabs current="imts" />

      {confirmEndOfDay && (
        <section className="panel confirm-panel" aria-labelledby="eod-title">
          <h2 id="eod-title">Close the operating day?</h2>
          <p>
            Every payment still queued ({queue?.length ?? 0}) is rejected with reason AM04 and its sender told. Nothing
            is carried to the next day.
          </p>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => void endOfDay()}
              disabled={busy !== undefined}
            >
              {busy === 'end-of-day' ? 'Closing…' : 'Confirm end of day'}
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => setConfirmEndOfDay(false)}
              disabled={busy !== undefined}
            >
              Keep open
            </button>
          </div>
        </section>
      )}

      {notice && <Alert tone={notice.tone}>{notice.text}</Alert>}
      {error && <Alert>{error}</Alert>}

      {gridlock && gridlock.left.length > 0 && (
        <div className="panel">
          <h2 id="gridlock-left-title">Left the queue</h2>
          <div className="table-wrap">
            <table aria-labelledby="gridlock-left-title" data-testid="gridlock-outcome">
              <thead>
                <tr>
                  <th scope="col">Payment</th>
                  <th scope="col">Sender</th>
                  <th scope="col">Receiver</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {gridlock.left.map((p) => (
                  <tr key={p.id} data-payment-id={p.id}>
                    <th scope="row" className="mono cell-id">
                      <PaymentLink payment={p} route="imts-payments" />
                    </th>
                    <td>
                      <Bic bic={p.senderBic} dir={dir} />
                    </td>
                    <td>
                      <Bic bic={p.receiverBic} dir={dir} />
                    </td>
                    <td className="num amount">{formatMinor(p.amount, p.currency)}</td>
                    <td>
                      <StatusBadge status={p.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {gridlock.more > 0 && <p className="muted table-note">and {gridlock.more} more</p>}
        </div>
      )}

      {!data && loading && <p className="muted">Loading IMTS…</p>}

      {data?.balance && (
        <div className="panel">
          <h2>Operating day</h2>
          <dl className="kv kv-inline" aria-label="Operating day">
            <div>
              <dt>Phase</dt>
              <dd data-testid="day-phase">
                {dayPhaseLabel(data.balance.day.phase)}
                {data.balance.day.calendar ? ` · ${data.balance.day.calendar}` : ''}
              </dd>
            </div>
            {data.balance.day.businessDate && (
              <div>
                <dt>Business date</dt>
                <dd className="mono">{data.balance.day.businessDate}</dd>
              </div>
            )}
            {data.balance.day.localTime && (
              <div>
                <dt>Local time</dt>
                <dd className="mono">{data.balance.day.localTime}</dd>
              </div>
            )}
            <div>
              <dt>Available ({data.balance.bic})</dt>
              <dd className="amount" data-testid="own-available">
                {formatMinor(data.balance.available, 'KZT')}
              </dd>
            </div>
          </dl>
        </div>
      )}

      {data && (
        <div className="panel">
          <div className="panel-head">
            <h2 id="balances-title">{oversight ? 'Settlement balances' : 'Settlement balance'}</h2>
            <span className="muted">
              {oversight ? `${rows.length} settlement ${rows.length === 1 ? 'account' : 'accounts'} · ` : ''}amounts in
              KZT
            </span>
          </div>
          {rows.length === 0 ? (
            <p className="muted">No settlement account yet.</p>
          ) : (
            <div className="table-wrap">
              <table aria-labelledby="balances-title">
                <thead>
                  <tr>
                    <th scope="col">Bank</th>
                    <th scope="col" className="num">
                      Credits posted
                    </th>
                    <th scope="col" className="num">
                      Debits posted
                    </th>
                    <th scope="col" className="num">
                      Debits pending
                    </th>
                    <th scope="col" className="num">
                      Available
                    </th>
                    <th scope="col" className="num">
                      Queued out
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.accountId} data-bic={r.bic}>
                      <th scope="row">
                        <BankName bic={r.bic} name={r.name} />
                      </th>
                      <td className="num amount">{formatMinorNumber(r.creditsPosted, 'KZT')}</td>
                      <td className="num amount">{formatMinorNumber(r.debitsPosted, 'KZT')}</td>
                      <td className="num amount">{formatMinorNumber(r.debitsPending, 'KZT')}</td>
                      <td className="num amount strong" data-testid="available">
                        {formatMinorNumber(r.available, 'KZT')}
                      </td>
                      <td className="num amount" data-testid="queued-out">
                        <AmountCount amount={r.queuedOut} count={r.queuedCount} currency="KZT" />
                      </td>
                    </tr>
                  ))}
                </tbody>
                {oversight && rows.length > 1 && (
                  <tfoot>
                    <tr>
                      <th scope="row" colSpan={4}>
                        Total
                      </th>
                      <td className="num amount strong">
                        {formatMinorNumber(sumMinor(rows.map((r) => r.available)), 'KZT')}
                      </td>
                      <td className="num amount">
                        {data.queue.length > 0
                          ? formatMinorNumber(sumMinor(data.queue.map((p) => p.amount)), 'KZT')
                          : '—'}
                      </td>
                    </tr>
                  </tfoot>
                )}
              </table>
            </div>
          )}
        </div>
      )}

      {data && (
        <div className="panel">
          <div className="panel-head">
            <h2 id="queue-title">Settlement queue</h2>
            <span className="muted" data-testid="queue-count" aria-live="polite">
              {data.queue.length === 0
                ? 'empty'
                : `${data.queue.length} queued · ${formatMinor(sumMinor(data.queue.map((p) => p.amount)), 'KZT')}`}
            </span>
          </div>
          <p className="muted panel-lead">
            In settlement order: urgent before normal, then by arrival.{' '}
            {oversight ? 'Every bank’s queued payments.' : 'Your bank’s queued payments.'}
          </p>
          <DataTable
            labelledBy="queue-title"
            testId="queue"
            columns={[
              numCol('#'),
              'Payment',
              'Sender',
              'Receiver',
              numCol('Amount'),
              'Priority',
              'Status',
              'Queued since',
              hasOwnQueued && { label: 'Actions', className: 'actions-col' },
            ]}
            message={data.queue.length === 0 ? 'The queue is empty.' : undefined}
          >
            {data.queue.map((p, i) => {
              const nameId = `queue-${i}-payment`;
              return (
                <tr key={p.id} data-payment-id={p.id}>
                  <td className="num muted">{i + 1}</td>
                  <th scope="row" className="mono cell-id" id={nameId}>
                    <PaymentLink payment={p} route="imts-payments" />
                  </th>
                  <PartyCells from={p.senderBic} to={p.receiverBic} dir={dir} />
                  <td className="num amount">{formatMinor(p.amount, p.currency)}</td>
                  <td>
                    <PriorityBadge priority={p.priority} />
                  </td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td>
                    <WhenCell iso={p.createdAt} />
                  </td>
                  {hasOwnQueued && (
                    <td className="actions-col">
                      {canActOn(me, p) && (
                        <PaymentActions
                          payment={p}
                          describedBy={nameId}
                          onError={(m) => setError(m)}
                          onChanged={(updated, what) => {
                            setError(undefined);
                            setGridlock(undefined);
                            setNotice({ tone: 'success', text: `Payment ${updated.id} ${what}.` });
                            void load();
                          }}
                        />
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </DataTable>
        </div>
      )}

      {canManageLiquidity(me) && (
        <LiquidityForm
          banks={settlementBanks}
          onDone={(message) => {
            setError(undefined);
            setGridlock(undefined);
            setNotice({ tone: 'success', text: message });
            void load();
          }}
        />
      )}
    </section>
  );
}
