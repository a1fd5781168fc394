import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { DomainError } from '../../../platform/pure.ts';
import { iban, refusal } from '../../testkit.ts';
import { pan } from '../testkit.ts';
import {
  binOf,
  type Issuer,
  issuerOf,
  issuerOfBin,
  maskedCard,
  mayView,
  parseInstrument,
  rangeMatch,
  validDetectedOn,
} from './instrument.ts';

const ISSUERS: Issuer[] = [
  { participantId: 'ptc_steppe', bic: 'STPPKZKA', binRanges: ['440001-440099'] },
  { participantId: 'ptc_altyn', bic: 'ALTNKZKA', binRanges: ['440100-440199', '52000000-52000099'] },
  { participantId: 'ptc_narrow', bic: 'NRRWKZKA', binRanges: ['44000150-44000159'] },
  { participantId: 'ptc_twin_a', bic: 'TWNAKZKA', binRanges: ['460000'] },
  { participantId: 'ptc_twin_b', bic: 'TWNBKZKA', binRanges: ['460000-460009'] },
];

describe('AFC compromised instruments: what is kept of an instrument', () => {
  it('a PAN becomes its MAC input, BIN and last 4; the number itself is not kept', () => {
    const p = pan('440001', 12345);
    const c = parseInstrument(
      { kind: 'card', pan: `${p.slice(0, 4)} ${p.slice(4, 8)}-${p.slice(8)}` },
      '/instruments/0',
    );
    assert.deepEqual(c, {
      kind: 'card',
      macInput: `pan:${p}`,
      bin: p.slice(0, 8),
      last4: p.slice(-4),
      token: null,
      iban: null,
      bic: null,
    });
    assert.equal(binOf('4400011234567'), '440001', 'a 13-digit PAN shows 6 digits of BIN');
    assert.equal(maskedCard(c.bin, c.last4), `${p.slice(0, 8)}******${p.slice(-4)}`);
    assert.equal(maskedCard(null, null), null);
  });

  it('a token is keyed as the lists key a card; an account as the lists key an IBAN', () => {
    assert.deepEqual(parseInstrument({ kind: 'card', token: 'tok_0000000000ab', bin: '440001', last4: '1234' }, ''), {
      kind: 'card',
      macInput: 'card:tok_0000000000ab',
      bin: '440001',
      last4: '1234',
      token: 'tok_0000000000ab',
      iban: null,
      bic: null,
    });
    const a = parseInstrument({ kind: 'account', iban: iban(7).toLowerCase(), bic: 'stppkzka' }, '');
    assert.deepEqual([a.macInput, a.iban, a.bic], [`account:${iban(7)}`, iban(7), 'STPPKZKA']);
  });

  it('refuses malformed instruments naming the field, and never echoes a card number', () => {
    const p = pan('440001', 1);
    const bad = `${p.slice(0, -1)}${(Number(p.slice(-1)) + 1) % 10}`;
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'wallet' }, '/i/kind'],
      [{ kind: 'card' }, '/i/pan'],
      [{ kind: 'card', pan: p, token: 'tok_0000000000ab' }, '/i/pan'],
      [{ kind: 'card', pan: bad }, '/i/pan'],
      [{ kind: 'card', pan: '4400' }, '/i/pan'],
      [{ kind: 'card', pan: p, last4: '1234' }, '/i/last4'],
      [{ kind: 'card', token: p }, '/i/token'],
      [{ kind: 'card', token: 'short' }, '/i/token'],
      [{ kind: 'card', token: 'tok_0000000000ab', bin: '44' }, '/i/bin'],
      [{ kind: 'card', token: 'tok_0000000000ab', last4: '12345' }, '/i/last4'],
      [{ kind: 'card', pan: p, iban: iban(1) }, '/i/iban'],
      [{ kind: 'account' }, '/i/iban'],
      [{ kind: 'account', iban: 'KZ00125KZT0000000001' }, '/i/iban'],
      [{ kind: 'account', iban: iban(1), bic: 'NOPE' }, '/i/bic'],
      [{ kind: 'account', iban: iban(1), pan: p }, '/i/pan'],
    ];
    for (const [input, field] of cases) {
      assert.deepEqual(
        refusal(() => parseInstrument(input as never, '/i')),
        { type: 'validation', field },
        JSON.stringify(input),
      );
      // the message never repeats the card number
      assert.throws(
        () => parseInstrument(input as never, '/i'),
        (e: DomainError) => !e.message.includes(p.slice(6, 12)) && !e.message.includes(bad.slice(6, 12)),
      );
    }
  });

  it('detection dates: real dates, not in the future', () => {
    assert.equal(validDetectedOn('2026-01-04', '/d', '2026-01-05'), '2026-01-04');
    assert.equal(validDetectedOn('2026-01-06', '/d', '2026-01-05'), '2026-01-06', 'a day ahead: time zones');
    for (const bad of ['2026-01-07', '2026-02-30', '1999-12-31', '05.01.2026', 20260105]) {
      assert.equal(refusal(() => validDetectedOn(bad, '/d', '2026-01-05')).field, '/d');
    }
  });
});

