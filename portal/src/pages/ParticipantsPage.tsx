import { Fragment, useCallback, useEffect, useMemo, useState } from 'react';
import { api, errorMessage } from '../api.ts';
import { Alert } from '../components/Alert.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { formatDateTime, participantTypeLabel } from '../format.ts';
import { canManageParticipants } from '../roles.ts';
import type { Me, Participant, ParticipantAction } from '../types.ts';
import { RegisterParticipantForm } from './RegisterParticipantForm.tsx';
import { ACTION_LABELS, StatusChangeForm } from './StatusChangeForm.tsx';

const ACTIONS_BY_STATUS: Record<Participant['status'], ParticipantAction[]> = {
  active: ['suspend', 'block'],
  suspended: ['activate', 'block'],
  blocked: ['activate'],
};

const DONE: Record<ParticipantAction, string> = {
  suspend: 'suspended',
  block: 'blocked',
  activate: 'activated',
};

export function ParticipantsPage({ me }: { me: Me }) {
  const manage = canManageParticipants(me);
  const [items, setItems] = useState<Participant[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [registering, setRegistering] = useState(false);
  const [pending, setPending] = useState<{ id: string; action: ParticipantAction } | undefined>();
  const [filter, setFilter] = useState('');

  const load = useCallback(async () => {
    try {
      const res = await api.participants();
      setItems(res.items);
      setError(undefined);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const visible = useMemo(() => {
    const q = filter.trim().toLowerCase();
    if (!items || !q) return items;
    return items.filter((p) =>
      [p.name, p.bic ?? '', p.taxId ?? '', p.type, participantTypeLabel(p.type), p.status].some((v) =>
        v.toLowerCase().includes(q),
      ),
    );
  }, [items, filter]);

  const columns = manage ? 6 : 5;

  return (
    <section aria-labelledby="participants-title">
      <div className="page-head">
        <h1 id="participants-title">Participants</h1>
        {manage && !registering && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              setRegistering(true);
              setNotice(undefined);
            }}
          >
            Register participant
          </button>
        )}
      </div>

      {notice && <Alert tone="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}

      {manage && registering && (
        <RegisterParticipantForm
          onCancel={() => setRegistering(false)}
          onRegistered={(p) => {
            setRegistering(false);
            setNotice(`${p.name} registered.`);
            setItems((prev) => (prev ? [...prev.filter((x) => x.id !== p.id), p] : [p]));
            void load();
          }}
        />
      )}

      <div className="panel">
        <div className="table-toolbar">
          <div className="field field-compact">
            <label htmlFor="participants-filter">Filter participants</label>
            <input
              id="participants-filter"
              type="search"
              placeholder="Name, BIC, tax ID, type or status"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
          </div>
          {items && (
            <span className="muted" aria-live="polite">
              {visible?.length === items.length
                ? `${items.length} participants`
                : `${visible?.length ?? 0} of ${items.length} participants`}
            </span>
          )}
        </div>
        <div className="table-wrap">
          <table aria-labelledby="participants-title">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">BIC</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                {manage && (
                  <th scope="col" className="actions-col">
                    Actions
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {!items && !error && (
                <tr>
                  <td colSpan={columns} className="muted">
                    Loading participants…
                  </td>
                </tr>
              )}
              {visible && visible.length === 0 && (
                <tr>
                  <td colSpan={columns} className="muted">
                    {items?.length ? 'No participant matches the filter.' : 'No participants registered yet.'}
                  </td>
                </tr>
              )}
              {visible?.map((p) => {
                const open = pending?.id === p.id ? pending : undefined;
                const nameId = `participant-${p.id}-name`;
                return (
                  <Fragment key={p.id}>
                    <tr data-participant-id={p.id} className={open ? 'row-selected' : undefined}>
                      <th scope="row" id={nameId} className="cell-name">
                        {p.name}
                      </th>
                      <td>{participantTypeLabel(p.type)}</td>
                      <td className="mono">{p.bic ?? '—'}</td>
                      <td>
                        <StatusBadge status={p.status} />
                      </td>
                      <td className="nowrap">{formatDateTime(p.createdAt)}</td>
                      {manage && (
                        <td className="actions-col">
                          <div className="row-actions">
                            {ACTIONS_BY_STATUS[p.status].map((action) => (
                              <button
                                key={action}
                                type="button"
                                className={`btn btn-small${action === 'activate' ? '' : ' btn-outline-danger'}`}
                                aria-describedby={nameId}
                                aria-expanded={open?.action === action}
                                // the server refuses to switch off the operator or the central bank
                                disabled={p.type === 'operator' || p.type === 'central_bank'}
                                onClick={() => {
                                  setNotice(undefined);
                                  setPending(open?.action === action ? undefined : { id: p.id, action });
                                }}
                              >
                                {ACTION_LABELS[action].button}
                              </button>
                            ))}
                          </div>
                        </td>
                      )}
                    </tr>
                    {manage && open && (
                      <tr className="action-row">
                        <td colSpan={columns}>
                          <StatusChangeForm
                            key={open.action}
                            participant={p}
                            action={open.action}
                            onCancel={() => setPending(undefined)}
                            onDone={(updated) => {
                              setPending(undefined);
                              setItems((prev) => prev?.map((x) => (x.id === updated.id ? updated : x)));
                              setNotice(`${updated.name} ${DONE[open.action]}.`);
                            }}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
