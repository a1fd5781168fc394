/** acmt.024.001.02 identification verification report: the answer to acmt.023. */
import { BranchAndFinancialInstitutionIdentification5 } from '../schema/components.ts';
import { choice, one, opt, seq, some, type ValueOf } from '../schema/dsl.ts';
import { ExternalCode4, ISODateTime, Max35Text, TrueFalseIndicator } from '../schema/iso-types.ts';
import { IdentificationAssignment2, IdentificationInformation2 } from './acmt-parts.ts';
import { defineMessage } from './define.ts';

const VerificationReport2 = seq('VerificationReport2', [
  one('OrgnlId', Max35Text),
  one('Vrfctn', TrueFalseIndicator),
  opt('Rsn', choice('VerificationReason1Choice', [one('Cd', ExternalCode4), one('Prtry', Max35Text)])),
  opt('OrgnlPtyAndAcctId', IdentificationInformation2),
  opt('UpdtdPtyAndAcctId', IdentificationInformation2),
]);

const IdentificationVerificationReportV02 = seq('IdentificationVerificationReportV02', [
  one('Assgnmt', IdentificationAssignment2),
  opt(
    'OrgnlAssgnmt',
    seq('MessageIdentification5', [
      opt('MsgId', Max35Text),
      opt('CreDtTm', ISODateTime),
      opt('FrstAgt', BranchAndFinancialInstitutionIdentification5),
    ]),
  ),
  some('Rpt', VerificationReport2),
]);

export const acmt024 = defineMessage(
  'acmt.024.001.02',
  'IdVrfctnRpt',
  IdentificationVerificationReportV02,
  (m, sink) => {
    m.rpt.forEach((r, i) => {
      // A negative answer must say why (e.g. name mismatch, account closed).
      if (!r.vrfctn && r.rsn === undefined) sink.fail(['rpt', i, 'rsn'], 'a failed verification needs a reason (Rsn)');
    });
  },
);

export type Acmt024 = ValueOf<typeof IdentificationVerificationReportV02>;
