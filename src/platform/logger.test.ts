import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './logger.ts';

describe('logger', () => {
  it('never writes passwords, OTPs, tokens, card numbers or authorization headers', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger({ destination });
    log.info(
      {
        password: 'hunter2-secret',
        user: { password: 'p4ss', totp: '123456', accessToken: 'eyJabc.def.ghi' },
        card: { pan: '4400001234567890' },
        req: { headers: { authorization: 'Bearer eyJsecret', cookie: 'ndfi_session=abc' } },
      },
      'login attempt',
    );
    const out = lines.join('');
    for (const secret of [
      'hunter2-secret',
      'p4ss',
      '123456',
      'eyJabc',
      '4400001234567890',
      'eyJsecret',
      'ndfi_session=abc',
    ]) {
      assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
    }
    assert.match(out, /login attempt/);
    assert.match(out, /\[redacted\]/);
  });
});
