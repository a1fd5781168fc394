/**
 * Building blocks shared by several messages, cut down to what the national scheme uses
 * (usage-guideline style). Where a guideline makes an optional ISO element mandatory it says so.
 */
import { amount, choice, many, one, opt, seq, type ValueOf } from './dsl.ts';
import {
  ActiveOrHistoricCurrencyCode,
  AnyBICDec2014Identifier,
  AnyBICIdentifier,
  BICFIDec2014Identifier,
  BICFIIdentifier,
  CountryCode,
  DocumentType3Code,
  DocumentType6Code,
  ExternalCashClearingSystem1Code,
  ExternalCode4,
  ExternalLocalInstrument1Code,
  ExternalPaymentGroupStatus1Code,
  ExternalPaymentTransactionStatus1Code,
  ExternalStatusReason1Code,
  IBAN2007Identifier,
  ISODate,
  ISODateTime,
  LEIIdentifier,
  Max15NumericText,
  Max34Text,
  Max35Text,
  Max70Text,
  Max105Text,
  Max140Text,
  Max2048Text,
  Priority2Code,
  SettlementMethod1Code,
  UUIDv4Identifier,
  YesNoIndicator,
} from './iso-types.ts';

export const ActiveCurrencyAndAmount = amount('ActiveCurrencyAndAmount');
export const ActiveOrHistoricCurrencyAndAmount = amount('ActiveOrHistoricCurrencyAndAmount');

/** `{ cd }` or `{ prtry }`: the common ISO code-or-proprietary choice. */
function codeOrProprietary(name: string, cd = ExternalCode4) {
  return choice(name, [one('Cd', cd), one('Prtry', Max35Text)]);
}

// ---- agents (financial institutions) ----

/** The scheme identifies every agent by BIC, so BICFI is mandatory here although ISO makes it optional. */
export const FinancialInstitutionIdentification18 = seq('FinancialInstitutionIdentification18', [
  one('BICFI', BICFIDec2014Identifier),
  opt('LEI', LEIIdentifier),
  opt('Nm', Max140Text),
]);
export const BranchAndFinancialInstitutionIdentification6 = seq('BranchAndFinancialInstitutionIdentification6', [
  one('FinInstnId', FinancialInstitutionIdentification18),
]);
export type Agent = ValueOf<typeof BranchAndFinancialInstitutionIdentification6>;

// ---- parties (persons and organisations) ----

/** Othr/Id carries the IIN (persons) or BIN (organisations), SchmeNm saying which. */
const GenericOrganisationIdentification1 = seq('GenericOrganisationIdentification1', [
  one('Id', Max35Text),
  opt('SchmeNm', codeOrProprietary('OrganisationIdentificationSchemeName1Choice')),
  opt('Issr', Max35Text),
]);
const GenericPersonIdentification1 = seq('GenericPersonIdentification1', [
  one('Id', Max35Text),
  opt('SchmeNm', codeOrProprietary('PersonIdentificationSchemeName1Choice')),
  opt('Issr', Max35Text),
]);
const Party38Choice = choice('Party38Choice', [
  one(
    'OrgId',
    seq('OrganisationIdentification29', [
      opt('AnyBIC', AnyBICDec2014Identifier),
      opt('LEI', LEIIdentifier),
      many('Othr', GenericOrganisationIdentification1),
    ]),
  ),
  one('PrvtId', seq('PersonIdentification13', [many('Othr', GenericPersonIdentification1)])),
]);
export const PartyIdentification135 = seq('PartyIdentification135', [
  opt('Nm', Max140Text),
  opt('Id', Party38Choice),
  opt('CtryOfRes', CountryCode),
]);
export type Party = ValueOf<typeof PartyIdentification135>;

/** A party that is either a person/organisation or an agent (case assignments, related parties). */
export const Party40Choice = choice('Party40Choice', [
  one('Pty', PartyIdentification135),
  one('Agt', BranchAndFinancialInstitutionIdentification6),
]);

