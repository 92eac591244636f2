import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawValue } from '../../gateway/ingest/reading.ts';
import { OpcuaSource, type OpcuaSourceOptions } from '../../gateway/sources/opcua/opcua-source.ts';
import { FIXTURE_USER, type FixtureServer, startFixtureServer } from './fixtures/opcua/spawn-server.ts';

/**
 * The OPC UA source against a real node-opcua server in a child process (so a restart really
 * closes and reopens the port). The server's variables change every 500 ms.
 */

const TICK_MS = 500;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = probe();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface Harness {
  readonly source: OpcuaSource;
  readonly batches: RawValue[][];
  readonly logs: string[];
  values(pointId: string): RawValue[];
  seen(): Set<string>;
}

describe('OPC UA source against a real node-opcua server', () => {
  let workDir: string;
  let serverPki: string;
  let clientPki: string;
  let server: FixtureServer;
  const running: OpcuaSource[] = [];

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'steward-opcua-'));
    serverPki = path.join(workDir, 'server-pki');
    // One client PKI for every test that trusts the server: its certificate is made once.
    clientPki = path.join(workDir, 'client-pki');
    server = await startFixtureServer({ pkiDir: serverPki, points: 250, tickMs: TICK_MS });
  });

  afterAll(async () => {
    await Promise.all(running.map((source) => source.stop()));
    await server?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function startSource(
    options: Partial<OpcuaSourceOptions> & Pick<OpcuaSourceOptions, 'points'>,
    endpointUrl = server.endpointUrl,
  ): Promise<Harness> {
    const batches: RawValue[][] = [];
    const logs: string[] = [];
    const source = new OpcuaSource({
      endpoint: { id: 'bms-1', url: endpointUrl, securityMode: 'None', securityPolicy: 'None' },
      identity: { type: 'anonymous' },
      trust: { pkiDir: clientPki },
      subscription: { publishingIntervalMs: 250, samplingIntervalMs: 250, keepAliveCount: 4 },
      reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 },
      onValues: (values) => batches.push(values),
      logger: pino({ level: 'debug' }, { write: (line: string) => logs.push(line) }),
      ...options,
    });
    running.push(source);
    await source.start();
    return {
      source,
      batches,
      logs,
      values: (pointId) => batches.flat().filter((value) => value.pointId === pointId),
      seen: () => new Set(batches.flat().map((value) => value.pointId)),
    };
  }

  async function stopSource(harness: Harness): Promise<void> {
    await harness.source.stop();
    running.splice(running.indexOf(harness.source), 1);
  }

  it('delivers values in batches with their types, source timestamps and quality; Bad status maps to bad', async () => {
    const metrics = new Registry();
    const fixed = ['Bool', 'Int64', 'UInt64', 'Text', 'Bad', 'Uncertain'];
    const harness = await startSource({
      metrics,
      points: [
        { pointId: 'ahu-1.supply_temp', nodeId: 'ns=1;s=Point.7' },
        { pointId: 'ahu-1.supply_temp_copy', nodeId: 'ns=1;s=Point.7' },
        ...fixed.map((name) => ({ pointId: `fixed.${name}`, nodeId: `ns=1;s=Fixed.${name}` })),
        { pointId: 'fixed.missing', nodeId: 'ns=1;s=No.Such.Node' },
      ],
    });
    try {
      await waitFor('two values of every node', () =>
        ['ahu-1.supply_temp', ...fixed.map((name) => `fixed.${name}`)].every(
          (id) => harness.values(id).length >= 2,
        ),
      );
      const now = Date.now();
      const temps = harness.values('ahu-1.supply_temp');
      expect(temps.every((v) => typeof v.value === 'number' && v.quality === 'good')).toBe(true);
      expect(temps.every((v) => v.sourceTs !== undefined && Math.abs(now - v.sourceTs) < 60_000)).toBe(true);
      expect((temps.at(-1)?.value as number) > (temps[0]?.value as number)).toBe(true);
      // Two points bound to one node both receive it.
      expect(harness.values('ahu-1.supply_temp_copy').length).toBeGreaterThan(0);

      expect(typeof harness.values('fixed.Bool')[0]?.value).toBe('boolean');
      const int64 = harness.values('fixed.Int64').at(-1)?.value as number;
      expect(typeof int64).toBe('number');
      expect(Math.floor(int64 / 2 ** 32)).toBe(5);
      expect(Math.floor((harness.values('fixed.UInt64').at(-1)?.value as number) / 2 ** 32)).toBe(7);
      expect(harness.values('fixed.Text')[0]?.value).toMatch(/^tick \d+$/);
      expect(harness.values('fixed.Bad').every((v) => v.quality === 'bad')).toBe(true);
      expect(harness.values('fixed.Uncertain').every((v) => v.quality === 'uncertain')).toBe(true);
      expect(harness.values('fixed.missing')).toEqual([]);

      // One publish response is one batch, not one callback per value.
      expect(harness.batches.some((batch) => batch.length > 1)).toBe(true);

      const stats = harness.source.stats();
      expect(stats).toMatchObject({ connected: true, subscriptions: 1, monitoredItems: 7, failedItems: 1 });
      expect(stats.valuesReceived).toBe(harness.batches.flat().length);
      const text = await metrics.metrics();
      expect(text).toMatch(/^steward_opcua_connected\{endpoint="bms-1"\} 1$/m);
      expect(text).toMatch(/^steward_opcua_values_total\{endpoint="bms-1"\} [1-9]\d*$/m);
      expect(text).toMatch(/^steward_opcua_reconnections_total\{endpoint="bms-1"\} 0$/m);
    } finally {
      await stopSource(harness);
    }
    expect(harness.source.stats().connected).toBe(false);
  });

  it('splits 250 items into subscriptions of 100, all of them delivering', async () => {
    const harness = await startSource({
      points: Array.from({ length: 250 }, (_, i) => ({ pointId: `p${i}`, nodeId: `ns=1;s=Point.${i}` })),
      subscription: { itemsPerSubscription: 100, publishingIntervalMs: 250, samplingIntervalMs: 250 },
    });
    try {
      await waitFor('values of all 250 points', () => harness.seen().size === 250);
      expect(harness.source.stats()).toMatchObject({ subscriptions: 3, monitoredItems: 250, failedItems: 0 });
      expect(harness.logs.join('')).toContain('"subscriptions":3');
    } finally {
      await stopSource(harness);
    }
  });

  it('suppresses changes smaller than an absolute deadband, and falls back to none where a percent deadband is refused', async () => {
    // Fixed.Jitter steps by 0.1 four times, then jumps to the next multiple of 10.
    const jitter = [{ pointId: 'jitter', nodeId: 'ns=1;s=Fixed.Jitter' }];
    const plain = await startSource({ points: jitter });
    const damped = await startSource({
      points: jitter,
      subscription: {
        publishingIntervalMs: 250,
        samplingIntervalMs: 250,
        deadband: { type: 'absolute', value: 1 },
      },
    });
    const percent = await startSource({
      points: [
        { pointId: 'no-eu-range', nodeId: 'ns=1;s=Point.3' },
        { pointId: 'with-eu-range', nodeId: 'ns=1;s=Fixed.Analog' },
      ],
      subscription: {
        publishingIntervalMs: 250,
        samplingIntervalMs: 250,
        deadband: { type: 'percent', value: 0.5 },
      },
    });
    try {
      await waitFor('two jumps through the deadband', () => damped.values('jitter').length >= 3, 25_000);
      await waitFor('percent-deadband values', () =>
        ['no-eu-range', 'with-eu-range'].every((id) => percent.values(id).length >= 2),
      );
      const steps = (values: RawValue[]): number[] =>
        values.slice(1).map((v, i) => Math.abs((v.value as number) - (values[i]?.value as number)));
      expect(steps(plain.values('jitter')).some((step) => step < 1)).toBe(true);
      expect(steps(damped.values('jitter')).every((step) => step >= 1)).toBe(true);
      expect(plain.values('jitter').length).toBeGreaterThan(damped.values('jitter').length);

      expect(percent.source.stats()).toMatchObject({ monitoredItems: 2, failedItems: 0 });
      expect(percent.logs.join('')).toMatch(
        /refused the deadband.*"no-eu-range"|"no-eu-range".*refused the deadband/,
      );
    } finally {
      await Promise.all([stopSource(plain), stopSource(damped), stopSource(percent)]);
    }
  });

  describe('Basic256Sha256 with SignAndEncrypt and a user name', () => {
    const secure = { id: 'bms-1', securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' } as const;
    const points = [{ pointId: 'p0', nodeId: 'ns=1;s=Point.0' }];

    it('works when the server certificate is in the trust list', async () => {
      const harness = await startSource({
        endpoint: { ...secure, url: server.endpointUrl },
        identity: { type: 'username', ...FIXTURE_USER },
        trust: { pkiDir: clientPki, trustedServerCertificates: [server.certificateFile] },
        points,
      });
      try {
        await waitFor('values over the encrypted channel', () => harness.values('p0').length >= 2);
        expect(harness.source.stats()).toMatchObject({ connected: true, monitoredItems: 1 });
      } finally {
        await stopSource(harness);
      }
    });

    it('is refused, without values or a crash, when the server certificate is unknown, until an operator trusts it', async () => {
      const untrustingPki = path.join(workDir, 'client-pki-untrusting');
      const harness = await startSource({
        endpoint: { ...secure, url: server.endpointUrl },
        identity: { type: 'username', ...FIXTURE_USER },
        trust: { pkiDir: untrustingPki },
        points,
      });
      try {
        const lastError = await waitFor('the refusal', () => harness.source.stats().lastError);
        expect(lastError.code).toBe('untrusted_server_certificate');
        // It keeps trying without ever connecting.
        await waitFor(
          'a second attempt',
          () =>
            harness.logs.filter((line) => line.includes('"code":"untrusted_server_certificate"')).length >= 2,
        );
        expect(harness.source.stats()).toMatchObject({
          connected: false,
          valuesReceived: 0,
          monitoredItems: 0,
        });
        expect(harness.batches).toEqual([]);
        expect(harness.logs.join('')).toContain('trust the server certificate');

        // node-opcua files the refused certificate for review; trusting it is moving the file.
        const rejected = readdirSync(path.join(untrustingPki, 'rejected'));
        expect(rejected).toHaveLength(1);
        const [file] = rejected as [string];
        renameSync(
          path.join(untrustingPki, 'rejected', file),
          path.join(untrustingPki, 'trusted', 'certs', file),
        );
        await waitFor('values once the certificate is trusted', () => harness.values('p0').length >= 1);
        expect(harness.source.stats().connected).toBe(true);
      } finally {
        await stopSource(harness);
      }
    });

    it('accepts an unknown server certificate only when auto-accept is on', async () => {
      const acceptingPki = path.join(workDir, 'client-pki-accepting');
      const harness = await startSource({
        endpoint: { ...secure, url: server.endpointUrl },
        identity: { type: 'username', ...FIXTURE_USER },
        trust: { pkiDir: acceptingPki, automaticallyAcceptUnknownCertificate: true },
        points,
      });
      try {
        await waitFor('values from the first-contact server', () => harness.values('p0').length >= 1);
        expect(readdirSync(path.join(acceptingPki, 'trusted', 'certs'))).toHaveLength(1);
      } finally {
        await stopSource(harness);
      }
    });

    it('is refused with a wrong password', async () => {
      const harness = await startSource({
        endpoint: { ...secure, url: server.endpointUrl },
        identity: { type: 'username', userName: FIXTURE_USER.userName, password: 'not-the-password' },
        trust: { pkiDir: clientPki, trustedServerCertificates: [server.certificateFile] },
        points,
      });
      try {
        const lastError = await waitFor('the refusal', () => harness.source.stats().lastError);
        expect(lastError.code).toBe('identity_rejected');
        expect(lastError.message).toMatch(/BadUserAccessDenied|BadIdentityToken/);
        expect(harness.source.stats()).toMatchObject({ connected: false, valuesReceived: 0 });
      } finally {
        await stopSource(harness);
      }
    });
  });

  it('rebuilds subscriptions the server silently dropped, without any outside action', async () => {
    const harness = await startSource({
      points: Array.from({ length: 20 }, (_, i) => ({ pointId: `p${i}`, nodeId: `ns=1;s=Point.${i}` })),
      subscription: {
        itemsPerSubscription: 10,
        publishingIntervalMs: 250,
        samplingIntervalMs: 250,
        keepAliveCount: 2,
      },
    });
    try {
      await waitFor('values before the drop', () => harness.seen().size === 20);
      await server.dropSubscriptions();
      const droppedAt = Date.now();
      await waitFor('rebuilt subscriptions', () => harness.source.stats().subscriptionRebuilds >= 2);
      const afterRebuild = harness.batches.length;
      await waitFor('values of every point after the rebuild', () => {
        const later = new Set(
          harness.batches
            .slice(afterRebuild)
            .flat()
            .map((v) => v.pointId),
        );
        return later.size === 20;
      });
      const fresh = harness.batches.slice(afterRebuild).flat();
      expect(fresh.every((v) => (v.sourceTs ?? 0) >= droppedAt - 1_000)).toBe(true);
      expect(harness.source.stats()).toMatchObject({ connected: true, subscriptions: 2, monitoredItems: 20 });
      expect(harness.logs.join('')).toContain('silent for three keep-alive periods');
    } finally {
      await stopSource(harness);
    }
  });

  it('comes back by itself when the server process is killed and started again on the same port', async () => {
    const restartPki = path.join(workDir, 'restart-server-pki');
    let restartable = await startFixtureServer({ pkiDir: restartPki, points: 50, tickMs: TICK_MS });
    const harness = await startSource(
      {
        endpoint: {
          id: 'bms-1',
          url: restartable.endpointUrl,
          securityMode: 'SignAndEncrypt',
          securityPolicy: 'Basic256Sha256',
        },
        identity: { type: 'username', ...FIXTURE_USER },
        trust: { pkiDir: clientPki, trustedServerCertificates: [restartable.certificateFile] },
        points: Array.from({ length: 50 }, (_, i) => ({ pointId: `p${i}`, nodeId: `ns=1;s=Point.${i}` })),
        subscription: { itemsPerSubscription: 20, publishingIntervalMs: 250, samplingIntervalMs: 250 },
      },
      restartable.endpointUrl,
    );
    try {
      await waitFor('values before the restart', () => harness.seen().size === 50);
      await restartable.kill();
      const killedAt = Date.now();
      await waitFor('the loss noticed', () => !harness.source.stats().connected);
      const silentFrom = harness.batches.length;
      restartable = await startFixtureServer({
        pkiDir: restartPki,
        port: restartable.port,
        points: 50,
        tickMs: TICK_MS,
      });
      await waitFor(
        'values of every point from the restarted server',
        () =>
          new Set(
            harness.batches
              .slice(silentFrom)
              .flat()
              .filter((v) => (v.sourceTs ?? 0) > killedAt)
              .map((v) => v.pointId),
          ).size === 50,
        30_000,
      );
      const stats = harness.source.stats();
      expect(stats.reconnections).toBeGreaterThanOrEqual(1);
      expect(stats).toMatchObject({ connected: true, subscriptions: 3, monitoredItems: 50 });
    } finally {
      await stopSource(harness);
      await restartable.stop();
    }
  });
});
