/** pain.013.001.08 creditor payment activation request ("request to pay"). */
import {
  ActiveOrHistoricCurrencyAndAmount,
  BranchAndFinancialInstitutionIdentification6 as Agent,
  CashAccount38,
  DateAndDateTime2Choice,
  PartyIdentification135 as Party,
  PaymentTypeInformation,
  Purpose2Choice,
  RemittanceInformation16,
} from '../schema/components.ts';
import { choice, one, opt, seq, some, type ValueOf } from '../schema/dsl.ts';
import {
  ChargeBearerType1Code,
  ISODateTime,
  Max15NumericText,
  Max35Text,
  PaymentMethod7Code,
  UUIDv4Identifier,
} from '../schema/iso-types.ts';
import { defineMessage, expectCount } from './define.ts';

const GroupHeader78 = seq('GroupHeader78', [
  one('MsgId', Max35Text),
  one('CreDtTm', ISODateTime),
  one('NbOfTxs', Max15NumericText),
  one('InitgPty', Party),
]);

const CreditTransferTransaction42 = seq('CreditTransferTransaction42', [
  one(
    'PmtId',
    seq('PaymentIdentification6', [
      opt('InstrId', Max35Text),
      one('EndToEndId', Max35Text),
      opt('UETR', UUIDv4Identifier),
    ]),
  ),
  opt('PmtTpInf', PaymentTypeInformation),
  // The scheme requests amounts in the instructed currency only (no equivalent amount).
  one('Amt', choice('AmountType4Choice', [one('InstdAmt', ActiveOrHistoricCurrencyAndAmount)])),
  one('ChrgBr', ChargeBearerType1Code),
  one('CdtrAgt', Agent),
  one('Cdtr', Party),
  opt('CdtrAcct', CashAccount38),
  opt('Purp', Purpose2Choice),
  opt('RmtInf', RemittanceInformation16),
]);

const PaymentInstruction35 = seq('PaymentInstruction35', [
  opt('PmtInfId', Max35Text),
  one('PmtMtd', PaymentMethod7Code),
  opt('PmtTpInf', PaymentTypeInformation),
  one('ReqdExctnDt', DateAndDateTime2Choice),
  opt('XpryDt', DateAndDateTime2Choice),
  one('Dbtr', Party),
  opt('DbtrAcct', CashAccount38),
  one('DbtrAgt', Agent),
  opt('ChrgBr', ChargeBearerType1Code),
  some('CdtTrfTx', CreditTransferTransaction42),
]);

const CreditorPaymentActivationRequestV08 = seq('CreditorPaymentActivationRequestV08', [
  one('GrpHdr', GroupHeader78),
  some('PmtInf', PaymentInstruction35),
]);

export const pain013 = defineMessage(
  'pain.013.001.08',
  'CdtrPmtActvtnReq',
  CreditorPaymentActivationRequestV08,
  (m, sink) => {
    const total = m.pmtInf.reduce((n, p) => n + p.cdtTrfTx.length, 0);
    expectCount(sink, ['grpHdr', 'nbOfTxs'], m.grpHdr.nbOfTxs, total);
  },
);

export type Pain013 = ValueOf<typeof CreditorPaymentActivationRequestV08>;
