import { useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { WhenCell } from '../../components/cells.tsx';
import { DataTable, numCol } from '../../components/DataTable.tsx';
import { DetailFrame, Kv, ProfileHead, RefreshButton, WhenKv } from '../../components/detail.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import type { Directory } from '../../directory.ts';
import { formatCount, formatDateTimeSeconds, formatDecimal, formatDecimalNumber, formatMinor } from '../../format.ts';
import type { IncidentCard, IncidentEvent, IncidentTypes, Me } from '../../types.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { useRecord } from '../../useRecord.ts';
import {
  ageBandLabel,
  deadlineStepLabel,
  enumLabel,
  fraudTypeLabel,
  INCIDENT_STATUS_NOTES,
  type IncidentStep,
  incidentActionLabel,
  mayTake,
  RECOVERY_LABELS,
  regionLabel,
  relationLabel,
  viewerRolesLabel,
} from './afcLabels.ts';
import { AttachmentForm, DecisionForm, RecoveryForm, SupplementForm, WithdrawForm } from './IncidentStepForms.tsx';
import { Participant, PriorityView, withCardNames } from './incidentParts.tsx';
import { fieldLabel, typeLabel, useIncidentTypes } from './useIncidentTypes.ts';

/** The steps shown as buttons (attachments and recoveries have their forms in their panels). */
const ACTIONS: readonly {
  step: Extract<IncidentStep, 'supplement' | 'take' | 'decide' | 'withdraw'>;
  label: string;
}[] = [
  { step: 'take', label: 'Take into investigation' },
  { step: 'decide', label: 'Decide' },
  { step: 'supplement', label: 'Supplement' },
  { step: 'withdraw', label: 'Withdraw' },
];

/** A field's value as words: enumerations by their labels, instants in UTC. */
function detailValue(matrix: IncidentTypes | undefined, field: string, value: string): string {
  const def = matrix?.fields[field];
  if (def?.format === 'enum') return enumLabel(field, value);
  if (def?.format === 'datetime') return formatDateTimeSeconds(value);
  if (def?.format === 'amount') return formatDecimal(value, 'KZT');
  return value;
}

/** What a step of the history carried: the fields supplemented, the file attached, the funds recorded… */
function EventDetails({
  e,
  matrix,
  dir,
  me,
}: {
  e: IncidentEvent;
  matrix: IncidentTypes | undefined;
  dir: Directory;
  me: Me;
}) {
  const d = e.details ?? {};
  const parts: string[] = [];
  if (e.action === 'filed' && typeof d.related === 'number') {
    parts.push(`${formatCount(d.related)} related ${d.related === 1 ? 'participant' : 'participants'} found`);
  }
  if (Array.isArray(d.fields) && d.fields.length > 0) {
    parts.push(`Fields: ${d.fields.map((f) => fieldLabel(matrix, String(f))).join(', ')}`);
  }
  if (e.action === 'attach' && typeof d.filename === 'string') parts.push(`File: ${d.filename}`);
  if (e.action === 'record_recovery' && typeof d.kind === 'string' && typeof d.amount === 'string') {
    const kind = RECOVERY_LABELS[d.kind as keyof typeof RECOVERY_LABELS] ?? d.kind;
    parts.push(`${kind}: ${formatMinor(d.amount, 'KZT')}${d.reference ? ` (ref. ${String(d.reference)})` : ''}`);
  }
  if (e.action === 'escalated' && typeof d.step === 'string') parts.push(deadlineStepLabel(d.step));
  return (
    <>
      {parts.length > 0 && <p className="muted timeline-detail">{parts.join(' · ')}</p>}
      {e.action === 'escalated' && typeof d.late === 'string' && (
        <p className="muted">
          Late: <Participant id={d.late} dir={dir} me={me} />
        </p>
      )}
      {typeof d.note === 'string' && (
        <p className="timeline-grounds" data-testid="history-note">
          {d.note}
        </p>
      )}
    </>
  );
}

/**
 * One incident card to those who may see it (its reporter, related participants, law enforcement, the
 * operator): details, parties and how they were found, deadlines, priority with its reasons, attachments,
 * recovered funds and the full history; the steps the viewer may take (by `viewerRoles` and the status).
 */
export function IncidentCardView({
  id,
  me,
  dir,
  filed,
}: {
  id: string;
  me: Me;
  dir: Directory;
  /** Just filed from the form: say so. */
  filed: boolean;
}) {
  const { matrix } = useIncidentTypes();
  // the page keys this view by the card's id: another card starts afresh
  const {
    record: card,
    setRecord: setCard,
    error,
    setError,
    loading,
    reload,
  } = useRecord(id, api.afc.incident, `Incident ${id} was not found, or your organisation is not related to it.`);
  const [notice, setNotice] = useState<string | undefined>();
  const [step, setStep] = useState<IncidentStep | undefined>();
  const [taking, setTaking] = useState(false);
  const named = useMemo(() => (card ? withCardNames(dir, card) : dir), [dir, card]);

  // once, when the card just filed has loaded: whom the filing reached
  const announced = useRef(false);
  useEffect(() => {
    if (!filed || !card || announced.current) return;
    announced.current = true;
    const n = card.parties.length;
    setNotice(
      `Incident filed: the beneficiary is on the suspects list; ${n === 0 ? 'no related participant was found' : `${formatCount(n)} related ${n === 1 ? 'participant was' : 'participants were'} notified`}, and law enforcement.`,
    );
  }, [filed, card]);

  const done = (c: IncidentCard, message: string) => {
    setStep(undefined);
    setCard(c);
    setNotice(message);
  };

  const take = async () => {
    if (!card || taking) return;
    setTaking(true);
    setNotice(undefined);
    try {
      done(await api.afc.take(card.id), 'Taken into investigation.');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setTaking(false);
    }
  };

  const actions = card ? ACTIONS.filter((a) => mayTake(card, a.step)) : [];
  const nowMs = Date.now();

  return (
    <DetailFrame
      backHref={hrefOf('afc')}
      backLabel="All incidents"
      what="incident"
      notice={notice}
      error={error}
      loaded={Boolean(card)}
    >
      {card && (
        <>
          <div className="panel profile" data-testid="incident-card" data-status={card.status}>
            <ProfileHead id={card.id} headId="incident-heading" status={card.status}>
              <div className="profile-actions">
                <RefreshButton small loading={loading} onClick={() => void reload()} />
              </div>
            </ProfileHead>
            <p className="muted panel-lead" data-testid="incident-note">
              {INCIDENT_STATUS_NOTES[card.status]}
            </p>
            <dl className="kv">
              <Kv label="Transaction type" testId="incident-type">
                {typeLabel(matrix, card.type)} <span className="muted">· version {card.typeVersion}</span>
              </Kv>
              <Kv label="Fraud type" testId="incident-fraud-type">
                {fraudTypeLabel(card.fraudType)}
              </Kv>
              <Kv label="Outcome">{enumLabel('outcome', card.outcome)}</Kv>
              <Kv label="Amount" className="amount amount-large" testId="incident-amount">
                {card.amount === null ? '—' : formatDecimal(card.amount, 'KZT')}
              </Kv>
              <WhenKv label="Happened" iso={card.occurredAt} />
              <Kv label="Victim’s region">{card.region ? regionLabel(card.region) : '—'}</Kv>
              <Kv label="Reporter" testId="incident-reporter">
                <Participant id={card.reporterId} dir={named} me={me} />
                <span className="muted"> · ref. </span>
                <span className="mono">{card.reporterRef}</span>
              </Kv>
              <Kv label="You are" testId="incident-viewer-roles">
                {viewerRolesLabel(card.viewerRoles)}
              </Kv>
              <Kv label="Recipient’s age band">{ageBandLabel(card.beneficiaryAgeBand)}</Kv>
              <Kv label="Victim’s age band">{ageBandLabel(card.victimAgeBand)}</Kv>
              <WhenKv label="Filed" iso={card.createdAt} />
              <WhenKv label="Last change" iso={card.updatedAt} />
              {card.decidedAt && <WhenKv label="Decided" iso={card.decidedAt} />}
              {card.grounds && (
                <Kv label="Grounds" testId="incident-grounds">
                  {card.grounds}
                </Kv>
              )}
            </dl>
          </div>

          {actions.length > 0 && (
            <div className="panel" data-testid="incident-actions">
              <h2>Your steps</h2>
              {!step && (
                <div className="row-actions">
                  {actions.map((a) =>
                    a.step === 'take' ? (
                      <button key={a.step} type="button" className="btn" disabled={taking} onClick={() => void take()}>
                        {taking ? 'Taking…' : a.label}
                      </button>
                    ) : (
                      <button
                        key={a.step}
                        type="button"
                        className={`btn ${a.step === 'decide' ? 'btn-primary' : a.step === 'withdraw' ? 'btn-outline-danger' : ''}`}
                        onClick={() => {
                          setNotice(undefined);
                          setStep(a.step);
                        }}
                      >
                        {a.label}
                      </button>
                    ),
                  )}
                </div>
              )}
              {step === 'decide' && <DecisionForm card={card} onDone={done} onCancel={() => setStep(undefined)} />}
              {step === 'withdraw' && <WithdrawForm card={card} onDone={done} onCancel={() => setStep(undefined)} />}
              {step === 'supplement' && matrix && (
                <SupplementForm card={card} matrix={matrix} onDone={done} onCancel={() => setStep(undefined)} />
              )}
            </div>
          )}

          <PriorityView priority={card.priority} />

          <div className="panel">
            <h2 id="incident-details-title">Details</h2>
            <dl className="kv" aria-labelledby="incident-details-title" data-testid="incident-details">
              {Object.entries(card.details).map(([k, v]) => (
                <Kv key={k} label={fieldLabel(matrix, k)} testId={`detail-${k}`}>
                  <span className={matrix?.fields[k]?.format === 'text' ? 'pre-wrap' : undefined}>
                    {detailValue(matrix, k, v)}
                  </span>
                </Kv>
              ))}
            </dl>
          </div>

          <div className="panel">
            <h2 id="incident-parties-title">Related participants</h2>
            <p className="muted panel-lead">
              Participants the platform found behind the beneficiary’s identifiers, and how: they are notified and
              supplement the card.
            </p>
            <DataTable
              labelledBy="incident-parties-title"
              testId="incident-parties"
              columns={['Participant', 'Relation', 'Found through', 'Since']}
              message={card.parties.length === 0 ? 'No related participant was found.' : undefined}
            >
              {card.parties.map((p) => (
                <tr key={p.participantId} data-participant-id={p.participantId}>
                  <th scope="row">
                    <Participant id={p.participantId} dir={named} me={me} />
                  </th>
                  <td>{relationLabel(p.relation)}</td>
                  <td>{p.via}</td>
                  <td>
                    <WhenCell iso={p.addedAt} />
                  </td>
                </tr>
              ))}
            </DataTable>
          </div>

          <div className="panel">
            <h2 id="incident-deadlines-title">Deadlines</h2>
            <DataTable
              labelledBy="incident-deadlines-title"
              testId="incident-deadlines"
              columns={['Step', 'Due from', 'Due', 'Done', 'Escalated']}
              message={card.deadlines.length === 0 ? 'No deadline.' : undefined}
            >
              {card.deadlines.map((d) => {
                const late = !d.doneAt && Date.parse(d.due) < nowMs;
                return (
                  <tr key={`${d.step}:${d.participantId ?? ''}`} data-step={d.step}>
                    <th scope="row">{deadlineStepLabel(d.step)}</th>
                    <td>
                      {d.participantId ? <Participant id={d.participantId} dir={named} me={me} /> : 'Law enforcement'}
                    </td>
                    <td>
                      <WhenCell iso={d.due} />
                      {late && <span className="badge badge-danger">Overdue</span>}
                    </td>
                    <td>{d.doneAt ? <WhenCell iso={d.doneAt} /> : '—'}</td>
                    <td>{d.escalatedAt ? <WhenCell iso={d.escalatedAt} /> : '—'}</td>
                  </tr>
                );
              })}
            </DataTable>
          </div>

          <div className="panel">
            <h2 id="incident-attachments-title">Attachments</h2>
            <DataTable
              labelledBy="incident-attachments-title"
              testId="incident-attachments"
              columns={['File', 'Type', numCol('Size'), 'From', 'Added', 'SHA-256']}
              message={card.attachments.length === 0 ? 'No attachment.' : undefined}
            >
              {card.attachments.map((a) => (
                <tr key={a.id} data-attachment-id={a.id}>
                  <th scope="row">
                    <a href={api.afc.attachmentUrl(card.id, a.id)} download={a.filename}>
                      {a.filename}
                    </a>
                  </th>
                  <td className="mono">{a.contentType}</td>
                  <td className="num">{formatCount(a.size)} B</td>
                  <td>
                    <Participant id={a.participantId} dir={named} me={me} />
                  </td>
                  <td>
                    <WhenCell iso={a.createdAt} />
                  </td>
                  <td className="mono cell-sub" title={a.sha256}>
                    {a.sha256.slice(0, 16)}…
                  </td>
                </tr>
              ))}
            </DataTable>
            {mayTake(card, 'attach') && (
              <AttachmentForm
                card={card}
                onAttached={(message) => {
                  setNotice(message);
                  void reload();
                }}
              />
            )}
          </div>

          <div className="panel">
            <h2 id="incident-recoveries-title">Recovered funds</h2>
            <dl className="kv kv-inline" data-testid="incident-recovered">
              <Kv label="Blocked at the sender’s bank">{formatDecimal(card.recovered.blockedAtSender, 'KZT')}</Kv>
              <Kv label="Blocked at the recipient’s bank" testId="recovered-recipient">
                {formatDecimal(card.recovered.blockedAtRecipient, 'KZT')}
              </Kv>
              <Kv label="Returned">{formatDecimal(card.recovered.returned, 'KZT')}</Kv>
              <Kv label="Returned through IPS (pacs.004)">{formatDecimal(card.recovered.ipsReturned, 'KZT')}</Kv>
            </dl>
            <DataTable
              labelledBy="incident-recoveries-title"
              testId="incident-recoveries"
              columns={['What', numCol('Amount (KZT)'), 'Reference', 'By', 'Recorded']}
              message={card.recoveries.length === 0 ? 'Nothing recorded.' : undefined}
            >
              {card.recoveries.map((r) => (
                <tr key={r.id} data-kind={r.kind}>
                  <th scope="row">{RECOVERY_LABELS[r.kind] ?? r.kind}</th>
                  <td className="num amount">{formatDecimalNumber(r.amount, 'KZT')}</td>
                  <td className="mono">{r.reference ?? '—'}</td>
                  <td>
                    <Participant id={r.participantId} dir={named} me={me} />
                  </td>
                  <td>
                    <WhenCell iso={r.at} />
                  </td>
                </tr>
              ))}
            </DataTable>
            {mayTake(card, 'record_recovery') && <RecoveryForm card={card} onDone={done} />}
          </div>

          <div className="panel">
            <h2 id="incident-history-title">History</h2>
            <ol className="timeline" aria-labelledby="incident-history-title" data-testid="incident-history">
              {card.history.map((e) => (
                <li key={e.seq} className="timeline-item" data-action={e.action}>
                  <div className="timeline-head">
                    <time dateTime={e.at} className="muted nowrap">
                      {formatDateTimeSeconds(e.at)}
                    </time>
                    <span>
                      {e.participantId ? (
                        <Participant id={e.participantId} dir={named} me={me} />
                      ) : e.actor === 'deadline' ? (
                        'Deadline (automatic)'
                      ) : (
                        e.actor
                      )}
                    </span>
                    <strong data-testid="history-action">{incidentActionLabel(e.action)}</strong>
                    <StatusBadge status={e.status} />
                  </div>
                  <EventDetails e={e} matrix={matrix} dir={named} me={me} />
                  {e.grounds && (
                    <p className="timeline-grounds" data-testid="history-grounds">
                      {e.grounds}
                    </p>
                  )}
                </li>
              ))}
            </ol>
          </div>
        </>
      )}
    </DetailFrame>
  );
}
