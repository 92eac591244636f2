import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type IClientOptions } from 'mqtt';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import type { SiteModel } from '../../config/load/model.ts';
import { demoDevicePassword } from '../../gateway/broker/device-credentials.ts';
import { EmbeddedBroker } from '../../gateway/broker/embedded-broker.ts';
import { DeadLetters } from '../../gateway/ingest/dead-letters.ts';
import { Ingestor } from '../../gateway/ingest/ingestor.ts';
import { DEFAULT_POLICY } from '../../gateway/ingest/normalise.ts';
import { PointIndex } from '../../gateway/ingest/point-index.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { systemClock } from '../../services/runtime/clock.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { readSettings, SettingsError } from '../../services/runtime/settings.ts';
import { mqttTlsMaterial } from '../../services/runtime/tls.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { makeTestCertificates } from '../helpers/mosquitto.ts';

const DEVICE = 'mb-em-01000';
const PASSWORD = demoDevicePassword(DEVICE);

/** A client certificate signed by the CA in `dir` (`ca.pem`/`ca.key`), or by another CA made here. */
function makeClientCertificate(dir: string, name: string, signer: 'test-ca' | 'rogue-ca') {
  const file = (suffix: string) => path.join(dir, `${name}.${suffix}`);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  let caCert = path.join(dir, 'ca.pem');
  let caKey = path.join(dir, 'ca.key');
  if (signer === 'rogue-ca') {
    caCert = file('rogue-ca.pem');
    caKey = file('rogue-ca.key');
    openssl(
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=Rogue CA'],
      ...['-keyout', caKey, '-out', caCert],
    );
  }
  openssl(
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`],
    ...['-keyout', file('key'), '-out', file('csr')],
  );
  writeFileSync(file('ext'), 'extendedKeyUsage=clientAuth\n');
  openssl(
    ...['x509', '-req', '-in', file('csr'), '-CA', caCert, '-CAkey', caKey, '-CAcreateserial'],
    ...['-days', '1', '-extfile', file('ext'), '-out', file('pem')],
  );
  return { cert: readFileSync(file('pem')), key: readFileSync(file('key')) };
}

/** Connects and resolves with the client, or rejects with why the connection did not come up. */
function connect(url: string, options: IClientOptions): Promise<mqtt.MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

interface Harness {
  readonly broker: EmbeddedBroker;
  readonly metrics: Registry;
  readonly accepted: Reading[];
}

async function startBroker(model: SiteModel, files: Record<string, string>): Promise<Harness> {
  const metrics = new Registry();
  const accepted: Reading[] = [];
  const ingestor = new Ingestor({
    index: new PointIndex(model),
    policy: DEFAULT_POLICY,
    clock: systemClock,
    spool: {
      append: async (readings) => {
        accepted.push(...readings);
      },
    },
    deadLetters: new DeadLetters(100),
    metrics,
    maxPayloadBytes: 64 * 1024,
  });
  const material = mqttTlsMaterial(files);
  if (!material) throw new Error('no TLS material');
  const broker = new EmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    tls: { ...material, port: 0 },
    credentials: model.deviceSecrets,
    ingestor,
    logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
    metrics,
    maxPacketBytes: 256 * 1024,
  });
  await broker.start();
  return { broker, metrics, accepted };
}

async function refusedTotal(metrics: Registry, reason: string): Promise<number> {
  const metric = await metrics.getSingleMetric('steward_mqtt_refused_total')?.get();
  return metric?.values.find((value) => value.labels.reason === reason)?.value ?? 0;
}

describe('MQTT over TLS on the embedded broker', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'steward-tls-mqtt-'));
  const certs = makeTestCertificates(dir);
  const ca = readFileSync(certs.caFile);
  const model = loadConfig(sampleConfigDir);
  const device = { username: DEVICE, password: PASSWORD };
  let serverOnly: Harness;
  let mutual: Harness;

  beforeAll(async () => {
    const files = { STEWARD_MQTT_TLS_CERT_FILE: certs.certFile, STEWARD_MQTT_TLS_KEY_FILE: certs.keyFile };
    serverOnly = await startBroker(model, files);
    mutual = await startBroker(model, { ...files, STEWARD_MQTT_TLS_CA_FILE: certs.caFile });
  });
  afterAll(async () => {
    await serverOnly?.broker.stop();
    await mutual?.broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a QoS 1 reading from a device that trusts the test CA', async () => {
    const { broker, accepted } = serverOnly;
    const client = await connect(`mqtts://127.0.0.1:${broker.tlsPort}`, { ...device, ca });
    const ts = Date.now() - 1_000;
    await client.publishAsync(`devices/${DEVICE}/points/power`, JSON.stringify({ ts, value: 12.5 }), {
      qos: 1,
    });
    await client.endAsync();
    expect(accepted).toContainEqual({ pointId: 'MB-EM-01000.power', ts, value: 12.5, quality: 'good' });
  });

  it('is refused by a client that does not trust the CA (the certificate is checked, not waved through)', async () => {
    const { broker } = serverOnly;
    await expect(connect(`mqtts://127.0.0.1:${broker.tlsPort}`, device)).rejects.toThrow(
      /self[- ]signed certificate|unable to verify/i,
    );
  });

  it('still asks for the device password over TLS', async () => {
    const { broker, metrics } = serverOnly;
    const before = await refusedTotal(metrics, 'AUTH_FAILED');
    await expect(
      connect(`mqtts://127.0.0.1:${broker.tlsPort}`, { username: DEVICE, password: 'wrong', ca }),
    ).rejects.toThrow(/not authori[sz]ed|bad user ?name or password/i);
    expect(await refusedTotal(metrics, 'AUTH_FAILED')).toBe(before + 1);
  });

  it('with a device CA, takes a device presenting a certificate signed by it', async () => {
    const { broker, accepted } = mutual;
    const client = await connect(`mqtts://127.0.0.1:${broker.tlsPort}`, {
      ...device,
      ca,
      ...makeClientCertificate(dir, 'device-ok', 'test-ca'),
    });
    await client.publishAsync(`devices/${DEVICE}/points/power`, '7.25', { qos: 1 });
    await client.endAsync();
    expect(accepted.map((reading) => reading.value)).toEqual([7.25]);
  });

  it('with a device CA, refuses a device without a certificate or with one of another CA, and counts them', async () => {
    const { broker, metrics, accepted } = mutual;
    const before = await refusedTotal(metrics, 'TLS_HANDSHAKE_FAILED');
    const url = `mqtts://127.0.0.1:${broker.tlsPort}`;
    await expect(connect(url, { ...device, ca })).rejects.toThrow();
    await expect(
      connect(url, { ...device, ca, ...makeClientCertificate(dir, 'device-rogue', 'rogue-ca') }),
    ).rejects.toThrow();
    // The server records the failed handshake as the client sees its connection end.
    const deadline = Date.now() + 5_000;
    while ((await refusedTotal(metrics, 'TLS_HANDSHAKE_FAILED')) < before + 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await refusedTotal(metrics, 'TLS_HANDSHAKE_FAILED')).toBe(before + 2);
    expect(accepted.length).toBe(1);
  });

  it('refuses to start with a key that does not belong to the certificate, naming the setting', () => {
    makeClientCertificate(dir, 'unrelated', 'test-ca');
    const otherKey = path.join(dir, 'unrelated.key');
    const read = () =>
      readSettings({
        STEWARD_MQTT_TLS_CERT_FILE: certs.certFile,
        STEWARD_MQTT_TLS_KEY_FILE: otherKey,
      });
    expect(read).toThrow(SettingsError);
    expect(read).toThrow(
      /^environment: STEWARD_MQTT_TLS_KEY_FILE: .*unrelated\.key is not usable: key values mismatch$/m,
    );
  });
});
