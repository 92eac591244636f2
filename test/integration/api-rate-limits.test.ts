import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness, PASSWORD } from '../../services/api/test-harness.ts';
import { T0 } from '../../services/workorders/test-harness.ts';

/**
 * The limits, small here, counted in the real Redis under the harness's private prefix (so
 * several API processes would share them).
 */
const h = new ApiHarness();

const login = (username: string, password: string, remoteAddress: string) =>
  h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

describe('rate limits on login and on writes', () => {
  beforeAll(async () => {
    await h.open({
      rateLimits: {
        loginPerIp: { max: 4, windowMs: 60_000 },
        loginPerUsername: { max: 3, windowMs: 60_000 },
        writesPerUser: { max: 3, windowMs: 60_000 },
      },
    });
    h.wo.clock.set(T0);
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('limits logins per address: the fifth from one address is 429, another address goes on', async () => {
    const users = ['control-room-1', 'zhang.wei', 'li.na', 'chen.jie'];
    for (const username of users) expect((await login(username, PASSWORD, '10.0.0.1')).statusCode).toBe(200);
    const limited = await login('root', PASSWORD, '10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({
      error: { code: 'rate_limited', details: { retryAfterS: expect.any(Number) } },
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login('root', PASSWORD, '10.0.0.2')).statusCode).toBe(200);
    // Counted in Redis under this deployment's prefix.
    expect(await h.wo.redis.keys(`${h.wo.prefix}:ratelimit:*login-ip:10.0.0.1`)).toHaveLength(1);
  });

  it('limits logins per username across addresses, whatever the case typed', async () => {
    const codes: number[] = [];
    for (const [i, username] of ['audit-1', 'AUDIT-1', 'Audit-1', 'audit-1'].entries()) {
      codes.push((await login(username, PASSWORD, `10.0.1.${i}`)).statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 429]);
  });

  it('does not let the limit check the password: a limited attempt is not even verified', async () => {
    const before = (await h.accounts.loginEvents('audit-1')).length;
    expect((await login('audit-1', 'wrong', '10.0.2.1')).statusCode).toBe(429);
    expect((await h.accounts.loginEvents('audit-1')).length).toBe(before);
  });

  it('limits writes per user: the fourth within the window is 429, others write on, reads are not limited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await h.dispatched();
      statuses.push(
        (
          await h.request('manager', {
            method: 'POST',
            url: `/api/workorders/${id}/comments`,
            payload: { body: `第${i}条` },
          })
        ).statusCode,
      );
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    const id = await h.dispatched();
    expect(
      (
        await h.request('operator', {
          method: 'POST',
          url: `/api/workorders/${id}/comments`,
          payload: { body: '值班员' },
        })
      ).statusCode,
    ).toBe(201);
    for (let i = 0; i < 5; i++) {
      expect((await h.request('manager', { method: 'GET', url: `/api/workorders/${id}` })).statusCode).toBe(
        200,
      );
    }
  });
});
