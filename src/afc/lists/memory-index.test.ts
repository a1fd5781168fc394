import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { IDENTIFIER_KINDS, macInput } from '../domain/identifiers.ts';
import { LIST_STATUSES } from '../domain/lists.ts';
import { nameKey, nameTokens } from '../domain/names.ts';
import { type IndexChange, ListIndex, ProbeCounts } from './memory-index.ts';

describe('ProbeCounts (the prefilter of the lists in memory)', () => {
  it('counts like a map of counts through adds and removes, across growth and backward shifts', () => {
    let seed = 42;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const set = new ProbeCounts(16);
    const ref = new Map<number, number>();
    // a small value range: many repeats, many collisions of home slots, runs that wrap around
    const values = Array.from({ length: 3000 }, () => rnd() & 0x3fffffff);
    for (let step = 0; step < 60_000; step++) {
      const v = values[rnd() % values.length]!;
      if (rnd() % 3 === 0) {
        set.remove(v);
        const n = (ref.get(v) ?? 0) - 1;
        if (n <= 0) ref.delete(v);
        else ref.set(v, n);
      } else {
        set.add(v);
        ref.set(v, (ref.get(v) ?? 0) + 1);
      }
      if (step % 997 === 0) {
        for (const x of values) assert.equal(set.count(x), ref.get(x) ?? 0, `value ${x} at step ${step}`);
        assert.equal(set.size, ref.size);
      }
    }
    for (const x of values) assert.equal(set.has(x), ref.has(x));
    for (const [x, n] of ref) for (let k = 0; k < n; k++) set.remove(x);
    assert.equal(set.size, 0);
    for (const x of values) assert.equal(set.has(x), false);
  });

  it('holds 0 and the largest 30-bit value', () => {
    const set = new ProbeCounts();
    set.add(0);
    set.add(0x3fffffff);
    assert.equal(set.has(0), true);
    assert.equal(set.has(0x3fffffff), true);
    assert.equal(set.has(1), false);
    set.remove(0);
    assert.equal(set.has(0), false);
    assert.equal(set.has(0x3fffffff), true);
  });
});

describe('ListIndex (the lists in memory)', () => {
  const hex = (n: number) => createHash('sha256').update(String(n)).digest('hex');
  const NAMES = ['Жанна Ким', 'Zhanna Kim', 'Серік Оспанов', 'Aigerim Seitkali', 'Ерлан Тоқаев'];

  it('answers as a map of entries by MAC and id would, through upserts, replays, removals and reuse of slots', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const index = new ListIndex();
    const model = new Map<string, Map<string, IndexChange>>();
    let version = 0;
    const macs = Array.from({ length: 300 }, (_, i) => hex(i));
    for (let step = 0; step < 20_000; step++) {
      const m = rnd(macs.length);
      const mac = macs[m]!;
      const kind = IDENTIFIER_KINDS[m % IDENTIFIER_KINDS.length]!;
      // ids as the platform makes them, and ones the index keeps otherwise (non-ASCII, longer than 32)
      const r = rnd(4);
      const entryId = m % 7 === 0 ? `запись_${m}_${r}` : m % 11 === 0 ? `${'x'.repeat(40)}_${m}_${r}` : `afe_${m}_${r}`;
      // a replay of an old version now and then: it must change nothing
      const v = rnd(10) === 0 ? Math.max(1, version - rnd(50)) : ++version;
      const c: IndexChange = {
        op: rnd(4) === 0 ? 'remove' : 'upsert',
        version: v,
        entryId,
        mac,
        kind,
        value: kind === 'name' ? NAMES[m % NAMES.length]! : rnd(3) === 0 ? null : `v${m}`,
        status: LIST_STATUSES[rnd(3)]!,
        holderName: kind !== 'name' && rnd(3) === 0 ? NAMES[rnd(NAMES.length)]! : null,
        expiresAt: rnd(5) === 0 ? new Date(1_800_000_000_000 + rnd(1000)).toISOString() : null,
      };
      index.apply(c);
      const entries = model.get(mac) ?? new Map<string, IndexChange>();
      const old = entries.get(entryId);
      if (!old || old.version < v) {
        if (c.op === 'remove') {
          if (old) entries.delete(entryId);
        } else entries.set(entryId, c);
      }
      if (entries.size > 0) model.set(mac, entries);
      else model.delete(mac);
      if (step % 499 === 0 || step === 19_999) {
        let size = 0;
        for (const mac of macs) {
          const want = [...(model.get(mac)?.values() ?? [])].sort((a, b) => a.entryId.localeCompare(b.entryId));
          size += want.length;
          const got = [...(index.get(mac) ?? [])].sort((a, b) => a.id.localeCompare(b.id));
          assert.deepEqual(
            got.map((e) => [e.id, e.kind, e.status, e.expiresAtMs, e.version, e.holderTokens ?? null]),
            want.map((w) => {
              const holder = w.kind === 'name' ? w.value : w.holderName;
              return [
                w.entryId,
                w.kind,
                w.status,
                w.expiresAt ? Date.parse(w.expiresAt) : Number.POSITIVE_INFINITY,
                w.version,
                holder ? nameTokens(holder) : null,
              ];
            }),
            `MAC ${mac} at step ${step}`,
          );
          if (want.length === 0) assert.equal(index.get(mac), undefined);
        }
        assert.equal(index.size, size);
        for (const kind of IDENTIFIER_KINDS) {
          const n = [...model.values()].reduce(
            (k, es) => k + [...es.values()].filter((e) => e.kind === kind).length,
            0,
          );
          assert.equal(index.has(kind), n > 0, kind);
        }
        // name-only entries are the candidates of a name sharing a block key
        const names = [...model.values()].flatMap((es) => [...es.values()]).filter((e) => e.kind === 'name');
        const cands = index.nameCandidates(nameTokens('Zhanna Kim'));
        assert.equal(cands.length, names.filter((e) => nameKey(e.value!) === nameKey('Zhanna Kim')).length);
      }
    }
  });

  it('keys a raw identifier in the prefilter, a MAC-only one always looks up', () => {
    const index = new ListIndex();
    const base = { op: 'upsert', holderName: null, expiresAt: null, status: 'suspect' } as const;
    index.apply({ ...base, version: 1, entryId: 'e1', mac: hex(1), kind: 'iin', value: '870412300415' });
    assert.equal(index.mayHold('iin', macInput('iin', '870412300415')), true);
    assert.equal(index.mayHold('iin', macInput('iin', '870412300416')), false);
    assert.equal(index.mayHold('phone', macInput('phone', '+77011234567')), false);
    index.apply({ ...base, version: 2, entryId: 'e2', mac: hex(2), kind: 'phone', value: null });
    assert.equal(index.mayHold('phone', macInput('phone', '+77011234567')), true);
    assert.equal(index.get('not a mac'), undefined);
    assert.equal(index.get(hex(3)), undefined);
    assert.deepEqual(
      index.get(hex(1))?.map((e) => [e.id, e.status]),
      [['e1', 'suspect']],
    );
  });
});
