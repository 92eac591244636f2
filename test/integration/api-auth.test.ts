import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserPassword, seedDemoUsers } from '../../services/accounts/index.ts';
import { ApiHarness, PASSWORD } from '../../services/api/test-harness.ts';
import { MINUTE, T0 } from '../../services/workorders/test-harness.ts';

const h = new ApiHarness();

const login = (username: string, password: string, remoteAddress = '127.0.0.1') =>
  h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

const errorCode = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;

/** The `name=value` of a set-cookie header and its attributes, lower-cased. */
function parseCookie(header: string | string[] | undefined): { value: string; attributes: string[] } {
  const line = Array.isArray(header) ? header[0] : header;
  if (!line) throw new Error('no set-cookie header');
  const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
  return { value: pair.slice(pair.indexOf('=') + 1), attributes: attributes.map((a) => a.toLowerCase()) };
}

describe('login, sessions and logout through the API', () => {
  beforeAll(async () => {
    await h.open();
    h.wo.clock.set(T0);
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('signs in with a session as an http-only SameSite=Strict cookie and as a bearer token', async () => {
    const response = await login('zhang.wei', PASSWORD);
    expect(response.statusCode).toBe(200);
    const body = response.json<{ token: string; expiresAtMs: number; user: Record<string, unknown> }>();
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.expiresAtMs).toBe(T0 + 12 * 60 * MINUTE);
    expect(body.user).toEqual({
      userId: h.users.vendorA.id,
      username: 'zhang.wei',
      displayName: 'zhang.wei',
      role: 'vendor_user',
      vendorId: 'antu-lifts',
    });
    const cookie = parseCookie(response.headers['set-cookie']);
    expect(cookie.value).toBe(body.token);
    expect(cookie.attributes).toEqual(
      expect.arrayContaining(['httponly', 'samesite=strict', 'path=/', `max-age=${12 * 60 * 60}`]),
    );
    // Plain HTTP here: the cookie is not marked Secure (it is on HTTPS, see registerApi's secureCookie).
    expect(cookie.attributes).not.toContain('secure');

    const byCookie = await h.app.inject({
      method: 'GET',
      url: '/api/me',
      cookies: { steward_session: body.token },
    });
    const byBearer = await h.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(byCookie.json()).toEqual(body.user);
    expect(byBearer.json()).toEqual(body.user);
  });

  it('answers unknown users and wrong passwords alike, and records both', async () => {
    const wrong = await login('chen.jie', 'not the password');
    const unknown = await login('nobody.here', 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(errorCode(wrong.body)).toBe('invalid_credentials');
    expect((await h.accounts.loginEvents('chen.jie'))[0]).toMatchObject({
      outcome: 'bad_password',
      ip: '127.0.0.1',
    });
    expect((await h.accounts.loginEvents('nobody.here'))[0]).toMatchObject({
      outcome: 'unknown_user',
      userId: null,
    });
    // A success resets the count: the earlier failure does not bring chen.jie closer to a lock.
    expect((await login('CHEN.JIE', PASSWORD)).statusCode).toBe(200);
  });

  it('locks an account on the fifth failure for 15 minutes, even for the right password', async () => {
    h.wo.clock.set(T0 + 60 * MINUTE);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push(errorCode((await login('audit-1', `wrong ${i}`)).body));
    expect(codes).toEqual([
      'invalid_credentials',
      'invalid_credentials',
      'invalid_credentials',
      'invalid_credentials',
      'account_locked',
    ]);
    const locked = await login('audit-1', PASSWORD);
    expect(locked.statusCode).toBe(423);
    expect(locked.headers['retry-after']).toBe(String(15 * 60));
    expect(locked.json()).toMatchObject({
      error: { code: 'account_locked', details: { retryAfterS: 900, lockedUntilMs: T0 + 75 * MINUTE } },
    });

    h.wo.clock.set(T0 + 75 * MINUTE - 1);
    expect((await login('audit-1', PASSWORD)).statusCode).toBe(423);
    h.wo.clock.set(T0 + 75 * MINUTE);
    expect((await login('audit-1', PASSWORD)).statusCode).toBe(200);

    const outcomes = (await h.accounts.loginEvents('audit-1', 8)).map((event) => event.outcome).reverse();
    expect(outcomes).toEqual([
      'bad_password',
      'bad_password',
      'bad_password',
      'bad_password',
      'locked_out',
      'locked',
      'locked',
      'success',
    ]);
  });

  it('keeps the login history append-only', async () => {
    await expect(h.wo.db.pool.query('delete from login_events')).rejects.toThrow(/append-only/);
    await expect(h.wo.db.pool.query(`update login_events set outcome = 'success'`)).rejects.toThrow(
      /append-only/,
    );
  });

  it('logs out: the token and the cookie stop working, the cookie is cleared', async () => {
    const { token } = (await login('li.na', PASSWORD)).json<{ token: string }>();
    const out = await h.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      cookies: { steward_session: token },
    });
    expect(out.statusCode).toBe(204);
    const cleared = parseCookie(out.headers['set-cookie']);
    expect(cleared.value).toBe('');
    for (const request of [
      { headers: { authorization: `Bearer ${token}` } },
      { cookies: { steward_session: token } },
    ]) {
      const after = await h.app.inject({ method: 'GET', url: '/api/me', ...request });
      expect(after.statusCode).toBe(401);
      expect(errorCode(after.body)).toBe('unauthenticated');
    }
    // Other sessions of the same user are untouched.
    expect((await h.request('vendorB', { method: 'GET', url: '/api/me' })).statusCode).toBe(200);
  });

  it('ends sessions after 12 hours, on a password change and when the user is disabled', async () => {
    h.wo.clock.set(T0);
    const session = await h.accounts.createSession(h.users.operator.id);
    const me = () => h.request('operator', { method: 'GET', url: '/api/me', token: session.token });
    h.wo.clock.set(T0 + 12 * 60 * MINUTE - 1);
    expect((await me()).statusCode).toBe(200);
    h.wo.clock.set(T0 + 12 * 60 * MINUTE);
    expect((await me()).statusCode).toBe(401);

    h.wo.clock.set(T0);
    const again = await h.accounts.createSession(h.users.operator.id);
    await h.accounts.setPassword(h.users.operator.id, 'a brand new passphrase');
    expect(
      (await h.request('operator', { method: 'GET', url: '/api/me', token: again.token })).statusCode,
    ).toBe(401);
    expect((await login('control-room-1', PASSWORD)).statusCode).toBe(401);
    expect((await login('control-room-1', 'a brand new passphrase')).statusCode).toBe(200);

    const third = await h.accounts.createSession(h.users.operator.id);
    await h.accounts.setDisabled(h.users.operator.id, true);
    expect(
      (await h.request('operator', { method: 'GET', url: '/api/me', token: third.token })).statusCode,
    ).toBe(401);
    const disabled = await login('control-room-1', 'a brand new passphrase');
    expect(errorCode(disabled.body)).toBe('invalid_credentials');
    expect((await h.accounts.loginEvents('control-room-1', 1))[0]?.outcome).toBe('disabled');
    await h.accounts.setDisabled(h.users.operator.id, false);
  });

  it('refuses malformed, unknown and missing credentials with 401', async () => {
    for (const authorization of [
      'Bearer',
      'Bearer not-a-token',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
    ]) {
      const response = await h.app.inject({ method: 'GET', url: '/api/me', headers: { authorization } });
      expect(response.statusCode).toBe(401);
    }
    const forged = await h.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: `Bearer ${'A'.repeat(43)}` },
    });
    expect(errorCode(forged.body)).toBe('unauthenticated');
  });

  it('stores only hashes: no password and no token in the tables', async () => {
    const { token } = (await login('root', PASSWORD)).json<{ token: string }>();
    const { rows } = await h.wo.db.pool.query<{ dump: string }>(
      `select (select string_agg(u::text, '|') from users u) || (select string_agg(s::text, '|') from sessions s) as dump`,
    );
    expect(rows[0]?.dump).not.toContain(PASSWORD);
    expect(rows[0]?.dump).not.toContain(token);
    expect(rows[0]?.dump).toContain('scrypt$32768$8$1$');
  });

  it('seeds the demo users, whose printed passwords sign in, again and again', async () => {
    const first = await seedDemoUsers(h.accounts, h.wo.model);
    const again = await seedDemoUsers(h.accounts, h.wo.model);
    expect(again).toEqual(first);
    expect(first.map((user) => user.username)).toEqual([
      'operator',
      'manager',
      'admin',
      'auditor',
      ...h.wo.model.vendors.keys(),
    ]);
    const vendor = first.find((user) => user.username === 'antu-lifts');
    expect(vendor).toMatchObject({
      role: 'vendor_user',
      vendorId: 'antu-lifts',
      password: demoUserPassword('antu-lifts'),
    });
    const response = await login('antu-lifts', demoUserPassword('antu-lifts'));
    expect(response.json()).toMatchObject({ user: { role: 'vendor_user', vendorId: 'antu-lifts' } });
    expect((await login('manager', demoUserPassword('manager'))).json()).toMatchObject({
      user: { role: 'facilities_manager' },
    });
  });

  it('prunes sessions a week after they ended, expired or revoked, and keeps live ones and their users', async () => {
    const DAY = 24 * 60 * MINUTE;
    const week = 7 * DAY;
    const base = T0 + 30 * DAY;
    h.wo.clock.set(base);
    const user = h.users.vendorA.id;
    const live = await h.accounts.createSession(user, { ttlMs: 60 * DAY });
    const revoked = await h.accounts.createSession(user, { ttlMs: 60 * DAY });
    await h.accounts.revokeSession(revoked.sessionId);
    const expired = await h.accounts.createSession(user, { ttlMs: MINUTE });
    const alive = async () =>
      (
        await h.wo.db.pool.query<{ id: string }>('select id from sessions where id = any($1)', [
          [live.sessionId, revoked.sessionId, expired.sessionId],
        ])
      ).rows.map((row) => row.id);

    // Six days after they ended nothing goes.
    h.wo.clock.set(base + 6 * DAY);
    await h.accounts.pruneSessions(week);
    expect((await alive()).sort()).toEqual([live.sessionId, revoked.sessionId, expired.sessionId].sort());
    // A week and a bit later the ended two go; the live one and its token still work.
    h.wo.clock.set(base + week + MINUTE + 1);
    expect(await h.accounts.pruneSessions(week)).toBeGreaterThanOrEqual(2);
    expect(await alive()).toEqual([live.sessionId]);
    expect(await h.accounts.authenticate(live.token)).toMatchObject({ userId: user });
    expect(await h.accounts.getUser(user)).toBeDefined();
  });
});
