import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ImtsService } from '../imts/index.ts';
import { iinBinCheckDigit, type ParticipantsService } from '../participants/index.ts';
import { DEMO_OPENING_LIQUIDITY, DEMO_PARTICIPANTS } from './world.ts';

export interface DemoLogin {
  username: string;
  password: string;
  totpSecret: string;
  participantName: string;
  participantType: string;
}

/** Makes a valid 12-digit BIN from an 11-digit prefix by adjusting the last prefix digit if needed. */
function demoBin(prefix: string): string {
  for (let i = 0; i < 10; i++) {
    const p = prefix.slice(0, 10) + String((Number(prefix[10]) + i) % 10);
    const c = iinBinCheckDigit(p);
    if (c !== undefined) return p + c;
  }
  throw new Error(`no valid BIN near ${prefix}`);
}

const SEED_ACTOR = { id: 'system:demo-seed' };

/**
 * On first start with an empty database: the demo country's institutions, one admin per institution,
 * bank settlement accounts with opening liquidity. Logins and TOTP secrets go to a file only the
 * owner can read; nothing is printed but its path.
 */
export async function seedDemoWorld(
  deps: { participants: ParticipantsService; imts: ImtsService },
  opts: { portalUrl: string; loginsPath: string; onProgress?: (done: number, total: number) => void },
): Promise<{ seeded: boolean; users: DemoLogin[] }> {
  if ((await deps.participants.counts()).participants > 0) return { seeded: false, users: [] };
  const users: DemoLogin[] = [];
  const total = DEMO_PARTICIPANTS.length;
  const banks: { id: string; bic: string }[] = [];
  for (const [i, d] of DEMO_PARTICIPANTS.entries()) {
    const p = await deps.participants.register(SEED_ACTOR, {
      name: d.name,
      type: d.type,
      bic: d.bic,
      taxId: demoBin(d.binPrefix),
      binRanges: d.binRanges,
    });
    if (d.type === 'bank') banks.push({ id: p.id, bic: p.bic! });
    const password = randomBytes(12).toString('base64url');
    const { totpSecret } = await deps.participants.addUser(SEED_ACTOR, {
      participantId: p.id,
      username: `${d.slug}.admin`,
      displayName: `${d.name} administrator`,
      password,
      roles: ['admin'],
    });
    users.push({ username: `${d.slug}.admin`, password, totpSecret, participantName: d.name, participantType: d.type });
    opts.onProgress?.(i + 1, total);
  }
  // every bank opens the day with central bank liquidity on its IMTS settlement account
  for (const b of banks) {
    await deps.imts.liquidity({
      id: `demo-opening-${b.bic}`,
      bic: b.bic,
      direction: 'inject',
      amount: DEMO_OPENING_LIQUIDITY,
    });
  }
  mkdirSync(dirname(opts.loginsPath), { recursive: true });
  writeFileSync(opts.loginsPath, `${JSON.stringify({ portalUrl: opts.portalUrl, users }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(opts.loginsPath, 0o600);
  return { seeded: true, users };
}
