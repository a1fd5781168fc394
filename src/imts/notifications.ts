import type { Message } from '../../packages/iso20022/index.ts';
import { type Payment, settlementAccountId } from './domain/payment.ts';

/**
 * camt.054 debit/credit notification of one settled payment, for one side (IMTS-4): the sender's account
 * is debited (DBIT), the receiver's credited (CRDT). Pushed to the bank's webhook endpoints.
 */
export function camt054For(p: Payment, side: 'DBIT' | 'CRDT', at: string): Message<'camt.054.001.08'> {
  const bic = side === 'DBIT' ? p.senderBic : p.receiverBic;
  const amt = { amount: p.amount, ccy: p.currency };
  return {
    type: 'camt.054.001.08',
    message: {
      grpHdr: { msgId: `N${p.seq}${side[0]}`.slice(0, 35), creDtTm: at },
      ntfctn: [
        {
          id: `${p.seq}-${side}`.slice(0, 35),
          creDtTm: at,
          acct: { id: { othr: { id: settlementAccountId(bic).slice(0, 34) } }, ccy: p.currency },
          ntry: [
            {
              ntryRef: String(p.seq),
              amt,
              cdtDbtInd: side,
              sts: { cd: 'BOOK' },
              bookgDt: { dtTm: at },
              bkTxCd: { prtry: { cd: `IMTS-${p.msgType.toUpperCase()}` } },
              ntryDtls: [
                {
                  txDtls: [
                    {
                      refs: { msgId: p.msgId, endToEndId: p.endToEndId, txId: p.txId },
                      amt,
                      cdtDbtInd: side,
                      rltdAgts: {
                        dbtrAgt: { finInstnId: { bicfi: p.senderBic } },
                        cdtrAgt: { finInstnId: { bicfi: p.receiverBic } },
                      },
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  } as Message<'camt.054.001.08'>;
}
