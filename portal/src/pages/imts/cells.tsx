import { formatDateTimeSeconds, splitDateTime } from '../../format.ts';
import type { Payment } from '../../types.ts';
import { hrefOf } from '../../useHashRoute.ts';
import type { Directory } from './directory.ts';

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

/** The payment id as a link to its detail; it may break after the sender's BIC in narrow tables. */
export function PaymentLink({ payment }: { payment: Pick<Payment, 'id'> }) {
  const cut = payment.id.indexOf(':') + 1;
  return (
    <a href={hrefOf('imts-payments', payment.id)}>
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
