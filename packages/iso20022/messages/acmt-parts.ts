/** Parts shared by acmt.023 / acmt.024 v02 (identification verification, used for payee checks). */
import {
  AccountIdentification4Choice,
  BranchAndFinancialInstitutionIdentification5,
  Party12Choice,
  PartyIdentification43,
} from '../schema/components.ts';
import { one, opt, seq } from '../schema/dsl.ts';
import { ISODateTime, Max35Text } from '../schema/iso-types.ts';

export const IdentificationAssignment2 = seq('IdentificationAssignment2', [
  one('MsgId', Max35Text),
  one('CreDtTm', ISODateTime),
  opt('FrstAgt', BranchAndFinancialInstitutionIdentification5),
  one('Assgnr', Party12Choice),
  one('Assgne', Party12Choice),
]);

/** The party, account (IBAN or alias in Othr) and agent to verify, or as verified. */
export const IdentificationInformation2 = seq('IdentificationInformation2', [
  opt('Pty', PartyIdentification43),
  opt('Acct', AccountIdentification4Choice),
  opt('Agt', BranchAndFinancialInstitutionIdentification5),
]);
