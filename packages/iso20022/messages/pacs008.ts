/** pacs.008.001.09 FI-to-FI customer credit transfer: one message, 1..n customer payments. */
import {
  ActiveCurrencyAndAmount,
  ActiveOrHistoricCurrencyAndAmount,
  BranchAndFinancialInstitutionIdentification6 as Agent,
  CashAccount38,
  GroupHeader93,
  PartyIdentification135 as Party,
  PaymentIdentification13,
  PaymentTypeInformation,
  Purpose2Choice,
  RemittanceInformation16,
} from '../schema/components.ts';
import { one, opt, seq, some, type ValueOf } from '../schema/dsl.ts';
import { ChargeBearerType1Code, ISODate, ISODateTime, Priority3Code } from '../schema/iso-types.ts';
import { defineMessage, expectCount, expectTotal } from './define.ts';

const CreditTransferTransaction43 = seq('CreditTransferTransaction43', [
  one('PmtId', PaymentIdentification13),
  opt('PmtTpInf', PaymentTypeInformation),
  one('IntrBkSttlmAmt', ActiveCurrencyAndAmount),
  opt('IntrBkSttlmDt', ISODate),
  opt('SttlmPrty', Priority3Code),
  opt('AccptncDtTm', ISODateTime),
  opt('InstdAmt', ActiveOrHistoricCurrencyAndAmount),
  one('ChrgBr', ChargeBearerType1Code),
  opt('InstgAgt', Agent),
  opt('InstdAgt', Agent),
  opt('UltmtDbtr', Party),
  one('Dbtr', Party),
  opt('DbtrAcct', CashAccount38),
  one('DbtrAgt', Agent),
  one('CdtrAgt', Agent),
  one('Cdtr', Party),
  opt('CdtrAcct', CashAccount38),
  opt('UltmtCdtr', Party),
  opt('Purp', Purpose2Choice),
  opt('RmtInf', RemittanceInformation16),
]);

const FIToFICustomerCreditTransferV09 = seq('FIToFICustomerCreditTransferV09', [
  one('GrpHdr', GroupHeader93),
  some('CdtTrfTxInf', CreditTransferTransaction43),
]);

export const pacs008 = defineMessage(
  'pacs.008.001.09',
  'FIToFICstmrCdtTrf',
  FIToFICustomerCreditTransferV09,
  (m, sink) => {
    expectCount(sink, ['grpHdr', 'nbOfTxs'], m.grpHdr.nbOfTxs, m.cdtTrfTxInf.length);
    expectTotal(
      sink,
      ['grpHdr', 'ttlIntrBkSttlmAmt'],
      m.grpHdr.ttlIntrBkSttlmAmt,
      m.cdtTrfTxInf.map((t) => t.intrBkSttlmAmt),
    );
    // Settlement needs a date: once for the group or on every transaction.
    if (m.grpHdr.intrBkSttlmDt === undefined) {
      m.cdtTrfTxInf.forEach((t, i) => {
        if (t.intrBkSttlmDt === undefined)
          sink.fail(['cdtTrfTxInf', i, 'intrBkSttlmDt'], 'settlement date missing here and in GrpHdr');
      });
    }
  },
);

export type Pacs008 = ValueOf<typeof FIToFICustomerCreditTransferV09>;
export type CreditTransferTransaction = ValueOf<typeof CreditTransferTransaction43>;
