import {
  build,
  Iso20022Error,
  type Message,
  type MessageType,
  parse,
  parseAmount as parseIsoAmount,
  type Validator,
} from '../../packages/iso20022/index.ts';
import { DomainError } from '../platform/index.ts';
import type { PaymentInstruction, TxStatus } from './service.ts';

export type PaymentMessageType = 'pacs.008.001.09' | 'pacs.009.001.09';
export type InboundMessageType = PaymentMessageType | 'pacs.028.001.04';

/** "cdtTrfTxInf.0.intrBkSttlmAmt" or "cdtTrfTxInf[0].x" → "/cdtTrfTxInf/0/intrBkSttlmAmt". */
const pointer = (path: string | undefined): string =>
  path
    ? `/${path
        .replace(/\[(\d+)\]/g, '.$1')
        .split('.')
        .filter(Boolean)
        .join('/')}`
    : '/';

/** A refused ISO 20022 document or JSON model becomes a 400 naming the field, with reason FF01. */
export function toDomainError(e: unknown): never {
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

/** JSON carries amounts as decimal strings; the model holds bigint minor units. */
function reviveAmounts(v: unknown, path: string): unknown {
  if (Array.isArray(v)) return v.map((x, i) => reviveAmounts(x, `${path}/${i}`));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if ('amount' in o && 'ccy' in o && Object.keys(o).length === 2) {
    if (typeof o.amount !== 'string' || typeof o.ccy !== 'string') {
      throw new DomainError('validation', `${path}/amount: must be a decimal string such as "1500.00"`, {
        reason: 'FF01',
        issues: [
          { field: `${path}/amount`, message: 'must be a decimal string such as "1500.00" (JSON numbers are floats)' },
        ],
      });
    }
    try {
      return { amount: parseIsoAmount(o.amount, o.ccy), ccy: o.ccy };
    } catch (e) {
      throw new DomainError('validation', `${path}/amount: ${(e as Error).message}`, {
        reason: 'FF01',
        issues: [{ field: `${path}/amount`, message: (e as Error).message }],
      });
    }
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, reviveAmounts(x, `${path}/${k}`)]));
}

/** The same message, from JSON (validated by building it) or from XML (parsed, XSD-validated if configured). */
export function readPaymentMessage<T extends InboundMessageType>(
  type: T,
  body: unknown,
  opts: { xml: boolean; validator?: Validator | undefined; maxBytes: number },
): { message: Message<T>['message']; xml: string } {
  try {
    if (opts.xml) {
      const xml = body as string;
      const r = parse(xml, {
        expect: type,
        maxBytes: opts.maxBytes,
        ...(opts.validator ? { validator: opts.validator } : {}),
      });
      return { message: r.message as Message<T>['message'], xml };
    }
    const message = reviveAmounts(body, '') as Message<T>['message'];
    const xml = build({ type, message } as Message<MessageType>);
    return { message, xml };
  } catch (e) {
    return toDomainError(e);
  }
}

interface Agent {
  finInstnId: { bicfi: string };
}
interface AnyTx {
  pmtId: { endToEndId: string; txId: string };
  pmtTpInf?: { instrPrty?: string };
  intrBkSttlmAmt: { amount: bigint; ccy: string };
  cdtrAgt?: Agent;
  cdtr: unknown;
}

/** The instructions IMTS settles, one per transaction of the message. */
export function instructionsOf(type: PaymentMessageType, message: { cdtTrfTxInf: unknown[] }): PaymentInstruction[] {
  return (message.cdtTrfTxInf as AnyTx[]).map((t) => ({
    msgType: type === 'pacs.008.001.09' ? 'pacs.008' : 'pacs.009',
    txId: t.pmtId.txId,
    endToEndId: t.pmtId.endToEndId,
    receiverBic: t.cdtrAgt?.finInstnId.bicfi ?? (t.cdtr as Agent).finInstnId.bicfi,
    amount: t.intrBkSttlmAmt.amount,
    currency: t.intrBkSttlmAmt.ccy,
    priority: t.pmtTpInf?.instrPrty === 'HIGH' ? 'urgent' : 'normal',
    document: t,
  }));
}

/** pacs.002 answering a payment message or a status request, transaction by transaction. */
export function statusReport(opts: {
  msgId: string;
  createdAt: string;
  originalMsgId: string;
  originalType: InboundMessageType;
  statuses: (TxStatus & { narrative?: string })[];
}): Message<'pacs.002.001.11'> {
  return {
    type: 'pacs.002.001.11',
    message: {
      grpHdr: { msgId: opts.msgId, creDtTm: opts.createdAt },
      orgnlGrpInfAndSts: [{ orgnlMsgId: opts.originalMsgId, orgnlMsgNmId: opts.originalType }],
      txInfAndSts: opts.statuses.map((s) => ({
        orgnlEndToEndId: s.endToEndId,
        orgnlTxId: s.txId,
        txSts: s.status,
        ...(s.reason
          ? { stsRsnInf: [{ rsn: { cd: s.reason }, ...(s.narrative ? { addtlInf: [s.narrative] } : {}) }] }
          : {}),
      })),
    },
  } as Message<'pacs.002.001.11'>;
}

export { build as buildIso };
