import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { createLogger } from '../logger.ts';
import { lazyChildLoggerFactory } from './request-logger.ts';

function captured(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: createLogger({ level, destination }) as unknown as FastifyBaseLogger };
}

describe('the request logger made on first use', () => {
  it('writes as the child it stands for: bindings, levels, redaction, grandchildren', () => {
    const { lines, logger } = captured('warn');
    const log = lazyChildLoggerFactory(logger, { reqId: 'req_1' }, {});
    log.info('not written at warn');
    log.debug({ x: 1 }, 'nor this');
    assert.equal(lines.length, 0);
    assert.equal(log.level, 'warn');
    log.error({ password: 'secret', code: 7 }, 'request failed');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!['reqId'], 'req_1');
    assert.equal(lines[0]!['msg'], 'request failed');
    assert.equal(lines[0]!['code'], 7);
    assert.equal(lines[0]!['password'], '[redacted]');
    assert.equal(lines[0]!['level'], 50);
    log.child({ step: 'x' }).warn('from a grandchild');
    assert.equal(lines[1]!['reqId'], 'req_1');
    assert.equal(lines[1]!['step'], 'x');
    log.info('still not written');
    assert.equal(lines.length, 2);
  });

  it('a route with its own level gets a real child at once', () => {
    const { lines, logger } = captured('warn');
    const log = lazyChildLoggerFactory(logger, { reqId: 'req_2' }, { level: 'info' });
    log.info('written: the route logs at info');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!['reqId'], 'req_2');
  });
});
