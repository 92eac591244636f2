import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { demoDevicePassword } from '../../gateway/broker/device-credentials.ts';
import { PrivateVictoria } from '../../gateway/store/private-victoria.ts';
import { freePort } from '../../services/runtime/free-port.ts';
import { stackSettings, uniqueName } from '../helpers/stack.ts';
import { type RunningSteward, startSteward } from '../helpers/steward-process.ts';

const DEVICE = 'mb-em-01000';
const POINT = 'MB-EM-01000.power';

/**
 * At-least-once end to end: readings a device had acknowledged (QoS 1) while the store was down
 * sit only in the gateway's spool; the gateway is killed with SIGKILL, restarted, and the store
 * ends up with every acknowledged reading exactly once.
 */
describe('gateway killed with -9 while its spool holds data', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'steward-kill-'));
  const prefix = uniqueName('t');
  afterAll(async () => {
    const redis = new Redis(stackSettings.REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every acknowledged reading exactly once after restart', async () => {
    const victoria = new PrivateVictoria({ dataDir: path.join(dir, 'victoria') });
    await victoria.start();
    const mqttPort = await freePort();
    const env = {
      TSDB_URL: victoria.url,
      STEWARD_MQTT_PORT: String(mqttPort),
      STEWARD_MQTT_WS_PORT: '0',
      STEWARD_SPOOL_DIR: path.join(dir, 'spool'),
      STEWARD_REDIS_PREFIX: prefix,
    };
    const base = Date.now() - 120_000;
    let acknowledged = 0;
    const publish = async (count: number): Promise<void> => {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
        username: DEVICE,
        password: demoDevicePassword(DEVICE),
        reconnectPeriod: 0,
      });
      await Promise.all(
        Array.from({ length: count }, (_, i) => {
          const n = acknowledged + i;
          return client.publishAsync(
            `devices/${DEVICE}/points/power`,
            JSON.stringify({ ts: base + n, value: n }),
            { qos: 1 },
          );
        }),
      );
      acknowledged += count;
      await client.endAsync();
    };

    let gateway: RunningSteward | undefined = await startSteward('gateway', env);
    try {
      await publish(300);
      await victoria.stop();
      await publish(700); // acknowledged while the store is down: only in the spool
      gateway.child.kill('SIGKILL');
      await new Promise((resolve) => gateway?.child.once('exit', resolve));
      gateway = undefined;

      await victoria.start();
      gateway = await startSteward('gateway', env);
      let stored: number[] = [];
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        await victoria.forceFlush();
        const series = await victoria.exportSeries(`reading_value{point="${POINT}"}`);
        stored = series.flatMap((s) => s.timestamps).filter((ts) => ts >= base && ts < base + acknowledged);
        if (stored.length >= acknowledged) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(acknowledged).toBe(1_000);
      expect(stored.length).toBe(acknowledged);
      expect(new Set(stored).size).toBe(acknowledged);
    } finally {
      if (gateway) expect(await gateway.stop()).toBe(0);
      await victoria.stop();
    }
  }, 120_000);
});
