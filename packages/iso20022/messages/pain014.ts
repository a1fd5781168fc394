/** pain.014.001.08 creditor payment activation request status report (request-to-pay answer). */
import {
  BranchAndFinancialInstitutionIdentification6 as Agent,
  GroupStatus,
  PartyIdentification135 as Party,
  StatusReasonInformation12,
  TxStatus,
} from '../schema/components.ts';
import { many, one, opt, seq, type ValueOf } from '../schema/dsl.ts';
import { ISODateTime, Max15NumericText, Max35Text, UUIDv4Identifier } from '../schema/iso-types.ts';
import { defineMessage, expectReason } from './define.ts';

const GroupHeader87 = seq('GroupHeader87', [
  one('MsgId', Max35Text),
  one('CreDtTm', ISODateTime),
  one('InitgPty', Party),
  opt('DbtrAgt', Agent),
  opt('CdtrAgt', Agent),
]);

const OriginalGroupInformation30 = seq('OriginalGroupInformation30', [
  one('OrgnlMsgId', Max35Text),
  one('OrgnlMsgNmId', Max35Text),
  opt('OrgnlCreDtTm', ISODateTime),
  opt('OrgnlNbOfTxs', Max15NumericText),
  opt('GrpSts', GroupStatus),
  many('StsRsnInf', StatusReasonInformation12),
]);

const PaymentTransaction128 = seq('PaymentTransaction128', [
  opt('StsId', Max35Text),
  opt('OrgnlInstrId', Max35Text),
  opt('OrgnlEndToEndId', Max35Text),
  opt('OrgnlUETR', UUIDv4Identifier),
  opt('TxSts', TxStatus),
  many('StsRsnInf', StatusReasonInformation12),
  opt('DbtrDcsnDtTm', ISODateTime),
  opt('AccptncDtTm', ISODateTime),
  opt('AcctSvcrRef', Max35Text),
  opt('ClrSysRef', Max35Text),
]);

const OriginalPaymentInstruction39 = seq('OriginalPaymentInstruction39', [
  one('OrgnlPmtInfId', Max35Text),
  opt('OrgnlNbOfTxs', Max15NumericText),
  opt('PmtInfSts', GroupStatus),
  many('StsRsnInf', StatusReasonInformation12),
  many('TxInfAndSts', PaymentTransaction128),
]);

const CreditorPaymentActivationRequestStatusReportV08 = seq('CreditorPaymentActivationRequestStatusReportV08', [
  one('GrpHdr', GroupHeader87),
  one('OrgnlGrpInfAndSts', OriginalGroupInformation30),
  many('OrgnlPmtInfAndSts', OriginalPaymentInstruction39),
]);

export const pain014 = defineMessage(
  'pain.014.001.08',
  'CdtrPmtActvtnReqStsRpt',
  CreditorPaymentActivationRequestStatusReportV08,
  (m, sink) => {
    const g = m.orgnlGrpInfAndSts;
    expectReason(sink, ['orgnlGrpInfAndSts', 'grpSts'], g.grpSts, ['RJCT'], g.stsRsnInf);
    m.orgnlPmtInfAndSts?.forEach((p, i) => {
      expectReason(sink, ['orgnlPmtInfAndSts', i, 'pmtInfSts'], p.pmtInfSts, ['RJCT'], p.stsRsnInf);
      p.txInfAndSts?.forEach((t, j) => {
        expectReason(sink, ['orgnlPmtInfAndSts', i, 'txInfAndSts', j, 'txSts'], t.txSts, ['RJCT', 'BLCK'], t.stsRsnInf);
      });
    });
  },
);

export type Pain014 = ValueOf<typeof CreditorPaymentActivationRequestStatusReportV08>;
