/** The platform kernel's public interface: the only file of src/platform other modules import. */
export * from './audit/index.ts';
export * from './auth/index.ts';
export * from './clock.ts';
export * from './config.ts';
export * from './crypto/index.ts';
export * from './db/index.ts';
export * from './errors.ts';
export * from './events/index.ts';
export { idempotencyMigrations } from './http/idempotency.ts';
export { hasRole, type Principal, type RouteAuth } from './http/principal.ts';
export { type Problem, toProblem } from './http/problem.ts';
export { createHttpServer, type HttpOptions } from './http/server.ts';
export { keepXmlBody, xmlBodyOf } from './http/xml-body.ts';
export * from './json.ts';
export * from './logger.ts';
export * from './money.ts';
export * from './webhooks/index.ts';
