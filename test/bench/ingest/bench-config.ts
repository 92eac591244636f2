import { demoDevicePassword, hashDeviceSecret } from '../../../gateway/broker/device-credentials.ts';
import { ConfigFixture } from '../../helpers/config-fixture.ts';
import type { DeviceLogin, PointLoad } from './load-protocol.ts';

/**
 * The bench's configuration: a private copy of config/sample plus a site of its own (`bench`,
 * one building, only the embedded broker: no OPC UA endpoints or site brokers for the gateway to
 * dial) whose electricity meters are the load's devices. Equipment ids carry the run id, so the
 * readings of one run and one phase are told apart by the `equipment` tag alone.
 */
export const BENCH_SITE = 'bench';
const BENCH_BUILDING = '330302A999';
const BENCH_ZONE = 'BENCH-Z';
const BENCH_BROKER = 'bench-broker';

interface ExtraPoint {
  readonly quantity: string;
  readonly unit: string;
  readonly kind: 'analog' | 'counter';
  readonly limits: { readonly min: number; readonly max: number };
}

/** Ten keys per meter (three from the class template, seven declared here), values inside limits. */
const METER_POINTS: readonly (PointLoad & { readonly extra?: ExtraPoint })[] = [
  { key: 'energy', base: 120_000, step: 0.5 },
  { key: 'power', base: 80, step: 0.25 },
  { key: 'power_factor', base: 0.9, step: 0.001 },
  ...['a', 'b', 'c'].map((phase) => ({
    key: `voltage_${phase}`,
    base: 228,
    step: 0.05,
    extra: { quantity: 'voltage', unit: 'V', kind: 'analog' as const, limits: { min: 0, max: 500 } },
  })),
  ...['a', 'b', 'c'].map((phase) => ({
    key: `current_${phase}`,
    base: 110,
    step: 0.2,
    extra: { quantity: 'current', unit: 'A', kind: 'analog' as const, limits: { min: 0, max: 2_000 } },
  })),
  {
    key: 'frequency',
    base: 49.95,
    step: 0.001,
    extra: { quantity: 'frequency', unit: 'Hz', kind: 'analog', limits: { min: 45, max: 65 } },
  },
];

export const LOAD_POINTS: readonly PointLoad[] = METER_POINTS.map(({ key, base, step }) => ({
  key,
  base,
  step,
}));

/** The dedicated point latency markers are published on (value = marker number). */
export const PROBE_KEY = 'latency_probe';
const PROBE_POINT: ExtraPoint = {
  quantity: 'count',
  unit: 'count',
  kind: 'analog',
  limits: { min: 0, max: 1_000_000_000 },
};

export interface BenchDevice extends DeviceLogin {
  readonly equipment: string;
}

/** The devices of one phase (publishers, or warm-up publishers) and the selector of their readings. */
export interface DeviceGroup {
  readonly name: string;
  readonly devices: readonly BenchDevice[];
  /** Matches every reading of this group's equipment and nothing else. */
  readonly selector: string;
}

export function deviceGroup(runId: string, name: string, count: number): DeviceGroup {
  const prefix = `B${runId}-${name}`;
  const devices = Array.from({ length: count }, (_, n) => {
    const device = `${prefix}-${n}`.toLowerCase();
    return { device, equipment: `${prefix}-${n}`, password: demoDevicePassword(device) };
  });
  return { name, devices, selector: `reading_value{equipment=~"${prefix}-[0-9]+"}` };
}

export function probeSelector(device: BenchDevice): string {
  return `reading_value{point="${device.equipment}.${PROBE_KEY}"}`;
}

/**
 * Writes the bench site into a copy of config/sample and returns the folder (dispose() removes
 * it). Every group's devices become meters of the bench building with credentials.
 */
export async function createBenchConfig(groups: readonly DeviceGroup[]): Promise<ConfigFixture> {
  const fixture = new ConfigFixture();
  try {
    fixture.edit('organisation.yaml', (document) => {
      document.addIn(['sites'], {
        id: BENCH_SITE,
        name: { 'zh-CN': '接入性能测试站点', en: 'Ingest benchmark site' },
        region: '330302',
        timezone: 'Asia/Shanghai',
        latitude: 28.0196,
        longitude: 120.6723,
        buildings: [
          {
            code: BENCH_BUILDING,
            name: { 'zh-CN': '测试楼', en: 'Benchmark building' },
            location: 'compound',
            floorAreaM2: 1_000,
            occupants: 0,
            zones: [{ id: BENCH_ZONE, name: { 'zh-CN': '测试区', en: 'Benchmark zone' }, kind: 'area' }],
          },
        ],
        sources: { mqtt: [{ id: BENCH_BROKER, kind: 'embedded' }], opcua: [] },
      });
    });
    const devices = groups.flatMap((group) => group.devices);
    const equipment = devices.map((device) => ({
      id: device.equipment,
      class: 'electricity_meter',
      name: { 'zh-CN': `测试电表 ${device.equipment}`, en: `Benchmark meter ${device.equipment}` },
      zone: BENCH_ZONE,
      subMetering: '01000',
      source: { mqtt: { broker: BENCH_BROKER, device: device.device } },
      points: [
        ...METER_POINTS.flatMap(({ key, extra }) => (extra ? [{ key, ...extra, intervalS: 1 }] : [])),
        { key: PROBE_KEY, ...PROBE_POINT, intervalS: 1 },
      ],
    }));
    fixture.write(
      `equipment/${BENCH_BUILDING}.yaml`,
      JSON.stringify({ building: BENCH_BUILDING, equipment }, null, 1),
    );
    const secrets = await Promise.all(
      devices.map(async (device) => ({
        device: device.device,
        secret: await hashDeviceSecret(device.password),
      })),
    );
    fixture.edit('device-credentials.yaml', (document) => {
      for (const entry of secrets) document.addIn(['devices'], entry);
    });
    return fixture;
  } catch (error) {
    fixture.dispose();
    throw error;
  }
}
