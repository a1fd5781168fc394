import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api.ts';
import { Alert } from '../components/Alert.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { formatDateTime, participantTypeLabel } from '../format.ts';
import type { Participant } from '../types.ts';

export function MyOrganizationPage() {
  const [org, setOrg] = useState<Participant | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let cancelled = false;
    api
      .myParticipant()
      .then((p) => !cancelled && setOrg(p))
      .catch((err: unknown) => !cancelled && setError(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, []);

  return (
    <section aria-labelledby="my-org-title">
      <div className="page-head">
        <h1 id="my-org-title">My organization</h1>
      </div>
      {error && <Alert>{error}</Alert>}
      {!org && !error && <p className="muted">Loading…</p>}
      {org && (
        <div className="panel profile" data-testid="organization-profile">
          <div className="profile-head">
            <h2>{org.name}</h2>
            <StatusBadge status={org.status} />
          </div>
          <dl className="kv">
            <div>
              <dt>Name</dt>
              <dd>{org.name}</dd>
            </div>
            <div>
              <dt>Type</dt>
              <dd>{participantTypeLabel(org.type)}</dd>
            </div>
            <div>
              <dt>BIC</dt>
              <dd className="mono">{org.bic ?? '—'}</dd>
            </div>
            <div>
              <dt>Tax ID (BIN)</dt>
              <dd className="mono">{org.taxId ?? '—'}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={org.status} />
              </dd>
            </div>
            <div>
              <dt>Roles</dt>
              <dd>
                {org.roles.length ? (
                  <ul className="chips">
                    {org.roles.map((r) => (
                      <li key={r} className="chip">
                        {r}
                      </li>
                    ))}
                  </ul>
                ) : (
                  '—'
                )}
              </dd>
            </div>
            <div>
              <dt>BIN ranges</dt>
              <dd>
                {org.binRanges.length ? (
                  <ul className="chips">
                    {org.binRanges.map((r) => (
                      <li key={r} className="chip mono">
                        {r}
                      </li>
                    ))}
                  </ul>
                ) : (
                  '—'
                )}
              </dd>
            </div>
            <div>
              <dt>Registered</dt>
              <dd>{formatDateTime(org.createdAt)}</dd>
            </div>
          </dl>
        </div>
      )}
    </section>
  );
}
