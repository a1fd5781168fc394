import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { Bic, Party, PaymentLink, WhenCell } from '../../components/cells.tsx';
import { ListCount, numCol } from '../../components/DataTable.tsx';
import { DetailFrame, Kv, ProfileHead, RefreshButton, WhenKv } from '../../components/detail.tsx';
import { SelectFilter, StatusFilter } from '../../components/filters.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { IpsTabs } from '../../components/Tabs.tsx';
import { type Directory, useDirectory } from '../../directory.ts';
import { formatDateTimeSeconds, formatDecimal, shownCount, splitDateTime } from '../../format.ts';
import { canDecideDisputes, canOpenDisputes, overseesIps } from '../../roles.ts';
import { DISPUTE_STATUSES, type DisputeEvent, type DisputeStatus, type IpsDispute, type Me } from '../../types.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { usePagedList } from '../../usePagedList.ts';
import { useRecord } from '../../useRecord.ts';
import { DisputeStepForm } from './DisputeStepForm.tsx';
import {
  ACTIVE_DISPUTE,
  actionLabel,
  actorSideOf,
  DEADLINE_LABELS,
  DISPUTE_STATUS_LABELS,
  DISPUTE_STATUS_NOTES,
  type DisputeSide,
  type DisputeStep,
  disputeReasonLabel,
  STEP_UI,
  sideOf,
  stepsFor,
} from './disputeLabels.ts';
import { OpenDisputeForm } from './OpenDisputeForm.tsx';

/** The server's page size (its default limit). */
const PAGE_SIZE = 100;

const SIDE_LABELS: Record<DisputeSide, string> = { claimant: 'Claimant', respondent: 'Respondent' };

/** Whether an active case's deadline has passed (the deadline sweep has not moved it yet). */
const isOverdue = (d: IpsDispute, nowMs: number) => ACTIVE_DISPUTE.has(d.status) && Date.parse(d.deadline) < nowMs;

/** A case's deadline while it runs, with "overdue" once past; '—' for a final case. */
function Deadline({ dispute, nowMs }: { dispute: IpsDispute; nowMs: number }) {
  if (!ACTIVE_DISPUTE.has(dispute.status)) return <span className="muted">—</span>;
  const { date, time } = splitDateTime(dispute.deadline);
  return (
    <span className="stacked">
      <time className="nowrap" dateTime={dispute.deadline} title={formatDateTimeSeconds(dispute.deadline)}>
        {time}
      </time>
      <span className="cell-sub">{date}</span>
      {isOverdue(dispute, nowMs) && (
        <span className="badge badge-danger" data-testid="dispute-overdue">
          Overdue
        </span>
      )}
    </span>
  );
}

/** Who took a step: the deadline, the operator, or one of the two banks (by name where known). */
function Actor({ event, dispute, dir }: { event: DisputeEvent; dispute: IpsDispute; dir: Directory }) {
  if (event.actor === 'deadline') return <span>Deadline (automatic)</span>;
  const side = actorSideOf(event.action);
  const name = dir.byId.get(event.actor)?.name;
  if (side === 'operator') return <span>Operator{name ? ` · ${name}` : ''}</span>;
  const bic = side === 'claimant' ? dispute.claimantBic : side === 'respondent' ? dispute.respondentBic : null;
  return (
    <span>
      {side ? SIDE_LABELS[side] : 'Participant'}
      {bic && (
        <>
          {' '}
          <span className="mono">{bic}</span>
        </>
      )}
      {name && <span className="muted"> · {name}</span>}
    </span>
  );
}

