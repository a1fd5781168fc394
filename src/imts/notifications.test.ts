import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { build, parse } from '../../packages/iso20022/index.ts';
import { officialXsdDir } from '../../packages/iso20022/testing.ts';
import type { Payment } from './domain/payment.ts';
import { camt054For } from './notifications.ts';

const payment: Payment = {
  id: 'AAAAKZKA:TX-1',
  msgType: 'pacs.008',
  msgId: 'MSG-1',
  txId: 'TX-1',
  endToEndId: 'E2E-1',
  senderBic: 'AAAAKZKA',
  receiverBic: 'BBBBKZKA',
  amount: 150075n,
  currency: 'KZT',
  priority: 'normal',
  status: 'settled',
  reason: null,
  seq: 42n,
  document: {},
  createdAt: '2026-11-23T05:00:00.000Z',
  updatedAt: '2026-11-23T05:00:00.000Z',
};

describe('camt.054 notifications', () => {
  it('debit and credit notifications validate against the official XSD and carry the payment', () => {
    for (const side of ['DBIT', 'CRDT'] as const) {
      const xml = build(camt054For(payment, side, '2026-11-23T10:00:00+05:00'));
      const back = parse(xml, { expect: 'camt.054.001.08', xsdDir: officialXsdDir() });
      const entry = (back.message as { ntfctn: { ntry: { amt: { amount: bigint }; cdtDbtInd: string }[] }[] })
        .ntfctn[0]!.ntry[0]!;
      assert.equal(entry.amt.amount, 150075n);
      assert.equal(entry.cdtDbtInd, side);
    }
  });
});
