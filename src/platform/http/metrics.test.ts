import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import client from 'prom-client';
import { RequestDurations } from './metrics.ts';

describe('RequestDurations', () => {
  it("exposes what prom-client's histogram exposes for the same observations, as text and as JSON", async () => {
    const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    const ours = new client.Registry();
    const theirs = new client.Registry();
    const fast = new RequestDurations({ name: 'x_seconds', help: 'HTTP request duration', buckets, registers: [ours] });
    const ref = new client.Histogram({
      name: 'x_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'],
      buckets,
      registers: [theirs],
    });
    const seen: [string, string, number, number][] = [
      ['POST', '/api/afc/v1/screen', 200, 0.0004],
      ['POST', '/api/afc/v1/screen', 200, 0.001],
      ['POST', '/api/afc/v1/screen', 400, 0.0031],
      ['GET', '/healthz', 200, 0.02],
      ['POST', '/api/afc/v1/screen', 200, 3.5],
      ['GET', 'unmatched', 404, 0.0001],
      ['GET', '/healthz', 200, 2.5],
    ];
    for (const [method, route, status, s] of seen) {
      fast.observe(method, route, status, s);
      ref.observe({ method, route, status: String(status) }, s);
    }
    assert.equal(await ours.metrics(), await theirs.metrics());
    assert.deepEqual(await ours.getMetricsAsJSON(), await theirs.getMetricsAsJSON());
    ours.resetMetrics();
    theirs.resetMetrics();
    assert.equal(await ours.metrics(), await theirs.metrics());
  });
});
