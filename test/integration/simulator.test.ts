import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import mqtt, { type MqttClient } from 'mqtt';
import {
  AttributeIds,
  type ClientSession,
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
} from 'node-opcua';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { simulatorRoutes } from '../../gateway/simulator/routes.ts';
import { Simulator } from '../../gateway/simulator/simulator.ts';
import { systemClock } from '../../services/runtime/clock.ts';
import { freePort } from '../../services/runtime/free-port.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';

const MOSQUITTO = '/usr/sbin/mosquitto';

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });

interface Received {
  readonly topic: string;
  readonly payload: string;
  readonly at: number;
}

describe('simulator against a real MQTT broker and real OPC UA clients', () => {
  const model = loadConfig(sampleConfigDir);
  const dir = mkdtempSync(path.join(tmpdir(), 'steward-simulator-test-'));
  const received: Received[] = [];
  let broker: ChildProcess;
  let brokerLog = '';
  let subscriber: MqttClient;
  let simulator: Simulator;
  let http: FastifyInstance;
  let httpUrl: string;

  const from = (device: string, sinceMs = 0) =>
    received.filter((m) => m.topic.startsWith(`devices/${device}/`) && m.at >= sinceMs);

  beforeAll(async () => {
    if (!existsSync(MOSQUITTO)) throw new Error(`${MOSQUITTO} missing: apt-get install -y mosquitto`);
    const [mqttPort, bmsPort, liftsPort, httpPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const conf = path.join(dir, 'mosquitto.conf');
    // The simulator authenticates as each device; this broker accepts anyone, so that is simply ignored.
    writeFileSync(
      conf,
      `listener ${mqttPort} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n`,
    );
    broker = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    broker.stderr?.on('data', (chunk: Buffer) => {
      brokerLog += chunk.toString();
    });
    await until(`mosquitto on port ${mqttPort}\n${brokerLog}`, async () =>
      (await listening(mqttPort)) ? true : undefined,
    );

    const mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
    subscriber = await mqtt.connectAsync(mqttUrl, { clientId: `test-subscriber-${process.pid}` });
    subscriber.on('message', (topic, payload) => {
      received.push({ topic, payload: payload.toString(), at: Date.now() });
    });
    await subscriber.subscribeAsync('devices/#', { qos: 1 });

    simulator = new Simulator({
      model,
      clock: systemClock,
      logger: pino({ level: 'warn' }),
      seed: 11,
      mqttUrl,
      opcuaPorts: { 'bms-main': bmsPort, 'lift-monitor': liftsPort },
      opcuaPkiDir: path.join(dir, 'pki'),
      knobs: {
        // Meters and doors every second instead of every minute.
        rateMultiplier: 60,
        deviceFilter: ['mb-em-01000', 'mb-em-01a00-f0*', 'mb-door-01', 'mb-door-02', 'mb-ws-01'],
        tickMs: 200,
      },
    });
    await simulator.start();

    http = Fastify();
    simulatorRoutes(http, simulator);
    await http.listen({ host: '127.0.0.1', port: httpPort });
    httpUrl = `http://127.0.0.1:${httpPort}`;
  });

  afterAll(async () => {
    await http?.close();
    await simulator?.stop();
    await subscriber?.endAsync();
    broker?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes meter batches, per-point weather values and door state for the selected devices only', async () => {
    await until('two batches from each selected meter', () =>
      ['mb-em-01000', 'mb-em-01a00-f03'].every((d) => from(d).length >= 2) ? true : undefined,
    );
    await until('weather and door reports', () =>
      from('mb-ws-01').length >= 4 && from('mb-door-01').length >= 1 ? true : undefined,
    );

    for (const device of ['mb-em-01000', 'mb-em-01a00-f03']) {
      const batches = from(device).map((m) => {
        expect(m.topic).toBe(`devices/${device}/readings`);
        return JSON.parse(m.payload) as { ts: number; readings: Record<string, unknown> };
      });
      for (const batch of batches) {
        expect(Object.keys(batch).sort()).toEqual(['readings', 'ts']);
        expect(Math.abs(batch.ts - Date.now())).toBeLessThan(120_000);
        expect(Object.keys(batch.readings).sort()).toEqual(['energy', 'power', 'power_factor']);
        for (const value of Object.values(batch.readings)) expect(typeof value).toBe('number');
      }
      // The register is cumulative: it never goes backwards between reports.
      const energies = batches.map((b) => b.readings.energy as number);
      expect([...energies].sort((a, b) => a - b)).toEqual(energies);
    }

    const outdoor = from('mb-ws-01').find((m) => m.topic === 'devices/mb-ws-01/points/outdoor_temp');
    expect(outdoor?.payload).toMatch(/^-?\d+(\.\d+)?$/);
    expect(Number(outdoor?.payload)).toBeGreaterThan(-30);

    const door = from('mb-door-01').find((m) => m.topic === 'devices/mb-door-01/readings');
    const doorBatch = JSON.parse(door?.payload ?? '{}') as { readings?: Record<string, unknown> };
    expect(Object.keys(doorBatch.readings ?? {}).sort()).toEqual(['forced_open', 'held_open', 'open']);
    expect(typeof doorBatch.readings?.open).toBe('boolean');

    const selected = new Set(['mb-em-01000', 'mb-door-01', 'mb-door-02', 'mb-ws-01']);
    for (let floor = 1; floor <= 9; floor++) selected.add(`mb-em-01a00-f0${floor}`);
    const seen = new Set(received.map((m) => m.topic.split('/')[1] ?? ''));
    for (const device of seen) expect(selected.has(device), device).toBe(true);
    expect(simulator.stats().mqtt).toMatchObject({ devices: 13, connected: 13, failed: 0 });
  });

  it('publishes a forced door as per-point events the moment it happens', async () => {
    const since = Date.now();
    const response = await fetch(`${httpUrl}/simulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'door_forced_open', equipmentId: 'MB-DOOR-02' }),
    });
    expect(response.status).toBe(201);
    const event = await until('the forced_open event', () =>
      from('mb-door-02', since).find((m) => m.topic === 'devices/mb-door-02/points/forced_open'),
    );
    const payload = JSON.parse(event.payload) as { ts: number; value: unknown };
    expect(payload.value).toBe(true);
    expect(payload.ts).toBeGreaterThanOrEqual(since - 1_000);
    // `open` is published on change only: a door already open when it was forced (badged open, or
    // opened before its client connected, when events are not sent) sends no `open` event. Its next
    // report after the fault carries the whole state either way.
    const report = await until('a door report after the fault', () =>
      from('mb-door-02', event.at).find(
        (m) =>
          m.topic === 'devices/mb-door-02/readings' &&
          (JSON.parse(m.payload) as { ts: number }).ts >= payload.ts,
      ),
    );
    expect(JSON.parse(report.payload)).toMatchObject({ readings: { open: true, forced_open: true } });
    expect(simulator.values('MB-DOOR-02')).toMatchObject({ open: true, forced_open: true });
  });

  it('serves BMS and lift points over OPC UA, and a trapped passenger injected by command flips to true', async () => {
    const certificates = new OPCUACertificateManager({
      rootFolder: path.join(dir, 'client-pki'),
      automaticallyAcceptUnknownCertificate: true,
    });
    const client = OPCUAClient.create({
      endpointMustExist: false,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      clientCertificateManager: certificates,
      connectionStrategy: { maxRetry: 2, initialDelay: 200 },
    });
    const urls = simulator.opcuaUrls;
    let session: ClientSession | undefined;
    try {
      await client.connect(urls['lift-monitor'] ?? '');
      session = await client.createSession();
      const read = async (nodeId: string) =>
        (await session?.read({ nodeId, attributeId: AttributeIds.Value }))?.value;

      const trapped = await read('ns=1;s=MB-LIFT-01.TrappedPassenger');
      expect(trapped?.dataType).toBe(DataType.Boolean);
      expect(trapped?.value).toBe(false);
      const state = await read('ns=1;s=MB-LIFT-01.RunningState');
      expect(state?.dataType).toBe(DataType.Int32);
      expect([1, 2]).toContain(state?.value);
      const floor = await read('ns=1;s=MB-LIFT-01.Floor');
      expect(floor?.value).toBeGreaterThanOrEqual(-2);
      expect(floor?.value).toBeLessThanOrEqual(10);

      const response = await fetch(`${httpUrl}/simulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'lift_trapped_passenger', equipmentId: 'MB-LIFT-01' }),
      });
      expect(response.status).toBe(201);
      const { fault } = (await response.json()) as { fault: { id: string } };
      await until('TrappedPassenger = true', async () =>
        (await read('ns=1;s=MB-LIFT-01.TrappedPassenger'))?.value === true ? true : undefined,
      );
      expect((await read('ns=1;s=MB-LIFT-01.RunningState'))?.value).toBe(3);
      expect((await read('ns=1;s=MB-LIFT-01.FaultCode'))?.value).toBe(5);
      expect((await read('ns=1;s=MB-LIFT-02.TrappedPassenger'))?.value).toBe(false);

      expect((await fetch(`${httpUrl}/simulator/faults/${fault.id}`, { method: 'DELETE' })).status).toBe(200);
      await until('TrappedPassenger = false', async () =>
        (await read('ns=1;s=MB-LIFT-01.TrappedPassenger'))?.value === false ? true : undefined,
      );
    } finally {
      await session?.close();
      await client.disconnect();
    }

    const bms = OPCUAClient.create({ endpointMustExist: false, clientCertificateManager: certificates });
    try {
      await bms.connect(urls['bms-main'] ?? '');
      const bmsSession = await bms.createSession();
      const supply = (
        await bmsSession.read({ nodeId: 'ns=1;s=MB-AHU-01.SupplyAirTemp', attributeId: AttributeIds.Value })
      ).value;
      expect(supply.dataType).toBe(DataType.Double);
      expect(supply.value).toBeGreaterThan(-10);
      expect(supply.value).toBeLessThan(60);
      await bmsSession.close();
    } finally {
      await bms.disconnect();
      await certificates.dispose();
    }
  });

  it('stops publishing a meter taken offline while the others carry on, and resumes when cleared', async () => {
    const fault = simulator.injectFault({ kind: 'meter_offline', equipmentId: 'MB-EM-01A00-F02' });
    // Anything already in flight when the link dropped may still land.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const quietFrom = Date.now();
    await until('three more batches from the incomer', () =>
      from('mb-em-01000', quietFrom).length >= 3 ? true : undefined,
    );
    expect(from('mb-em-01a00-f02', quietFrom)).toEqual([]);
    expect(simulator.stats().mqtt.connected).toBe(12);

    simulator.clearFault(fault.id);
    const resumedFrom = Date.now();
    await until('the meter to publish again', () =>
      from('mb-em-01a00-f02', resumedFrom).length > 0 ? true : undefined,
    );
  });
});
