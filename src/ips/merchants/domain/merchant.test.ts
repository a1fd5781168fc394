import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode } from '../../../../packages/emv-qr/index.ts';
import { DomainError } from '../../../platform/pure.ts';
import {
  applyPatch,
  kzIbanOf,
  type Merchant,
  nextMerchantStatus,
  validateKzIban,
  validateMcc,
  validateMerchantInput,
} from './merchant.ts';
import { checkQrAmount, dynamicQrModel, qrStatus, staticQrModel } from './qr.ts';

const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DomainError, String(e));
    assert.equal(e.type, 'validation');
    return e.issues[0]?.field;
  }
  assert.fail('expected a validation error');
};

const account = kzIbanOf('722S000012345678');
const input = { merchantId: 'M-1', name: 'Kofeinya', city: 'Almaty', mcc: '5814', account };

const merchant = (over: Partial<Merchant> = {}): Merchant => ({
  id: 'mch_1',
  acquirerId: 'ptc_1',
  acquirerBic: 'KCJBKZKX',
  ...validateMerchantInput(input),
  status: 'active',
  createdAt: '2026-01-05T04:00:00.000Z',
  updatedAt: '2026-01-05T04:00:00.000Z',
  ...over,
});

describe('merchant rules', () => {
  it('accepts a Kazakh IBAN with valid check digits, with or without spaces', () => {
    assert.match(account, /^KZ\d{2}722S000012345678$/);
    assert.equal(validateKzIban(account.replace(/(.{4})/g, '$1 ').toLowerCase()), account);
    const wrong = `KZ${account.slice(2, 4) === '00' ? '01' : '00'}${account.slice(4)}`;
    assert.equal(
      fieldOf(() => validateKzIban(wrong)),
      '/account',
    );
    assert.equal(
      fieldOf(() => validateKzIban('DE89370400440532013000')),
      '/account',
    );
  });

  it('validates MCCs: 4 digits, not 0000, no cash disbursement', () => {
    assert.equal(validateMcc('5411'), '5411');
    for (const bad of ['541', '54111', 'ABCD', '0000', '6011', '6010']) {
      assert.equal(
        fieldOf(() => validateMcc(bad)),
        '/mcc',
        bad,
      );
    }
  });

  it('names the field: name over 25, city over 15, Cyrillic in the Latin name, bad merchant id', () => {
    assert.equal(
      fieldOf(() => validateMerchantInput({ ...input, name: 'x'.repeat(26) })),
      '/name',
    );
    assert.equal(
      fieldOf(() => validateMerchantInput({ ...input, city: 'x'.repeat(16) })),
      '/city',
    );
    assert.equal(
      fieldOf(() => validateMerchantInput({ ...input, name: 'Кофейня' })),
      '/name',
    );
    assert.equal(
      fieldOf(() => validateMerchantInput({ ...input, merchantId: 'has space' })),
      '/merchantId',
    );
    assert.equal(
      fieldOf(() =>
        validateMerchantInput({ ...input, alternateLanguage: { language: 'kk', merchantName: 'а'.repeat(26) } }),
      ),
      '/alternateLanguage/merchantName',
    );
    assert.equal(
      fieldOf(() => validateMerchantInput({ ...input, alternateLanguage: { language: 'de', merchantName: 'x' } })),
      '/alternateLanguage/language',
    );
    assert.equal(
      fieldOf(() => validateMerchantInput({ ...input, taxId: '12345' })),
      '/taxId',
    );
  });

  it('patches: absent stays, null clears, every field checked again', () => {
    const m = merchant({ tariffRef: 'T-1', postalCode: 'A05X1A1' });
    const p = applyPatch(m, { name: 'New name', tariffRef: null });
    assert.equal(p.name, 'New name');
    assert.equal(p.tariffRef, null);
    assert.equal(p.postalCode, 'A05X1A1');
    assert.equal(p.merchantId, 'M-1');
    assert.equal(
      fieldOf(() => applyPatch(m, { mcc: '12' })),
      '/mcc',
    );
  });

  it('status: active ⇄ suspended', () => {
    assert.equal(nextMerchantStatus('active', 'suspend'), 'suspended');
    assert.equal(nextMerchantStatus('suspended', 'activate'), 'active');
    assert.throws(() => nextMerchantStatus('active', 'activate'), /already active/);
  });
});

describe('QR models', () => {
  it('a static code carries the merchant and no amount; the dynamic one amount and reference', () => {
    const m = merchant({
      taxId: '123456789012',
      alternateLanguage: { language: 'kk', merchantName: 'Кофеханасы', merchantCity: 'Алматы' },
    });
    const s = decode(encode(staticQrModel(m)));
    assert.equal(s.initiation, 'static');
    assert.equal(s.amount, undefined);
    assert.deepEqual(s.merchantAccount, { bic: 'KCJBKZKX', merchantId: 'M-1', taxId: '123456789012' });
    assert.deepEqual(s.alternateLanguage, { language: 'kk', merchantName: 'Кофеханасы', merchantCity: 'Алматы' });
    const d = decode(encode(dynamicQrModel(m, { amount: 150_000n, reference: 'R1', billNumber: 'INV-1' })));
    assert.equal(d.initiation, 'dynamic');
    assert.equal(d.amount, 150_000n);
    assert.deepEqual(d.additionalData, { billNumber: 'INV-1', referenceLabel: 'R1' });
  });

  it('amount bounds and status by time', () => {
    assert.throws(() => checkQrAmount(0n), /greater than zero/);
    assert.throws(() => checkQrAmount(1_000_000_000_000n), /at most/);
    const q = {
      id: 'R',
      merchantPk: 'm',
      acquirerId: 'a',
      amount: 1n,
      billNumber: null,
      payload: '',
      expiresAt: '2026-01-05T05:00:00.000Z',
      createdAt: '2026-01-05T04:00:00.000Z',
      paidAt: null,
      paymentId: null,
    };
    assert.equal(qrStatus(q, new Date('2026-01-05T04:59:59Z')), 'open');
    assert.equal(qrStatus(q, new Date('2026-01-05T05:00:00Z')), 'expired');
    assert.equal(qrStatus({ ...q, paidAt: '2026-01-05T04:30:00Z' }, new Date('2026-01-06T00:00:00Z')), 'paid');
  });
});
