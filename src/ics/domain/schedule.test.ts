import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../platform/pure.ts';
import {
  type BusinessCalendar,
  type CycleSchedule,
  cycleAt,
  cycleById,
  isBusinessDay,
  parseCycleId,
} from './schedule.ts';

const ALMATY: CycleSchedule = { offsetMinutes: 300, closes: ['10:00', '13:00', '16:00'] };
// 2026-12-16 (Wednesday) is Independence Day; Saturday 2026-12-19 is a transferred working day (made up here)
const CAL: BusinessCalendar = { holidays: ['2026-12-16'], workingWeekends: ['2026-12-19'] };

/** An instant given as Almaty local time. */
const local = (s: string) => new Date(`${s}+05:00`);
const at = (s: string) => cycleAt(ALMATY, CAL, local(s));

describe('ICS cycle schedule', () => {
  it('puts a Monday morning payment in the first cycle, closing at 10:00 Almaty = 05:00 UTC', () => {
    const c = at('2026-11-23T09:15:00');
    assert.equal(c.id, '2026-11-23#1');
    assert.equal(c.businessDate, '2026-11-23');
    assert.equal(c.number, 1);
    assert.equal(c.closesAt.toISOString(), '2026-11-23T05:00:00.000Z');
    // opened at Friday's last close
    assert.equal(c.opensAt.toISOString(), '2026-11-20T11:00:00.000Z');
    assert.equal(c.next.id, '2026-11-23#2');
    assert.equal(c.next.closesAt.toISOString(), '2026-11-23T08:00:00.000Z');
  });

  it('uses the local date, not the UTC one: 02:00 Monday in Almaty is still Sunday in UTC', () => {
    assert.equal(at('2026-11-23T02:00:00').id, '2026-11-23#1');
  });

  it('treats the close instant as closed: a payment at exactly 10:00 goes to cycle 2', () => {
    assert.equal(at('2026-11-23T09:59:59.999').id, '2026-11-23#1');
    assert.equal(at('2026-11-23T10:00:00').id, '2026-11-23#2');
    assert.equal(at('2026-11-23T15:59:59').id, '2026-11-23#3');
  });

  it('moves a payment after the last close to the next business day’s first cycle', () => {
    const c = at('2026-11-23T16:00:00');
    assert.equal(c.id, '2026-11-24#1');
    assert.equal(c.opensAt.toISOString(), '2026-11-23T11:00:00.000Z');
    assert.equal(at('2026-11-23T23:59:00').id, '2026-11-24#1');
  });

  it('skips weekends and holidays, and honours working weekends', () => {
    assert.equal(at('2026-11-20T17:00:00').id, '2026-11-23#1', 'Friday evening → Monday');
    assert.equal(at('2026-11-21T11:00:00').id, '2026-11-23#1', 'Saturday → Monday');
    const friday = at('2026-11-20T15:00:00');
    assert.equal(friday.next.id, '2026-11-23#1');
    assert.equal(at('2026-12-15T16:30:00').id, '2026-12-17#1', 'eve of the holiday → the day after');
    assert.equal(at('2026-12-16T12:00:00').id, '2026-12-17#1');
    assert.equal(at('2026-12-18T18:00:00').id, '2026-12-19#1', 'working Saturday');
    assert.equal(at('2026-12-19T16:00:00').id, '2026-12-21#1');
    assert.equal(isBusinessDay(CAL, '2026-12-16'), false);
    assert.equal(isBusinessDay(CAL, '2026-12-19'), true);
    assert.equal(isBusinessDay(CAL, '2026-12-20'), false);
    assert.equal(isBusinessDay(CAL, '2026-12-21'), true);
  });

  it('looks a cycle up by id', () => {
    const c = cycleById(ALMATY, CAL, '2026-11-23#3');
    assert.equal(c.closesAt.toISOString(), '2026-11-23T11:00:00.000Z');
    assert.equal(c.opensAt.toISOString(), '2026-11-23T08:00:00.000Z');
    assert.deepEqual(parseCycleId('2026-11-23#2'), { businessDate: '2026-11-23', number: 2 });
    const bad = (f: () => unknown) => assert.throws(f, DomainError);
    bad(() => cycleById(ALMATY, CAL, '2026-11-23#4'));
    bad(() => cycleById(ALMATY, CAL, '2026-11-22#1'));
    bad(() => parseCycleId('2026-11-23'));
    bad(() => parseCycleId('2026-02-30#1'));
  });

  it('refuses a broken schedule or calendar', () => {
    const bad = (s: CycleSchedule, c: BusinessCalendar = {}) =>
      assert.throws(() => cycleAt(s, c, local('2026-11-23T09:00:00')), DomainError);
    bad({ offsetMinutes: 300, closes: [] });
    bad({ offsetMinutes: 300, closes: ['13:00', '10:00'] });
    bad({ offsetMinutes: 300, closes: ['10:00', '10:00'] });
    bad({ offsetMinutes: 300, closes: ['24:00'] });
    bad({ offsetMinutes: 300, closes: ['9:00'] });
    bad({ offsetMinutes: 300.5, closes: ['10:00'] });
    bad(ALMATY, { holidays: ['2026-13-01'] });
    bad(ALMATY, { weekend: [7] });
    bad(ALMATY, { weekend: [0, 1, 2, 3, 4, 5, 6] });
    assert.throws(() => cycleAt(ALMATY, CAL, new Date(Number.NaN)), DomainError);
  });

  it('always returns the cycle open at `now`, and cycles tile time with no gap or overlap', () => {
    const scheduleArb = fc.record({
      offsetMinutes: fc.integer({ min: -720, max: 840 }),
      closes: fc
        .uniqueArray(fc.integer({ min: 0, max: 24 * 60 - 1 }), { minLength: 1, maxLength: 6 })
        .map((ms) =>
          ms
            .sort((a, b) => a - b)
            .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`),
        ),
    });
    const nowArb = fc.date({
      min: new Date('2026-01-01T00:00:00Z'),
      max: new Date('2027-12-31T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(scheduleArb, nowArb, (schedule, now) => {
        const c = cycleAt(schedule, CAL, now);
        assert.ok(c.opensAt.getTime() <= now.getTime() && now.getTime() < c.closesAt.getTime());
        assert.equal(c.next.opensAt.getTime(), c.closesAt.getTime());
        assert.ok(isBusinessDay(CAL, c.businessDate) && isBusinessDay(CAL, c.next.businessDate));
        const byId = cycleById(schedule, CAL, c.id);
        assert.deepEqual([byId.opensAt, byId.closesAt], [c.opensAt, c.closesAt]);
        // the close instant starts the next cycle, the instant before it is still this one
        assert.equal(cycleAt(schedule, CAL, c.closesAt).id, c.next.id);
        assert.equal(cycleAt(schedule, CAL, new Date(c.closesAt.getTime() - 1)).id, c.id);
        assert.equal(cycleAt(schedule, CAL, c.opensAt).id, c.id);
        // the close is at the configured local time of the business date
        const localClose = new Date(c.closesAt.getTime() + schedule.offsetMinutes * 60_000).toISOString();
        assert.equal(localClose.slice(0, 10), c.businessDate);
        assert.equal(localClose.slice(11, 16), schedule.closes[c.number - 1]);
      }),
    );
  });
});
