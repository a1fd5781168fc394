import { existsSync, readFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Everything the platform reads from its environment, validated once at start. */
export const ConfigSchema = Type.Object(
  {
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
    host: Type.String({ default: '127.0.0.1' }),
    /** Public base URL (issuer of tokens, links in messages). Defaults to http://host:port. */
    publicUrl: Type.Optional(Type.String()),
    dataDir: Type.String({ default: './data' }),
    /** postgres://… selects PostgreSQL; otherwise SQLite under dataDir. */
    databaseUrl: Type.Optional(Type.String()),
    natsUrl: Type.Optional(Type.String()),
    /** JetStream stream of this deployment; its subjects are `<lower-case name>.<event type>`. */
    natsStream: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', default: 'NDFI' }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    /** Seed the demo world on first start with an empty database. */
    demo: Type.Boolean({ default: true }),
    /** Requests per minute per participant on the API. */
    rateLimitPerMinute: Type.Integer({ minimum: 1, default: 60_000 }),
    bodyLimitBytes: Type.Integer({ minimum: 1024, default: 1_048_576 }),
    /** Directory of ISO 20022 XSDs for strict validation (optional). */
    iso20022XsdDir: Type.Optional(Type.String()),
    /** How long a payee bank has to accept or reject an instant payment (ms). */
    ipsAnswerTimeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
    /**
     * The Anti-Fraud Center's rail policy for a payment to a suspect (review): it settles and the receiving bank
     * holds the credit this long (hours) before releasing it, unless the suspect is confirmed meanwhile.
     */
    afcHoldHoursIps: Type.Integer({ minimum: 1, maximum: 720, default: 72 }),
    afcHoldHoursImts: Type.Integer({ minimum: 1, maximum: 720, default: 72 }),
    /** Alias directory: confirmation-of-payee lookups per minute per participant (bursts up to as many). */
    ipsAliasLookupsPerMinutePerBank: Type.Integer({ minimum: 1, maximum: 1_000_000_000, default: 6000 }),
  },
  { additionalProperties: false },
);
export type Config = Static<typeof ConfigSchema>;

const ENV: Record<string, keyof Config> = {
  PORT: 'port',
  HOST: 'host',
  NDFI_PUBLIC_URL: 'publicUrl',
  NDFI_DATA_DIR: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  NATS_URL: 'natsUrl',
  NDFI_NATS_STREAM: 'natsStream',
  LOG_LEVEL: 'logLevel',
  NDFI_DEMO: 'demo',
  NDFI_RATE_LIMIT_PER_MINUTE: 'rateLimitPerMinute',
  NDFI_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  NDFI_ISO20022_XSD_DIR: 'iso20022XsdDir',
  NDFI_IPS_ANSWER_TIMEOUT_MS: 'ipsAnswerTimeoutMs',
  NDFI_AFC_HOLD_HOURS_IPS: 'afcHoldHoursIps',
  NDFI_AFC_HOLD_HOURS_IMTS: 'afcHoldHoursImts',
  NDFI_IPS_ALIAS_LOOKUPS_PER_MINUTE_PER_BANK: 'ipsAliasLookupsPerMinutePerBank',
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Merges defaults < config file (NDFI_CONFIG or ./ndfi.config.json) < environment < overrides, converts
 * strings to the declared types and refuses anything unknown or malformed with a message naming the key.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const file = env.NDFI_CONFIG ?? (existsSync('ndfi.config.json') ? 'ndfi.config.json' : undefined);
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`config file ${file}: ${(e as Error).message}`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) {
    const v = env[name];
    if (v !== undefined && v !== '') fromEnv[key] = v;
  }
  const raw = { ...fromFile, ...fromEnv, ...overrides };
  const converted = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw));
  const errors = [...Value.Errors(ConfigSchema, converted)];
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const key = e.path.replace(/^\//, '');
      const envName = Object.entries(ENV).find(([, k]) => k === key)?.[0];
      return `  ${key}${envName ? ` (${envName})` : ''}: ${e.message}, got ${JSON.stringify(e.value)}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return converted as Config;
}