// ---- accounts ----

export const AccountIdentification4Choice = choice('AccountIdentification4Choice', [
  one('IBAN', IBAN2007Identifier),
  one(
    'Othr',
    seq('GenericAccountIdentification1', [
      one('Id', Max34Text),
      opt('SchmeNm', codeOrProprietary('AccountSchemeName1Choice')),
      opt('Issr', Max35Text),
    ]),
  ),
]);

/** Proxy (alias) such as a phone number the account was addressed by. */
const ProxyAccountIdentification1 = seq('ProxyAccountIdentification1', [
  opt('Tp', codeOrProprietary('ProxyAccountType1Choice')),
  one('Id', Max2048Text),
]);

const accountFields = [
  one('Id', AccountIdentification4Choice),
  opt('Ccy', ActiveOrHistoricCurrencyCode),
  opt('Nm', Max70Text),
  opt('Prxy', ProxyAccountIdentification1),
] as const;
export const CashAccount38 = seq('CashAccount38', accountFields);
export type Account = ValueOf<typeof CashAccount38>;

/** The reported account of camt.05x: an account plus its owner and servicer. */
export const CashAccount39 = seq('CashAccount39', [
  ...accountFields,
  opt('Ownr', PartyIdentification135),
  opt('Svcr', BranchAndFinancialInstitutionIdentification6),
]);

// ---- payment identification and type ----

export const PaymentIdentification13 = seq('PaymentIdentification13', [
  opt('InstrId', Max35Text),
  one('EndToEndId', Max35Text),
  opt('TxId', Max35Text),
  opt('UETR', UUIDv4Identifier),
]);

/** Same subset serves PaymentTypeInformation28 (pacs) and 26 (pain): their orders agree. */
export const PaymentTypeInformation = seq('PaymentTypeInformation28', [
  opt('InstrPrty', Priority2Code),
  many('SvcLvl', codeOrProprietary('ServiceLevel8Choice')),
  opt('LclInstrm', codeOrProprietary('LocalInstrument2Choice', ExternalLocalInstrument1Code)),
  opt('CtgyPurp', codeOrProprietary('CategoryPurpose1Choice')),
]);

/** Purpose; Prtry carries the national payment purpose code (KNP). */
export const Purpose2Choice = codeOrProprietary('Purpose2Choice');

export const SettlementInstruction7 = seq('SettlementInstruction7', [
  one('SttlmMtd', SettlementMethod1Code),
  opt('ClrSys', codeOrProprietary('ClearingSystemIdentification3Choice', ExternalCashClearingSystem1Code)),
]);

// ---- remittance ----

const CreditorReferenceInformation2 = seq('CreditorReferenceInformation2', [
  opt(
    'Tp',
    seq('CreditorReferenceType2', [
      one('CdOrPrtry', choice('CreditorReferenceType1Choice', [one('Cd', DocumentType3Code), one('Prtry', Max35Text)])),
      opt('Issr', Max35Text),
    ]),
  ),
  opt('Ref', Max35Text),
]);
/** The document paid: for B2B, the invoice (Tp CINV, its number and date). */
const ReferredDocumentInformation7 = seq('ReferredDocumentInformation7', [
  opt(
    'Tp',
    seq('ReferredDocumentType4', [
      one('CdOrPrtry', choice('ReferredDocumentType3Choice', [one('Cd', DocumentType6Code), one('Prtry', Max35Text)])),
      opt('Issr', Max35Text),
    ]),
  ),
  opt('Nb', Max35Text),
  opt('RltdDt', ISODate),
]);
export const RemittanceInformation16 = seq('RemittanceInformation16', [
  many('Ustrd', Max140Text),
  many(
    'Strd',
    seq('StructuredRemittanceInformation16', [
      many('RfrdDocInf', ReferredDocumentInformation7),
      opt('CdtrRefInf', CreditorReferenceInformation2),
      many('AddtlRmtInf', Max140Text, 3),
    ]),
  ),
]);

