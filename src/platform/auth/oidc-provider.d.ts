/**
 * The slice of oidc-provider 9 the platform uses. The package ships no type declarations and
 * @types/oidc-provider is not a dependency; these are written from its documentation and source.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface AdapterPayload {
    [key: string]: unknown;
  }

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  /** Koa context as the provider hands it to configuration callbacks; only what the platform reads. */
  export interface KoaContextWithOIDC {
    oidc: {
      client?: ClientLike;
      route?: string;
      params?: Record<string, unknown>;
    };
  }

  export interface ClientLike {
    clientId: string;
    [metadata: string]: unknown;
  }

  export interface ResourceServerLike {
    audience?: string;
    scope?: string;
    identifier(): string;
  }

  export interface TokenLike {
    kind: string;
    clientId?: string;
    client?: ClientLike;
    scope?: string;
    resourceServer?: ResourceServerLike;
  }

  export interface Configuration {
    [key: string]: unknown;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export namespace errors {
    class OIDCProviderError extends Error {
      constructor(status: number, message: string);
      error: string;
      error_description?: string;
      status: number;
      statusCode: number;
    }
    /** `detail` goes to events and logs, not to the client (which sees "client authentication failed"). */
    class InvalidClientAuth extends OIDCProviderError {
      constructor(detail?: string);
    }
    class InvalidTarget extends OIDCProviderError {
      constructor(description?: string);
    }
    class InvalidScope extends OIDCProviderError {
      constructor(description: string, scope?: string);
    }
  }

  export default Provider;
}
