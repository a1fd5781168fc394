import {
  build,
  type Camt056,
  Iso20022Error,
  isStatusReasonCode,
  type Message,
  type MessageType,
  type Pacs004,
  parse,
  parseAmount as parseIsoAmount,
  type Validator,
} from '../../packages/iso20022/index.ts';
import { DomainError } from '../platform/index.ts';
import type { Payment } from './domain/payment.ts';
import type {
  CancellationOutcome,
  CancellationResult,
  CancellationTarget,
  PaymentInstruction,
  ReturnInstruction,
  TxStatus,
} from './service.ts';

export type PaymentMessageType = 'pacs.008.001.09' | 'pacs.009.001.09';
export type InboundMessageType =
  | PaymentMessageType
  | 'pacs.028.001.04'
  | 'pacs.004.001.10'
  | 'camt.056.001.09'
  | 'pain.013.001.08';

/** The full ISO 20022 name of the message a payment came in. */
export const MESSAGE_NAME: Record<Payment['msgType'], MessageType> = {
  'pacs.008': 'pacs.008.001.09',
  'pacs.009': 'pacs.009.001.09',
  'pacs.004': 'pacs.004.001.10',
};

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
  statuses: (Omit<TxStatus, 'status'> & { status: TxStatus['status'] | 'ACSP'; narrative?: string })[];
}): Message<'pacs.002.001.11'> {
  return {
    type: 'pacs.002.001.11',
    message: {
      grpHdr: { msgId: opts.msgId, creDtTm: opts.createdAt },
      orgnlGrpInfAndSts: [{ orgnlMsgId: opts.originalMsgId, orgnlMsgNmId: opts.originalType }],
      txInfAndSts: opts.statuses.map((s) => ({
        ...(s.endToEndId ? { orgnlEndToEndId: s.endToEndId } : {}),
        ...(s.txId ? { orgnlTxId: s.txId } : {}),
        txSts: s.status,
        ...(s.reason ? { stsRsnInf: [statusReason(s.reason, s.narrative)] } : {}),
      })),
    },
  } as Message<'pacs.002.001.11'>;
}

/**
 * pacs.002 takes only the scheme's status reasons; another code (a cancellation reason such as CUST given
 * by the sender) is reported as NARR naming it.
 */
function statusReason(code: string, narrative: string | undefined) {
  if (isStatusReasonCode(code)) return { rsn: { cd: code }, ...(narrative ? { addtlInf: [narrative] } : {}) };
  return { rsn: { cd: 'NARR' }, addtlInf: [`reason ${code}${narrative ? `: ${narrative}` : ''}`.slice(0, 105)] };
}

const problem = (field: string, message: string): never => {
  throw new DomainError('validation', `${field}: ${message}`, { reason: 'FF01', issues: [{ field, message }] });
};

type AgentRef = { finInstnId?: { bicfi?: string } } | undefined;
const bicOf = (a: AgentRef): string | undefined => a?.finInstnId?.bicfi;
const reasonOf = (infos: { rsn?: { cd?: string; prtry?: string } }[] | undefined): string | undefined => {
  const r = infos?.find((i) => i.rsn !== undefined)?.rsn;
  return r?.cd ?? r?.prtry;
};

/**
 * The returns of a pacs.004 from `callerBic`. Each transaction needs RtrId (the return's own id), OrgnlTxId
 * and the agent the money goes back to, InstdAgt (on the transaction or the group header): the original
 * payment is `<InstdAgt>:<OrgnlTxId>`. An InstgAgt other than the caller is refused (403).
 */
