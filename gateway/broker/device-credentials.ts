import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Device passwords are stored only as scrypt hashes: `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`.
 * scrypt runs in libuv's thread pool, so a burst of reconnecting devices does not block the loop.
 */
const N = 16_384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: 256 * n * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashDeviceSecret(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const key = await scryptAsync(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Constant-time check of a password against a stored hash; a malformed hash never matches. */
export async function verifyDeviceSecret(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((v) => Number.isInteger(v) && v > 0) || n > 1_048_576) return false;
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await scryptAsync(password, Buffer.from(parts[4] ?? '', 'base64'), n, r, p);
  return timingSafeEqual(actual, expected);
}

/** A fresh random device password (for `steward device-secret`). */
export const newDeviceSecret = (): string => randomBytes(18).toString('base64url');

/**
 * Demo and test passwords derived from a demo key, so the simulator and the sample site's stored
 * hashes agree without any plaintext in the repository. Never used outside demo mode.
 */
export const DEMO_DEVICE_KEY = 'steward-demo-devices';
export const demoDevicePassword = (device: string, key: string = DEMO_DEVICE_KEY): string =>
  createHmac('sha256', key).update(device).digest('base64url').slice(0, 24);
