/** Who is calling: a participant's system (OAuth token) or a staff member (portal session). */
export interface Principal {
  participantId: string;
  participantType: string;
  /** Participant type, participant roles and (for staff) the user's own roles: what routes are matched against. */
  roles: string[];
  via: 'token' | 'session';
  userId?: string;
  clientId?: string;
  /** A suspended participant may read but not change anything. */
  suspended?: boolean;
}

/** Every route declares who may call it; a route without this declaration does not start. */
export type RouteAuth = 'public' | { roles: string[] | 'any' };

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** Mutating routes need an Idempotency-Key unless they opt out (login, OAuth). */
    idempotent?: boolean;
  }
}

export const hasRole = (p: Principal, roles: readonly string[]): boolean => roles.some((r) => p.roles.includes(r));
