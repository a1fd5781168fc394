import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { WhenCell } from '../../components/cells.tsx';
import { ListCount } from '../../components/DataTable.tsx';
import { DetailFrame } from '../../components/detail.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDateTimeSeconds, formatMinor, normalizeDecimal, shownCount } from '../../format.ts';
import { submitErrors } from '../../problemFields.ts';
import type { DynamicQr, Me, Merchant, StaticQr } from '../../types.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { usePagedList } from '../../usePagedList.ts';
import { useRecord } from '../../useRecord.ts';
import { RegisterMerchantForm } from './RegisterMerchantForm.tsx';

/** The server's page size (its default limit). */
const PAGE_SIZE = 100;

/** A QR image from the API (the session cookie authenticates it), with a note if it fails to load. */
function QrImage({ src, alt, testId }: { src: string; alt: string; testId: string }) {
  const [failed, setFailed] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new image may load where the last failed
  useEffect(() => setFailed(false), [src]);
  return (
    <figure className="qr-figure">
      <img
        src={src}
        alt={alt}
        width={240}
        height={240}
        className="qr-image"
        data-testid={testId}
        onError={() => setFailed(true)}
      />
      {failed && <figcaption className="field-error">The QR image could not be loaded.</figcaption>}
    </figure>
  );
}

