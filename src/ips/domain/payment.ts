/**
 * An instant payment's life: reserved on the payer bank's position (a pending ledger transfer), delivered to
 * the payee bank, then settled (posted) when it accepts or rejected (voided) when it refuses or does not
 * answer in time. Settlement is final: nothing leaves `settled` or `rejected`.
 */
export type IpsStatus = 'reserved' | 'settled' | 'rejected';

export interface IpsPayment {
  /** `<payer BIC>:<TxId>`: a bank's transaction id is unique for it, so a resend is the same payment. */
  id: string;
  msgId: string;
  txId: string;
  endToEndId: string;
  payerBic: string;
  payeeBic: string;
  amount: bigint;
  /** The payee's account at its bank (given, or found through the alias). */
  creditorAccount: string;
  /** The phone (E.164) the payer addressed, when paid by alias. */
  alias: string | null;
  status: IpsStatus;
  /** ISO 20022 ExternalStatusReason1Code of a rejection. */
  reason: string | null;
  document: unknown;
  createdAt: string;
  /** When the payee bank's answer is due; after it the reservation is voided (AB05). */
  deadline: string;
  updatedAt: string;
}

export const ipsPaymentId = (payerBic: string, txId: string): string => `${payerBic}:${txId}`;
/** The ledger's pending transfer reserving the payment; its post settles it. */
export const reservationId = (paymentId: string): string => `ips:${paymentId}`;
export const positionAccountId = (bic: string): string => `ips:position:${bic}`;

/** pacs.002 transaction status of a payment as the payer bank sees it. */
export const ISO_STATUS: Record<IpsStatus, 'ACSP' | 'ACSC' | 'RJCT'> = {
  reserved: 'ACSP',
  settled: 'ACSC',
  rejected: 'RJCT',
};

/** Largest instant payment (tiyn): 10,000,000.00 KZT; larger ones go through IMTS. */
export const IPS_MAX_AMOUNT = 1_000_000_000n;

/** Why a payment is refused before anything is reserved, or undefined. */
export function intakeRejection(p: {
  amount: bigint;
  currency: string;
  payerBic: string;
  payeeBic: string;
}): string | undefined {
  if (p.currency !== 'KZT') return 'AM03';
  if (p.amount <= 0n) return 'AM01';
  if (p.amount > IPS_MAX_AMOUNT) return 'AM02';
  if (p.payerBic === p.payeeBic) return 'AC01';
  return undefined;
}

/** Content identity of a resend: the same transaction id with other content is a conflict, not a replay. */
export const sameInstruction = (a: IpsPayment, b: IpsPayment): boolean =>
  a.payeeBic === b.payeeBic &&
  a.amount === b.amount &&
  a.creditorAccount === b.creditorAccount &&
  a.endToEndId === b.endToEndId &&
  a.alias === b.alias;
