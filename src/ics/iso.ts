/**
 * pacs.008 in, pacs.002 out, for ICS: the same JSON model (camelCase element names, decimal-string
 * amounts) and XML as IMTS takes. The reading helpers mirror IMTS's `iso.ts` (module boundaries keep
 * them apart; a shared kernel helper would be the place for both).
 */
import {
  build,
  Iso20022Error,
  type Message,
  parse,
  parseAmount as parseIsoAmount,
  type Validator,
} from '../../packages/iso20022/index.ts';
import { DomainError } from '../platform/index.ts';
import type { IcsPaymentInput, SubmitResult } from './service.ts';

const TYPE = 'pacs.008.001.09';

/** "cdtTrfTxInf.0.intrBkSttlmAmt" or "cdtTrfTxInf[0].x" → "/cdtTrfTxInf/0/intrBkSttlmAmt". */
const pointer = (path: string | undefined): string =>
  path
    ? `/${path
        .replace(/\[(\d+)\]/g, '.$1')
        .split('.')
        .filter(Boolean)
        .join('/')}`
    : '/';

function toDomainError(e: unknown): never {
  if (e instanceof Iso20022Error) {
    const details = e.details?.length ? e.details : [{ path: e.path, message: e.message }];
    const issues = details.map((d) => ({ field: pointer(d.path), message: d.message }));
    const type = e.code === 'xml-too-large' ? 'payload-too-large' : 'validation';
    throw new DomainError(type, `${e.code}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, {
      reason: 'FF01',
      issues,
    });
  }
  throw e;
}

const badAmount = (field: string, message: string): DomainError =>
  new DomainError('validation', `${field}: ${message}`, { reason: 'FF01', issues: [{ field, message }] });

/** JSON carries amounts as decimal strings; the model holds bigint minor units. */
function reviveAmounts(v: unknown, path: string): unknown {
  if (Array.isArray(v)) return v.map((x, i) => reviveAmounts(x, `${path}/${i}`));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if ('amount' in o && 'ccy' in o && Object.keys(o).length === 2) {
    if (typeof o.amount !== 'string' || typeof o.ccy !== 'string')
      throw badAmount(`${path}/amount`, 'must be a decimal string such as "1500.00" (JSON numbers are floats)');
    try {
      return { amount: parseIsoAmount(o.amount, o.ccy), ccy: o.ccy };
    } catch (e) {
      throw badAmount(`${path}/amount`, (e as Error).message);
    }
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, reviveAmounts(x, `${path}/${k}`)]));
}

interface Tx {
  pmtId: { endToEndId: string; txId?: string };
  intrBkSttlmAmt: { amount: bigint; ccy: string };
  cdtrAgt: { finInstnId: { bicfi?: string } };
}

export interface Pacs008Read {
  msgId: string;
  /** grpHdr.instgAgt, when given: must be the sender. */
  instructingBic: string | undefined;
  payments: IcsPaymentInput[];
}

/** A pacs.008 from its JSON model (validated by building it) or XML (parsed, XSD-validated if configured). */
export function readPacs008(
  body: unknown,
  opts: { xml: boolean; validator?: Validator | undefined; maxBytes: number },
): Pacs008Read {
  let message: Message<typeof TYPE>['message'];
  try {
    if (opts.xml) {
      const r = parse(body as string, {
        expect: TYPE,
        maxBytes: opts.maxBytes,
        ...(opts.validator ? { validator: opts.validator } : {}),
      });
      message = r.message as Message<typeof TYPE>['message'];
    } else {
      message = reviveAmounts(body, '') as Message<typeof TYPE>['message'];
      build({ type: TYPE, message });
    }
  } catch (e) {
    return toDomainError(e);
  }
  const txs = message.cdtTrfTxInf as unknown as Tx[];
  const payments = txs.map((t, i): IcsPaymentInput => {
    const bic = t.cdtrAgt.finInstnId.bicfi;
    if (!t.pmtId.txId)
      throw new DomainError('validation', `/cdtTrfTxInf/${i}/pmtId/txId: required by ICS`, {
        reason: 'FF01',
        issues: [{ field: `/cdtTrfTxInf/${i}/pmtId/txId`, message: 'required: ICS identifies payments by TxId' }],
      });
    if (!bic)
      throw new DomainError('validation', `/cdtTrfTxInf/${i}/cdtrAgt/finInstnId/bicfi: required by ICS`, {
        reason: 'RC01',
        issues: [{ field: `/cdtTrfTxInf/${i}/cdtrAgt/finInstnId/bicfi`, message: 'required: the receiving bank' }],
      });
    return {
      txId: t.pmtId.txId,
      endToEndId: t.pmtId.endToEndId,
      receiverBic: bic,
      amount: t.intrBkSttlmAmt.amount,
      currency: t.intrBkSttlmAmt.ccy,
    };
  });
  const grpHdr = message.grpHdr as { msgId: string; instgAgt?: { finInstnId: { bicfi?: string } } };
  return { msgId: grpHdr.msgId, instructingBic: grpHdr.instgAgt?.finInstnId.bicfi, payments };
}

/** pacs.002 answering a pacs.008: the group status, and per transaction ACSP (with the cycle) or RJCT. */
export function pacs002For(opts: {
  msgId: string;
  createdAt: string;
  result: SubmitResult;
}): Message<'pacs.002.001.11'> {
  const r = opts.result;
  const firstReason = r.transactions.find((t) => t.reason)?.reason;
  return {
    type: 'pacs.002.001.11',
    message: {
      grpHdr: { msgId: opts.msgId, creDtTm: opts.createdAt },
      orgnlGrpInfAndSts: [
        {
          orgnlMsgId: r.msgId,
          orgnlMsgNmId: TYPE,
          orgnlNbOfTxs: r.transactions.length,
          grpSts: r.status,
          ...(r.status === 'RJCT' && firstReason ? { stsRsnInf: [{ rsn: { cd: firstReason } }] } : {}),
        },
      ],
      txInfAndSts: r.transactions.map((s) => ({
        orgnlEndToEndId: s.endToEndId,
        orgnlTxId: s.txId,
        txSts: s.status,
        ...(s.reason ? { stsRsnInf: [{ rsn: { cd: s.reason } }] } : { clrSysRef: r.cycleId }),
      })),
    },
  } as unknown as Message<'pacs.002.001.11'>;
}

export { build as buildIso };
