import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_OPERATING_DAY as cfg, cutoffRejection, dayState, nextBusinessDay } from './operating-day.ts';

// local time in Almaty is UTC+5: 2026-11-23 is a Monday
const at = (local: string) => new Date(`${local}:00+05:00`);

describe('IMTS operating day', () => {
  it('moves through open, customer cut-off, interbank cut-off and close', () => {
    assert.equal(dayState(at('2026-11-23T07:59'), cfg).phase, 'closed');
    assert.equal(dayState(at('2026-11-23T08:00'), cfg).phase, 'open');
    assert.equal(dayState(at('2026-11-23T17:00'), cfg).phase, 'customer_cutoff');
    assert.equal(dayState(at('2026-11-23T18:00'), cfg).phase, 'interbank_cutoff');
    const closed = dayState(at('2026-11-23T18:30'), cfg);
    assert.deepEqual([closed.phase, closed.businessDate], ['closed', '2026-11-24']);
  });

  it('customer payments stop at the customer cut-off, interbank ones at theirs', () => {
    const afterCustomer = dayState(at('2026-11-23T17:30'), cfg);
    assert.equal(cutoffRejection('pacs.008', afterCustomer), 'TM01');
    assert.equal(cutoffRejection('pacs.009', afterCustomer), undefined);
    assert.equal(cutoffRejection('pacs.009', dayState(at('2026-11-23T18:10'), cfg)), 'TM01');
    assert.equal(cutoffRejection('pacs.008', dayState(at('2026-11-23T10:00'), cfg)), undefined);
  });

  it('weekends and holidays are closed; the business date moves to the next business day', () => {
    const saturday = dayState(at('2026-11-28T10:00'), cfg);
    assert.deepEqual([saturday.phase, saturday.businessDate], ['closed', '2026-11-30']);
    const withHoliday = { ...cfg, holidays: ['2026-12-16'] };
    assert.equal(dayState(at('2026-12-16T10:00'), withHoliday).phase, 'closed');
    assert.equal(nextBusinessDay('2026-12-15', withHoliday), '2026-12-17');
  });
});
