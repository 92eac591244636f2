import type { SiteModel } from '../../config/load/model.ts';
import { PointIndex } from '../../gateway/ingest/point-index.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { InfluxLineWriter } from '../../gateway/store/tsdb-writer.ts';
import { VictoriaReadingSource } from '../../services/energy/store/readings.ts';
import { stackSettings, uniqueName } from '../helpers/stack.ts';

export const MIN = 60_000;
/** An instant given as wall-clock time in China (UTC+8). */
export const cst = (local: string): number => Date.parse(`${local}+08:00`);

/**
 * Readings written to the stack's VictoriaMetrics the way the gateway writes them (its tags, its
 * line writer), plus a label of this run's own that the energy reader also matches, so runs
 * never see each other's series. `dispose()` deletes the run's series.
 */
export class EnergyStoreFixture {
  readonly run = uniqueName('energy');
  readonly source: VictoriaReadingSource;
  readonly #writer: InfluxLineWriter;

  constructor(model: SiteModel) {
    const index = new PointIndex(model);
    const run = this.run;
    this.source = new VictoriaReadingSource({ url: stackSettings.TSDB_URL, extraLabels: { test_run: run } });
    this.#writer = new InfluxLineWriter({
      url: stackSettings.TSDB_URL,
      token: stackSettings.TSDB_TOKEN,
      org: stackSettings.TSDB_ORG,
      bucket: stackSettings.TSDB_BUCKET,
      tagsFor: (pointId) => {
        const tags = index.get(pointId)?.tags;
        return tags ? { ...tags, test_run: run } : undefined;
      },
    });
  }

  /** Writes the readings and waits until the store answers with all of them. */
  async write(readings: readonly Reading[]): Promise<void> {
    await this.#writer.write(readings);
    const flushed = await fetch(`${stackSettings.TSDB_URL}/internal/force_flush`);
    if (!flushed.ok) throw new Error(`force_flush answered ${flushed.status}`);
    const expected = new Map<string, number>();
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const reading of readings) {
      expected.set(reading.pointId, (expected.get(reading.pointId) ?? 0) + 1);
      from = Math.min(from, reading.ts);
      to = Math.max(to, reading.ts);
    }
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = await this.source.samples([...expected.keys()], from, to);
      if ([...expected].every(([id, count]) => (found.get(id)?.length ?? 0) >= count)) return;
      if (Date.now() > deadline) throw new Error('timed out waiting for the samples in VictoriaMetrics');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async dispose(): Promise<void> {
    await fetch(`${stackSettings.TSDB_URL}/api/v1/admin/tsdb/delete_series`, {
      method: 'POST',
      body: new URLSearchParams({ 'match[]': `{test_run="${this.run}"}` }),
    }).catch(() => undefined);
  }
}

/**
 * A register read every `stepMs` in [fromMs, toMs], rising by `perStep(t)` after the sample at t;
 * `skip` leaves samples out, `wrapAt` makes the register roll over to zero there.
 */
export function registerReadings(
  pointId: string,
  fromMs: number,
  toMs: number,
  perStep: (ms: number) => number,
  options: { start?: number; stepMs?: number; skip?: (ms: number) => boolean; wrapAt?: number } = {},
): Reading[] {
  const readings: Reading[] = [];
  let value = options.start ?? 50_000;
  for (let ts = fromMs; ts <= toMs; ts += options.stepMs ?? MIN) {
    if (!options.skip?.(ts)) readings.push({ pointId, ts, value, quality: 'good' });
    value += perStep(ts);
    if (options.wrapAt !== undefined && value >= options.wrapAt) value -= options.wrapAt;
  }
  return readings;
}
