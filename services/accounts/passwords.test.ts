import { describe, expect, it } from 'vitest';
import { demoUserPassword, demoUsers } from './demo-users.ts';
import {
  DecoyHash,
  hashPassword,
  needsRehash,
  PASSWORD_SCRYPT,
  passwordProblem,
  verifyPassword,
} from './passwords.ts';
import { newSessionToken, sessionTokenHash } from './tokens.ts';

describe('password hashing', () => {
  it('stores scrypt with the stated parameters and a fresh salt per hash', async () => {
    const first = await hashPassword('correct horse battery');
    const second = await hashPassword('correct horse battery');
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('correct horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('never matches a malformed or tampered hash', async () => {
    const stored = await hashPassword('correct horse battery');
    const parts = stored.split('$');
    const withKey = (key: string) => [...parts.slice(0, 5), key].join('$');
    expect(await verifyPassword('correct horse battery', 'plaintext')).toBe(false);
    expect(await verifyPassword('correct horse battery', withKey(Buffer.alloc(32).toString('base64')))).toBe(
      false,
    );
    // Parameters that would exhaust memory are refused before any work.
    const huge = ['scrypt', String(2 ** 24), '8', '1', parts[4], parts[5]].join('$');
    expect(await verifyPassword('correct horse battery', huge)).toBe(false);
    const notPowerOfTwo = ['scrypt', '30000', '8', '1', parts[4], parts[5]].join('$');
    expect(await verifyPassword('correct horse battery', notPowerOfTwo)).toBe(false);
  });

  it('verifies hashes made with other parameters, and asks for a rehash', async () => {
    const cheap = await hashPassword('correct horse battery', { ...PASSWORD_SCRYPT, N: 1024 });
    expect(await verifyPassword('correct horse battery', cheap)).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(await hashPassword('x'.repeat(8)))).toBe(false);
  });

  it('states its password rules', () => {
    expect(passwordProblem('short')).toMatch(/at least 8/);
    expect(passwordProblem(' '.repeat(12))).toMatch(/blank/);
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/);
    expect(passwordProblem('长城长城长城长城')).toBeUndefined();
  });

  it('answers false from the decoy whatever is typed (unknown usernames go through it)', async () => {
    const decoy = new DecoyHash({ ...PASSWORD_SCRYPT, N: 1024 });
    for (const typed of ['', 'password', 'correct horse battery'])
      expect(await decoy.verify(typed)).toBe(false);
  });
});

describe('session tokens', () => {
  it('are 32 random bytes in base64url, stored as their SHA-256', () => {
    const { token, hash } = newSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toHaveLength(32);
    expect(sessionTokenHash(token)).toEqual(hash);
    expect(newSessionToken().token).not.toBe(token);
  });

  it('refuses anything that cannot be a token without hashing it', () => {
    expect(sessionTokenHash('')).toBeUndefined();
    expect(sessionTokenHash('a'.repeat(42))).toBeUndefined();
    expect(sessionTokenHash(`${'a'.repeat(42)}=`)).toBeUndefined();
  });
});

describe('demo passwords', () => {
  it('are derived from the username, so they can be printed and listed, and differ per user', () => {
    expect(demoUserPassword('operator')).toBe(demoUserPassword('operator'));
    expect(demoUserPassword('operator')).not.toBe(demoUserPassword('manager'));
    expect(demoUserPassword('operator')).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(demoUserPassword('operator', 'another key')).not.toBe(demoUserPassword('operator'));
    // Pinned: the README lists these, and the start command prints the same.
    expect(demoUserPassword('operator')).toBe('89VRv5qEXv4uMZkU');
    expect(demoUserPassword('antu-lifts')).toBe('t-Vtnz0IWG_4OEwc');
  });

  it('cover the four staff roles and one user per vendor, named after it', () => {
    const vendors = new Map([
      ['antu-lifts', { id: 'antu-lifts', name: { 'zh-CN': '安途电梯', en: 'Antu Lifts' } }],
    ]);
    const users = demoUsers({ vendors } as never);
    expect(users.map((user) => [user.username, user.role, user.vendorId])).toEqual([
      ['operator', 'operator', undefined],
      ['manager', 'facilities_manager', undefined],
      ['admin', 'administrator', undefined],
      ['auditor', 'auditor', undefined],
      ['antu-lifts', 'vendor_user', 'antu-lifts'],
    ]);
  });
});
