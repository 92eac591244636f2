import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from './clock.ts';
import { bearerMatches, HttpServer, trustProxyOption } from './http-server.ts';
import { createLogger } from './logger.ts';
import { readSettings } from './settings.ts';

const TOKEN = 'a-metrics-token-of-32-characters';

describe('the ops routes with a metrics token', () => {
  let server: HttpServer;
  let base: string;

  beforeAll(async () => {
    server = new HttpServer({
      host: '127.0.0.1',
      port: 0,
      role: 'api',
      version: '0.0.0',
      configRevision: 'r1',
      checks: [{ dependency: 'redis', check: async () => ({ status: 'up' }) }],
      metrics: new Registry(),
      logger: createLogger(readSettings({ LOG_LEVEL: 'silent' }), 'test'),
      clock: systemClock,
      metricsToken: TOKEN,
    });
    await server.start();
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.stop());

  const get = (route: string, authorization?: string) =>
    fetch(`${base}${route}`, authorization ? { headers: { authorization } } : {});

  it('refuses /metrics without the token, or with another, and serves it with the token', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const refused = await get('/metrics', authorization);
      expect(refused.status, String(authorization)).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
        'metrics_token_required',
      );
    }
    const served = await get('/metrics', `Bearer ${TOKEN}`);
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('steward_dependency_up{dependency="redis"} 1');
  });

  it('gives /health its status to anyone and the details only with the token', async () => {
    const anyone = await get('/health');
    expect(anyone.status).toBe(200);
    expect(await anyone.json()).toEqual({ status: 'up' });
    const operator = await get('/health', `Bearer ${TOKEN}`);
    expect(await operator.json()).toMatchObject({
      status: 'up',
      role: 'api',
      dependencies: { redis: { status: 'up' } },
    });
  });
});

describe('bearerMatches', () => {
  it('matches only `Bearer <token>` exactly', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(undefined, TOKEN)).toBe(false);
    expect(bearerMatches('Bearer ', TOKEN)).toBe(false);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TOKEN.slice(1)}`, TOKEN)).toBe(false);
  });
});

describe('STEWARD_TRUST_PROXY', () => {
  const clientIp = async (trustProxy: string | undefined): Promise<string> => {
    const server = new HttpServer({
      host: '127.0.0.1',
      port: 0,
      role: 'api',
      version: '0.0.0',
      configRevision: 'r1',
      checks: [],
      metrics: new Registry(),
      logger: createLogger(readSettings({ LOG_LEVEL: 'silent' }), 'test'),
      clock: systemClock,
      trustProxy,
    });
    server.app.get('/ip', async (request) => request.ip);
    await server.start();
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/ip`, {
        headers: { 'x-forwarded-for': '203.0.113.7' },
      });
      return await response.text();
    } finally {
      await server.stop();
    }
  };

  it('believes X-Forwarded-For only from the proxies named, by address, range or hop count', async () => {
    expect(await clientIp(undefined)).toBe('127.0.0.1');
    expect(await clientIp('10.0.0.0/8, 192.168.1.10')).toBe('127.0.0.1');
    expect(await clientIp('127.0.0.1')).toBe('203.0.113.7');
    expect(await clientIp('10.0.0.0/8, 127.0.0.0/8')).toBe('203.0.113.7');
    expect(await clientIp('1')).toBe('203.0.113.7');
  });

  it('refuses an entry that is not an address or range, by name', () => {
    expect(() => trustProxyOption('10.0.0.0/99')).toThrow(
      'STEWARD_TRUST_PROXY: 10.0.0.0/99 is not an IP address or CIDR range',
    );
    // Trusting every peer is not a value the setting takes.
    expect(() => readSettings({ STEWARD_TRUST_PROXY: 'true' })).toThrow(/STEWARD_TRUST_PROXY/);
  });
});
