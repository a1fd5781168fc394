/** acmt.023.001.02 identification verification request: "does this account/alias belong to X?". */
import { one, seq, some, type ValueOf } from '../schema/dsl.ts';
import { Max35Text } from '../schema/iso-types.ts';
import { IdentificationAssignment2, IdentificationInformation2 } from './acmt-parts.ts';
import { defineMessage } from './define.ts';

const IdentificationVerificationRequestV02 = seq('IdentificationVerificationRequestV02', [
  one('Assgnmt', IdentificationAssignment2),
  some(
    'Vrfctn',
    seq('IdentificationVerification2', [one('Id', Max35Text), one('PtyAndAcctId', IdentificationInformation2)]),
  ),
]);

export const acmt023 = defineMessage(
  'acmt.023.001.02',
  'IdVrfctnReq',
  IdentificationVerificationRequestV02,
  (m, sink) => {
    m.vrfctn.forEach((v, i) => {
      if (v.ptyAndAcctId.pty === undefined && v.ptyAndAcctId.acct === undefined) {
        sink.fail(['vrfctn', i, 'ptyAndAcctId'], 'nothing to verify: give Pty or Acct');
      }
    });
  },
);

export type Acmt023 = ValueOf<typeof IdentificationVerificationRequestV02>;
