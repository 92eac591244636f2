import type { SiteModel } from '../../../config/load/model.ts';
import { toReadings } from '../../../gateway/ingest/convert.ts';
import { DEFAULT_POLICY } from '../../../gateway/ingest/normalise.ts';
import { PointIndex } from '../../../gateway/ingest/point-index.ts';
import type { RawValue, Reading } from '../../../gateway/ingest/reading.ts';
import { BuildingModel } from '../../../gateway/simulator/building-model.ts';

/** Simulation step: the model advances and due reports are taken this often (site time). */
const STEP_MS = 100;

export interface SampleReadings {
  readonly readings: readonly Reading[];
  /** How much faster than configured every device reports, so that `count` readings fit in the span. */
  readonly rateMultiplier: number;
  /** What the site sends at its configured intervals, readings per second. */
  readonly siteRatePerS: number;
  /** Pieces of equipment of the site that report. */
  readonly equipment: number;
  readonly firstTs: number;
  readonly lastTs: number;
  /** Values the gateway's normalisation refused (none expected: the simulator stays inside limits). */
  readonly refused: number;
}

/**
 * Readings of the sample site as the gateway would hand them to the rule workers, in arrival
 * order: the simulator's building model (gateway/simulator/building-model.ts, seed 1, the same
 * building as the demo) advanced through `spanMs` of site time ending at `endMs`; every piece of
 * equipment reports all its points once per its shortest interval ÷ `rateMultiplier` (as the
 * simulated MQTT devices do; OPC UA points are taken the same way instead of on change), doors and
 * intrusion sensors also report each change as it happens. Values go through the gateway's own
 * normalisation (`toReadings`: limits, unit conversion, booleans to 0/1). The multiplier is chosen
 * so that the span holds `count` readings (the demo runs at 20).
 */
export function sampleReadings(
  model: SiteModel,
  site: string,
  count: number,
  spanMs: number,
  endMs: number,
): SampleReadings {
  const equipment = [...model.equipment.values()].filter((item) => item.siteId === site);
  const siteRatePerS = equipment.reduce(
    (sum, item) => sum + item.points.length / Math.min(...item.points.map((point) => point.intervalS)),
    0,
  );
  const rateMultiplier = count / ((siteRatePerS * spanMs) / 1_000);
  const startMs = endMs - spanMs;
  const building = new BuildingModel({ model, seed: 1, startMs });
  const index = new PointIndex(model);
  const pointsOf = new Map(
    equipment.map((item) => [item.id, new Map(item.points.map((p) => [p.key, p.id]))]),
  );
  // Reports spread over each period (a fixed phase per equipment), as devices that started at different times.
  const schedule = equipment.map((item, n) => {
    const periodMs = (Math.min(...item.points.map((point) => point.intervalS)) * 1_000) / rateMultiplier;
    return { id: item.id, periodMs, nextMs: startMs + ((n * 7_919) % 1_000) * (periodMs / 1_000) };
  });
  const readings: Reading[] = [];
  let refused = 0;
  for (let t = startMs + STEP_MS; t <= endMs && readings.length < count; t += STEP_MS) {
    building.advanceTo(t);
    const raw: RawValue[] = [];
    for (const event of building.drainEvents()) {
      const pointId = pointsOf.get(event.equipmentId)?.get(event.key);
      if (pointId) raw.push({ pointId, value: event.value, sourceTs: event.ts });
    }
    for (const entry of schedule) {
      while (entry.nextMs <= t) {
        const ts = Math.round(entry.nextMs);
        entry.nextMs += entry.periodMs;
        const values = building.values(entry.id);
        const ids = pointsOf.get(entry.id);
        if (!values || !ids) continue;
        for (const [key, value] of Object.entries(values)) {
          const pointId = ids.get(key);
          if (pointId) raw.push({ pointId, value, sourceTs: ts });
        }
      }
    }
    raw.sort((a, b) => (a.sourceTs ?? 0) - (b.sourceTs ?? 0));
    const normalised = toReadings(raw, 'bench', index, endMs, DEFAULT_POLICY);
    refused += normalised.rejections.length;
    for (const reading of normalised.readings) readings.push(reading);
  }
  readings.length = Math.min(readings.length, count);
  return {
    readings,
    rateMultiplier,
    siteRatePerS,
    equipment: equipment.length,
    firstTs: readings[0]?.ts ?? Number.NaN,
    lastTs: readings.at(-1)?.ts ?? Number.NaN,
    refused,
  };
}
