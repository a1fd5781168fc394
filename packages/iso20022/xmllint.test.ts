/**
 * Second opinion from the system libxml2 (xmllint) on built documents. Defined only where
 * xmllint is installed: the package itself never needs it, and a test that silently passes
 * without it would claim a check that did not happen.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { build, MESSAGE_TYPES } from './index.ts';
import { arbitraryMessage, officialXsdDir } from './testing.ts';

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

const xmllint = onPath('xmllint');

if (xmllint !== undefined) {
  const bin: string = xmllint;
  test('xmllint --schema accepts built documents of every type', () => {
    const xsdDir = officialXsdDir();
    const work = mkdtempSync(join(tmpdir(), 'iso20022-xmllint-'));
    try {
      for (const type of MESSAGE_TYPES) {
        const samples = fc.sample(arbitraryMessage(type), { numRuns: 3, seed: 20250131 });
        const files = samples.map((msg, i) => {
          const file = join(work, `${type}-${i}.xml`);
          writeFileSync(file, build(msg));
          return file;
        });
        // Throws (non-zero exit) with xmllint's diagnostics if any document is invalid.
        const out: string = execFileSync(
          bin,
          ['--noout', '--nonet', '--schema', join(xsdDir, `${type}.xsd`), ...files],
          {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        assert.equal(out, '');
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
