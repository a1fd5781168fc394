import type { Priority } from './queue.ts';

/** Where an IMTS payment is in its life: received payments either settle at once or wait in the queue. */
export type PaymentStatus = 'settled' | 'queued' | 'rejected' | 'cancelled';

/** ISO 20022 pacs.002 transaction status for each of ours. */
export const ISO_STATUS: Record<PaymentStatus, 'ACSC' | 'PDNG' | 'RJCT' | 'CANC'> = {
  settled: 'ACSC',
  queued: 'PDNG',
  rejected: 'RJCT',
  cancelled: 'CANC',
};

/** pacs.008 customer and pacs.009 interbank credit transfers; pacs.004 returns of a settled one. */
export type PaymentMessage = 'pacs.008' | 'pacs.009' | 'pacs.004';

export interface Payment {
  id: string;
  msgType: PaymentMessage;
  msgId: string;
  txId: string;
  endToEndId: string;
  senderBic: string;
  receiverBic: string;
  amount: bigint;
  currency: string;
  priority: Priority;
  status: PaymentStatus;
  /** ISO 20022 ExternalStatusReason1Code when rejected or cancelled. */
  reason: string | null;
  seq: bigint;
  /** The transaction as received (JSON of the ISO 20022 content). */
  document: unknown;
  createdAt: string;
  updatedAt: string;
  /** A return (pacs.004): the id of the payment it returns (received by this return's sender). */
  returnOf?: string;
  /** A return: its ISO 20022 return reason (RtrRsn, ExternalReturnReason1Code such as AC04, CUST). */
  returnReason?: string;
}

/** One payment per sender and transaction id: the id is derived, so a retried message finds its payment. */
export const paymentId = (senderBic: string, txId: string): string => `${senderBic}:${txId}`;

/** The ledger transfer settling a payment; a payment settles at most once, so one id per payment. */
export const settlementTransferId = (paymentIdValue: string): string => `imts:${paymentIdValue}`;

/** A bank's settlement account at the central bank, on the ledger. */
export const settlementAccountId = (bic: string, currency = 'KZT'): string => `imts:${bic}:settlement:${currency}`;
