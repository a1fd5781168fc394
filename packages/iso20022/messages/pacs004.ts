/** pacs.004.001.10 payment return: sends settled funds back, with the return reason. */
import {
  ActiveCurrencyAndAmount,
  ActiveOrHistoricCurrencyAndAmount,
  BranchAndFinancialInstitutionIdentification6 as Agent,
  OriginalGroupInformation29,
  reasonInformation,
  SettlementInstruction7,
} from '../schema/components.ts';
import { many, one, opt, seq, type ValueOf } from '../schema/dsl.ts';
import {
  ChargeBearerType1Code,
  ISODate,
  ISODateTime,
  Max15NumericText,
  Max35Text,
  Priority3Code,
  UUIDv4Identifier,
} from '../schema/iso-types.ts';
import { defineMessage, expectCount, expectTotal } from './define.ts';

const PaymentReturnReason6 = reasonInformation('PaymentReturnReason6', 'ReturnReason5Choice');

const GroupHeader90 = seq('GroupHeader90', [
  one('MsgId', Max35Text),
  one('CreDtTm', ISODateTime),
  one('NbOfTxs', Max15NumericText),
  opt('TtlRtrdIntrBkSttlmAmt', ActiveCurrencyAndAmount),
  opt('IntrBkSttlmDt', ISODate),
  one('SttlmInf', SettlementInstruction7),
  opt('InstgAgt', Agent),
  opt('InstdAgt', Agent),
]);

const OriginalGroupHeader18 = seq('OriginalGroupHeader18', [
  one('OrgnlMsgId', Max35Text),
  one('OrgnlMsgNmId', Max35Text),
  opt('OrgnlCreDtTm', ISODateTime),
  many('RtrRsnInf', PaymentReturnReason6),
]);

const PaymentTransaction118 = seq('PaymentTransaction118', [
  opt('RtrId', Max35Text),
  opt('OrgnlGrpInf', OriginalGroupInformation29),
  opt('OrgnlInstrId', Max35Text),
  opt('OrgnlEndToEndId', Max35Text),
  opt('OrgnlTxId', Max35Text),
  opt('OrgnlUETR', UUIDv4Identifier),
  opt('OrgnlClrSysRef', Max35Text),
  opt('OrgnlIntrBkSttlmAmt', ActiveOrHistoricCurrencyAndAmount),
  opt('OrgnlIntrBkSttlmDt', ISODate),
  one('RtrdIntrBkSttlmAmt', ActiveCurrencyAndAmount),
  opt('IntrBkSttlmDt', ISODate),
  opt('SttlmPrty', Priority3Code),
  opt('ChrgBr', ChargeBearerType1Code),
  opt('ClrSysRef', Max35Text),
  opt('InstgAgt', Agent),
  opt('InstdAgt', Agent),
  many('RtrRsnInf', PaymentReturnReason6),
]);

const PaymentReturnV10 = seq('PaymentReturnV10', [
  one('GrpHdr', GroupHeader90),
  opt('OrgnlGrpInf', OriginalGroupHeader18),
  many('TxInf', PaymentTransaction118),
]);

export const pacs004 = defineMessage('pacs.004.001.10', 'PmtRtr', PaymentReturnV10, (m, sink) => {
  const txs = m.txInf ?? [];
  expectCount(sink, ['grpHdr', 'nbOfTxs'], m.grpHdr.nbOfTxs, txs.length);
  expectTotal(
    sink,
    ['grpHdr', 'ttlRtrdIntrBkSttlmAmt'],
    m.grpHdr.ttlRtrdIntrBkSttlmAmt,
    txs.map((t) => t.rtrdIntrBkSttlmAmt),
  );
  // A return must say why; the reason may sit on the group or on each transaction.
  const groupReason = m.orgnlGrpInf?.rtrRsnInf?.some((r) => r.rsn !== undefined) ?? false;
  txs.forEach((t, i) => {
    if (!groupReason && !t.rtrRsnInf?.some((r) => r.rsn !== undefined)) {
      sink.fail(['txInf', i, 'rtrRsnInf'], 'a return needs a reason (RtrRsnInf/Rsn)');
    }
  });
});

export type Pacs004 = ValueOf<typeof PaymentReturnV10>;
