import { readFileSync } from 'node:fs';
import path from 'node:path';
import { demoDevicePassword, hashDeviceSecret } from '../../../gateway/broker/device-credentials.ts';
import type { ConfigFixture } from '../../helpers/config-fixture.ts';
import { createBenchConfig, type DeviceGroup } from '../ingest/bench-config.ts';

/**
 * The alarm bench's configuration: the ingest bench's (a private copy of config/sample plus the
 * `bench` site whose electricity meters carry the background load) with probe lifts added to the
 * bench building. A lift has the sample site's `lift-trapped-passenger` rule (state alarm,
 * `trapped_passenger` equals 1, no delay), so one reading of 1 fires it; each probe uses a lift of
 * its own, so every probe opens a new incident (a distinct (rule, equipment) pair, nothing open).
 * Lifts have no time-driven rule, so a lift that never reports stays quiet.
 */
export const PROBE_RULE = 'lift-trapped-passenger';
export const PROBE_POINT = 'trapped_passenger';
/** The sample site, whose rules and equipment the evaluation phase uses. */
export const SAMPLE_SITE = 'admin-centre';
const BENCH_BUILDING = '330302A999';
const BENCH_ZONE = 'BENCH-Z';
const BENCH_BROKER = 'bench-broker';
const BENCH_METER_SUB_ITEM = '01B00';

export interface ProbeLift {
  /** MQTT username and client id stem. */
  readonly device: string;
  readonly password: string;
  readonly equipment: string;
}

/**
 * `count` lifts `B<run>-<name>-<n>`. They share one password (one scrypt hash to compute here;
 * the gateway still verifies each connection on its own).
 */
export function probeLifts(runId: string, name: string, count: number): ProbeLift[] {
  const password = demoDevicePassword(`b${runId}-${name}`.toLowerCase());
  return Array.from({ length: count }, (_, n) => {
    const equipment = `B${runId}-${name}-${n}`;
    return { device: equipment.toLowerCase(), password, equipment };
  });
}

/** The bench configuration with the meters of `groups` and the given lifts; dispose() removes it. */
export async function createAlarmConfig(
  groups: readonly DeviceGroup[],
  lifts: readonly ProbeLift[],
): Promise<ConfigFixture> {
  const fixture = await createBenchConfig(groups);
  try {
    const file = `equipment/${BENCH_BUILDING}.yaml`;
    // createBenchConfig writes this file as JSON (which is YAML); append the lifts to it.
    const document = JSON.parse(readFileSync(path.join(fixture.dir, file), 'utf8')) as {
      building: string;
      equipment: Record<string, unknown>[];
    };
    // The workers role also runs the scheduled rules (hourly, and daily at 00:05 site time); the
    // sample's select meters of sub-items 01000 and 01A00 and would judge these meters, which
    // report only while the bench runs (a data gap), should a run straddle such a moment. 01B00
    // (HVAC) keeps them out; the streaming `meter-offline` still selects them by class.
    for (const meter of document.equipment) meter.subMetering = BENCH_METER_SUB_ITEM;
    for (const lift of lifts) {
      document.equipment.push({
        id: lift.equipment,
        class: 'lift',
        name: { 'zh-CN': `测试电梯 ${lift.equipment}`, en: `Benchmark lift ${lift.equipment}` },
        zone: BENCH_ZONE,
        source: { mqtt: { broker: BENCH_BROKER, device: lift.device } },
      });
    }
    fixture.write(file, JSON.stringify(document, null, 1));
    const hashes = new Map<string, string>();
    for (const password of new Set(lifts.map((lift) => lift.password)))
      hashes.set(password, await hashDeviceSecret(password));
    fixture.edit('device-credentials.yaml', (yaml) => {
      for (const lift of lifts)
        yaml.addIn(['devices'], { device: lift.device, secret: hashes.get(lift.password) });
    });
    return fixture;
  } catch (error) {
    fixture.dispose();
    throw error;
  }
}
