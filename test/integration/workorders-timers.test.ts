import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../services/runtime/clock.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { MINUTE, T0, WorkOrderHarness } from '../../services/workorders/test-harness.ts';
import { SlaTimers } from '../../services/workorders/timers.ts';
import { PrivateRedis } from '../helpers/private-redis.ts';
import { waitFor } from '../helpers/wait.ts';

/** Real time shifted so that `at` is `leadMs` away: the timers wait in real time, as in production. */
function clockReaching(at: number, leadMs: number): Clock {
  const offset = at - leadMs - Date.now();
  return { nowMs: () => Date.now() + offset, now: () => new Date(Date.now() + offset) };
}

describe('SLA timers survive an emptied Redis', () => {
  const h = new WorkOrderHarness();
  let redis: PrivateRedis;
  const timers: SlaTimers[] = [];

  const newTimers = (clock: Clock): SlaTimers => {
    const t = new SlaTimers({
      store: h.store,
      connection: redis.url,
      prefix: h.prefix,
      clock,
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
      reconcileMs: 60_000,
    });
    timers.push(t);
    return t;
  };

  beforeAll(async () => {
    [redis] = await Promise.all([PrivateRedis.start(), h.open()]);
  });
  afterAll(async () => {
    for (const t of timers) await t.stop().catch(() => undefined);
    await redis?.stop();
    await h.dispose();
  });

  it('records the breach at its deadline, once, after FLUSHALL and a restart of the workers', async () => {
    h.clock.set(T0);
    const incident = await h.fire('lift-fault', 'MB-LIFT-01'); // major: accept within 15 minutes, 24x7
    await h.dispatcher().drain();
    const [order] = await h.store.list({ incidentId: incident.id });
    const id = order?.id as string;
    const deadline = T0 + 15 * MINUTE;
    const breaches = () => h.count('sla_events', 'order_id = $1', [id]);

    const clock = clockReaching(deadline, 2_500);
    const first = newTimers(clock);
    await first.start(); // a delayed job for deadline + 1 ms, in Redis only
    await redis.flushAll(); // the job is gone
    await first.stop();
    expect(await breaches()).toBe(0);

    const restarted = newTimers(clock);
    await restarted.start(); // rebuilt from PostgreSQL
    expect(clock.nowMs()).toBeLessThan(deadline);
    await waitFor(async () => ((await breaches()) > 0 ? true : undefined), 'the breach', 10_000);
    const { rows } = await h.db.pool.query<{ target: string; detected: Date; minutes_over: number }>(
      'select target, detected_at as detected, minutes_over from sla_events where order_id = $1',
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.target).toBe('accept');
    // Detected when the deadline passed (one timer step late at most), not earlier, not at the next reconcile.
    const late = (rows[0]?.detected.getTime() ?? 0) - deadline;
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(1_500);
    expect(rows[0]?.minutes_over).toBeCloseTo(late / MINUTE, 6);

    // Emptied and restarted once more, after the breach: nothing is recorded twice.
    await redis.flushAll();
    await restarted.stop();
    const again = newTimers(clock);
    await again.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await breaches()).toBe(1);
  });
});
