import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runBench } from '../helpers/bench-process.ts';
import { stackSettings } from '../helpers/stack.ts';
import { QUICK_SIZES } from './dashboard/dashboard-bench.ts';

interface Step {
  clients: number;
  connected: number;
  batches_min: number;
  values_per_client_per_s: number;
  trickle_expected: number;
  trickle_incomplete: number;
  snapshot_values: { min: number; max: number };
  lag_p99_ms: number;
}

/**
 * `npm run bench -- dashboard --quick --json` end to end: a real `steward api` process, the live
 * stream on Redis, client fleets in child processes, the work-order list, the bare socket.io peer.
 * Checked is what the figures rest on: every client of every step was authenticated and ready
 * with the whole site's snapshot, every client received live-value batches and every trickle
 * event, the list answered with orders and no failure, and the run left neither keys nor a
 * database behind. No timing is asserted (whether a step passed its criteria is not either).
 */
describe('dashboard benchmark, quick', () => {
  it('prints the table and a JSON line whose figures rest on exact counts', async () => {
    const { code, stdout, stderr } = await runBench(['dashboard', '--quick', '--json']);
    expect(code, stderr.slice(-4_000)).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(stdout).toContain('clients sustained');
    const json = JSON.parse(lines.at(-1) ?? '') as Record<string, unknown>;
    expect(json).toMatchObject({ bench: 'dashboard', quick: true, points: 573, problems: [], errors: {} });

    const steps = json.steps as { steward: Step[]; peer: Step[] };
    for (const [server, list] of Object.entries(steps)) {
      // A step may fail its criteria on a busy machine and end the ramp; the first one always runs.
      expect(list.length, server).toBeGreaterThan(0);
      list.forEach((step, i) => {
        const name = `${server} ${step.clients}`;
        expect(step.clients, name).toBe(QUICK_SIZES.steps[i]);
        expect(step.connected, name).toBe(step.clients);
        expect(step.snapshot_values, name).toEqual({ min: 573, max: 573 });
        expect(step.batches_min, name).toBeGreaterThan(0);
        expect(step.values_per_client_per_s, name).toBeGreaterThan(0);
        expect(step.trickle_expected, name).toBeGreaterThan(0);
        expect(step.trickle_incomplete, name).toBe(0);
        expect(Number.isFinite(step.lag_p99_ms), name).toBe(true);
      });
    }
    expect(typeof json.clients_sustained).toBe('number');
    expect(typeof json.peer_clients_sustained).toBe('number');
    const api = json.api as Record<'idle' | 'loaded', { requests: number; orders: number; failures: object }>;
    for (const load of [api.idle, api.loaded]) {
      expect(load.requests).toBeGreaterThan(0);
      expect(load.orders).toBe(100);
      expect(load.failures).toEqual({});
    }
    expect(json.api_clients).toBe(json.clients_sustained);
    for (const key of ['api_p50_ms', 'api_p99_ms', 'api_idle_p99_ms'])
      expect(Number.isFinite(json[key]), key).toBe(true);
    expect(json.api_p50_ms as number).toBeLessThanOrEqual(json.api_p99_ms as number);

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
  }, 120_000);
});
