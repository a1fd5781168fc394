import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClearingPayment } from './payment.ts';
import { cycleReport } from './report.ts';
import { closeCycle } from './settle-cycle.ts';

const p = (id: string, debtor: string, creditor: string, amount: bigint): ClearingPayment => ({
  id,
  debtor,
  creditor,
  amount,
});

describe('ICS cycle report', () => {
  it('gives each participant its settled flows, its rejected outgoing payments and its status', () => {
    const payments = [p('1', 'A', 'B', 100n), p('2', 'B', 'C', 50n), p('3', 'C', 'A', 30n), p('4', 'A', 'C', 20n)];
    const rows = cycleReport(
      closeCycle(
        payments,
        new Map([
          ['A', 10n],
          ['B', 100n],
        ]),
      ),
    );
    assert.deepEqual(rows, [
      {
        participant: 'A',
        sentCount: 0,
        sentAmount: 0n,
        receivedCount: 1,
        receivedAmount: 30n,
        net: 30n,
        rejectedCount: 2,
        rejectedAmount: 120n,
        status: 'rejected',
        reason: 'AM04',
      },
      {
        participant: 'B',
        sentCount: 1,
        sentAmount: 50n,
        receivedCount: 0,
        receivedAmount: 0n,
        net: -50n,
        rejectedCount: 0,
        rejectedAmount: 0n,
        status: 'settled',
        reason: null,
      },
      {
        participant: 'C',
        sentCount: 1,
        sentAmount: 30n,
        receivedCount: 1,
        receivedAmount: 50n,
        net: 20n,
        rejectedCount: 0,
        rejectedAmount: 0n,
        status: 'settled',
        reason: null,
      },
    ]);
  });
});
