import type { Message } from '../../packages/iso20022/index.ts';
import type { HistoryEntry, Ledger } from '../ledger/index.ts';
import { settlementAccountId } from './domain/payment.ts';

type ReportType = 'camt.053.001.08' | 'camt.052.001.08';

const balanceOf = (e: HistoryEntry | undefined): bigint => (e ? e.balance.creditsPosted - e.balance.debitsPosted : 0n);

const cashBalance = (code: 'OPBD' | 'CLBD' | 'ITBD', amount: bigint, at: string) => ({
  tp: { cdOrPrtry: { cd: code } },
  amt: { amount: amount < 0n ? -amount : amount, ccy: 'KZT' },
  cdtDbtInd: amount < 0n ? 'DBIT' : 'CRDT',
  dt: { dtTm: at },
});

/**
 * A settlement account report from the ledger's history (IMTS-4): camt.053 statement of a business day
 * (opening and closing booked balance, every entry) or camt.052 intraday report (so far today).
 * Reads the account's history page by page; entries before `from` only set the opening balance.
 */
export async function accountReport(
  ledger: Ledger,
  opts: { type: ReportType; bic: string; from: Date; to: Date; msgId: string; createdAt: string },
): Promise<Message<ReportType>> {
  const account = settlementAccountId(opts.bic);
  const from = opts.from.getTime();
  const to = opts.to.getTime();
  let before: HistoryEntry | undefined;
  const inRange: HistoryEntry[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await ledger.history(account, { limit: 1000, ...(after ? { after } : {}) });
    for (const e of page.entries) {
      if (e.transfer.timestamp < from) before = e;
      else if (e.transfer.timestamp < to) inRange.push(e);
    }
    if (!page.next || page.entries.at(-1)!.transfer.timestamp >= to) break;
    after = page.next;
  }
  const opening = balanceOf(before);
  const closing = inRange.length ? balanceOf(inRange.at(-1)) : opening;
  const report = {
    id: `${opts.bic}-${opts.from.toISOString().slice(0, 10)}`.slice(0, 35),
    creDtTm: opts.createdAt,
    frToDt: { frDtTm: opts.from.toISOString(), toDtTm: opts.to.toISOString() },
    acct: { id: { othr: { id: account.slice(0, 34) } }, ccy: 'KZT' },
    bal: [
      cashBalance('OPBD', opening, opts.from.toISOString()),
      cashBalance(opts.type === 'camt.053.001.08' ? 'CLBD' : 'ITBD', closing, opts.createdAt),
    ],
    ntry: inRange.map((e) => {
      const t = e.transfer;
      const side = t.debitAccountId === account ? 'DBIT' : 'CRDT';
      return {
        ntryRef: String(t.seq),
        amt: { amount: t.amount, ccy: 'KZT' },
        cdtDbtInd: side,
        sts: { cd: 'BOOK' },
        bookgDt: { dtTm: new Date(t.timestamp).toISOString() },
        acctSvcrRef: t.id.slice(0, 35),
        bkTxCd: { prtry: { cd: t.code.slice(0, 35) } },
        ...(t.reference ? { ntryDtls: [{ txDtls: [{ refs: { endToEndId: t.reference.slice(0, 35) } }] }] } : {}),
      };
    }),
  };
  const grpHdr = { msgId: opts.msgId.slice(0, 35), creDtTm: opts.createdAt };
  return (
    opts.type === 'camt.053.001.08'
      ? { type: opts.type, message: { grpHdr, stmt: [report] } }
      : { type: opts.type, message: { grpHdr, rpt: [report] } }
  ) as Message<ReportType>;
}
