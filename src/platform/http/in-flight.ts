import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Makes `close()` wait for the requests still being worked on, not only for the open connections.
 *
 * Fastify's close waits for its connections to end, and a client that hangs up (a browser closed, a caller's
 * timeout) ends its connection at once, while the request goes on: Fastify runs its remaining hooks and the
 * handler to the end regardless. Without this, close() returns under them and they carry on into a database
 * closed meanwhile ("database is not open", rejected where nobody awaits it).
 *
 * A request counts from its first onRequest hook until its answer has passed the onSend hooks (where the
 * idempotency layer stores it), or, for a hijacked reply (one that writes to the socket itself), until its
 * handler returns. `track` must be called before any other hook is added and `lastOnSend` after every other
 * onSend hook of the root instance.
 */
export function trackRequests(app: FastifyInstance): { lastOnSend(): void } {
  const working = new Set<FastifyRequest>();
  /** close() waiting for the last of them. */
  let idle: (() => void) | undefined;
  const done = (req: FastifyRequest) => {
    if (working.delete(req) && working.size === 0) idle?.();
  };

  app.addHook('onRequest', (req, _reply, next) => {
    working.add(req);
    next();
  });

  // a hijacked reply never reaches onSend: its handler's return ends it
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
      const r = handler.call(this, req, reply) as unknown;
      if (r instanceof Promise) {
        r.then(
          () => reply.sent && done(req),
          () => reply.sent && done(req),
        );
      } else if (reply.sent) done(req);
      return r;
    } as typeof route.handler;
  });

  // runs after the server stopped taking requests (Fastify closes it first, then runs onClose hooks)
  app.addHook('onClose', async () => {
    if (working.size > 0) await new Promise<void>((resolve) => (idle = resolve));
  });

  return {
    lastOnSend() {
      app.addHook('onSend', (req, _reply, payload, next) => {
        done(req);
        next(null, payload);
      });
    },
  };
}
