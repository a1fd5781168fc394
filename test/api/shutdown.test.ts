import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Db } from '../../src/platform/index.ts';
import { totpCode } from '../../src/platform/index.ts';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform } from '../harness.ts';

/** Records every use of the database once it is closed (the services share this one object). */
function watchUseAfterClose(db: Db): string[] {
  const late: string[] = [];
  let closed = false;
  const target = db as unknown as Record<string, unknown>;
  for (const name of ['query', 'exec', 'transaction', 'querySync', 'execSync', 'transactionSync']) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (closed) late.push(`${name} ${String(args[0]).slice(0, 80)}`);
      return original.apply(this, args);
    };
  }
  const close = db.close.bind(db);
  db.close = async () => {
    await close();
    closed = true;
  };
  return late;
}

for (const engine of engines()) {
  describe(`platform shutdown on ${engine}`, () => {
    it('close() waits for a login whose client hung up: nothing uses the database after, nothing rejects unhandled', async () => {
      const unhandled: unknown[] = [];
      const onRejection = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onRejection);
      try {
        const t = await startTestPlatform(engine);
        const { platform } = t.app;
        const late = watchUseAfterClose(platform.db);
        // the logins wait in their handler until the platform is closing, then write their sessions
        let entered = 0;
        let closing!: () => void;
        const gate = new Promise<void>((r) => {
          closing = r;
        });
        const login = platform.participants.login.bind(platform.participants);
        platform.participants.login = async (...args) => {
          entered++;
          await gate;
          return login(...args);
        };
        const u = t.logins.find((l) => l.participantType === 'operator')!;
        const clients = Array.from({ length: 3 }, (_, i) => {
          const body = JSON.stringify({
            username: u.username,
            password: i === 0 ? 'not the password at all' : u.password,
            totp: totpCode(u.totpSecret, new Date()),
          });
          const req = request(`${t.url}/api/auth/v1/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
          });
          req.on('error', () => {});
          req.end(body);
          return req;
        });
        while (entered < clients.length) await delay(5);
        // the browser goes away (as the e2e harness closes Chromium before the platform)
        for (const c of clients) c.destroy();
        await delay(20);

        const closed = t.close();
        while (platform.http.server.listening) await delay(1);
        closing();
        await closed;
        await delay(100);
        assert.deepEqual(late, [], 'the database was used after it was closed');
      } finally {
        process.off('unhandledRejection', onRejection);
      }
      assert.deepEqual(unhandled.map(String), []);
    });
  });
}
