/** Shared by the AFC API tests. */
import assert from 'node:assert/strict';

/** Asserts a problem+json answer of `status`; with `field`, the first issue names it. */
export function problem(r: { status: number; body: any; headers: Headers }, status: number, field?: string): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(r.headers.get('content-type') ?? '', /problem\+json/);
  if (field !== undefined) assert.equal(r.body.errors?.[0]?.field, field, JSON.stringify(r.body));
}