// ---- references to an original message ----

export const OriginalGroupInformation29 = seq('OriginalGroupInformation29', [
  one('OrgnlMsgId', Max35Text),
  one('OrgnlMsgNmId', Max35Text),
  opt('OrgnlCreDtTm', ISODateTime),
]);

/** Group header of the credit transfers (pacs.008, pacs.009). */
export const GroupHeader93 = seq('GroupHeader93', [
  one('MsgId', Max35Text),
  one('CreDtTm', ISODateTime),
  one('NbOfTxs', Max15NumericText),
  opt('TtlIntrBkSttlmAmt', ActiveCurrencyAndAmount),
  opt('IntrBkSttlmDt', ISODate),
  one('SttlmInf', SettlementInstruction7),
  opt('PmtTpInf', PaymentTypeInformation),
  opt('InstgAgt', BranchAndFinancialInstitutionIdentification6),
  opt('InstdAgt', BranchAndFinancialInstitutionIdentification6),
]);

export const GroupHeader91 = seq('GroupHeader91', [
  one('MsgId', Max35Text),
  one('CreDtTm', ISODateTime),
  opt('InstgAgt', BranchAndFinancialInstitutionIdentification6),
  opt('InstdAgt', BranchAndFinancialInstitutionIdentification6),
]);

// ---- statuses and reasons ----

/** Reason structure shared by status, return and cancellation reasons; `reason` is its Cd type. */
export function reasonInformation(name: string, choiceName: string, reason = ExternalCode4) {
  return seq(name, [
    opt('Orgtr', PartyIdentification135),
    opt('Rsn', codeOrProprietary(choiceName, reason)),
    many('AddtlInf', Max105Text),
  ]);
}

export const StatusReasonInformation12 = reasonInformation(
  'StatusReasonInformation12',
  'StatusReason6Choice',
  ExternalStatusReason1Code,
);

export const TxStatus = ExternalPaymentTransactionStatus1Code;
export const GroupStatus = ExternalPaymentGroupStatus1Code;

export const DateAndDateTime2Choice = choice('DateAndDateTime2Choice', [one('Dt', ISODate), one('DtTm', ISODateTime)]);

// ---- cases (investigations) ----

export const CaseAssignment5 = seq('CaseAssignment5', [
  one('Id', Max35Text),
  one('Assgnr', Party40Choice),
  one('Assgne', Party40Choice),
  one('CreDtTm', ISODateTime),
]);
export const Case5 = seq('Case5', [
  one('Id', Max35Text),
  one('Cretr', Party40Choice),
  opt('ReopCaseIndctn', YesNoIndicator),
]);

// ---- acmt (2015 component versions: older BIC pattern, no LEI) ----

export const BranchAndFinancialInstitutionIdentification5 = seq('BranchAndFinancialInstitutionIdentification5', [
  one('FinInstnId', seq('FinancialInstitutionIdentification8', [one('BICFI', BICFIIdentifier), opt('Nm', Max140Text)])),
]);
export const PartyIdentification43 = seq('PartyIdentification43', [
  opt('Nm', Max140Text),
  opt(
    'Id',
    choice('Party11Choice', [
      one(
        'OrgId',
        seq('OrganisationIdentification8', [
          opt('AnyBIC', AnyBICIdentifier),
          many('Othr', GenericOrganisationIdentification1),
        ]),
      ),
      one('PrvtId', seq('PersonIdentification5', [many('Othr', GenericPersonIdentification1)])),
    ]),
  ),
  opt('CtryOfRes', CountryCode),
]);
export const Party12Choice = choice('Party12Choice', [
  one('Pty', PartyIdentification43),
  one('Agt', BranchAndFinancialInstitutionIdentification5),
]);
