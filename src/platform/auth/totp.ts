import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';

/**
 * TOTP (RFC 6238) as authenticator apps do it: SHA-1, 6 digits, 30 s steps, base32 secrets of 20 random
 * bytes. Verification accepts the previous, current and next step (±30 s of clock drift).
 */
const PERIOD = 30;
const DIGITS = 6;
const CODE = /^\d{6}$/;

const epochOf = (now: Date): number => Math.floor(now.getTime() / 1000);

export const newTotpSecret = (): string => generateSecret({ length: 20 });

/** otpauth:// URI for the QR code an authenticator app scans. */
export function totpUri(opts: { secret: string; account: string; issuer?: string }): string {
  return generateURI({
    issuer: opts.issuer ?? 'NDFI',
    label: opts.account,
    secret: opts.secret,
    algorithm: 'sha1',
    digits: DIGITS,
    period: PERIOD,
  });
}

/** The code valid at `now`, for tests, simulators and the browser e2e. */
export function totpCode(secret: string, now: Date): string {
  return generateSync({ secret, epoch: epochOf(now), algorithm: 'sha1', digits: DIGITS, period: PERIOD });
}

/**
 * Checks `code` and returns the time step it matched, or undefined. Store that step and pass it back as
 * `afterTimeStep` to refuse a code that was already used (RFC 6238 §5.2: a code is accepted once).
 */
export function matchTotp(
  secret: string,
  code: string,
  now: Date,
  opts: { afterTimeStep?: number } = {},
): { timeStep: number } | undefined {
  if (typeof code !== 'string' || !CODE.test(code)) return undefined;
  try {
    const r = verifySync({
      secret,
      token: code,
      epoch: epochOf(now),
      epochTolerance: PERIOD,
      algorithm: 'sha1',
      digits: DIGITS,
      period: PERIOD,
      ...(opts.afterTimeStep !== undefined ? { afterTimeStep: opts.afterTimeStep } : {}),
    });
    return r.valid && 'timeStep' in r ? { timeStep: r.timeStep } : undefined;
  } catch {
    // an unusable stored secret fails closed, like a wrong code
    return undefined;
  }
}

export const verifyTotp = (secret: string, code: string, now: Date): boolean =>
  matchTotp(secret, code, now) !== undefined;
