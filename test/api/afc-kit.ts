/** Shared by the AFC API tests. */
import assert from 'node:assert/strict';
import type { TestPlatform } from '../harness.ts';

/** Asserts a problem+json answer of `status`; with `field`, the first issue names it. */
export function problem(r: { status: number; body: any; headers: Headers }, status: number, field?: string): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(r.headers.get('content-type') ?? '', /problem\+json/);
  if (field !== undefined) assert.equal(r.body.errors?.[0]?.field, field, JSON.stringify(r.body));
}

/** How a test calls the API: as a participant's system (token) or as its staff (portal session). */
export type Caller = { token?: string; cookie?: string };

/** The staff of the operator, law enforcement, the regulator, a mobile operator and a TPP, logged in. */
export async function staffOf(t: TestPlatform): Promise<Record<string, Caller>> {
  const who: Record<string, Caller> = {};
  for (const type of ['operator', 'law_enforcement', 'regulator', 'mno', 'tpp']) {
    who[type] = { cookie: await t.login(type) };
  }
  return who;
}

/** The registered banks, as the operator lists them. */
export async function banksOf(t: TestPlatform, operator: Caller): Promise<any[]> {
  return (await t.call('GET', '/api/participants/v1/participants?type=bank', operator)).body.items;
}
