/** camt.056.001.09 FI-to-FI payment cancellation request ("recall"). */
import {
  ActiveOrHistoricCurrencyAndAmount,
  BranchAndFinancialInstitutionIdentification6 as Agent,
  Case5,
  CaseAssignment5,
  OriginalGroupInformation29,
  reasonInformation,
} from '../schema/components.ts';
import { many, one, opt, seq, some, type ValueOf } from '../schema/dsl.ts';
import {
  ISODate,
  ISODateTime,
  Max15NumericText,
  Max35Text,
  TrueFalseIndicator,
  UUIDv4Identifier,
} from '../schema/iso-types.ts';
import { defineMessage, expectCount } from './define.ts';

const PaymentCancellationReason5 = reasonInformation('PaymentCancellationReason5', 'CancellationReason33Choice');

const OriginalGroupHeader15 = seq('OriginalGroupHeader15', [
  opt('GrpCxlId', Max35Text),
  one('OrgnlMsgId', Max35Text),
  one('OrgnlMsgNmId', Max35Text),
  opt('OrgnlCreDtTm', ISODateTime),
  opt('NbOfTxs', Max15NumericText),
  opt('GrpCxl', TrueFalseIndicator),
  many('CxlRsnInf', PaymentCancellationReason5),
]);

const PaymentTransaction120 = seq('PaymentTransaction120', [
  opt('CxlId', Max35Text),
  opt('OrgnlGrpInf', OriginalGroupInformation29),
  opt('OrgnlInstrId', Max35Text),
  opt('OrgnlEndToEndId', Max35Text),
  opt('OrgnlTxId', Max35Text),
  opt('OrgnlUETR', UUIDv4Identifier),
  opt('OrgnlClrSysRef', Max35Text),
  opt('OrgnlIntrBkSttlmAmt', ActiveOrHistoricCurrencyAndAmount),
  opt('OrgnlIntrBkSttlmDt', ISODate),
  opt('Assgnr', Agent),
  opt('Assgne', Agent),
  many('CxlRsnInf', PaymentCancellationReason5),
]);

const UnderlyingTransaction26 = seq('UnderlyingTransaction26', [
  opt('OrgnlGrpInfAndCxl', OriginalGroupHeader15),
  many('TxInf', PaymentTransaction120),
]);

const FIToFIPaymentCancellationRequestV09 = seq('FIToFIPaymentCancellationRequestV09', [
  one('Assgnmt', CaseAssignment5),
  opt('Case', Case5),
  opt('CtrlData', seq('ControlData1', [one('NbOfTxs', Max15NumericText)])),
  some('Undrlyg', UnderlyingTransaction26),
]);

export const camt056 = defineMessage(
  'camt.056.001.09',
  'FIToFIPmtCxlReq',
  FIToFIPaymentCancellationRequestV09,
  (m, sink) => {
    const total = m.undrlyg.reduce((n, u) => n + (u.txInf?.length ?? 0), 0);
    expectCount(sink, ['ctrlData', 'nbOfTxs'], m.ctrlData?.nbOfTxs, total);
    m.undrlyg.forEach((u, i) => {
      if (u.orgnlGrpInfAndCxl === undefined && u.txInf === undefined) {
        sink.fail(['undrlyg', i], 'names no group and no transaction to cancel');
      }
    });
  },
);

export type Camt056 = ValueOf<typeof FIToFIPaymentCancellationRequestV09>;
