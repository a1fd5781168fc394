import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../../platform/pure.ts';
import { refusal } from '../../testkit.ts';
import {
  appendVersion,
  containsPattern,
  foldText,
  matchesTerms,
  nextProposalStatus,
  type ProposalAction,
  type ProposalRole,
  type PublishedVersion,
  searchTerms,
  searchText,
  TAGS,
  validContent,
  validNote,
  validSlug,
  versionToPublish,
} from './article.ts';

const sample = {
  title: '  SIM swap  before a transfer ',
  tags: ['account_takeover', 'sim_swap'],
  body: 'The fraudster ports the number.\r\n\r\nThen   logs in.  \n',
  indicators: ['SIM changed < 24 h before login', 'new device'],
  actions: ['hold outgoing transfers for 24 h after a SIM change'],
};

const content = fc.record({
  title: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
  tags: fc.uniqueArray(fc.constantFrom(...TAGS), { minLength: 1, maxLength: 8 }),
  body: fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim().length > 0),
  indicators: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z ]{0,20}$/), {
    minLength: 1,
    maxLength: 5,
    selector: (s) => s.trim().replace(/\s+/g, ' '),
  }),
  actions: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z ]{0,20}$/), {
    minLength: 1,
    maxLength: 5,
    selector: (s) => s.trim().replace(/\s+/g, ' '),
  }),
});

describe('AFC knowledge: article content', () => {
  it('keeps one stored form: trimmed lines, normalised body, tags in vocabulary order', () => {
    const c = validContent(sample);
    assert.equal(c.title, 'SIM swap before a transfer');
    assert.deepEqual(c.tags, ['account_takeover', 'sim_swap']);
    assert.equal(c.body, 'The fraudster ports the number.\n\nThen   logs in.');
    assert.deepEqual(validContent({ ...sample, tags: ['sim_swap', 'account_takeover'] }).tags, c.tags);
  });

  it('refuses bad content naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...sample, title: '   ' }, '/title'],
      [{ ...sample, title: 'x'.repeat(201) }, '/title'],
      [{ ...sample, tags: [] }, '/tags'],
      [{ ...sample, tags: ['sim_swap', 'nonsense'] }, '/tags/1'],
      [{ ...sample, tags: ['sim_swap', 'sim_swap'] }, '/tags/1'],
      [{ ...sample, body: ' \n ' }, '/body'],
      [{ ...sample, body: 5 }, '/body'],
      [{ ...sample, indicators: [] }, '/indicators'],
      [{ ...sample, indicators: ['a', ' A '] }, '/indicators/1'],
      [{ ...sample, actions: ['ok', ''] }, '/actions/1'],
      [{ ...sample, actions: 'do it' }, '/actions'],
    ];
    for (const [input, field] of cases)
      assert.deepEqual(
        refusal(() => validContent(input)),
        { type: 'validation', field },
      );
    assert.equal(refusal(() => validContent({ ...sample, body: 7 }, '/proposals/3')).field, '/proposals/3/body');
  });

  it('slugs and notes', () => {
    assert.equal(validSlug('sim-swap-otp', '/articleId'), 'sim-swap-otp');
    for (const bad of ['ab', 'Sim-swap', 'sim--swap', '-sim', 'sim_swap', 'x'.repeat(81), 7]) {
      assert.deepEqual(
        refusal(() => validSlug(bad, '/articleId')),
        { type: 'validation', field: '/articleId' },
      );
    }
    assert.equal(validNote('  fixed   typos ', '/note'), 'fixed typos');
    assert.equal(validNote('  ', '/note'), null);
    assert.equal(validNote(undefined, '/note'), null);
  });

  it('property: the stored form of a stored form is itself', () => {
    fc.assert(
      fc.property(content, (c) => {
        const once = validContent(c);
        assert.deepEqual(validContent(once), once);
      }),
    );
  });
});

