/** pacs.002.001.11 payment status report: group and/or per-transaction status with reasons. */
import {
  BranchAndFinancialInstitutionIdentification6 as Agent,
  DateAndDateTime2Choice,
  GroupHeader91,
  GroupStatus,
  OriginalGroupInformation29,
  StatusReasonInformation12,
  TxStatus,
} from '../schema/components.ts';
import { many, one, opt, seq, type ValueOf } from '../schema/dsl.ts';
import { ISODateTime, Max15NumericText, Max35Text, UUIDv4Identifier } from '../schema/iso-types.ts';
import { defineMessage, expectReason } from './define.ts';

const OriginalGroupHeader17 = seq('OriginalGroupHeader17', [
  one('OrgnlMsgId', Max35Text),
  one('OrgnlMsgNmId', Max35Text),
  opt('OrgnlCreDtTm', ISODateTime),
  opt('OrgnlNbOfTxs', Max15NumericText),
  opt('GrpSts', GroupStatus),
  many('StsRsnInf', StatusReasonInformation12),
]);

const PaymentTransaction123 = seq('PaymentTransaction123', [
  opt('StsId', Max35Text),
  opt('OrgnlGrpInf', OriginalGroupInformation29),
  opt('OrgnlInstrId', Max35Text),
  opt('OrgnlEndToEndId', Max35Text),
  opt('OrgnlTxId', Max35Text),
  opt('OrgnlUETR', UUIDv4Identifier),
  opt('TxSts', TxStatus),
  many('StsRsnInf', StatusReasonInformation12),
  opt('AccptncDtTm', ISODateTime),
  opt('FctvIntrBkSttlmDt', DateAndDateTime2Choice),
  opt('AcctSvcrRef', Max35Text),
  opt('ClrSysRef', Max35Text),
  opt('InstgAgt', Agent),
  opt('InstdAgt', Agent),
]);

const FIToFIPaymentStatusReportV11 = seq('FIToFIPaymentStatusReportV11', [
  one('GrpHdr', GroupHeader91),
  many('OrgnlGrpInfAndSts', OriginalGroupHeader17),
  many('TxInfAndSts', PaymentTransaction123),
]);

export const pacs002 = defineMessage('pacs.002.001.11', 'FIToFIPmtStsRpt', FIToFIPaymentStatusReportV11, (m, sink) => {
  if (m.orgnlGrpInfAndSts === undefined && m.txInfAndSts === undefined) {
    sink.fail([], 'a status report needs OrgnlGrpInfAndSts or TxInfAndSts');
  }
  m.orgnlGrpInfAndSts?.forEach((g, i) => {
    expectReason(sink, ['orgnlGrpInfAndSts', i, 'grpSts'], g.grpSts, ['RJCT'], g.stsRsnInf);
  });
  m.txInfAndSts?.forEach((t, i) => {
    expectReason(sink, ['txInfAndSts', i, 'txSts'], t.txSts, ['RJCT', 'BLCK'], t.stsRsnInf);
  });
});

export type Pacs002 = ValueOf<typeof FIToFIPaymentStatusReportV11>;
export type TransactionStatus = ValueOf<typeof PaymentTransaction123>;
