import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { demoDevicePassword, hashDeviceSecret } from '../../gateway/broker/device-credentials.ts';
import { freePort } from '../../services/runtime/free-port.ts';
import { ConfigFixture, sampleConfigDir } from '../helpers/config-fixture.ts';

/**
 * The chaos stack's configuration: a private copy of config/sample with
 *
 * - load meters: electricity meters of building 330302A002 (东附楼) whose devices carry the
 *   load, each with demo credentials, and report intervals of a day so a minute without readings
 *   (the gateway killed) does not make them stale: the load must not raise incidents of its own;
 * - the security contract's SLA shortened to seconds, so the deadlines of the injected door
 *   faults fall due while the scenario runs;
 * - the OPC UA endpoints moved to free ports where nothing listens (no simulator runs; the
 *   sample's ports may be another test's simulator).
 *
 * The doors are the sample's own (`access_door`, devices `*-door-*` with demo credentials).
 */
export const LOAD_BUILDING = '330302A002';
const LOAD_ZONE = 'AA-B1';
export const SECURITY_CONTRACT = 'security-2025';
export const SECURITY_VENDOR = 'jindun-security';
export const DOOR_RULE = 'door-forced-open';
export const SITE = 'admin-centre';

/** The electricity-meter template's points, as the load publishes them. */
export const LOAD_POINTS = [
  { key: 'energy', base: 120_000, step: 0.5 },
  { key: 'power', base: 80, step: 0.25 },
  { key: 'power_factor', base: 0.9, step: 0.001 },
] as const;

export interface LoadDevice {
  readonly device: string;
  readonly equipment: string;
  readonly password: string;
}

export interface Door {
  readonly device: string;
  readonly equipment: string;
  readonly password: string;
}

export interface SlaMinutes {
  readonly acceptMinutes: number;
  readonly arriveMinutes: number;
  readonly resolveMinutes: number;
}

export interface ChaosConfig {
  readonly fixture: ConfigFixture;
  readonly loadDevices: readonly LoadDevice[];
  readonly doors: readonly Door[];
  readonly sla: SlaMinutes;
}

export function loadDevices(count: number): LoadDevice[] {
  return Array.from({ length: count }, (_, n) => {
    const device = `cx-em-${String(n).padStart(3, '0')}`;
    return { device, equipment: device.toUpperCase(), password: demoDevicePassword(device) };
  });
}

/** Every access door of the sample site with an MQTT device, in file order. */
export function sampleDoors(): Door[] {
  const doors: Door[] = [];
  for (const code of ['330302A001', '330302A002', '330302A003', '330302A004', '330302A005']) {
    const file = parseDocument(
      readFileSync(path.join(sampleConfigDir, 'equipment', `${code}.yaml`), 'utf8'),
    ).toJS() as { equipment: { id: string; class: string; source: { mqtt?: { device: string } } }[] };
    for (const item of file.equipment) {
      const device = item.source.mqtt?.device;
      if (item.class === 'access_door' && device)
        doors.push({ device, equipment: item.id, password: demoDevicePassword(device) });
    }
  }
  return doors;
}

export async function createChaosConfig(options: {
  readonly loadDeviceCount: number;
  readonly sla: SlaMinutes;
}): Promise<ChaosConfig> {
  const fixture = new ConfigFixture();
  try {
    const devices = loadDevices(options.loadDeviceCount);
    const ports = [await freePort(), await freePort()];
    fixture.edit('organisation.yaml', (d) => {
      d.setIn(['sites', 0, 'sources', 'opcua', 0, 'url'], `opc.tcp://127.0.0.1:${ports[0]}/steward/bms`);
      d.setIn(['sites', 0, 'sources', 'opcua', 1, 'url'], `opc.tcp://127.0.0.1:${ports[1]}/steward/lifts`);
    });
    fixture.edit(`equipment/${LOAD_BUILDING}.yaml`, (d) => {
      for (const { device, equipment } of devices) {
        d.addIn(['equipment'], {
          id: equipment,
          class: 'electricity_meter',
          name: { 'zh-CN': `故障演练电表 ${equipment}`, en: `Chaos load meter ${equipment}` },
          zone: LOAD_ZONE,
          // 特殊用电: no scheduled rule selects it (they read 01000 and 01A00).
          subMetering: '01D00',
          source: { mqtt: { broker: 'embedded', device } },
          points: LOAD_POINTS.map(({ key }) => ({ key, intervalS: 86_400 })),
        });
      }
    });
    const secrets = await Promise.all(
      devices.map(async ({ device, password }) => ({ device, secret: await hashDeviceSecret(password) })),
    );
    fixture.edit('device-credentials.yaml', (d) => {
      for (const entry of secrets) d.addIn(['devices'], entry);
    });
    fixture.edit('contracts.yaml', (d) => {
      const contracts = d.get('contracts') as { items: { get(key: string): unknown }[] };
      const index = contracts.items.findIndex((item) => item.get('id') === SECURITY_CONTRACT);
      if (index < 0) throw new Error(`${SECURITY_CONTRACT} is not in config/sample/contracts.yaml`);
      for (const severity of ['critical', 'major', 'minor', 'warning'])
        d.setIn(['contracts', index, 'sla', severity], { ...options.sla, clock: '24x7' });
    });
    return { fixture, loadDevices: devices, doors: sampleDoors(), sla: options.sla };
  } catch (error) {
    fixture.dispose();
    throw error;
  }
}
