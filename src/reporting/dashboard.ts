import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

/** What the dashboard reads; each source is another module's public interface. */
export interface DashboardSources {
  version: string;
  engine: 'sqlite' | 'postgres';
  events: 'in-process' | 'nats';
  startedAt: number;
  now: () => number;
  ready: () => Promise<boolean>;
  participantCounts: () => Promise<{ participants: number; active: number; users: number }>;
  ledgerCounts: () => Promise<{ accounts: number; transfers: number }>;
  ledgerTotals: () => Promise<{ currency: string; accounts: number; debitsPosted: bigint; creditsPosted: bigint }[]>;
  /** The accounts one participant owns: what a non-oversight dashboard totals. */
  ownAccounts: (owner: string) => Promise<{ currency: string; debitsPosted: bigint; creditsPosted: bigint }[]>;
}

const Dashboard = Type.Object({
  health: Type.Object({
    status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
    engine: Type.String(),
    events: Type.String(),
    uptimeSeconds: Type.Integer(),
    version: Type.String(),
  }),
  counts: Type.Object({
    participants: Type.Integer(),
    activeParticipants: Type.Integer(),
    users: Type.Integer(),
    ledgerAccounts: Type.Integer(),
    transfers: Type.Integer(),
  }),
  ledgerTotals: Type.Array(
    Type.Object({
      currency: Type.String(),
      accounts: Type.Integer(),
      debitsPosted: Type.String({ description: 'minor units (tiyn)' }),
      creditsPosted: Type.String({ description: 'minor units (tiyn)' }),
    }),
  ),
});

const OVERSIGHT = ['operator', 'central_bank', 'regulator'];

function totalsOf(accounts: { currency: string; debitsPosted: bigint; creditsPosted: bigint }[]) {
  const by = new Map<string, { currency: string; accounts: number; debitsPosted: bigint; creditsPosted: bigint }>();
  for (const a of accounts) {
    const t = by.get(a.currency) ?? { currency: a.currency, accounts: 0, debitsPosted: 0n, creditsPosted: 0n };
    t.accounts++;
    t.debitsPosted += a.debitsPosted;
    t.creditsPosted += a.creditsPosted;
    by.set(a.currency, t);
  }
  return [...by.values()];
}

/** Oversight roles see the whole system; every other participant sees its own accounts only. */
export function dashboardRoutes(app: FastifyInstance, src: DashboardSources): void {
  app.get(
    '/api/platform/v1/dashboard',
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags: ['platform'],
        summary: 'Health, counts and ledger totals for the portal',
        response: { 200: Dashboard },
      },
    },
    async (req) => {
      const p = req.principal!;
      const oversight = p.roles.some((r) => OVERSIGHT.includes(r));
      const [ready, pc, lc, totals] = await Promise.all([
        src.ready().catch(() => false),
        src.participantCounts(),
        oversight
          ? src.ledgerCounts()
          : src.ownAccounts(p.participantId).then((a) => ({ accounts: a.length, transfers: 0 })),
        oversight ? src.ledgerTotals() : src.ownAccounts(p.participantId).then(totalsOf),
      ]);
      return {
        health: {
          status: ready ? 'ok' : 'degraded',
          engine: src.engine,
          events: src.events,
          uptimeSeconds: Math.floor((src.now() - src.startedAt) / 1000),
          version: src.version,
        },
        counts: {
          participants: pc.participants,
          activeParticipants: pc.active,
          users: pc.users,
          ledgerAccounts: lc.accounts,
          transfers: lc.transfers,
        },
        ledgerTotals: totals.map((t) => ({
          ...t,
          debitsPosted: t.debitsPosted.toString(),
          creditsPosted: t.creditsPosted.toString(),
        })),
      };
    },
  );
}
