import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { invalid } from '../errors.ts';

/**
 * scrypt password hashes, self-describing: `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>`, so the cost
 * can be raised later without breaking stored hashes (see passwordNeedsRehash).
 * N = 2^15, r = 8, p = 1 is OWASP's scrypt baseline (~32 MiB, tens of ms per hash).
 */
const LOG_N = 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const SALT_LEN = 16;
const MAX_PASSWORD = 1024;
/** Bounds on parameters read back from a stored hash, so a corrupted row cannot make verify exhaust memory. */
const MAX_LOG_N = 20;
const MAX_R = 32;
const MAX_P = 16;

const derive = (pw: string, salt: Buffer, logN: number, r: number, p: number, len: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const opts: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r };
    // NFKC so the same password typed on different keyboards/IMEs hashes the same (NIST 800-63B)
    scrypt(pw.normalize('NFKC'), salt, len, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });

export async function hashPassword(pw: string): Promise<string> {
  if (typeof pw !== 'string' || pw.length === 0 || pw.length > MAX_PASSWORD) {
    throw invalid('password', `1 to ${MAX_PASSWORD} characters`);
  }
  const salt = randomBytes(SALT_LEN);
  const key = await derive(pw, salt, LOG_N, R, P, KEY_LEN);
  return ['scrypt', LOG_N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

interface Parsed {
  logN: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(hash: string): Parsed | undefined {
  if (typeof hash !== 'string') return undefined;
  const m = /^scrypt\$(\d{1,2})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/.exec(hash);
  if (!m) return undefined;
  const [logN, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4]!, 'base64');
  const key = Buffer.from(m[5]!, 'base64');
  if (logN < 1 || logN > MAX_LOG_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return undefined;
  // exact key length: scrypt output is prefix-stable, so a truncated stored hash must not still verify
  if (salt.length < SALT_LEN || key.length !== KEY_LEN) return undefined;
  return { logN, r, p, salt, key };
}

/** False for a wrong password and also for an unreadable stored hash: login fails closed. */
export async function verifyPassword(pw: string, hash: string): Promise<boolean> {
  if (typeof pw !== 'string' || pw.length === 0 || pw.length > MAX_PASSWORD) return false;
  const h = parse(hash);
  if (!h) return false;
  const key = await derive(pw, h.salt, h.logN, h.r, h.p, h.key.length);
  return timingSafeEqual(key, h.key);
}

/** True when a stored hash was made with weaker parameters than today's: rehash it after a successful login. */
export function passwordNeedsRehash(hash: string): boolean {
  const h = parse(hash);
  return !h || h.logN < LOG_N || h.r < R || h.p < P;
}