export function returnsOf(message: Pacs004, callerBic: string): ReturnInstruction[] {
  const spoofed = [bicOf(message.grpHdr.instgAgt), ...(message.txInf ?? []).map((t) => bicOf(t.instgAgt))].find(
    (b) => b !== undefined && b !== callerBic,
  );
  if (spoofed !== undefined)
    throw new DomainError('forbidden', `InstgAgt ${spoofed} is not your BIC ${callerBic}`, { reason: 'RC01' });
  const txs = message.txInf ?? [];
  if (txs.length === 0) problem('/txInf', 'a return message needs at least one transaction');
  const groupReason = reasonOf(message.orgnlGrpInf?.rtrRsnInf);
  return txs.map((t, i) => {
    const at = `/txInf/${i}`;
    const rtrId = t.rtrId ?? problem(`${at}/rtrId`, 'required: the return’s own id');
    const orgnlTxId = t.orgnlTxId ?? problem(`${at}/orgnlTxId`, 'required: the returned payment’s transaction id');
    const originalSenderBic =
      bicOf(t.instdAgt) ??
      bicOf(message.grpHdr.instdAgt) ??
      problem(`${at}/instdAgt`, 'required (here or in grpHdr): the original sender the money goes back to');
    const orgnlMsgId = t.orgnlGrpInf?.orgnlMsgId ?? message.orgnlGrpInf?.orgnlMsgId;
    return {
      rtrId,
      originalSenderBic,
      orgnlTxId,
      ...(t.orgnlEndToEndId !== undefined ? { orgnlEndToEndId: t.orgnlEndToEndId } : {}),
      ...(orgnlMsgId !== undefined ? { orgnlMsgId } : {}),
      amount: t.rtrdIntrBkSttlmAmt.amount,
      currency: t.rtrdIntrBkSttlmAmt.ccy,
      reason: reasonOf(t.rtrRsnInf) ?? groupReason ?? problem(`${at}/rtrRsnInf`, 'a return needs a reason'),
      priority: t.sttlmPrty === 'HIGH' || t.sttlmPrty === 'URGT' ? 'urgent' : 'normal',
      document: t,
    };
  });
}

type Undrlyg = Camt056['undrlyg'][number];
type CancellationTx = NonNullable<Undrlyg['txInf']>[number];

/** What each underlying of a camt.056 asks to cancel: its transactions, or the whole original message. */
export function cancellationTargets(message: Camt056): CancellationTarget[][] {
  return message.undrlyg.map((u, i) => {
    const group = u.orgnlGrpInfAndCxl;
    const groupReason = reasonOf(group?.cxlRsnInf);
    if (!u.txInf?.length) {
      return [{ orgnlMsgId: group!.orgnlMsgId, ...(groupReason ? { reason: groupReason } : {}) }];
    }
    return u.txInf.map((t: CancellationTx, j) => {
      if (t.orgnlTxId === undefined && t.orgnlEndToEndId === undefined)
        problem(`/undrlyg/${i}/txInf/${j}/orgnlTxId`, 'name the payment: OrgnlTxId or OrgnlEndToEndId');
      const orgnlMsgId = t.orgnlGrpInf?.orgnlMsgId ?? group?.orgnlMsgId;
      const reason = reasonOf(t.cxlRsnInf) ?? groupReason;
      return {
        ...(t.orgnlTxId !== undefined ? { orgnlTxId: t.orgnlTxId } : {}),
        ...(t.orgnlEndToEndId !== undefined ? { orgnlEndToEndId: t.orgnlEndToEndId } : {}),
        ...(orgnlMsgId !== undefined ? { orgnlMsgId } : {}),
        ...(reason !== undefined ? { reason } : {}),
      };
    });
  });
}

/** The agent of a camt.056 assignment, when it is one (Assgnr/Assgne are a party or an agent). */
export const assignerBic = (message: Camt056): string | undefined =>
  bicOf((message.assgnmt.assgnr as { agt?: AgentRef }).agt);

/**
 * camt.029 answering a camt.056: Sts/Conf CNCL when every named payment was cancelled, RJCR when none was,
 * PECR when some were; per transaction ACCR, or RJCR with the reason (ARDT, NOOR). Unknown payments echo only
 * the requester's own references, so another bank's payment reads exactly like one that does not exist.
 */