describe('AFC compromised instruments: issuers and visibility', () => {
  it('the issuer is the participant with the most specific matching BIN range; a tie names nobody', () => {
    assert.equal(rangeMatch('440001-440099', '44005012'), 6);
    assert.equal(rangeMatch('440001-440099', '44010012'), 0);
    assert.equal(rangeMatch('44000150-44000159', '440001'), 0, 'a 6-digit BIN cannot fall in an 8-digit range');
    assert.equal(issuerOfBin('44005012', ISSUERS), 'ptc_steppe');
    assert.equal(issuerOfBin('44000155', ISSUERS), 'ptc_narrow');
    assert.equal(issuerOfBin('52000042', ISSUERS), 'ptc_altyn');
    assert.equal(issuerOfBin('46000012', ISSUERS), null);
    assert.equal(issuerOfBin('99999999', ISSUERS), null);
    assert.equal(issuerOfBin(null, ISSUERS), null);
    const account = parseInstrument({ kind: 'account', iban: iban(1), bic: 'ALTNKZKAXXX' }, '');
    assert.equal(issuerOf(account, ISSUERS), 'ptc_altyn');
    assert.equal(issuerOf(parseInstrument({ kind: 'account', iban: iban(1) }, ''), ISSUERS), null);
  });

  it('property: the issuer found holds a range with the BIN, and none holds a more specific one', () => {
    const range = fc
      .tuple(fc.integer({ min: 6, max: 8 }), fc.nat({ max: 99 }), fc.nat({ max: 20 }))
      .map(([len, start, width]) => {
        const low = `4400${String(start).padStart(len - 4, '0')}`;
        const high = String(Number(low) + width).padStart(len, '0');
        return high.length === low.length ? `${low}-${high}` : low;
      });
    const issuers = fc.array(fc.array(range, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(issuers, fc.nat({ max: 999_999 }), (ranges, n) => {
        const list = ranges.map((binRanges, i) => ({ participantId: `p${i}`, bic: null, binRanges }));
        const bin = `44${String(n).padStart(6, '0')}`;
        const found = issuerOfBin(bin, list);
        const spec = (i: Issuer) => Math.max(0, ...i.binRanges.map((r) => rangeMatch(r, bin)));
        const best = Math.max(...list.map(spec));
        if (found === null) {
          assert.ok(best === 0 || list.filter((i) => spec(i) === best).length > 1);
        } else {
          const mine = list.find((i) => i.participantId === found)!;
          assert.equal(spec(mine), best);
          assert.ok(best > 0);
          assert.equal(list.filter((i) => spec(i) === best).length, 1);
        }
      }),
    );
  });

  it('a bank sees its instruments and its reports; law enforcement and oversight see all', () => {
    const e = { issuerId: 'ptc_a', reporterId: 'ptc_b' };
    assert.ok(mayView(e, { participantId: 'ptc_a', roles: ['bank', 'fraud_reporter'] }));
    assert.ok(mayView(e, { participantId: 'ptc_b', roles: ['bank', 'fraud_reporter'] }));
    assert.ok(!mayView(e, { participantId: 'ptc_c', roles: ['bank', 'fraud_reporter'] }));
    assert.ok(!mayView({ issuerId: null, reporterId: 'ptc_b' }, { participantId: 'ptc_c', roles: ['mno'] }));
    assert.ok(mayView(e, { participantId: 'ptc_pol', roles: ['fraud_decider'] }));
    assert.ok(mayView(e, { participantId: 'ptc_reg', roles: ['regulator', 'oversight'] }));
  });
});
