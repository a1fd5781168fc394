import { existsSync } from 'node:fs';

/** Where Chromium is looked for when CHROMIUM_PATH is not set. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium binary to drive: CHROMIUM_PATH if set (and present), else the first candidate found. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.CHROMIUM_PATH?.trim();
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p));
}

/** Flags for a headless Chromium in a container without a GPU, sandbox or network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
