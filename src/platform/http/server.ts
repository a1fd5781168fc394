import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import client from 'prom-client';
import type { IdGenerator } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import { toJson } from '../json.ts';
import type { Logger } from '../logger.ts';
import { registerIdempotency } from './idempotency.ts';
import { trackRequests } from './in-flight.ts';
import { RequestDurations } from './metrics.ts';
import { hasRole, type Principal } from './principal.ts';
import { toProblem } from './problem.ts';
import { lazyChildLoggerFactory } from './request-logger.ts';

export interface HttpOptions {
  db: Db;
  logger: Logger;
  ids: IdGenerator;
  bodyLimitBytes: number;
  rateLimitPerMinute: number;
  version: string;
  /** Resolves the caller from a bearer token or a session cookie; undefined when neither is present. */
  authenticate: (req: FastifyRequest) => Promise<Principal | undefined>;
  /** Extra readiness checks (database reachable, writers started). */
  ready: () => Promise<boolean>;
}

/**
 * The platform's HTTP server: schemas on every route, problem+json on every error, request ids,
 * deny-by-default authorization, Idempotency-Key on mutations, per-participant rate limits, OpenAPI,
 * health and Prometheus metrics. Modules add their routes to it.
 */
export async function createHttpServer(opts: HttpOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: opts.bodyLimitBytes,
    genReqId: () => opts.ids.next('req'),
    requestIdHeader: false,
    logController: new LogController({ disableRequestLogging: true }),
    // req.log is made when a request first logs: making a child logger cost every request some 5 µs
    childLoggerFactory: lazyChildLoggerFactory,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: true } },
  });
  // close() waits for every request's work, also a request whose client hung up: first hook, last onSend
  const requests = trackRequests(app);

  // Bodies are strict JSON: a number is never accepted where a string is due (amounts!). Query strings and
  // path parameters are text by nature, so there "10" may become the integer 10.
  const strict = new Ajv({ removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: true });
  const lenient = new Ajv({ removeAdditional: false, coerceTypes: true, allErrors: true, useDefaults: true });
  // ajv-formats is CommonJS: its function is the default of the namespace
  const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;
  for (const ajv of [strict, lenient]) addFormats(ajv);
  app.setValidatorCompiler(
    ({ schema, httpPart }) =>
      (httpPart === 'body' ? strict : lenient).compile(schema) as ReturnType<typeof strict.compile>,
  );

  // Responses may carry bigints; schemas document them, JSON.stringify with a replacer writes them.
  app.setSerializerCompiler(() => (data) => toJson(data));
  app.setReplySerializer((payload) => toJson(payload));

  // cookies must be parsed before the authentication hook reads the session
  await app.register(cookie);

  app.addHook('onRoute', (route) => {
    const auth = route.config?.auth;
    if (!auth && !route.url.startsWith('/docs')) {
      throw new Error(`route ${route.method} ${route.url} declares no auth: every route must say who may call it`);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    const auth = req.routeOptions.config?.auth;
    if (req.is404 || auth === 'public' || (!auth && req.url.startsWith('/docs'))) return;
    const principal = await opts.authenticate(req);
    if (!principal)
      throw new DomainError('unauthorized', 'authentication required: a bearer token or a portal session');
    req.principal = principal;
    if (principal.suspended && req.method !== 'GET' && req.method !== 'HEAD') {
      throw new DomainError('forbidden', 'your organization is suspended: read-only access');
    }
    if (auth && auth.roles !== 'any' && !hasRole(principal, auth.roles)) {
      throw new DomainError('forbidden', 'your role may not call this operation');
    }
  });

  // No answer shows what a power loss could still take back: a read may have seen another request's commit
  // whose WAL flush is still under way (SQLite, ADR 9). Nothing to wait for answers at once.
  app.addHook('onSend', (_req, _reply, payload, done) => {
    const flushing = opts.db.durable();
    if (!flushing) return done(null, payload);
    flushing.then(
      () => done(null, payload),
      (err: Error) => done(err),
    );
  });

  const metrics = new client.Registry();
  client.collectDefaultMetrics({ register: metrics });
  const httpDuration = new RequestDurations({
    name: 'ndfi_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics],
  });
  app.decorate('metrics', metrics);
  app.addHook('onResponse', (req, reply, done) => {
    httpDuration.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.setErrorHandler((err, req, reply) => {
    const problem = toProblem(err, req.url);
    if (problem.status >= 500) req.log.error({ err, reqId: req.id }, 'request failed');
    reply.code(problem.status).type('application/problem+json').send(problem);
  });
  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .type('application/problem+json')
      .send(toProblem(new DomainError('not-found', `no route ${req.method} ${req.url.split('?')[0]}`), req.url));
  });

  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: opts.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => req.principal?.participantId ?? req.ip,
    errorResponseBuilder: (_req, ctx) =>
      new DomainError('rate-limited', `rate limit of ${ctx.max} requests per minute reached; retry after ${ctx.after}`),
  });
  registerIdempotency(app, opts.db);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'NDFI — National Digital Financial Infrastructure API',
        version: opts.version,
        description:
          'Participant APIs of the national payment system, open API platform, anti-fraud center and digital tenge. ' +
          'Errors are RFC 9457 problem+json. Mutating requests need an Idempotency-Key header. ' +
          'Amounts are decimal strings in tenge or integer strings in tiyn, never JSON numbers.',
      },
      components: {
        securitySchemes: {
          oauth2: {
            type: 'oauth2',
            description: 'Client credentials with private_key_jwt (ES256) at /oauth/token',
            flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: {} } },
          },
          session: { type: 'apiKey', in: 'cookie', name: 'ndfi_session' },
        },
      },
      security: [{ oauth2: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const ok = await opts.ready().catch(() => false);
    reply.code(ok ? 200 : 503);
    return { status: ok ? 'ready' : 'not ready' };
  });
  app.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    reply.type(metrics.contentType);
    return metrics.metrics();
  });
  // after every other onSend hook of the root (the idempotency layer's stores the answer)
  requests.lastOnSend();
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: client.Registry;
  }
}
