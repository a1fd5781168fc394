/** camt.054.001.08 bank-to-customer debit/credit notification (entries, no balances). */
import { many, one, opt, seq, some, type ValueOf } from '../schema/dsl.ts';
import { Max500Text } from '../schema/iso-types.ts';
import { GroupHeader81, ReportEntry10, reportHead } from './account-report-parts.ts';
import { defineMessage } from './define.ts';

const AccountNotification17 = seq('AccountNotification17', [
  ...reportHead,
  many('Ntry', ReportEntry10),
  opt('AddtlNtfctnInf', Max500Text),
]);

const BankToCustomerDebitCreditNotificationV08 = seq('BankToCustomerDebitCreditNotificationV08', [
  one('GrpHdr', GroupHeader81),
  some('Ntfctn', AccountNotification17),
]);

export const camt054 = defineMessage(
  'camt.054.001.08',
  'BkToCstmrDbtCdtNtfctn',
  BankToCustomerDebitCreditNotificationV08,
);

export type Camt054 = ValueOf<typeof BankToCustomerDebitCreditNotificationV08>;
