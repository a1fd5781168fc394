import { type FormEvent, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { WhenCell } from '../../components/cells.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Kv } from '../../components/detail.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { AfcTabs } from '../../components/Tabs.tsx';
import { seesIncidentSummaries } from '../../roles.ts';
import { IDENTIFIER_KINDS, type IdentifierKind, type ListLookup, type ListStatus, type Me } from '../../types.ts';
import { useFormSubmit } from '../../useFormSubmit.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { DECISION_LABELS, LIST_STATUS_LABELS } from './afcLabels.ts';

const KIND_LABELS: Record<IdentifierKind, string> = {
  phone: 'Phone',
  account: 'Account (IBAN)',
  iin: 'IIN / BIN',
  card: 'Card token',
  device: 'Device (IMEI)',
  wallet: 'Digital Tenge wallet',
  url: 'Site or link',
  name: 'Person’s name',
};

const STATUS_TONES: Record<ListStatus, string> = { confirmed: 'danger', suspect: 'warn', allowed: 'ok' };
const DECISION_TONES: Record<string, string> = { block: 'danger', review: 'warn', allow: 'ok' };

/** `incident:<id>`, the source of an incident's listings, as a link to the card. */
function Source({ source, linked }: { source: string | undefined; linked: boolean }) {
  if (!source) return <span className="muted">—</span>;
  const m = /^incident:(.+)$/.exec(source);
  return m && linked ? (
    <a className="mono" href={hrefOf('afc', m[1])}>
      {source}
    </a>
  ) : (
    <span className="mono">{source}</span>
  );
}

const FIELDS = ['kind', 'value'];

/**
 * List search: the status of one identifier on the Anti-Fraud Center's lists (suspect, confirmed fraudster,
 * allowed) and what it means for a payment; law enforcement and oversight also see its entries. The API
 * normalises the identifier, names a bad one by its field, and audits every lookup. The identifier stays out
 * of the URL.
 */
export function ListSearchPage({ me }: { me: Me }) {
  const [kind, setKind] = useState<IdentifierKind>('phone');
  const [value, setValue] = useState('');
  const [found, setFound] = useState<{ query: string; result: ListLookup } | undefined>();
  const f = useFormSubmit(FIELDS);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const query = value.trim();
    if (!query) {
      f.setErrors({ value: 'Enter the identifier.' });
      return;
    }
    setFound(undefined);
    void f.run(async () => setFound({ query, result: await api.afc.lookup(kind, query) }));
  };

  const r = found?.result;
  return (
    <section aria-labelledby="list-search-title">
      <div className="page-head">
        <h1 id="list-search-title">Anti-fraud · List search</h1>
      </div>
      <AfcTabs me={me} current="afc-lists" />
      <form className="panel" onSubmit={submit} noValidate aria-labelledby="list-form-title">
        <h2 id="list-form-title">Look up an identifier</h2>
        <p className="muted panel-lead">
          Whether a phone, account, IIN, card token, device, wallet, site or name is on the suspects or the fraudsters
          list, and what screening does with a payment to it. Every lookup is recorded in the audit log.
        </p>
        {f.formError && <Alert>{f.formError}</Alert>}
        <div className="form-grid">
          <Field label="Kind" error={f.errors.kind}>
            {(ids) => (
              <select
                {...controlProps(ids)}
                name="kind"
                value={kind}
                onChange={(e) => setKind(e.target.value as IdentifierKind)}
              >
                {IDENTIFIER_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABELS[k]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Identifier" error={f.errors.value} hint="As written: the API brings it to its normal form">
            {(ids) => (
              <input
                {...controlProps(ids)}
                name="value"
                className="mono"
                autoComplete="off"
                maxLength={2048}
                value={value}
                onChange={(e) => {
                  setValue(e.target.value);
                  f.clearError('value');
                }}
              />
            )}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={f.busy}>
            {f.busy ? 'Searching…' : 'Search'}
          </button>
        </div>
      </form>

      {found && r && (
        <div className="panel profile" data-testid="list-result" data-status={r.status ?? 'none'}>
          <div className="profile-head">
            <h2 className="mono">{found.query}</h2>
            {r.status ? (
              <span className={`badge badge-${STATUS_TONES[r.status]}`} data-testid="list-status">
                {LIST_STATUS_LABELS[r.status]}
              </span>
            ) : (
              <span className="badge badge-neutral" data-testid="list-status">
                On no list
              </span>
            )}
          </div>
          <dl className="kv">
            <Kv label="Kind">{KIND_LABELS[r.kind]}</Kv>
            <Kv label="Screening decision" testId="list-decision">
              <span className={`badge badge-square badge-${DECISION_TONES[r.decision] ?? 'neutral'}`}>
                {DECISION_LABELS[r.decision] ?? r.decision}
              </span>
            </Kv>
            <Kv label="MAC (how the lists key it)" className="mono cell-sub">
              {r.mac}
            </Kv>
          </dl>
          {r.entries.length > 0 && (
            <DataTable
              label="Entries"
              testId="list-entries"
              columns={['Status', 'Value', 'Holder', 'Source', 'Reason', 'Expires', 'Changed']}
            >
              {r.entries.map((e) => (
                <tr key={e.id} data-status={e.status}>
                  <th scope="row">
                    <span className={`badge badge-${STATUS_TONES[e.status]}`}>{LIST_STATUS_LABELS[e.status]}</span>
                  </th>
                  <td className="mono">{e.value ?? '—'}</td>
                  <td>{e.holderName ?? '—'}</td>
                  <td>
                    <Source source={e.source} linked={!seesIncidentSummaries(me)} />
                  </td>
                  <td>{e.reason ?? '—'}</td>
                  <td>{e.expiresAt ? <WhenCell iso={e.expiresAt} /> : '—'}</td>
                  <td>
                    <WhenCell iso={e.updatedAt} />
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </div>
      )}
    </section>
  );
}
