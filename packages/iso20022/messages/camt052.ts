/** camt.052.001.08 bank-to-customer account report (intraday: balances optional). */
import { many, one, opt, seq, some, type ValueOf } from '../schema/dsl.ts';
import { Max500Text } from '../schema/iso-types.ts';
import { CashBalance8, GroupHeader81, ReportEntry10, reportHead } from './account-report-parts.ts';
import { defineMessage } from './define.ts';

const AccountReport25 = seq('AccountReport25', [
  ...reportHead,
  many('Bal', CashBalance8),
  many('Ntry', ReportEntry10),
  opt('AddtlRptInf', Max500Text),
]);

const BankToCustomerAccountReportV08 = seq('BankToCustomerAccountReportV08', [
  one('GrpHdr', GroupHeader81),
  some('Rpt', AccountReport25),
]);

export const camt052 = defineMessage('camt.052.001.08', 'BkToCstmrAcctRpt', BankToCustomerAccountReportV08);

export type Camt052 = ValueOf<typeof BankToCustomerAccountReportV08>;