describe('AFC knowledge: proposals and versions', () => {
  it('only the operator publishes or rejects, only the proposer withdraws, only pending proposals move', () => {
    assert.equal(nextProposalStatus('pending', 'publish', 'operator'), 'published');
    assert.equal(nextProposalStatus('pending', 'reject', 'operator'), 'rejected');
    assert.equal(nextProposalStatus('pending', 'withdraw', 'proposer'), 'withdrawn');
    assert.equal(refusal(() => nextProposalStatus('pending', 'publish', 'proposer')).type, 'forbidden');
    assert.equal(refusal(() => nextProposalStatus('pending', 'withdraw', 'operator')).type, 'forbidden');
    for (const s of ['published', 'rejected', 'withdrawn'] as const) {
      assert.equal(refusal(() => nextProposalStatus(s, 'publish', 'operator')).type, 'state');
      assert.equal(refusal(() => nextProposalStatus(s, 'withdraw', 'proposer')).type, 'state');
    }
  });

  it('a new article is version 1 of a free slug; a revision must be written on the latest version', () => {
    assert.equal(versionToPublish(null, null, 'a-b'), 1);
    assert.equal(versionToPublish(3, 3, 'a-b'), 4);
    assert.equal(refusal(() => versionToPublish(1, null, 'a-b')).type, 'conflict');
    assert.equal(refusal(() => versionToPublish(4, 3, 'a-b')).type, 'conflict');
    assert.equal(refusal(() => versionToPublish(null, 1, 'a-b')).type, 'not-found');
  });

  it('property: whatever is proposed and decided, published versions never change and numbers run 1, 2, 3…', () => {
    const step = fc.record({
      base: fc.option(fc.nat({ max: 6 }), { nil: null }),
      action: fc.constantFrom<ProposalAction>('publish', 'reject', 'withdraw'),
      role: fc.constantFrom<ProposalRole>('operator', 'proposer'),
      content,
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        let history: PublishedVersion[] = [];
        const snapshots: string[] = [];
        steps.forEach((s, i) => {
          const proposal = { id: `kbp_${i}`, baseVersion: s.base, content: validContent(s.content) };
          const before = history;
          try {
            const status = nextProposalStatus('pending', s.action, s.role);
            if (status === 'published') history = appendVersion(history, proposal, 'the-article');
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            assert.equal(history, before, 'a refused publication changes nothing');
          }
          // the versions published before are the very same objects with the very same content
          before.forEach((v, k) => {
            assert.equal(history[k], v);
            assert.equal(JSON.stringify(v), snapshots[k]);
          });
          for (let k = snapshots.length; k < history.length; k++) snapshots.push(JSON.stringify(history[k]));
          history.forEach((v, k) => {
            assert.equal(v.version, k + 1);
          });
        });
      }),
    );
  });
});

describe('AFC knowledge: search', () => {
  it('folds case, ё and whitespace; queries are words of two or more characters', () => {
    assert.equal(foldText('  Подмена   SIM-карты, ЁЛКА '), 'подмена sim-карты, елка');
    assert.deepEqual(searchTerms('SIM  sim a Подмена', '/q'), ['sim', 'подмена']);
    assert.deepEqual(searchTerms(undefined, '/q'), []);
    assert.equal(refusal(() => searchTerms('a b c d e f g h i j k l'.replace(/ /g, 'x '), '/q')).field, '/q');
    const text = searchText(validContent(sample));
    assert.ok(matchesTerms(text, searchTerms('sim HOLD', '/q')));
    assert.ok(!matchesTerms(text, searchTerms('sim phishing', '/q')));
  });

  it('LIKE patterns escape the wildcards', () => {
    assert.equal(containsPattern('50%_a\\b'), '%50\\%\\_a\\\\b%');
  });

  it('property: an article matches any query made of words of its own text', () => {
    fc.assert(
      fc.property(content, fc.array(fc.nat(), { maxLength: 4 }), (c, picks) => {
        const v = validContent(c);
        const text = searchText(v);
        const words = text.split(/\s+/).filter((w) => w.length >= 2);
        if (words.length === 0) return;
        const q = picks.map((p) => words[p % words.length]).join(' ');
        if (q.length > 200) return;
        assert.ok(matchesTerms(text, searchTerms(q, '/q')));
      }),
    );
  });
});
