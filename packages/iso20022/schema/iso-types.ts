/** The concrete ISO simple types the subsets use, named as in the XSDs. */
import { STATUS_REASON_CODES } from '../reasons.ts';
import { Fault } from './dsl.ts';
import { bool, code, count, external, ibanChecksumOk, isoDate, isoDateTime, pattern, text } from './simple.ts';

export const Max4Text = text('Max4Text', 4);
export const Max16Text = text('Max16Text', 16);
export const Max34Text = text('Max34Text', 34);
export const Max35Text = text('Max35Text', 35);
export const Max70Text = text('Max70Text', 70);
export const Max105Text = text('Max105Text', 105);
export const Max140Text = text('Max140Text', 140);
export const Max500Text = text('Max500Text', 500);
export const Max2048Text = text('Max2048Text', 2048);

export const Max5NumericText = count('Max5NumericText', 5);
export const Max15NumericText = count('Max15NumericText', 15);

export const ISODate = isoDate('ISODate');
export const ISODateTime = isoDateTime('ISODateTime');
export const TrueFalseIndicator = bool('TrueFalseIndicator');
export const YesNoIndicator = bool('YesNoIndicator');

/** BIC as in the 2019+ schemas (`BICFIDec2014Identifier`, `AnyBICDec2014Identifier`). */
export const BICFIDec2014Identifier = pattern(
  'BICFIDec2014Identifier',
  /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/,
);
export const AnyBICDec2014Identifier = pattern(
  'AnyBICDec2014Identifier',
  /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/,
);
/** BIC as in the older acmt schemas: stricter on positions 7-8. */
export const BICFIIdentifier = pattern('BICFIIdentifier', /^[A-Z]{6}[A-Z2-9][A-NP-Z0-9](?:[A-Z0-9]{3})?$/);
export const AnyBICIdentifier = pattern('AnyBICIdentifier', /^[A-Z]{6}[A-Z2-9][A-NP-Z0-9](?:[A-Z0-9]{3})?$/);

export const IBAN2007Identifier = pattern('IBAN2007Identifier', /^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$/, (iban) => {
  if (!ibanChecksumOk(iban)) throw new Fault(`IBAN ${iban} has wrong check digits`, 'field');
});
export const LEIIdentifier = pattern('LEIIdentifier', /^[A-Z0-9]{18}[0-9]{2}$/);
export const UUIDv4Identifier = pattern(
  'UUIDv4Identifier',
  /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/,
);
export const CountryCode = pattern('CountryCode', /^[A-Z]{2}$/);
export const ActiveOrHistoricCurrencyCode = pattern('ActiveOrHistoricCurrencyCode', /^[A-Z]{3}$/);

export const Priority2Code = code('Priority2Code', ['HIGH', 'NORM'], ['HIGH', 'NORM']);
export const Priority3Code = code('Priority3Code', ['URGT', 'HIGH', 'NORM'], ['URGT', 'HIGH', 'NORM']);
/** The scheme settles in the clearing system (CLRG) or across accounts at the central bank (INDA). */
export const SettlementMethod1Code = code('SettlementMethod1Code', ['INDA', 'INGA', 'COVE', 'CLRG'], ['CLRG', 'INDA']);
/** Each party bears its own charges: the only bearer code the scheme allows. */
export const ChargeBearerType1Code = code('ChargeBearerType1Code', ['DEBT', 'CRED', 'SHAR', 'SLEV'], ['SLEV']);
export const CreditDebitCode = code('CreditDebitCode', ['CRDT', 'DBIT'], ['CRDT', 'DBIT']);
export const DocumentType3Code = code(
  'DocumentType3Code',
  ['RADM', 'RPIN', 'FXDR', 'DISP', 'PUOR', 'SCOR'],
  ['RADM', 'RPIN', 'FXDR', 'DISP', 'PUOR', 'SCOR'],
);
/** What a referred document is: a commercial invoice (CINV) for B2B payments, and its relatives. */
export const DocumentType6Code = code(
  'DocumentType6Code',
  [
    'MSIN',
    'CNFA',
    'DNFA',
    'CINV',
    'CREN',
    'DEBN',
    'HIRI',
    'SBIN',
    'CMCN',
    'SOAC',
    'DISP',
    'BOLD',
    'VCHR',
    'AROI',
    'TSUT',
    'PUOR',
  ],
  ['CINV', 'CREN', 'DEBN', 'CMCN', 'SOAC', 'PUOR', 'VCHR'],
);
/** Request to pay asks for a credit transfer, never a cheque. */
export const PaymentMethod7Code = code('PaymentMethod7Code', ['CHK', 'TRF'], ['TRF']);
export const CancellationIndividualStatus1Code = code(
  'CancellationIndividualStatus1Code',
  ['RJCR', 'ACCR', 'PDCR'],
  ['RJCR', 'ACCR', 'PDCR'],
);
export const GroupCancellationStatus1Code = code(
  'GroupCancellationStatus1Code',
  ['PACR', 'RJCR', 'ACCR', 'PDCR'],
  ['PACR', 'RJCR', 'ACCR', 'PDCR'],
);

/** Transaction statuses the scheme reports (ExternalPaymentTransactionStatus1Code); CANC: cancelled on request. */
export const TX_STATUSES = [
  'ACTC',
  'ACCP',
  'ACSP',
  'ACSC',
  'ACCC',
  'ACWC',
  'PDNG',
  'RCVD',
  'RJCT',
  'BLCK',
  'CANC',
] as const;
/** Group statuses add PART: some transactions of the group were rejected. */
export const GROUP_STATUSES = ['ACTC', 'ACCP', 'ACSP', 'ACSC', 'ACCC', 'ACWC', 'PDNG', 'RCVD', 'RJCT', 'PART'] as const;
export const ExternalPaymentTransactionStatus1Code = external('ExternalPaymentTransactionStatus1Code', 4, TX_STATUSES);
export const ExternalPaymentGroupStatus1Code = external('ExternalPaymentGroupStatus1Code', 4, GROUP_STATUSES);
export const ExternalStatusReason1Code = external('ExternalStatusReason1Code', 4, STATUS_REASON_CODES);

/** Open external code lists: any 1..n character code the ISO list may hold. */
export const ExternalCode4 = external('ExternalCode4', 4);
export const ExternalCashClearingSystem1Code = external('ExternalCashClearingSystem1Code', 3);
export const ExternalLocalInstrument1Code = external('ExternalLocalInstrument1Code', 35);
