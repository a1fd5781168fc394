/** Parts shared by camt.052 (report), camt.053 (statement) and camt.054 (notification) v08. */
import {
  ActiveOrHistoricCurrencyAndAmount,
  BranchAndFinancialInstitutionIdentification6 as Agent,
  CashAccount38,
  CashAccount39,
  DateAndDateTime2Choice,
  Party40Choice,
  PartyIdentification135,
  Purpose2Choice,
  RemittanceInformation16,
} from '../schema/components.ts';
import { choice, many, one, opt, seq } from '../schema/dsl.ts';
import {
  CreditDebitCode,
  ExternalCode4,
  ISODateTime,
  Max5NumericText,
  Max35Text,
  Max500Text,
  TrueFalseIndicator,
  UUIDv4Identifier,
  YesNoIndicator,
} from '../schema/iso-types.ts';

export const GroupHeader81 = seq('GroupHeader81', [
  one('MsgId', Max35Text),
  one('CreDtTm', ISODateTime),
  opt('MsgRcpt', PartyIdentification135),
  opt('MsgPgntn', seq('Pagination1', [one('PgNb', Max5NumericText), one('LastPgInd', YesNoIndicator)])),
  opt('AddtlInf', Max500Text),
]);

const codeOrPrtry = (name: string) => choice(name, [one('Cd', ExternalCode4), one('Prtry', Max35Text)]);

/** Balance type Cd is e.g. OPBD (opening booked), CLBD (closing booked), ITAV (interim available). */
export const CashBalance8 = seq('CashBalance8', [
  one('Tp', seq('BalanceType13', [one('CdOrPrtry', codeOrPrtry('BalanceType10Choice'))])),
  one('Amt', ActiveOrHistoricCurrencyAndAmount),
  one('CdtDbtInd', CreditDebitCode),
  one('Dt', DateAndDateTime2Choice),
]);

const BankTransactionCodeStructure4 = seq('BankTransactionCodeStructure4', [
  opt(
    'Domn',
    seq('BankTransactionCodeStructure5', [
      one('Cd', ExternalCode4),
      one('Fmly', seq('BankTransactionCodeStructure6', [one('Cd', ExternalCode4), one('SubFmlyCd', ExternalCode4)])),
    ]),
  ),
  opt('Prtry', seq('ProprietaryBankTransactionCodeStructure1', [one('Cd', Max35Text), opt('Issr', Max35Text)])),
]);

const TransactionReferences6 = seq('TransactionReferences6', [
  opt('MsgId', Max35Text),
  opt('AcctSvcrRef', Max35Text),
  opt('PmtInfId', Max35Text),
  opt('InstrId', Max35Text),
  opt('EndToEndId', Max35Text),
  opt('UETR', UUIDv4Identifier),
  opt('TxId', Max35Text),
  opt('ClrSysRef', Max35Text),
]);

const EntryTransaction10 = seq('EntryTransaction10', [
  opt('Refs', TransactionReferences6),
  opt('Amt', ActiveOrHistoricCurrencyAndAmount),
  opt('CdtDbtInd', CreditDebitCode),
  opt('BkTxCd', BankTransactionCodeStructure4),
  opt(
    'RltdPties',
    seq('TransactionParties6', [
      opt('Dbtr', Party40Choice),
      opt('DbtrAcct', CashAccount38),
      opt('UltmtDbtr', Party40Choice),
      opt('Cdtr', Party40Choice),
      opt('CdtrAcct', CashAccount38),
      opt('UltmtCdtr', Party40Choice),
    ]),
  ),
  opt(
    'RltdAgts',
    seq('TransactionAgents5', [
      opt('InstgAgt', Agent),
      opt('InstdAgt', Agent),
      opt('DbtrAgt', Agent),
      opt('CdtrAgt', Agent),
    ]),
  ),
  opt('Purp', Purpose2Choice),
  opt('RmtInf', RemittanceInformation16),
  opt('AddtlTxInf', Max500Text),
]);

/** Entry status Cd is BOOK, PDNG or INFO in the ISO list. */
export const ReportEntry10 = seq('ReportEntry10', [
  opt('NtryRef', Max35Text),
  one('Amt', ActiveOrHistoricCurrencyAndAmount),
  one('CdtDbtInd', CreditDebitCode),
  opt('RvslInd', TrueFalseIndicator),
  one('Sts', codeOrPrtry('EntryStatus1Choice')),
  opt('BookgDt', DateAndDateTime2Choice),
  opt('ValDt', DateAndDateTime2Choice),
  opt('AcctSvcrRef', Max35Text),
  one('BkTxCd', BankTransactionCodeStructure4),
  many('NtryDtls', seq('EntryDetails9', [many('TxDtls', EntryTransaction10)])),
  opt('AddtlNtryInf', Max500Text),
]);

/** Fields every camt.05x report starts with, in XSD order. */
export const reportHead = [
  one('Id', Max35Text),
  opt('CreDtTm', ISODateTime),
  opt('FrToDt', seq('DateTimePeriod1', [one('FrDtTm', ISODateTime), one('ToDtTm', ISODateTime)])),
  one('Acct', CashAccount39),
] as const;
