/** pacs.009.001.09 financial institution credit transfer (bank-to-bank, e.g. liquidity moves). */
import {
  ActiveCurrencyAndAmount,
  BranchAndFinancialInstitutionIdentification6 as Agent,
  CashAccount38,
  GroupHeader93,
  PaymentIdentification13,
  PaymentTypeInformation,
  Purpose2Choice,
} from '../schema/components.ts';
import { many, one, opt, seq, some, type ValueOf } from '../schema/dsl.ts';
import { ISODate, Max140Text, Priority3Code } from '../schema/iso-types.ts';
import { defineMessage, expectCount, expectTotal } from './define.ts';

const CreditTransferTransaction44 = seq('CreditTransferTransaction44', [
  one('PmtId', PaymentIdentification13),
  opt('PmtTpInf', PaymentTypeInformation),
  one('IntrBkSttlmAmt', ActiveCurrencyAndAmount),
  opt('IntrBkSttlmDt', ISODate),
  opt('SttlmPrty', Priority3Code),
  opt('InstgAgt', Agent),
  opt('InstdAgt', Agent),
  one('Dbtr', Agent),
  opt('DbtrAcct', CashAccount38),
  opt('DbtrAgt', Agent),
  opt('CdtrAgt', Agent),
  one('Cdtr', Agent),
  opt('CdtrAcct', CashAccount38),
  opt('Purp', Purpose2Choice),
  opt('RmtInf', seq('RemittanceInformation2', [many('Ustrd', Max140Text)])),
]);

const FinancialInstitutionCreditTransferV09 = seq('FinancialInstitutionCreditTransferV09', [
  one('GrpHdr', GroupHeader93),
  some('CdtTrfTxInf', CreditTransferTransaction44),
]);

export const pacs009 = defineMessage(
  'pacs.009.001.09',
  'FICdtTrf',
  FinancialInstitutionCreditTransferV09,
  (m, sink) => {
    expectCount(sink, ['grpHdr', 'nbOfTxs'], m.grpHdr.nbOfTxs, m.cdtTrfTxInf.length);
    expectTotal(
      sink,
      ['grpHdr', 'ttlIntrBkSttlmAmt'],
      m.grpHdr.ttlIntrBkSttlmAmt,
      m.cdtTrfTxInf.map((t) => t.intrBkSttlmAmt),
    );
    if (m.grpHdr.intrBkSttlmDt === undefined) {
      m.cdtTrfTxInf.forEach((t, i) => {
        if (t.intrBkSttlmDt === undefined)
          sink.fail(['cdtTrfTxInf', i, 'intrBkSttlmDt'], 'settlement date missing here and in GrpHdr');
      });
    }
  },
);

export type Pacs009 = ValueOf<typeof FinancialInstitutionCreditTransferV09>;
