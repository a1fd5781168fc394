/** camt.029.001.10 resolution of investigation: the answer to a camt.056 cancellation request. */
import {
  ActiveOrHistoricCurrencyAndAmount,
  Case5,
  CaseAssignment5,
  OriginalGroupInformation29,
  Party40Choice,
  reasonInformation,
} from '../schema/components.ts';
import { choice, many, one, opt, seq, type ValueOf } from '../schema/dsl.ts';
import {
  CancellationIndividualStatus1Code,
  ExternalCode4,
  GroupCancellationStatus1Code,
  ISODate,
  ISODateTime,
  Max15NumericText,
  Max35Text,
  UUIDv4Identifier,
  YesNoIndicator,
} from '../schema/iso-types.ts';
import { defineMessage, expectReason } from './define.ts';

const CancellationStatusReason4 = reasonInformation('CancellationStatusReason4', 'CancellationStatusReason3Choice');

/** Conf carries e.g. CNCL (cancelled as requested) or RJCR (cancellation rejected). */
const InvestigationStatus5Choice = choice('InvestigationStatus5Choice', [
  one('Conf', ExternalCode4),
  one('DplctOf', Case5),
  one('AssgnmtCxlConf', YesNoIndicator),
]);

const OriginalGroupHeader14 = seq('OriginalGroupHeader14', [
  opt('OrgnlGrpCxlId', Max35Text),
  opt('RslvdCase', Case5),
  one('OrgnlMsgId', Max35Text),
  one('OrgnlMsgNmId', Max35Text),
  opt('OrgnlCreDtTm', ISODateTime),
  opt('OrgnlNbOfTxs', Max15NumericText),
  opt('GrpCxlSts', GroupCancellationStatus1Code),
  many('CxlStsRsnInf', CancellationStatusReason4),
]);

const PaymentTransaction127 = seq('PaymentTransaction127', [
  opt('CxlStsId', Max35Text),
  opt('OrgnlGrpInf', OriginalGroupInformation29),
  opt('OrgnlInstrId', Max35Text),
  opt('OrgnlEndToEndId', Max35Text),
  opt('OrgnlTxId', Max35Text),
  opt('OrgnlClrSysRef', Max35Text),
  opt('OrgnlUETR', UUIDv4Identifier),
  opt('TxCxlSts', CancellationIndividualStatus1Code),
  many('CxlStsRsnInf', CancellationStatusReason4),
  opt('OrgnlIntrBkSttlmAmt', ActiveOrHistoricCurrencyAndAmount),
  opt('OrgnlIntrBkSttlmDt', ISODate),
  opt('Assgnr', Party40Choice),
  opt('Assgne', Party40Choice),
]);

const UnderlyingTransaction25 = seq('UnderlyingTransaction25', [
  opt('OrgnlGrpInfAndSts', OriginalGroupHeader14),
  many('TxInfAndSts', PaymentTransaction127),
]);

const ResolutionOfInvestigationV10 = seq('ResolutionOfInvestigationV10', [
  one('Assgnmt', CaseAssignment5),
  opt('RslvdCase', Case5),
  one('Sts', InvestigationStatus5Choice),
  many('CxlDtls', UnderlyingTransaction25),
]);

export const camt029 = defineMessage('camt.029.001.10', 'RsltnOfInvstgtn', ResolutionOfInvestigationV10, (m, sink) => {
  m.cxlDtls?.forEach((d, i) => {
    const g = d.orgnlGrpInfAndSts;
    if (g !== undefined) {
      expectReason(sink, ['cxlDtls', i, 'orgnlGrpInfAndSts', 'grpCxlSts'], g.grpCxlSts, ['RJCR'], g.cxlStsRsnInf);
    }
    d.txInfAndSts?.forEach((t, j) => {
      expectReason(sink, ['cxlDtls', i, 'txInfAndSts', j, 'txCxlSts'], t.txCxlSts, ['RJCR'], t.cxlStsRsnInf);
    });
  });
});

export type Camt029 = ValueOf<typeof ResolutionOfInvestigationV10>;
