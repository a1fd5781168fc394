/**
 * E2E harness: builds the portal if its sources changed, starts the whole platform in-process on a free
 * port with a fresh data directory and the demo world, and drives it with a headless Chromium. Each
 * browser test gets its own browser context (own cookies); a failing test leaves a screenshot and the
 * page's HTML in .tmp/e2e/.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { startApp } from '../../src/app.ts';
import { totpCode } from '../../src/platform/index.ts';
import { CHROMIUM_ARGS, findChromium } from './chromium.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = join(ROOT, '.tmp', 'e2e');
const PORTAL = join(ROOT, 'portal');

export interface DemoLogin {
  username: string;
  password: string;
  totpSecret: string;
  participantName: string;
  participantType: string;
}

export interface DemoLogins {
  portalUrl: string;
  users: DemoLogin[];
}

export interface E2e {
  /** Starts the platform and Chromium once (browser tests call it first); later calls share the start. */
  start(): Promise<void>;
  /** Base URL of the running platform, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly browser: Browser;
  readonly demo: DemoLogins;
  /** The first demo login of a participant of this type ('operator', 'bank', …). */
  user(participantType: string): DemoLogin;
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Runs `vite build` when portal/dist is missing or older than the portal's sources. */
export function ensurePortalBuilt(): void {
  const built = join(PORTAL, 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(join(PORTAL, 'src')),
    newestMtime(join(PORTAL, 'index.html')),
    newestMtime(join(PORTAL, 'vite.config.ts')),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'portal/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`portal build failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * Returns the environment of the calling test file: the platform and Chromium start with its first
 * browser test (so a file whose tests are all filtered out by --test-name-pattern starts nothing and
 * cannot be left running), and stop in an `after` hook. Its fields are usable inside tests.
 */
export function setupE2e(): E2e {
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  let browser: Browser | undefined;
  let demo: DemoLogins | undefined;
  let dataDir: string | undefined;

  let starting: Promise<void> | undefined;
  const start = async () => {
    const executablePath = findChromium();
    if (!executablePath)
      throw new Error('no Chromium: set CHROMIUM_PATH or install chromium (run via npm run test:e2e)');
    ensurePortalBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'ndfi-e2e-'));
    // the embedded shape users start with: SQLite, whatever DATABASE_URL the environment has
    app = await startApp({ dataDir, port: 0, demo: true, logLevel: 'silent', databaseUrl: undefined });
    demo = JSON.parse(readFileSync(app.demoLoginsPath, 'utf8')) as DemoLogins;
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  };

  after(async () => {
    await browser?.close();
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`e2e: ${what} is not started (use it inside a test)`);
    return value;
  };

  return {
    start() {
      starting ??= start();
      return starting;
    },
    get url() {
      return ready(app, 'the platform').url;
    },
    get browser() {
      return ready(browser, 'Chromium');
    },
    get demo() {
      return ready(demo, 'the demo world');
    },
    user(participantType: string): DemoLogin {
      const found = this.demo.users.find((u) => u.participantType === participantType);
      if (!found) throw new Error(`e2e: the demo world has no ${participantType} login`);
      return found;
    },
  };
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/**
 * A browser test: a fresh context (no cookies) and page on the platform's URL. Uncaught page errors fail
 * the test; on failure a screenshot and the page's HTML are written to .tmp/e2e/.
 */
export function browserTest(env: E2e, name: string, fn: (page: Page, t: TestContext) => Promise<void>): void {
  test(name, { timeout: 90_000 }, async (t) => {
    await env.start();
    const context = await env.browser.newContext({ baseURL: env.url, viewport: { width: 1360, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const network: string[] = [];
    page.on('response', (res) => {
      if (new URL(res.url()).pathname.startsWith('/api/')) {
        network.push(`${new Date().toISOString()} ${res.request().method()} ${res.url()} → ${res.status()}`);
      }
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') network.push(`${new Date().toISOString()} console.error ${msg.text()}`);
    });
    try {
      await fn(page, t);
      if (pageErrors.length) throw new Error(`uncaught errors in the page:\n${pageErrors.join('\n')}`);
    } catch (err) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const base = join(ARTIFACTS, `${slug(name)}-${Date.now()}`);
      await page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined);
      const html = await page.content().catch(() => '');
      if (html) writeFileSync(`${base}.html`, html);
      writeFileSync(`${base}.log`, `${network.join('\n')}\n`);
      t.diagnostic(`screenshot: ${base}.png (page HTML and API calls beside it)`);
      throw err;
    } finally {
      await context.close();
    }
  });
}

/** The one-time code of a demo user right now. */
export const currentCode = (user: DemoLogin): string => totpCode(user.totpSecret, new Date());

/** A well-formed code that is wrong for every time step near now (the server may accept some drift). */
export function wrongCode(user: DemoLogin): string {
  const now = Date.now();
  const near = new Set<string>();
  for (let step = -5; step <= 5; step++) near.add(totpCode(user.totpSecret, new Date(now + step * 30_000)));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}

/** Fills the login form and submits it (does not wait for the outcome). */
export async function submitLogin(page: Page, user: DemoLogin, code: string): Promise<void> {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('One-time code').fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the portal and signs in with password and the current one-time code; waits for the dashboard. */
export async function login(page: Page, user: DemoLogin): Promise<void> {
  await page.goto('/');
  await submitLogin(page, user, currentCode(user));
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/**
 * Polls until the locator's element exists and its text contains (or matches) the expectation; fails with what
 * it saw. A missing element never matches, whatever the expectation (/\S/ included).
 */
export async function expectText(locator: Locator, expected: string | RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const found = (await locator.count()) > 0;
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a user reads
    last = found ? (await locator.first().innerText()).trim() : '<no element>';
    if (found && (typeof expected === 'string' ? last.includes(expected) : expected.test(last))) return last;
    if (Date.now() > deadline) {
      throw new Error(`expected ${String(locator)} to show ${String(expected)}, it shows ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The error message shown with a labelled form field. */
export const fieldError = (page: Page, label: string): Locator =>
  page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');

/**
 * A valid 12-digit Kazakhstan BIN from an 11-digit prefix: check digit by weights 1..11, else by
 * 3..11,1,2; prefixes for which both give 10 are skipped by bumping the last digit.
 */
export function validBin(prefix11: string): string {
  const w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
  for (let bump = 0; bump < 10; bump++) {
    const p = prefix11.slice(0, 10) + String((Number(prefix11[10]) + bump) % 10);
    const d = [...p].map(Number);
    let c = w1.reduce((s, w, i) => s + w * d[i]!, 0) % 11;
    if (c === 10) c = w2.reduce((s, w, i) => s + w * d[i]!, 0) % 11;
    if (c !== 10) return p + c;
  }
  throw new Error(`no valid BIN near ${prefix11}`);
}

/** The same BIN with a wrong check digit. */
export const invalidBin = (bin: string): string => bin.slice(0, 11) + String((Number(bin[11]) + 1) % 10);