/** Issues a dynamic QR for one amount and shows its image and payload. */
function DynamicQrForm({ merchant }: { merchant: Merchant }) {
  const [amount, setAmount] = useState('');
  const [amountError, setAmountError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [qr, setQr] = useState<DynamicQr | undefined>();

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const normalized = normalizeDecimal(amount);
    if (!normalized) {
      setAmountError('Enter a positive amount in tenge with at most 2 decimals, e.g. 1500.00.');
      return;
    }
    setBusy(true);
    setAmountError(undefined);
    setFormError(undefined);
    try {
      setQr(await api.ips.createDynamicQr(merchant.id, normalized));
    } catch (err) {
      const { byField, formError } = submitErrors(err, ['amount'], undefined);
      setAmountError(byField.amount);
      setFormError(formError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel" data-testid="dynamic-qr-panel">
      <h2 id="dynamic-qr-title">Dynamic QR for an amount</h2>
      <p className="muted panel-lead">A code for one order: it carries the amount and can be paid once.</p>
      {formError && <Alert>{formError}</Alert>}
      <form onSubmit={submit} noValidate aria-labelledby="dynamic-qr-title">
        <div className="form-grid">
          <Field label="Amount (KZT)" error={amountError} hint="e.g. 1500.00">
            {(ids) => (
              <input
                {...controlProps(ids)}
                name="amount"
                inputMode="decimal"
                autoComplete="off"
                value={amount}
                onChange={(e) => {
                  setAmount(e.target.value);
                  setAmountError(undefined);
                }}
              />
            )}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Generating…' : 'Generate QR'}
          </button>
        </div>
      </form>
      {qr && (
        <div className="qr-result" data-testid="dynamic-qr" data-qr-id={qr.id}>
          <QrImage
            src={api.ips.dynamicQrImage(merchant.id, qr.id)}
            alt={`QR code for ${formatMinor(qr.amount, 'KZT')} to ${merchant.name}`}
            testId="dynamic-qr-image"
          />
          <dl className="kv">
            <div>
              <dt>Amount</dt>
              <dd className="amount" data-testid="dynamic-qr-amount">
                {formatMinor(qr.amount, 'KZT')}
              </dd>
            </div>
            <div>
              <dt>Reference</dt>
              <dd className="mono">{qr.id}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={qr.status} />
              </dd>
            </div>
            {qr.expiresAt && (
              <div>
                <dt>Expires</dt>
                <dd>{formatDateTimeSeconds(qr.expiresAt)}</dd>
              </div>
            )}
            <div>
              <dt>Payload</dt>
              <dd className="mono qr-payload" data-testid="dynamic-qr-payload">
                {qr.payload}
              </dd>
            </div>
          </dl>
        </div>
      )}
    </div>
  );
}

/** One merchant: its data, its static QR, and dynamic QR codes for amounts. */
function MerchantDetail({ id }: { id: string }) {
  const { record: merchant, error } = useRecord(
    id,
    api.ips.merchant,
    `Merchant ${id} was not found, or it is not one your bank acquires.`,
  );
  const [staticQr, setStaticQr] = useState<StaticQr | undefined>();

  useEffect(() => {
    let cancelled = false;
    setStaticQr(undefined);
    api.ips
      .staticQr(id)
      .then((q) => !cancelled && setStaticQr(q))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [id]);

  return (
    <DetailFrame
      backHref={hrefOf('merchants')}
      backLabel="All merchants"
      what="merchant"
      error={error}
      loaded={Boolean(merchant)}
    >
      {merchant && (
        <>
          <div className="panel profile" data-testid="merchant-detail">
            <div className="profile-head">
              <h2>{merchant.name}</h2>
              <StatusBadge status={merchant.status} />
            </div>
            <dl className="kv">
              <div>
                <dt>Merchant ID</dt>
                <dd className="mono">{merchant.merchantId}</dd>
              </div>
              <div>
                <dt>City</dt>
                <dd>{merchant.city}</dd>
              </div>
              <div>
                <dt>MCC</dt>
                <dd className="mono">{merchant.mcc}</dd>
              </div>
              <div>
                <dt>Settlement account</dt>
                <dd className="mono">{merchant.account}</dd>
              </div>
              <div>
                <dt>Tax ID</dt>
                <dd className="mono">{merchant.taxId ?? '—'}</dd>
              </div>
              <div>
                <dt>Registered</dt>
                <dd>{formatDateTimeSeconds(merchant.createdAt)}</dd>
              </div>
            </dl>
          </div>
          <div className="panel" data-testid="static-qr">
            <h2>Static QR</h2>
            <p className="muted panel-lead">The merchant’s permanent code, without an amount: the payer enters it.</p>
            <div className="qr-result">
              <QrImage
                src={api.ips.staticQrImage(merchant.id)}
                alt={`Static QR code of ${merchant.name}`}
                testId="static-qr-image"
              />
              {staticQr && (
                <dl className="kv">
                  <div>
                    <dt>Payload</dt>
                    <dd className="mono qr-payload" data-testid="static-qr-payload">
                      {staticQr.payload}
                    </dd>
                  </div>
                </dl>
              )}
            </div>
          </div>
          <DynamicQrForm merchant={merchant} />
        </>
      )}
    </DetailFrame>
  );
}

/** The merchants a bank acquires: the list, registering one, and one merchant with its QR codes. */
export function MerchantsPage({ me, merchantId }: { me: Me; merchantId: string | undefined }) {
  const paged = usePagedList<Merchant>();
  const { list, error, loading, start, reload } = paged;
  const [registering, setRegistering] = useState(false);

  // (re)loads whenever the list is shown: back from a merchant registered meanwhile, it is listed
  useEffect(() => {
    if (merchantId) return;
    void start((after) => api.ips.merchants({ after }));
  }, [start, merchantId]);

  if (merchantId) {
    return (
      <section aria-labelledby="merchant-title">
        <div className="page-head">
          <h1 id="merchant-title">Merchants · Merchant</h1>
        </div>
        <MerchantDetail id={merchantId} />
      </section>
    );
  }

  return (
    <section aria-labelledby="merchants-title">
      <div className="page-head">
        <h1 id="merchants-title">Merchants</h1>
        <div className="page-actions">
          <button type="button" className="btn" onClick={() => void reload()} disabled={loading}>
            {loading ? 'Refreshing…' : 'Refresh'}
          </button>
          {!registering && (
            <button type="button" className="btn btn-primary" onClick={() => setRegistering(true)}>
              Register merchant
            </button>
          )}
        </div>
      </div>
      {registering && (
        <RegisterMerchantForm
          onCancel={() => setRegistering(false)}
          onRegistered={(m) => {
            setRegistering(false);
            window.location.hash = hrefOf('merchants', m.id);
          }}
        />
      )}
      {error && <Alert>{error}</Alert>}
      <div className="panel">
        <div className="table-toolbar">
          <p className="muted panel-lead">Merchants {me.participant.name} acquires for instant QR payments.</p>
          {list && (
            <ListCount testId="merchants-count">
              {shownCount(list.items.length, list.items.length, list.next !== null, 'merchant')}
            </ListCount>
          )}
        </div>
        <PagedTable
          paged={paged}
          pageSize={PAGE_SIZE}
          labelledBy="merchants-title"
          testId="merchants"
          columns={['Merchant', 'Merchant ID', 'City', 'MCC', 'Status', 'Registered']}
          loading="Loading merchants…"
          empty="No merchants yet."
        >
          {list?.items.map((m) => (
            <tr key={m.id} data-merchant-id={m.merchantId}>
              <th scope="row">
                <a href={hrefOf('merchants', m.id)}>{m.name}</a>
              </th>
              <td className="mono">{m.merchantId}</td>
              <td>{m.city}</td>
              <td className="mono">{m.mcc}</td>
              <td>
                <StatusBadge status={m.status} />
              </td>
              <td>
                <WhenCell iso={m.createdAt} />
              </td>
            </tr>
          ))}
        </PagedTable>
      </div>
    </section>
  );
}