export function resolutionOfInvestigation(opts: {
  msgId: string;
  createdAt: string;
  request: Camt056;
  results: CancellationResult[][];
}): Message<'camt.029.001.10'> {
  const all = opts.results.flat().flatMap((r) => r.outcomes);
  const accepted = all.filter((o) => o.status === 'ACCR').length;
  const conf = accepted === all.length ? 'CNCL' : accepted === 0 ? 'RJCR' : 'PECR';
  const reasons = (o: Pick<CancellationOutcome, 'reason' | 'narrative'>) =>
    o.reason
      ? { cxlStsRsnInf: [{ rsn: { cd: o.reason }, ...(o.narrative ? { addtlInf: [o.narrative.slice(0, 105)] } : {}) }] }
      : {};
  const { assgnmt } = opts.request;
  return {
    type: 'camt.029.001.10',
    message: {
      assgnmt: { id: opts.msgId, assgnr: assgnmt.assgne, assgne: assgnmt.assgnr, creDtTm: opts.createdAt },
      ...(opts.request.case ? { rslvdCase: opts.request.case } : {}),
      sts: { conf },
      cxlDtls: opts.request.undrlyg.map((u, i) => {
        const results = opts.results[i]!;
        const outcomes = results.flatMap((r) => r.outcomes);
        const g = u.orgnlGrpInfAndCxl;
        const wholeMessage = !u.txInf?.length;
        let groupStatus = {};
        if (g && wholeMessage) {
          const ok = outcomes.filter((o) => o.status === 'ACCR').length;
          groupStatus =
            ok === outcomes.length
              ? { grpCxlSts: 'ACCR' }
              : ok > 0
                ? { grpCxlSts: 'PACR' }
                : { grpCxlSts: 'RJCR', ...reasons(outcomes.find((o) => o.reason) ?? {}) };
        }
        return {
          ...(g
            ? {
                orgnlGrpInfAndSts: {
                  ...(g.grpCxlId ? { orgnlGrpCxlId: g.grpCxlId } : {}),
                  orgnlMsgId: g.orgnlMsgId,
                  orgnlMsgNmId: g.orgnlMsgNmId,
                  ...(g.orgnlCreDtTm ? { orgnlCreDtTm: g.orgnlCreDtTm } : {}),
                  ...groupStatus,
                },
              }
            : {}),
          ...txList(
            results.flatMap((r, j) =>
              // a whole message reports the payments it found; its refusal as such is the group status
              (g && wholeMessage ? r.outcomes.filter((o) => o.payment) : r.outcomes).map((o) => {
                const asked = u.txInf?.[j];
                const p = o.payment;
                const orgnlGrpInf = p
                  ? { orgnlMsgId: p.msgId, orgnlMsgNmId: MESSAGE_NAME[p.msgType] }
                  : asked?.orgnlGrpInf;
                const e2e = p ? p.endToEndId : r.target.orgnlEndToEndId;
                const txId = p ? p.txId : r.target.orgnlTxId;
                return {
                  ...(asked?.cxlId ? { cxlStsId: asked.cxlId } : {}),
                  ...(orgnlGrpInf ? { orgnlGrpInf } : {}),
                  ...(e2e ? { orgnlEndToEndId: e2e } : {}),
                  ...(txId ? { orgnlTxId: txId } : {}),
                  txCxlSts: o.status,
                  ...reasons(o),
                  ...(p ? { orgnlIntrBkSttlmAmt: { amount: p.amount, ccy: p.currency } } : {}),
                };
              }),
            ),
          ),
        };
      }),
    },
  } as Message<'camt.029.001.10'>;
}

/** An empty list has no XML form: leave it out. */
const txList = <T>(items: T[]) => (items.length > 0 ? { txInfAndSts: items } : {});

export { build as buildIso };
