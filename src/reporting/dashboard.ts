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

export function dashboardRoutes(app: FastifyInstance, src: DashboardSources): void {
  app.get(
    '/api/platform/v1/dashboard',
    {
      config: { auth: { roles: 'any' } },
      schema: { tags: ['platform'], summary: 'Health, counts and ledger totals for the portal', response: { 200: Dashboard } },
    },
    async () => {
      const [ready, pc, lc, totals] = await Promise.all([
        src.ready().catch(() => false),
        src.participantCounts(),
        src.ledgerCounts(),
        src.ledgerTotals(),
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
        ledgerTotals: totals.map((t) => ({ ...t, debitsPosted: t.debitsPosted.toString(), creditsPosted: t.creditsPosted.toString() })),
      };
    },
  );
}
