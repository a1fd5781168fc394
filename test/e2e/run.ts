/**
 * Browser end-to-end tests: runs every test/e2e/*.e2e.ts file, one at a time, against the real platform
 * started in-process and a headless Chromium. Without Chromium it skips (exit 0), except under CI.
 *
 *   npm run test:e2e                       all browser tests
 *   npm run test:e2e -- --test-name-pattern=operator
 *   CHROMIUM_PATH=/opt/chrome/chrome npm run test:e2e
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_CANDIDATES, findChromium } from './chromium.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const chromium = findChromium();
if (!chromium) {
  if (process.env.CI) {
    const where = process.env.CHROMIUM_PATH
      ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH}`
      : CHROMIUM_CANDIDATES.join(', ');
    console.error(`e2e: no Chromium found (${where}) and CI is set: browser tests cannot be skipped in CI`);
    process.exit(1);
  }
  if (process.env.CHROMIUM_PATH) console.error(`e2e: CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`);
  console.log('skipped: no Chromium');
  process.exit(0);
}

const files = readdirSync(here)
  .filter((f) => f.endsWith('.e2e.ts'))
  .sort()
  .map((f) => relative(root, join(here, f)));
if (files.length === 0) {
  console.error('e2e: no *.e2e.ts files in test/e2e');
  process.exit(1);
}

const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...process.argv.slice(2), ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CHROMIUM_PATH: chromium },
});
if (result.error) {
  console.error(`e2e: could not start the test runner: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
