import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line: secrets, tokens, card numbers, OTPs, keys. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'totp',
  '*.totp',
  'otp',
  '*.otp',
  'secret',
  '*.secret',
  '*.totpSecret',
  'token',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.client_assertion',
  '*.privateKey',
  '*.pan',
  'pan',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export function createLogger(
  opts: { level?: string; name?: string; destination?: pino.DestinationStream } = {},
): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      name: opts.name ?? 'ndfi',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    opts.destination,
  );
}

/** A logger that writes nothing, for tests and benchmarks. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
