import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jaroWinkler, NAME_MATCH_THRESHOLD, nameKey, nameSimilarity, nameTokens, transliterate } from './names.ts';

describe('AFC names', () => {
  it('transliterates Russian and Kazakh Cyrillic to Latin (ICAO 9303)', () => {
    assert.equal(transliterate('Сейтқали Әлия'), 'seitkali aliia');
    assert.equal(transliterate('Жанна Щукина'), 'zhanna shchukina');
    assert.equal(transliterate('ғ қ ң ө ұ ү һ і ә'), 'g k n o u u h i a');
    assert.equal(transliterate('Ivanov'), 'ivanov', 'Latin passes through');
  });

  it('one skeleton across scripts and transliteration systems', () => {
    const same = (a: string, b: string) => assert.equal(nameKey(a), nameKey(b), `${a} ~ ${b}`);
    same('Жанна Ким', 'ZHANNA KIM');
    same('Жанна Ким', 'Janna Kim');
    same('Қуаныш Шәкенов', 'Kuanysh Shakenov');
    same('Қуаныш Шәкенов', 'Quanyş Şäkenov'); // Kazakh Latin (2017/2021 letters)
    same('Александр Хасенов', 'Aleksandr Khasenov');
    same('Александр Хасенов', 'Alexandr Hasenov');
    same('Цой Юрий', 'Tsoi Yurii');
    same('Ivanov Ivan', 'Ivan Ivanov');
  });

  it('Jaro-Winkler: known values', () => {
    assert.equal(jaroWinkler('martha', 'martha'), 1);
    assert.ok(Math.abs(jaroWinkler('martha', 'marhta') - 0.961) < 0.001);
    assert.ok(Math.abs(jaroWinkler('dwayne', 'duane') - 0.84) < 0.001);
    assert.equal(jaroWinkler('abc', ''), 0);
    assert.equal(jaroWinkler('abc', 'xyz'), 0);
  });

  it('names: similar spellings match, other people do not', () => {
    assert.ok(nameSimilarity('Айгерим Сейтқали', 'Aigerim Seitkali') >= 0.99);
    assert.ok(nameSimilarity('Айгерим Сейтқали', 'Aygerim Seytkaly') >= NAME_MATCH_THRESHOLD);
    assert.ok(nameSimilarity('Иванов Иван Петрович', 'Ivan Ivanov') >= 0.99, 'a patronymic on one side only');
    assert.ok(nameSimilarity('Ivanov Petr', 'Ivanov Ivan') < NAME_MATCH_THRESHOLD);
    assert.ok(nameSimilarity('Dauren Ospanov', 'Aigerim Seitkali') < 0.6);
  });

  it('transliteration leaves no Cyrillic; skeletons are idempotent (property)', () => {
    const cyr = fc.stringMatching(/^[а-яёәғқңөұүһі ]{0,30}$/);
    fc.assert(
      fc.property(cyr, (s) => {
        assert.doesNotMatch(transliterate(s), /[\u0400-\u04ff]/);
        const t = nameTokens(s);
        assert.deepEqual(nameTokens(t.join(' ')), t);
        assert.equal(nameKey(nameKey(s)), nameKey(s));
        // a Cyrillic name and its passport transliteration are the same name
        assert.deepEqual(nameTokens(transliterate(s)), t);
      }),
      { numRuns: 1000 },
    );
  });

  it('similarity is symmetric and 1 on itself (property)', () => {
    const name = fc.stringMatching(/^[A-Za-zА-Яа-яӘәҚқ]{2,10}( [A-Za-zА-Яа-яӘәҚқ]{2,10}){0,2}$/);
    fc.assert(
      fc.property(name, name, (a, b) => {
        assert.ok(Math.abs(nameSimilarity(a, b) - nameSimilarity(b, a)) < 1e-9, 'symmetric');
        if (nameTokens(a).length > 0) assert.equal(nameSimilarity(a, a), 1);
        const s = nameSimilarity(a, b);
        assert.ok(s >= 0 && s <= 1);
      }),
    );
  });
});
