import { createHash, randomBytes } from 'node:crypto';

/**
 * Session tokens are 32 random bytes, handed out once as base64url (43 characters) and stored
 * only as their SHA-256. The token has all the entropy, so a fast hash is enough: nobody can
 * guess a preimage, and a stolen table logs nobody in.
 */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newSessionToken(): { token: string; hash: Buffer } {
  const bytes = randomBytes(TOKEN_BYTES);
  return { token: bytes.toString('base64url'), hash: createHash('sha256').update(bytes).digest() };
}

/** The stored hash of a presented token; undefined when it cannot be one of ours (no query needed). */
export function sessionTokenHash(token: string): Buffer | undefined {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== TOKEN_BYTES) return undefined;
  return createHash('sha256').update(bytes).digest();
}
