import type { Directory } from '../directory.ts';
import { formatCount, formatDateTimeSeconds, formatMinorNumber, splitDateTime } from '../format.ts';
import { hrefOf, type Route } from '../useHashRoute.ts';

/** A BIC with the participant's name under it when known. */
export function Bic({ bic, dir }: { bic: string; dir: Directory }) {
  const name = dir.byBic.get(bic)?.name;
  return (
    <span className="stacked">
      <span className="mono">{bic}</span>
      {name && <span className="cell-sub">{name}</span>}
    </span>
  );
}

/** A bank's name with its BIC under it (the BIC alone when the name is unknown), for row headers. */
export function BankName({ bic, name }: { bic: string; name: string | undefined }) {
  return (
    <span className="stacked">
      <span className="nowrap">{name ?? bic}</span>
      <span className="cell-sub mono">{bic}</span>
    </span>
  );
}

/** A BIC followed by the participant's name on one line, for detail fields. */
export function Party({ bic, dir }: { bic: string; dir: Directory }) {
  const name = dir.byBic.get(bic)?.name;
  return (
    <>
      <span className="mono">{bic}</span>
      {name && <span className="muted"> · {name}</span>}
    </>
  );
}

/**
 * The payment id as a link to its detail on the payments screen `route`; it may break after the
 * sender's BIC in narrow tables.
 */
export function PaymentLink({ payment, route }: { payment: { id: string }; route: Route }) {
  const cut = payment.id.indexOf(':') + 1;
  return (
    <a href={hrefOf(route, payment.id)}>
      {cut > 0 ? (
        <>
          <span className="nowrap">{payment.id.slice(0, cut)}</span>
          <wbr />
          <span className="nowrap">{payment.id.slice(cut)}</span>
        </>
      ) : (
        payment.id
      )}
    </a>
  );
}

/** Whether a payment went out of or came into the signed-in bank. */
export function Direction({ payment, ownBic }: { payment: { senderBic: string }; ownBic: string }) {
  return payment.senderBic === ownBic ? (
    <span className="direction direction-out">Sent</span>
  ) : (
    <span className="direction direction-in">Received</span>
  );
}

/** Time over date, compact enough for a table column; the full timestamp as a tooltip. */
export function WhenCell({ iso }: { iso: string }) {
  const { date, time } = splitDateTime(iso);
  return (
    <time className="stacked" dateTime={iso} title={formatDateTimeSeconds(iso)}>
      <span className="nowrap">{time}</span>
      {date && <span className="cell-sub">{date}</span>}
    </time>
  );
}

/** An amount over the number of payments it sums, right-aligned; '—' for none. */
export function AmountCount({
  amount,
  count,
  currency,
}: {
  amount: string | null;
  count: number | null;
  currency: string;
}) {
  if (amount === null || count === null || count === 0) return <>—</>;
  return (
    <span className="stacked stacked-end">
      <span>{formatMinorNumber(amount, currency)}</span>
      <span className="cell-sub">
        {formatCount(count)} {count === 1 ? 'payment' : 'payments'}
      </span>
    </span>
  );
}

/**
 * The first cells of a payment's row: its id as the row header linking to its detail, then (for a bank,
 * `ownBic` set) whether the bank sent or received it.
 */
export function PaymentRowHead({
  payment,
  route,
  senderBic,
  ownBic,
}: {
  payment: { id: string };
  route: Route;
  senderBic: string;
  ownBic: string | null;
}) {
  return (
    <>
      <th scope="row" className="mono cell-id">
        <PaymentLink payment={payment} route={route} />
      </th>
      {ownBic && (
        <td>
          <Direction payment={{ senderBic }} ownBic={ownBic} />
        </td>
      )}
    </>
  );
}

/** The sending and the receiving bank of a payment, as two cells. */
export function PartyCells({ from, to, dir }: { from: string; to: string; dir: Directory }) {
  return (
    <>
      <td>
        <Bic bic={from} dir={dir} />
      </td>
      <td>
        <Bic bic={to} dir={dir} />
      </td>
    </>
  );
}
