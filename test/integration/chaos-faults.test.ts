import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK, QUICK_SLA, runScenario, type ScenarioName, type ScenarioResult } from '../chaos/scenarios.ts';
import { ChaosStack } from '../chaos/stack.ts';

/**
 * The short variants of `npm run chaos -- <name> --quick` (test/chaos/run.ts), one after another
 * on one private stack (its own redis-server, VictoriaMetrics, PostgreSQL cluster and steward
 * gateway / workers / api processes): 1,500 readings/s over MQTT QoS 1 from 100 meters, a door
 * forced open every 2.5 s on a door of its own, a 10 s fault. Every acknowledged reading is
 * stored once, every acknowledged door fault is one incident and one work order for the security
 * vendor, every SLA deadline that passed is recorded once, and the processes recover by
 * themselves. Later scenarios also run on processes that already went through the earlier faults.
 */
describe('faults under load (chaos --quick)', () => {
  const stack = new ChaosStack({ loadDeviceCount: 100, sla: QUICK_SLA });
  beforeAll(() => stack.start(), 120_000);
  afterAll(() => stack.dispose(), 60_000);

  const run = async (name: ScenarioName): Promise<ScenarioResult> => {
    try {
      return await runScenario(stack, name, QUICK);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${stack.output()}`, { cause: error });
    }
  };

  const expectNothingLost = (result: ScenarioResult): void => {
    const { readings, incidents, orders, breaches } = result;
    // The load flowed, the faults were injected and breaches fell due: the checks had something to check.
    expect(readings.sent).toBeGreaterThan(5_000);
    expect(result.faultsInjected).toBe(6);
    expect(breaches.due).toBeGreaterThan(0);
    expect({ lost: readings.lost, duplicated: readings.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(readings.stored).toBe(readings.sent + readings.storedUnacknowledged);
    expect(incidents).toEqual({ expected: 6, created: 6, lost: 0, duplicated: 0 });
    expect(orders).toEqual({ expected: 6, created: 6, lost: 0, duplicated: 0, misrouted: 0 });
    expect(result.apiListed).toBe(6);
    // A manager's live dashboard heard every order dispatched while it could, once.
    expect(result.live.expected).toBeGreaterThan(0);
    expect(result.live).toMatchObject({ received: result.live.expected, duplicated: 0 });
    expect(result.failedJobs).toEqual({ rules: 0, slaTimers: 0 });
    expect({ missed: breaches.missed, duplicated: breaches.duplicated, wrong: breaches.wrong }).toEqual({
      missed: 0,
      duplicated: 0,
      wrong: 0,
    });
    expect(breaches.recorded).toBeGreaterThanOrEqual(breaches.due);
    // Recovered by themselves: healthy, none crashed, the ones not killed still the same processes.
    expect(result.health).toEqual({ gateway: 'up', workers: 'up', api: 'up' });
    expect(result.unexpectedExits).toEqual([]);
    expect(result.replacedProcesses).toEqual([]);
  };

  it('gateway-kill: devices reconnect to the restarted gateway; its spool loses nothing', async () => {
    const result = await run('gateway-kill');
    expect(result.healthDuringFault.gateway).toBe('not running');
    expect(result.load.skippedOffline).toBeGreaterThan(0);
    expect(result.metersBackMs).toBeGreaterThanOrEqual(0);
    expectNothingLost(result);
  }, 150_000);

  it('worker-kill: the restarted workers take their shards and SLA timers back', async () => {
    const result = await run('worker-kill');
    expect(result.healthDuringFault.workers).toBe('not running');
    expectNothingLost(result);
  }, 150_000);

  it('api-kill: the API comes back on its port and lists every order', async () => {
    const result = await run('api-kill');
    expect(result.healthDuringFault.api).toBe('not running');
    expect(result.live.reconnects).toBeGreaterThanOrEqual(1);
    expectNothingLost(result);
  }, 150_000);

  it('redis-outage: every process carries on once Redis is back', async () => {
    const result = await run('redis-outage');
    expect(result.healthDuringFault.gateway).toMatch(/down: .*redis/);
    expectNothingLost(result);
  }, 150_000);

  it('postgres-outage: every process carries on once PostgreSQL is back', async () => {
    const result = await run('postgres-outage');
    expect(result.healthDuringFault.workers).toMatch(/down: .*postgres/);
    expectNothingLost(result);
  }, 150_000);
});