/** The steps of a case, oldest first: when, who, what, the state it led to, and the grounds. */
function History({ dispute, dir }: { dispute: IpsDispute; dir: Directory }) {
  return (
    <div className="panel">
      <h2 id="dispute-history-title">History</h2>
      <ol className="timeline" aria-labelledby="dispute-history-title" data-testid="dispute-history">
        {dispute.history.map((e) => (
          <li key={e.seq} className="timeline-item" data-action={e.action}>
            <div className="timeline-head">
              <time dateTime={e.at} className="muted nowrap">
                {formatDateTimeSeconds(e.at)}
              </time>
              <Actor event={e} dispute={dispute} dir={dir} />
              <strong data-testid="history-action">{actionLabel(e.action)}</strong>
              <StatusBadge status={e.status} />
            </div>
            {e.grounds && (
              <p className="timeline-grounds" data-testid="history-grounds">
                {e.grounds}
              </p>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** One case: amount, parties, status, deadline, the steps this viewer may take, and its history. */
function DisputeDetail({ id, me, dir }: { id: string; me: Me; dir: Directory }) {
  const ownBic = overseesIps(me) ? null : me.participant.bic;
  // the page keys this view by the case's id: another case starts afresh
  const [notice, setNotice] = useState<string | undefined>();
  const [step, setStep] = useState<DisputeStep | undefined>();
  const [nowMs, setNowMs] = useState(() => Date.now());
  const {
    record: dispute,
    setRecord: setDispute,
    error,
    loading,
    reload,
  } = useRecord(id, api.ips.dispute, `Dispute ${id} was not found, or it is not one of your bank’s cases.`, () =>
    setNowMs(Date.now()),
  );

  const side = dispute ? sideOf(dispute, ownBic) : null;
  const steps = dispute ? stepsFor(dispute, { side, decides: canDecideDisputes(me) }) : [];

  return (
    <DetailFrame
      backHref={hrefOf('ips-disputes')}
      backLabel="All disputes"
      what="dispute"
      notice={notice}
      error={error}
      loaded={Boolean(dispute)}
    >
      {dispute && (
        <>
          <div className="panel profile" data-testid="dispute-detail" data-status={dispute.status}>
            <ProfileHead id={dispute.id} headId="dispute-heading" status={dispute.status}>
              {isOverdue(dispute, nowMs) && <span className="badge badge-danger">Overdue</span>}
              <div className="profile-actions">
                <RefreshButton small loading={loading} onClick={() => void reload()} />
              </div>
            </ProfileHead>
            <p className="muted panel-lead" data-testid="dispute-note">
              {DISPUTE_STATUS_NOTES[dispute.status]}
            </p>
            <dl className="kv">
              <Kv label="Amount claimed" className="amount amount-large" testId="dispute-amount">
                {formatDecimal(dispute.amount, 'KZT')}
              </Kv>
              <Kv label="Reason" testId="dispute-reason">
                {disputeReasonLabel(dispute.reason)}
              </Kv>
              <Kv label="Payment" className="mono">
                <PaymentLink payment={{ id: dispute.paymentId }} route="ips" />
              </Kv>
              <Kv label="Claimant (payer’s bank)" testId="dispute-claimant">
                <Party bic={dispute.claimantBic} dir={dir} />
              </Kv>
              <Kv label="Respondent (payee’s bank)" testId="dispute-respondent">
                <Party bic={dispute.respondentBic} dir={dir} />
              </Kv>
              {side && <Kv label="Your bank is">{SIDE_LABELS[side]}</Kv>}
              {ACTIVE_DISPUTE.has(dispute.status) && (
                <Kv label={DEADLINE_LABELS[dispute.status] ?? 'Deadline'} testId="dispute-deadline">
                  {formatDateTimeSeconds(dispute.deadline)}
                  {isOverdue(dispute, nowMs) && <strong className="overdue"> · overdue</strong>}
                </Kv>
              )}
              {dispute.returnId && (
                <Kv label="Money returned by" className="mono" testId="dispute-return">
                  {dispute.returnId}
                </Kv>
              )}
              <Kv label="Description" testId="dispute-description">
                {dispute.description}
              </Kv>
              <WhenKv label="Opened" iso={dispute.createdAt} />
              <WhenKv label="Last change" iso={dispute.updatedAt} />
            </dl>
          </div>

          {steps.length > 0 && (
            <div className="panel" data-testid="dispute-actions">
              <h2 id="dispute-actions-title">
                {side === 'claimant'
                  ? 'Your steps as claimant'
                  : side === 'respondent'
                    ? 'Your answer as respondent'
                    : 'Operator’s decision'}
              </h2>
              {!step && (
                <div className="row-actions">
                  {steps.map((s) => (
                    <button
                      key={s}
                      type="button"
                      className={`btn ${STEP_UI[s].tone === 'primary' ? 'btn-primary' : STEP_UI[s].tone === 'danger' ? 'btn-outline-danger' : ''}`}
                      onClick={() => {
                        setNotice(undefined);
                        setStep(s);
                      }}
                    >
                      {STEP_UI[s].button}
                    </button>
                  ))}
                </div>
              )}
              {step && (
                <DisputeStepForm
                  key={step}
                  dispute={dispute}
                  step={step}
                  onCancel={() => setStep(undefined)}
                  onDone={(d) => {
                    setStep(undefined);
                    setDispute(d);
                    setNowMs(Date.now());
                    setNotice(
                      `${actionLabel(step)}: the case is now ${DISPUTE_STATUS_LABELS[d.status].toLowerCase()}.`,
                    );
                  }}
                />
              )}
            </div>
          )}

          <History dispute={dispute} dir={dir} />
        </>
      )}
    </DetailFrame>
  );
}

/**
 * IPS disputes: a bank's cases as claimant or respondent (oversight: every case), filtered by status and
 * side; a bank opens a case about a settled payment it paid (also from the payment's detail); one case in
 * detail with the steps its viewer may take.
 */
export function DisputesPage({ me, disputeId, query }: { me: Me; disputeId: string | undefined; query: string }) {
  const oversight = overseesIps(me);
  const ownBic = oversight ? null : me.participant.bic;
  const dir = useDirectory(me);
  const paged = usePagedList<IpsDispute>();
  const { list, error, loading, start, reload } = paged;
  const [status, setStatus] = useState<DisputeStatus | ''>('');
  const [side, setSide] = useState<DisputeSide | ''>('');
  const fromPayment = useMemo(() => new URLSearchParams(query).get('payment') ?? undefined, [query]);
  const [opening, setOpening] = useState(false);
  const [nowMs, setNowMs] = useState(() => Date.now());
  const mayOpen = canOpenDisputes(me);

  // a link from a payment opens the form for it
  useEffect(() => {
    if (fromPayment && mayOpen) setOpening(true);
  }, [fromPayment, mayOpen]);

  // (re)loads whenever the list is shown or its status filter changes
  useEffect(() => {
    if (disputeId) return;
    setNowMs(Date.now());
    void start((after) => api.ips.disputes({ status: status || undefined, after }));
  }, [start, disputeId, status]);

  const shown = useMemo(
    () => (list?.items ?? []).filter((d) => !side || sideOf(d, ownBic) === side),
    [list, side, ownBic],
  );

  if (disputeId) {
    return (
      <section aria-labelledby="dispute-title">
        <div className="page-head">
          <h1 id="dispute-title">IPS · Dispute</h1>
        </div>
        <DisputeDetail key={disputeId} id={disputeId} me={me} dir={dir} />
      </section>
    );
  }

  return (
    <section aria-labelledby="disputes-title">
      <div className="page-head">
        <h1 id="disputes-title">IPS · Disputes</h1>
        <div className="page-actions">
          <RefreshButton
            loading={loading}
            onClick={() => {
              setNowMs(Date.now());
              void reload();
            }}
          />
          {mayOpen && !opening && (
            <button type="button" className="btn btn-primary" onClick={() => setOpening(true)}>
              Open dispute
            </button>
          )}
        </div>
      </div>
      <IpsTabs me={me} current="ips-disputes" />
      {opening && (
        <OpenDisputeForm
          key={fromPayment ?? ''}
          paymentId={fromPayment}
          onCancel={() => {
            setOpening(false);
            if (fromPayment) window.location.hash = hrefOf('ips-disputes');
          }}
          onOpened={(d) => {
            setOpening(false);
            window.location.hash = hrefOf('ips-disputes', d.id);
          }}
        />
      )}
      {error && <Alert>{error}</Alert>}
      <div className="panel">
        <div className="table-toolbar">
          <div className="toolbar-fields">
            <StatusFilter
              id="dispute-status"
              value={status}
              onChange={setStatus}
              statuses={DISPUTE_STATUSES}
              labels={DISPUTE_STATUS_LABELS}
            />
            {ownBic && (
              <SelectFilter
                id="dispute-side"
                label="Your side"
                className="field-narrow"
                value={side}
                onChange={setSide}
                allLabel="Both sides"
                options={[
                  { value: 'claimant', label: 'Claimant (you paid)' },
                  { value: 'respondent', label: 'Respondent (you were paid)' },
                ]}
              />
            )}
          </div>
          {list && (
            <ListCount testId="disputes-count">
              {shownCount(shown.length, list.items.length, list.next !== null, 'case')}
            </ListCount>
          )}
        </div>
        <p className="muted panel-lead">
          {oversight
            ? 'Every dispute between banks about settled instant payments.'
            : 'Cases your bank opened about payments it paid (claimant), and cases about payments it received (respondent).'}{' '}
          Amounts in KZT.
        </p>
        <PagedTable
          paged={paged}
          pageSize={PAGE_SIZE}
          shown={shown.length}
          labelledBy="disputes-title"
          testId="disputes"
          columns={[
            'Case',
            ownBic && 'Your side',
            'Claimant',
            'Respondent',
            'Reason',
            numCol('Amount'),
            'Status',
            'Deadline',
            'Opened',
          ]}
          loading="Loading disputes…"
          empty={status || side ? 'No case matches the filter.' : 'No disputes.'}
        >
          {shown.map((d) => {
            const mine = sideOf(d, ownBic);
            return (
              <tr key={d.id} data-dispute-id={d.id} data-status={d.status}>
                <th scope="row" className="mono cell-id">
                  <span className="stacked">
                    <PaymentLink payment={d} route="ips-disputes" />
                    <span className="cell-sub" title={`Payment ${d.paymentId}`}>
                      {d.paymentId}
                    </span>
                  </span>
                </th>
                {ownBic && <td>{mine ? SIDE_LABELS[mine] : '—'}</td>}
                <td>
                  <Bic bic={d.claimantBic} dir={dir} />
                </td>
                <td>
                  <Bic bic={d.respondentBic} dir={dir} />
                </td>
                <td className="mono" title={disputeReasonLabel(d.reason)}>
                  {d.reason}
                </td>
                <td className="num amount" data-testid="amount">
                  {formatDecimal(d.amount, 'KZT')}
                </td>
                <td>
                  <StatusBadge status={d.status} />
                </td>
                <td>
                  <Deadline dispute={d} nowMs={nowMs} />
                </td>
                <td>
                  <WhenCell iso={d.createdAt} />
                </td>
              </tr>
            );
          })}
        </PagedTable>
      </div>
    </section>
  );
}
