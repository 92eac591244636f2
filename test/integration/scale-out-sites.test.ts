import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { demoDevicePassword } from '../../gateway/broker/device-credentials.ts';
import { ingestHealthKey } from '../../gateway/ingest/health.ts';
import { PrivateVictoria } from '../../gateway/store/private-victoria.ts';
import { freePort } from '../../services/runtime/free-port.ts';
import { ConfigFixture } from '../helpers/config-fixture.ts';
import { stackSettings, uniqueName } from '../helpers/stack.ts';
import { type RunningSteward, startSteward } from '../helpers/steward-process.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Scale-out, issue 9 point 3: two gateway processes for two sites. The sample's outside office
 * buildings become a site of their own (`outside-offices`), each gateway serves its site
 * (STEWARD_SITE) on its own MQTT port and spool, both write one store: a device logs in and
 * reports to its own site's gateway, its readings carry its site's label, and the other site's
 * gateway refuses it at CONNECT.
 */

const SITES = [
  { site: 'admin-centre', device: 'mb-em-01000', point: 'MB-EM-01000.power' },
  { site: 'outside-offices', device: 'ob1-em-01000', point: 'OB1-EM-01000.power' },
] as const;

describe('two gateways for two sites', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'steward-sites-'));
  const prefix = uniqueName('t');
  const fixture = new ConfigFixture();
  const victoria = new PrivateVictoria({ dataDir: path.join(dir, 'victoria') });
  const gateways: { site: string; port: number; process: RunningSteward }[] = [];

  beforeAll(async () => {
    fixture.edit('organisation.yaml', (d) => {
      const site = d.toJS().sites[0] as { buildings: { location: string }[] };
      d.setIn(
        ['sites', 0, 'buildings'],
        site.buildings.filter((b) => b.location !== 'outside'),
      );
      d.setIn(['sites', 1], {
        ...site,
        id: 'outside-offices',
        name: { 'zh-CN': '院外办公楼', en: 'Outside office buildings' },
        buildings: site.buildings.filter((b) => b.location === 'outside'),
      });
    });
    const model = loadConfig(fixture.dir);
    expect(model.sites.map((s) => s.id)).toEqual(SITES.map((s) => s.site));
    await victoria.start();
    for (const { site } of SITES) {
      const port = await freePort();
      const process = await startSteward('gateway', {
        STEWARD_CONFIG_DIR: fixture.dir,
        STEWARD_SITE: site,
        TSDB_URL: victoria.url,
        STEWARD_MQTT_PORT: String(port),
        STEWARD_MQTT_WS_PORT: '0',
        STEWARD_SPOOL_DIR: path.join(dir, `spool-${site}`),
        STEWARD_REDIS_PREFIX: prefix,
      });
      gateways.push({ site, port, process });
    }
  }, 90_000);

  afterAll(async () => {
    for (const { process } of gateways) await process.stop().catch(() => undefined);
    await victoria.stop().catch(() => undefined);
    const redis = new Redis(stackSettings.REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    fixture.dispose();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const connect = (port: number, device: string) =>
    mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: device,
      password: demoDevicePassword(device),
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });

  it('stores each site’s readings through its own gateway, with its site label', async () => {
    const base = Date.now() - 60_000;
    for (const [i, { device }] of SITES.entries()) {
      const gateway = gateways[i];
      if (!gateway) throw new Error('gateway missing');
      const client = await connect(gateway.port, device);
      for (let n = 0; n < 10; n++)
        await client.publishAsync(
          `devices/${device}/points/power`,
          JSON.stringify({ ts: base + n * 1_000, value: 100 * (i + 1) + n }),
          { qos: 1 },
        );
      await client.endAsync();
    }
    for (const [i, { site, point }] of SITES.entries()) {
      const series = await waitFor(
        async () => {
          await victoria.forceFlush();
          const found = await victoria.exportSeries(`reading_value{point="${point}"}`);
          return found[0] && found[0].values.length >= 10 ? found : undefined;
        },
        `${point} in the store`,
        30_000,
        250,
      );
      expect(series).toHaveLength(1);
      expect(series[0]?.metric.site).toBe(site);
      expect([...(series[0]?.values ?? [])].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 10 }, (_, n) => 100 * (i + 1) + n),
      );
    }
    // Each gateway reports its own ingest health under its site's key: its device's 10 readings.
    const redis = new Redis(stackSettings.REDIS_URL);
    try {
      for (const { site } of SITES) {
        const accepted = await waitFor(
          async () => {
            const text = await redis.get(ingestHealthKey(prefix, site));
            const record = text ? (JSON.parse(text) as { acceptedReadings: number }) : undefined;
            return record?.acceptedReadings === 10 ? record.acceptedReadings : undefined;
          },
          `${site}'s ingest health to count its 10 readings`,
          10_000,
          250,
        );
        expect(accepted).toBe(10);
      }
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it('refuses a device at the other site’s gateway', async () => {
    for (const [i, { device }] of SITES.entries()) {
      const other = gateways[1 - i];
      if (!other) throw new Error('gateway missing');
      await expect(connect(other.port, device)).rejects.toThrow(/bad username or password/i);
    }
  }, 30_000);
});
