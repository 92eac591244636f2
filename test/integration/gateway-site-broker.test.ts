import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { DeadLetters } from '../../gateway/ingest/dead-letters.ts';
import { Ingestor } from '../../gateway/ingest/ingestor.ts';
import { DEFAULT_POLICY } from '../../gateway/ingest/normalise.ts';
import { PointIndex } from '../../gateway/ingest/point-index.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { SiteBrokerSource } from '../../gateway/sources/site-broker.ts';
import { systemClock } from '../../services/runtime/clock.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { ConfigFixture } from '../helpers/config-fixture.ts';
import { freePort, Mosquitto, makeTestCertificates } from '../helpers/mosquitto.ts';

const waitFor = async (condition: () => boolean, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('site-broker client against a real Mosquitto', () => {
  let mosquitto: Mosquitto;
  let fixture: ConfigFixture;
  let source: SiteBrokerSource;
  const accepted: Reading[] = [];
  const deadLetters = new DeadLetters(50);

  const publish = async (topic: string, payload: string): Promise<void> => {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mosquitto.port}`, {
      username: mosquitto.username,
      password: mosquitto.password,
      reconnectPeriod: 0,
    });
    await client.publishAsync(topic, payload, { qos: 1 });
    await client.endAsync();
  };

  beforeAll(async () => {
    mosquitto = new Mosquitto(await freePort());
    await mosquitto.start();
    process.env.STEWARD_TEST_SITE_BROKER_PASSWORD = mosquitto.password;
    fixture = new ConfigFixture();
    // A BMS that already publishes to its own broker, with its own topic layout.
    fixture.edit('organisation.yaml', (d) =>
      d.addIn(['sites', 0, 'sources', 'mqtt'], {
        id: 'site-bms',
        kind: 'external',
        url: `mqtt://127.0.0.1:${mosquitto.port}`,
        username: mosquitto.username,
        password: 'env:STEWARD_TEST_SITE_BROKER_PASSWORD',
      }),
    );
    fixture.edit('equipment/330302A004.yaml', (d) =>
      d.addIn(['equipment'], {
        id: 'OB1-AHU-09',
        class: 'ahu',
        name: { 'zh-CN': '院外1号楼空调机组', en: 'Outside building 1 AHU' },
        zone: 'OB1-F01',
        source: { mqtt: { broker: 'site-bms', device: 'ob1-ahu-09' } },
        points: [
          {
            key: 'supply_air_temp',
            binding: { kind: 'mqtt', broker: 'site-bms', topic: 'bms/ob1/ahu09', field: 'sat' },
          },
          {
            key: 'return_air_temp',
            binding: { kind: 'mqtt', broker: 'site-bms', topic: 'bms/ob1/ahu09', field: 'rat' },
          },
          { key: 'fan_running', binding: { kind: 'mqtt', broker: 'site-bms', topic: 'bms/ob1/ahu09/fan' } },
        ],
      }),
    );
    const model = loadConfig(fixture.dir);
    const index = new PointIndex(model);
    const metrics = new Registry();
    const ingestor = new Ingestor({
      index,
      policy: DEFAULT_POLICY,
      clock: systemClock,
      spool: { append: async (readings) => void accepted.push(...readings) },
      deadLetters,
      metrics,
      maxPayloadBytes: 4096,
    });
    const broker = model.sites[0]?.sources.mqtt.find((b) => b.id === 'site-bms');
    if (!broker) throw new Error('fixture has no site broker');
    source = new SiteBrokerSource({
      broker,
      topics: index.topicsOf('site-bms'),
      ingestor,
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
      metrics,
      reconnectMinMs: 100,
      reconnectMaxMs: 1_000,
    });
    await source.start();
    await waitFor(() => source.connected);
  });

  afterAll(async () => {
    await source.stop();
    await mosquitto.stop();
    mosquitto.dispose();
    fixture.dispose();
  });

  it('reads bound JSON fields and whole-payload topics', async () => {
    await publish('bms/ob1/ahu09', JSON.stringify({ sat: 14.5, rat: 23.1, other: 1 }));
    await publish('bms/ob1/ahu09/fan', 'true');
    await waitFor(() => accepted.length >= 3);
    expect(accepted.map((r) => [r.pointId, r.value]).sort()).toEqual([
      ['OB1-AHU-09.fan_running', 1],
      ['OB1-AHU-09.return_air_temp', 23.1],
      ['OB1-AHU-09.supply_air_temp', 14.5],
    ]);
  });

  it('dead-letters a bound message missing a field, keeping the good one', async () => {
    accepted.length = 0;
    await publish('bms/ob1/ahu09', JSON.stringify({ sat: 15 }));
    await waitFor(() => accepted.length >= 1);
    expect(accepted.map((r) => r.pointId)).toEqual(['OB1-AHU-09.supply_air_temp']);
    expect(deadLetters.list(1)[0]).toMatchObject({
      code: 'PAYLOAD_SHAPE',
      source: 'mqtt:site-bms',
      pointId: 'OB1-AHU-09.return_air_temp',
    });
  });

  it('reconnects and subscribes again after the site broker restarts', async () => {
    await mosquitto.stop();
    await waitFor(() => !source.connected);
    await mosquitto.start();
    await waitFor(() => source.connected);
    accepted.length = 0;
    // Subscriptions are renewed right after CONNACK; retry the publish until the new one is in place.
    await waitFor(() => {
      void publish('bms/ob1/ahu09/fan', '0');
      return accepted.length > 0;
    });
    expect(accepted[0]).toMatchObject({ pointId: 'OB1-AHU-09.fan_running', value: 0 });
  });
});

describe('site-broker client over TLS', () => {
  it('connects to an mqtts:// broker whose certificate its CA signed, and refuses one it cannot verify', async () => {
    const certDir = mkdtempSync(path.join(tmpdir(), 'steward-tls-'));
    const certs = makeTestCertificates(certDir);
    const broker = new Mosquitto(await freePort(), 'steward', 'tls-secret', certs);
    await broker.start();
    process.env.STEWARD_TEST_TLS_PASSWORD = broker.password;
    const fixture = new ConfigFixture();
    const sources: SiteBrokerSource[] = [];
    try {
      const metrics = new Registry();
      const accepted: Reading[] = [];
      const make = (tls: { caFile?: string }) => {
        const source = new SiteBrokerSource({
          broker: {
            id: `tls-${sources.length}`,
            kind: 'external',
            url: `mqtts://127.0.0.1:${broker.port}`,
            username: broker.username,
            password: 'env:STEWARD_TEST_TLS_PASSWORD',
            tls,
          },
          topics: [],
          ingestor: new Ingestor({
            index: new PointIndex(loadConfig(fixture.dir)),
            policy: DEFAULT_POLICY,
            clock: systemClock,
            spool: { append: async (readings) => void accepted.push(...readings) },
            deadLetters: new DeadLetters(10),
            metrics,
            maxPayloadBytes: 4096,
          }),
          logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
          metrics,
          reconnectMinMs: 100,
          reconnectMaxMs: 500,
        });
        sources.push(source);
        return source;
      };
      const trusted = make({ caFile: certs.caFile });
      await trusted.start();
      await waitFor(() => trusted.connected);
      const untrusted = make({});
      await untrusted.start();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(untrusted.connected).toBe(false);
    } finally {
      for (const source of sources) await source.stop();
      await broker.stop();
      broker.dispose();
      fixture.dispose();
      rmSync(certDir, { recursive: true, force: true });
    }
  });
});
