/** camt.053.001.08 bank-to-customer statement (end of day: at least one balance). */
import { many, one, opt, seq, some, type ValueOf } from '../schema/dsl.ts';
import { Max500Text } from '../schema/iso-types.ts';
import { CashBalance8, GroupHeader81, ReportEntry10, reportHead } from './account-report-parts.ts';
import { defineMessage } from './define.ts';

const AccountStatement9 = seq('AccountStatement9', [
  ...reportHead,
  some('Bal', CashBalance8),
  many('Ntry', ReportEntry10),
  opt('AddtlStmtInf', Max500Text),
]);

const BankToCustomerStatementV08 = seq('BankToCustomerStatementV08', [
  one('GrpHdr', GroupHeader81),
  some('Stmt', AccountStatement9),
]);

export const camt053 = defineMessage('camt.053.001.08', 'BkToCstmrStmt', BankToCustomerStatementV08);

export type Camt053 = ValueOf<typeof BankToCustomerStatementV08>;
export type StatementEntry = ValueOf<typeof ReportEntry10>;
