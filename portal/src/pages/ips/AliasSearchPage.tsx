import { type FormEvent, useState } from 'react';
import { ApiError, api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { Bic, Party, WhenCell } from '../../components/cells.tsx';
import { DataTable, ListCount } from '../../components/DataTable.tsx';
import { Kv, WhenKv } from '../../components/detail.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { IpsTabs } from '../../components/Tabs.tsx';
import { type Directory, useDirectory } from '../../directory.ts';
import { submitErrors } from '../../problemFields.ts';
import type { AliasClaim, IpsAlias, Me } from '../../types.ts';

interface Found {
  /** The phone as typed. */
  query: string;
  /** undefined: no alias for that phone (404). */
  alias: IpsAlias | undefined;
  claims: AliasClaim[] | undefined;
  claimsError: string | undefined;
}

function AliasRecord({ alias, dir }: { alias: IpsAlias; dir: Directory }) {
  return (
    <div className="panel profile" data-testid="alias-detail">
      <div className="profile-head">
        <h2 className="mono">{alias.phone}</h2>
        <StatusBadge status="active" />
      </div>
      <dl className="kv">
        <Kv label="Bank" testId="alias-bank">
          <Party bic={alias.bic} dir={dir} />
        </Kv>
        <Kv label="Account" className="mono" testId="alias-account">
          {alias.accountId}
        </Kv>
        <Kv label="Holder name" testId="alias-holder">
          {alias.holderName}
        </Kv>
        <Kv label="Holder IIN" className="mono">
          {alias.holderIin}
        </Kv>
        <WhenKv label="Registered" iso={alias.createdAt} />
        <WhenKv label="Last change" iso={alias.updatedAt} />
      </dl>
    </div>
  );
}

function ClaimsTable({ claims, dir }: { claims: AliasClaim[]; dir: Directory }) {
  const open = claims.filter((c) => c.status === 'open').length;
  return (
    <div className="panel">
      <div className="table-toolbar">
        <div>
          <h2 id="claims-title">Portability claims</h2>
          <p className="muted panel-lead">
            Other banks’ claims on this phone, newest first. An open claim completes for the claimant at its deadline
            unless the owner confirms or rejects it first.
          </p>
        </div>
        <ListCount testId="claims-count">
          {claims.length === 0 ? 'none' : `${claims.length} ${claims.length === 1 ? 'claim' : 'claims'}, ${open} open`}
        </ListCount>
      </div>
      <DataTable
        labelledBy="claims-title"
        testId="alias-claims"
        columns={['Claim', 'Status', 'Claimant bank', 'Owner bank', 'Same holder', 'Opened', 'Deadline', 'Resolved']}
        message={claims.length === 0 ? 'No portability claim on this phone.' : undefined}
      >
        {claims.map((c) => (
          <tr key={c.id} data-claim-id={c.id}>
            <th scope="row" className="mono cell-id">
              {c.id}
            </th>
            <td>
              <StatusBadge status={c.status} />
              {c.reason && <span className="cell-sub"> {c.reason}</span>}
            </td>
            <td>
              <Bic bic={c.claimantBic} dir={dir} />
            </td>
            <td>
              <Bic bic={c.ownerBic} dir={dir} />
            </td>
            <td>{c.holderMatches === undefined ? '—' : c.holderMatches ? 'Yes' : 'No (another IIN)'}</td>
            <td>
              <WhenCell iso={c.createdAt} />
            </td>
            <td>
              <WhenCell iso={c.deadline} />
            </td>
            <td>{c.resolvedAt ? <WhenCell iso={c.resolvedAt} /> : '—'}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

/**
 * Alias search (oversight, for support): the full record behind a phone, and the portability claims on it.
 * The API validates the phone (its field errors show by the field) and audits every lookup. The phone is kept
 * out of the URL, so a reload or the browser history neither repeats nor keeps a lookup of personal data.
 */
export function AliasSearchPage({ me }: { me: Me }) {
  const dir = useDirectory(me);
  const [phone, setPhone] = useState('');
  const [phoneError, setPhoneError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<Found | undefined>();

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const query = phone.trim();
    if (!query) {
      setPhoneError('Enter a phone number.');
      return;
    }
    setBusy(true);
    setPhoneError(undefined);
    setFormError(undefined);
    setFound(undefined);
    try {
      const [alias, claims] = await Promise.allSettled([api.ips.alias(query), api.ips.aliasClaims({ phone: query })]);
      if (alias.status === 'rejected' && !(alias.reason instanceof ApiError && alias.reason.status === 404)) {
        const { byField, formError } = submitErrors(alias.reason, ['phone'], undefined);
        setPhoneError(byField.phone);
        setFormError(formError);
        return;
      }
      setFound({
        query,
        alias: alias.status === 'fulfilled' ? alias.value : undefined,
        claims: claims.status === 'fulfilled' ? claims.value.items : undefined,
        claimsError: claims.status === 'rejected' ? errorMessage(claims.reason) : undefined,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="alias-search-title">
      <div className="page-head">
        <h1 id="alias-search-title">IPS · Alias search</h1>
      </div>
      <IpsTabs me={me} current="ips-aliases" />
      <form className="panel" onSubmit={submit} noValidate aria-labelledby="alias-form-title">
        <h2 id="alias-form-title">Find a phone alias</h2>
        <p className="muted panel-lead">
          The bank, account and holder behind a phone, for support. Every lookup is recorded in the audit log.
        </p>
        {formError && <Alert>{formError}</Alert>}
        <div className="form-grid">
          <Field label="Phone" error={phoneError} hint="E.164 (+77011234567) or local (8 701 123 45 67)">
            {(ids) => (
              <input
                {...controlProps(ids)}
                name="phone"
                type="tel"
                className="mono"
                autoComplete="off"
                maxLength={32}
                value={phone}
                onChange={(e) => {
                  setPhone(e.target.value);
                  setPhoneError(undefined);
                }}
              />
            )}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Searching…' : 'Search'}
          </button>
        </div>
      </form>

      {found && !found.alias && (
        <div data-testid="alias-not-found">
          <Alert tone="info">No such alias: no bank has registered {found.query} as an IPS alias.</Alert>
        </div>
      )}
      {found?.alias && <AliasRecord alias={found.alias} dir={dir} />}
      {found?.claimsError && <Alert>{found.claimsError}</Alert>}
      {found?.claims && (found.alias || found.claims.length > 0) && <ClaimsTable claims={found.claims} dir={dir} />}
    </section>
  );
}
