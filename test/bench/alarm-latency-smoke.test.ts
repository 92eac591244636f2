import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runBench } from '../helpers/bench-process.ts';
import { stackSettings } from '../helpers/stack.ts';
import { QUICK_SIZES } from './alarm-latency/alarm-bench.ts';

/**
 * `npm run bench -- alarm-latency --quick --json` end to end: real `steward gateway` and
 * `steward workers` processes, background load, probes, the gateway bursts and the sample-site
 * drains. Checked is what the figures rest on: every probe produced its incident (one `fired`
 * event each, nothing else), every count was exact, every figure is a finite number, and the run
 * left neither keys nor a database behind. No timing is asserted.
 */
describe('alarm-latency benchmark, quick', () => {
  it('prints the table and a JSON line whose figures rest on exact counts', async () => {
    const { code, stdout, stderr } = await runBench(['alarm-latency', '--quick', '--json']);
    expect(code, stderr.slice(-4_000)).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(stdout).toContain('incident event received');
    const json = JSON.parse(lines.at(-1) ?? '') as Record<string, unknown>;

    expect(json).toMatchObject({
      bench: 'alarm-latency',
      quick: true,
      exact: true,
      problems: [],
      errors: {},
    });
    expect(json.probes).toBe(QUICK_SIZES.probes);
    expect(json.probes_arrived).toBe(QUICK_SIZES.probes);
    expect((json.latency as { kinds: unknown }).kinds).toEqual({
      fired: QUICK_SIZES.probes + QUICK_SIZES.warmupProbes,
    });
    for (const key of [
      'p50_ms',
      'p90_ms',
      'p99_ms',
      'max_ms',
      'floor_p50_ms',
      'floor_p99_ms',
      'background_achieved_per_s',
      'rule_eval_readings_per_s',
      'rule_eval_small_batch_readings_per_s',
      'evaluator_readings_per_s',
      'gateway_readings_per_s',
      'gateway_packed_readings_per_s',
    ]) {
      expect(Number.isFinite(json[key]), key).toBe(true);
      expect(json[key] as number, key).toBeGreaterThan(0);
    }
    // Order, not speed: percentiles of one set of probes.
    expect(json.p50_ms as number).toBeLessThanOrEqual(json.p99_ms as number);
    expect(json.p99_ms as number).toBeLessThanOrEqual(json.max_ms as number);
    expect(typeof json.workers_keep_up).toBe('boolean');

    const redis = new Redis(stackSettings.REDIS_URL);
    const admin = new pg.Client({ connectionString: stackSettings.DATABASE_URL });
    try {
      expect(await redis.keys(`${String(json.redis_prefix)}*`)).toEqual([]);
      await admin.connect();
      const databases = await admin.query('select 1 from pg_database where datname = $1', [json.database]);
      expect(databases.rowCount).toBe(0);
    } finally {
      redis.disconnect();
      await admin.end();
    }
  }, 150_000);
});
