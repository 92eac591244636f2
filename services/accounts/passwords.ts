import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * People's passwords are stored only as scrypt hashes with a per-user random salt, in one
 * self-describing string: `scrypt$<N>$<r>$<p>$<salt base64>$<key base64>`. Parameters live in
 * the string, so raising them later rehashes each password at its next successful login
 * (`needsRehash`) without locking anybody out. scrypt runs in libuv's thread pool: logins do not
 * block the event loop.
 */
export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly keyLength: number;
  readonly saltLength: number;
}

/**
 * N = 2^15, r = 8, p = 1 (32 MiB, ≈50–100 ms per hash on a server core): at or above OWASP's
 * scrypt recommendation (N = 2^17 with p = 1 or N = 2^15 with a higher p are its listed trade-offs;
 * 2^15 keeps a burst of dashboard logins at a shift change cheap enough). 32-byte key, 16-byte salt.
 */
export const PASSWORD_SCRYPT: ScryptParameters = { N: 32_768, r: 8, p: 1, keyLength: 32, saltLength: 16 };

/** Hashes with parameters above these bounds are refused: a tampered row must not exhaust memory. */
const MAX_N = 1_048_576;
const MAX_R = 32;
const MAX_P = 16;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

function scryptKey(
  password: string,
  salt: Buffer,
  params: Omit<ScryptParameters, 'saltLength'>,
): Promise<Buffer> {
  const { N, r, p, keyLength } = params;
  return new Promise((resolve, reject) =>
    // maxmem: scrypt needs 128·N·r bytes; node's default ceiling (32 MiB) is exactly that at 2^15.
    scrypt(password, salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(
  password: string,
  params: ScryptParameters = PASSWORD_SCRYPT,
  salt: Buffer = randomBytes(params.saltLength),
): Promise<string> {
  const key = await scryptKey(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((v) => Number.isInteger(v) && v > 0)) return undefined;
  if (N > MAX_N || r > MAX_R || p > MAX_P || (N & (N - 1)) !== 0) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { N, r, p, salt, key };
}

/** Whether `password` matches `stored`; the key comparison is constant-time, a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const actual = await scryptKey(password, parsed.salt, { ...parsed, keyLength: parsed.key.length });
  return timingSafeEqual(actual, parsed.key);
}

/** A stored hash made with other parameters than `params` (rehash it after a successful login). */
export function needsRehash(stored: string, params: ScryptParameters = PASSWORD_SCRYPT): boolean {
  const parsed = parseHash(stored);
  return (
    !parsed ||
    parsed.N !== params.N ||
    parsed.r !== params.r ||
    parsed.p !== params.p ||
    parsed.key.length !== params.keyLength ||
    parsed.salt.length !== params.saltLength
  );
}

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `password: must have at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `password: must have at most ${PASSWORD_MAX_LENGTH} characters`;
  if (password.trim() === '') return 'password: must not be blank';
  return undefined;
}

/**
 * A hash of a random password made once per process with the current parameters. Checking a
 * login for an unknown username against it costs the same scrypt as a real check, so the answer
 * time does not tell whether the username exists.
 */
export class DecoyHash {
  readonly #params: ScryptParameters;
  #hash: Promise<string> | undefined;

  constructor(params: ScryptParameters = PASSWORD_SCRYPT) {
    this.#params = params;
  }

  /** Spends one verification's worth of time and always answers false. */
  async verify(password: string): Promise<false> {
    this.#hash ??= hashPassword(randomBytes(16).toString('base64'), this.#params);
    await verifyPassword(password, await this.#hash);
    return false;
  }
}
