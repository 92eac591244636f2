import mqtt from 'mqtt';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { demoDevicePassword } from '../../gateway/broker/device-credentials.ts';
import { EmbeddedBroker } from '../../gateway/broker/embedded-broker.ts';
import { DeadLetters } from '../../gateway/ingest/dead-letters.ts';
import { Ingestor } from '../../gateway/ingest/ingestor.ts';
import { DEFAULT_POLICY } from '../../gateway/ingest/normalise.ts';
import { PointIndex } from '../../gateway/ingest/point-index.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { systemClock } from '../../services/runtime/clock.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { runCommand } from '../helpers/run-command.ts';

const DEVICE = 'mb-em-01000';
const OTHER = 'mb-em-01a00';
const PASSWORD = demoDevicePassword(DEVICE);

const run = runCommand;

describe('embedded broker with standard MQTT clients', () => {
  const accepted: Reading[] = [];
  const metrics = new Registry();
  const deadLetters = new DeadLetters(100);
  let broker: EmbeddedBroker;
  const pub = (args: string[]) =>
    run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-V', 'mqttv311', ...args]);
  /** mosquitto_sub as the device: waits for one message (at most `seconds`). */
  const deviceSub = (topic: string, seconds: number, qos: '0' | '1' = '0') =>
    run('mosquitto_sub', [
      ...['-h', '127.0.0.1', '-p', String(broker.port), '-u', DEVICE, '-P', PASSWORD],
      ...['-q', qos, '-t', topic, '-C', '1', '-W', String(seconds)],
    ]);
  /** mosquitto_pub as the device, QoS 1. */
  const devicePub = (topic: string, message: string) =>
    pub(['-u', DEVICE, '-P', PASSWORD, '-q', '1', '-t', topic, '-m', message]);
  const rejections = async (code: string): Promise<number> => {
    const metric = await metrics.getSingleMetric('steward_gateway_rejections_total')?.get();
    return metric?.values.find((v) => v.labels.code === code)?.value ?? 0;
  };

  beforeAll(async () => {
    const model = loadConfig(sampleConfigDir);
    const ingestor = new Ingestor({
      index: new PointIndex(model),
      policy: DEFAULT_POLICY,
      clock: systemClock,
      spool: {
        append: async (readings) => {
          accepted.push(...readings);
        },
      },
      deadLetters,
      metrics,
      maxPayloadBytes: 64 * 1024,
    });
    broker = new EmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      wsPort: 0,
      credentials: model.deviceSecrets,
      ingestor,
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
      metrics,
      maxPacketBytes: 256 * 1024,
    });
    await broker.start();
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('acknowledges a QoS 1 reading from mosquitto_pub only after ingesting it', async () => {
    const before = accepted.length;
    const ts = Date.now() - 1000;
    const result = await devicePub(`devices/${DEVICE}/points/power`, JSON.stringify({ ts, value: 321.5 }));
    expect(result.code).toBe(0);
    expect(accepted.slice(before)).toEqual([
      { pointId: 'MB-EM-01000.power', ts, value: 321.5, quality: 'good' },
    ]);
  });

  it('ingests QoS 0 publishes too (at most once: nothing to acknowledge)', async () => {
    const before = accepted.length;
    const result = await pub([
      '-u',
      DEVICE,
      '-P',
      PASSWORD,
      '-q',
      '0',
      '-t',
      `devices/${DEVICE}/points/power`,
      '-m',
      '17.5',
    ]);
    expect(result.code).toBe(0);
    const deadline = Date.now() + 5_000;
    while (accepted.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(accepted.slice(before).map((r) => [r.pointId, r.value])).toEqual([['MB-EM-01000.power', 17.5]]);
  });

  it('takes a per-device batch', async () => {
    const before = accepted.length;
    const result = await devicePub(`devices/${DEVICE}/readings`, '{"readings":{"energy":100.5,"power":20}}');
    expect(result.code).toBe(0);
    expect(
      accepted
        .slice(before)
        .map((r) => r.pointId)
        .sort(),
    ).toEqual(['MB-EM-01000.energy', 'MB-EM-01000.power']);
  });

  it('refuses a wrong password and an anonymous connection, and counts both', async () => {
    const failedBefore = await rejections('AUTH_FAILED');
    const wrong = await pub([
      '-u',
      DEVICE,
      '-P',
      'not-the-password',
      '-t',
      `devices/${DEVICE}/points/power`,
      '-m',
      '1',
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/not authori[sz]ed|bad user ?name or password/i);
    const anonymous = await pub(['-t', `devices/${DEVICE}/points/power`, '-m', '1']);
    expect(anonymous.code).not.toBe(0);
    expect(await rejections('AUTH_FAILED')).toBe(failedBefore + 2);
  });

  it("refuses a publish under another device's prefix, ingests nothing and counts it", async () => {
    const before = accepted.length;
    const deniedBefore = await rejections('PUBLISH_NOT_ALLOWED');
    await devicePub(`devices/${OTHER}/points/power`, '5');
    expect(accepted.length).toBe(before);
    expect(await rejections('PUBLISH_NOT_ALLOWED')).toBe(deniedBefore + 1);
    expect(deadLetters.list(1)[0]).toMatchObject({
      code: 'PUBLISH_NOT_ALLOWED',
      device: DEVICE,
      topic: `devices/${OTHER}/points/power`,
    });
  });

  it('refuses a device publishing to its own command topics, so a device password cannot inject commands', async () => {
    const deniedBefore = await rejections('PUBLISH_NOT_ALLOWED');
    const listener = deviceSub(`devices/${DEVICE}/cmd/#`, 3);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the subscription is in place
    await devicePub(`devices/${DEVICE}/cmd/open-door`, '1');
    expect((await listener).stdout).toBe('');
    expect(await rejections('PUBLISH_NOT_ALLOWED')).toBe(deniedBefore + 1);
    expect(deadLetters.list(1)[0]).toMatchObject({
      code: 'PUBLISH_NOT_ALLOWED',
      device: DEVICE,
      topic: `devices/${DEVICE}/cmd/open-door`,
    });
  });

  it('acknowledges malformed payloads but dead-letters them with a code', async () => {
    const before = accepted.length;
    const result = await devicePub(`devices/${DEVICE}/points/power`, '{"value": oops');
    expect(result.code).toBe(0);
    expect(accepted.length).toBe(before);
    expect(deadLetters.list(1)[0]).toMatchObject({ code: 'PAYLOAD_NOT_JSON', device: DEVICE });
  });

  it('lets a device subscribe to its own commands only; retained commands reach it when it subscribes', async () => {
    await broker.publishCommand(DEVICE, 'setpoint', '{"value":24}', { qos: 1, retain: true });
    const own = await deviceSub(`devices/${DEVICE}/cmd/#`, 5, '1');
    expect(own.code).toBe(0);
    expect(own.stdout.trim()).toBe('{"value":24}');
    const deniedBefore = await rejections('SUBSCRIBE_NOT_ALLOWED');
    const other = await deviceSub(`devices/${OTHER}/cmd/#`, 2);
    expect(other.stdout).toBe('');
    expect(await rejections('SUBSCRIBE_NOT_ALLOWED')).toBe(deniedBefore + 1);
  });

  it('keeps a persistent session: QoS 1 commands sent while a device is away arrive when it returns', async () => {
    const options = {
      username: DEVICE,
      password: PASSWORD,
      clientId: `${DEVICE}-persistent`,
      clean: false,
      reconnectPeriod: 0,
    };
    const first = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, options);
    await first.subscribeAsync(`devices/${DEVICE}/cmd/reset`, { qos: 1 });
    await first.endAsync();
    await broker.publishCommand(DEVICE, 'reset', 'now', { qos: 1 });
    const second = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, options);
    const received = new Promise<string>((resolve) =>
      second.on('message', (_topic, payload) => resolve(payload.toString())),
    );
    expect(await received).toBe('now');
    await second.endAsync();
  });

  it('drops a connection that announces an oversize packet, and dead-letters a payload over the payload limit', async () => {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      username: DEVICE,
      password: PASSWORD,
      reconnectPeriod: 0,
    });
    const tooLargeBefore = await rejections('PACKET_TOO_LARGE');
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    client.publish(`devices/${DEVICE}/points/power`, Buffer.alloc(512 * 1024, 0x31), { qos: 0 });
    await closed;
    expect(await rejections('PACKET_TOO_LARGE')).toBe(tooLargeBefore + 1);
    client.end(true);

    const second = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      username: DEVICE,
      password: PASSWORD,
      reconnectPeriod: 0,
    });
    await second.publishAsync(`devices/${DEVICE}/points/power`, Buffer.alloc(100 * 1024, 0x31), { qos: 1 });
    expect(deadLetters.list(1)[0]).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await second.endAsync();
  });

  it('serves MQTT over WebSocket with the same authentication', async () => {
    const before = accepted.length;
    const client = await mqtt.connectAsync(`ws://127.0.0.1:${broker.wsPort}`, {
      username: DEVICE,
      password: PASSWORD,
      reconnectPeriod: 0,
    });
    await client.publishAsync(`devices/${DEVICE}/points/power`, '42', { qos: 1 });
    await client.endAsync();
    expect(accepted.slice(before).map((r) => r.value)).toEqual([42]);
  });
});
