import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffKey } from '../../gateway/handoff/shards.ts';
import { deadLetterKey, mirrorDeadLetters } from '../../gateway/ingest/dead-letters.ts';
import { ingestHealthKey } from '../../gateway/ingest/health.ts';
import { PointIndex } from '../../gateway/ingest/point-index.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { InfluxLineWriter } from '../../gateway/store/tsdb-writer.ts';
import { ApiHarness } from '../../services/api/test-harness.ts';
import { T0 } from '../../services/workorders/test-harness.ts';
import { stackSettings, uniqueName } from '../helpers/stack.ts';

/**
 * The site routes against the real VictoriaMetrics and Redis: a point's trend is the last stored
 * value of each step with nothing invented; today's electricity counts a building's sub-item
 * feeders (not the floor meters under them) since the site's local midnight, and a meter reset
 * as unknown energy; the ingest health is what the gateway left in Redis.
 */

const MIN = 60_000;
const SITE = 'admin-centre';
// T0 is 10:00 in Asia/Shanghai; local midnight was ten hours earlier.
const MIDNIGHT = T0 - 10 * 60 * MIN;
const run = uniqueName('site');
const h = new ApiHarness();

interface Register {
  readonly pointId: string;
  readonly samples: [number, number][];
}

/** A register stepping every minute from an hour before midnight to T0, reset to 5 at `resetAt`. */
function register(pointId: string, perMinute: number, resetAt?: number): Register {
  const samples: [number, number][] = [];
  let value = 1_000;
  for (let ts = MIDNIGHT - 60 * MIN; ts <= T0; ts += MIN) {
    value = resetAt !== undefined && ts === resetAt ? 5 : value + perMinute;
    samples.push([ts, value]);
  }
  return { pointId, samples };
}

const incomer = register('MB-EM-01000.energy', 2, MIDNIGHT + 5 * 60 * MIN);
const lighting = register('MB-EM-01A00.energy', 0.75);
const floorLighting = register('MB-EM-01A00-F01.energy', 0.05);
const hvac = register('MB-EM-01B00.energy', 0.5);
const power: [number, number][] = [];
for (let ts = T0 - 60 * MIN; ts <= T0; ts += MIN) power.push([ts, 300 + ((ts / MIN) % 17)]);

const get = async <T>(url: string, caller: 'operator' | 'vendorA' = 'operator') => {
  const response = await h.request(caller, { method: 'GET', url });
  return { status: response.statusCode, body: response.json<T>() };
};

