/** pacs.028.001.04 payment status request: "what happened to my payment?". */
import {
  BranchAndFinancialInstitutionIdentification6 as Agent,
  GroupHeader91,
  OriginalGroupInformation29,
} from '../schema/components.ts';
import { many, one, opt, seq, type ValueOf } from '../schema/dsl.ts';
import { ISODateTime, Max15NumericText, Max35Text, UUIDv4Identifier } from '../schema/iso-types.ts';
import { defineMessage } from './define.ts';

const OriginalGroupInformation27 = seq('OriginalGroupInformation27', [
  one('OrgnlMsgId', Max35Text),
  one('OrgnlMsgNmId', Max35Text),
  opt('OrgnlCreDtTm', ISODateTime),
  opt('OrgnlNbOfTxs', Max15NumericText),
]);

const PaymentTransaction121 = seq('PaymentTransaction121', [
  opt('StsReqId', Max35Text),
  opt('OrgnlGrpInf', OriginalGroupInformation29),
  opt('OrgnlInstrId', Max35Text),
  opt('OrgnlEndToEndId', Max35Text),
  opt('OrgnlTxId', Max35Text),
  opt('OrgnlUETR', UUIDv4Identifier),
  opt('AccptncDtTm', ISODateTime),
  opt('ClrSysRef', Max35Text),
  opt('InstgAgt', Agent),
  opt('InstdAgt', Agent),
]);

const FIToFIPaymentStatusRequestV04 = seq('FIToFIPaymentStatusRequestV04', [
  one('GrpHdr', GroupHeader91),
  many('OrgnlGrpInf', OriginalGroupInformation27),
  many('TxInf', PaymentTransaction121),
]);

export const pacs028 = defineMessage('pacs.028.001.04', 'FIToFIPmtStsReq', FIToFIPaymentStatusRequestV04, (m, sink) => {
  if (m.orgnlGrpInf === undefined && m.txInf === undefined)
    sink.fail([], 'a status request needs OrgnlGrpInf or TxInf');
});

export type Pacs028 = ValueOf<typeof FIToFIPaymentStatusRequestV04>;