describe('site routes on the real store', () => {
  beforeAll(async () => {
    await h.open({ telemetryLabels: { test_run: run } });
    const index = new PointIndex(h.wo.model);
    const writer = new InfluxLineWriter({
      url: stackSettings.TSDB_URL,
      token: stackSettings.TSDB_TOKEN,
      org: stackSettings.TSDB_ORG,
      bucket: stackSettings.TSDB_BUCKET,
      tagsFor: (pointId) => {
        const tags = index.get(pointId)?.tags;
        return tags ? { ...tags, test_run: run } : undefined;
      },
    });
    const readings: Reading[] = [
      ...[incomer, lighting, floorLighting, hvac].flatMap((reg) =>
        reg.samples.map(([ts, value]) => ({ pointId: reg.pointId, ts, value, quality: 'good' as const })),
      ),
      ...power.map(([ts, value]) => ({ pointId: 'MB-EM-01000.power', ts, value, quality: 'good' as const })),
    ];
    await writer.write(readings);
    const flushed = await fetch(`${stackSettings.TSDB_URL}/internal/force_flush`);
    expect(flushed.ok).toBe(true);
  });
  afterAll(() => h.dispose());

  it("draws a point's trend from the stored values: the last value of each step, no value where none was stored", async () => {
    const from = new Date(T0 - 60 * MIN).toISOString();
    const to = new Date(T0).toISOString();
    const { status, body } = await get<{ stepS: number; unit: string; values: [number, number][] }>(
      `/api/points/MB-EM-01000.power/series?from=${from}&to=${to}`,
    );
    expect(status).toBe(200);
    expect(body.unit).toBe('kW');
    // One hour at no more than 1,000 values: 15 s steps, and a minute between stored readings.
    expect(body.stepS).toBe(15);
    expect(body.values.length).toBeGreaterThanOrEqual(58);
    for (const [ts, value] of body.values) {
      const stored = power.filter(([at]) => at <= ts && at > ts - 15_000);
      expect(stored, `a value at ${new Date(ts).toISOString()} without a stored reading`).toHaveLength(1);
      expect(value).toBe(stored[0]?.[1]);
    }
  });

  it('names the vendors to staff, and not to a vendor user', async () => {
    const staff = await get<{ vendors?: { id: string }[] }>('/api/sites');
    expect(staff.body.vendors?.map((vendor) => vendor.id)).toEqual(expect.arrayContaining(['antu-lifts']));
    const vendor = await get<{ vendors?: unknown; sites: unknown[] }>('/api/sites', 'vendorA');
    expect(vendor.status).toBe(200);
    expect(vendor.body.vendors).toBeUndefined();
    expect(vendor.body.sites).toHaveLength(1);
  });

  it('refuses a backwards or over-long range, and an unknown point', async () => {
    const at = new Date(T0).toISOString();
    expect(
      (await get<{ error: { code: string } }>(`/api/points/MB-EM-01000.power/series?from=${at}&to=${at}`))
        .body,
    ).toEqual({ error: expect.objectContaining({ code: 'invalid_range' }) });
    const long = new Date(T0 - 401 * 86_400_000).toISOString();
    const tooLong = await get<{ error: { code: string } }>(
      `/api/points/MB-EM-01000.power/series?from=${long}&to=${at}`,
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('invalid_range');
    const unknown = await get<{ error: { code: string } }>(
      `/api/points/NO-SUCH.power/series?from=${long}&to=${at}`,
    );
    expect(unknown.status).toBe(404);
  });

  it("counts today's electricity per sub-item feeder since local midnight, without the floor meters, and a reset as unknown", async () => {
    const { status, body } = await get<{
      date: string;
      rollup: {
        fromMs: number;
        toMs: number;
        buildings: {
          buildingCode: string;
          items: { item: string; value: number | null; status: string }[];
        }[];
      };
    }>(`/api/energy/today?site=${SITE}`);
    expect(status).toBe(200);
    // From local midnight to two minutes ago (the last readings may still be on their way): 598 minutes.
    expect(body.rollup.fromMs).toBe(MIDNIGHT);
    expect(body.rollup.toMs).toBe(T0 - 2 * MIN);
    const cell = (building: string, item: string) =>
      body.rollup.buildings
        .find((candidate) => candidate.buildingCode === building)
        ?.items.find((candidate) => candidate.item === item);
    // Worked out from the samples above: 598 × 0.75 and 598 × 0.5. The floor meter under the
    // lighting feeder (0.05 kWh a minute) is not added on top.
    expect(cell('330302A001', '01A00')).toMatchObject({ value: 448.5, status: 'complete' });
    expect(cell('330302A001', '01B00')).toMatchObject({ value: 299, status: 'complete' });
    // The incomer's reset minute has unknown energy: the other 597 minutes at 2 kWh, as a lower bound.
    expect(cell('330302A001', '01000')).toMatchObject({ value: 1_194, status: 'partial' });
    // Buildings with no data this run say so rather than zero.
    expect(cell('330302A002', '01000')).toMatchObject({ value: null, status: 'missing' });
  });

  it('shows what the gateway left in Redis, and no gateway once its record expired', async () => {
    const { redis, prefix } = h.wo;
    const none = await get<{ gateway: unknown; handoffLagMs: unknown; deadLetters: unknown[] }>(
      `/api/ingest/health?site=${SITE}`,
    );
    expect(none.body).toEqual({ site: SITE, gateway: null, handoffLagMs: null, deadLetters: [] });

    const record = {
      atMs: T0,
      acceptedReadings: 12_345,
      readingsPerS: 190.5,
      rejections: { UNKNOWN_POINT: 3 },
      spoolBytes: 4_096,
      lag: { tsdb: 0, rules: 12 },
    };
    await redis.set(ingestHealthKey(prefix, SITE), JSON.stringify(record));
    await redis.set(handoffKey(prefix, SITE), JSON.stringify({ w: T0 - 250, at: T0 }));
    await mirrorDeadLetters(
      redis,
      deadLetterKey(prefix, SITE),
      [{ code: 'UNKNOWN_POINT', detail: 'no point x', source: 'mqtt:embedded', at: T0 - 1_000 }],
      1_000,
    );
    const health = await get<unknown>(`/api/ingest/health?site=${SITE}`);
    expect(health.body).toEqual({
      site: SITE,
      gateway: record,
      handoffLagMs: 250,
      deadLetters: [expect.objectContaining({ code: 'UNKNOWN_POINT', source: 'mqtt:embedded' })],
    });
    expect((await get<unknown>('/api/ingest/health?site=no-such-site')).status).toBe(404);
  });
});
