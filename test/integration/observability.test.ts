import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuleQueueSink } from '../../gateway/handoff/rule-queues.ts';
import { readingQueueName, shardOf } from '../../gateway/handoff/shards.ts';
import { RuleWorker } from '../../services/rules/worker/index.ts';
import { MINUTE, T0, WorkOrderHarness } from '../../services/workorders/test-harness.ts';
import { SlaTimers } from '../../services/workorders/timers.ts';
import { reading, HARNESS_SITE as SITE } from '../helpers/rule-harness.ts';
import { stackSettings } from '../helpers/stack.ts';
import { waitFor } from '../helpers/wait.ts';

type LogLine = Record<string, unknown> & { msg: string };

/**
 * What an operator follows from a reading to a work order: the queue backlog and evaluation time
 * on /metrics, and the ids in the JSON log lines that link a reading's equipment and time to its
 * incident, and the incident to its order.
 */
describe('observability from a reading to a work order', () => {
  const h = new WorkOrderHarness();
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
  );
  const registry = new Registry();
  const shards = 2;
  let sink: RuleQueueSink;
  let worker: RuleWorker;
  let timers: SlaTimers;

  beforeAll(async () => {
    await h.open();
    sink = new RuleQueueSink({
      connection: h.redis,
      prefix: h.prefix,
      site: SITE,
      shards,
      metrics: registry,
    });
  });
  afterAll(async () => {
    await timers?.stop();
    await worker?.stop();
    await sink?.close();
    const keys = await h.redis.keys(`${h.prefix}:*`);
    if (keys.length > 0) await h.redis.del(...keys);
    await h.dispose();
  });

  const sample = async (name: string, labels: string): Promise<number | undefined> => {
    const text = await registry.metrics();
    const match = new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };

  it('shows the reading waiting on its shard queue, then the rule evaluation, then the chain of ids in the logs', async () => {
    const queue = readingQueueName(SITE, shardOf('MB-LIFT-01', shards));
    await sink.write([reading('MB-LIFT-01.trapped_passenger', T0, 1)]);
    expect(await sample('steward_queue_jobs', `queue="${queue}",state="wait"`)).toBe(1);

    worker = new RuleWorker({
      model: h.model,
      site: SITE,
      redis: h.redis,
      connection: stackSettings.REDIS_URL,
      prefix: h.prefix,
      shards,
      incidents: h.incidents,
      clock: h.clock,
      logger: logger.child({ component: 'rule-worker' }),
      metrics: registry,
      tickMs: 60_000,
      holdTicksForHandoff: false,
    });
    await worker.start();
    const [incident] = await waitFor(async () => {
      const found = await h.incidents.openIncidents({
        ruleId: 'lift-trapped-passenger',
        equipmentId: 'MB-LIFT-01',
      });
      return found.length > 0 ? found : undefined;
    }, 'the incident');
    await waitFor(
      async () =>
        (await sample('steward_queue_jobs', `queue="${queue}",state="wait"`)) === 0 ? true : undefined,
      'the queue to drain',
    );
    expect(await sample('steward_rule_evaluation_seconds_count', 'kind="readings"')).toBeGreaterThanOrEqual(
      1,
    );

    const dispatcher = h.dispatcher({ logger: logger.child({ component: 'workorder-dispatcher' }) });
    await dispatcher.drain();
    const [order] = await h.store.list({ incidentId: incident?.id ?? '' });
    expect(order).toBeDefined();

    const fired = lines.find((line) => line.msg === 'rule fired' && line.equipmentId === 'MB-LIFT-01');
    expect(fired).toMatchObject({
      ruleId: 'lift-trapped-passenger',
      at: new Date(T0).toISOString(),
      // The key of the reading written to the rule queue above (and the store's sample).
      reading: `MB-LIFT-01.trapped_passenger@${new Date(T0).toISOString()}`,
      outcome: 'opened',
      incidentId: incident?.id,
    });
    const dispatched = lines.find((line) => line.msg === 'incident event dispatched');
    expect(dispatched).toMatchObject({ incidentId: incident?.id, outcome: 'created', orderId: order?.id });
  });

  it('shows the pending SLA checks as delayed jobs of the sla-timers queue', async () => {
    timers = new SlaTimers({
      store: h.store,
      connection: stackSettings.REDIS_URL,
      prefix: h.prefix,
      clock: h.clock,
      logger,
      metrics: registry,
    });
    await timers.start();
    // The order above waits for its vendor to accept it (a trapped passenger: within minutes).
    const [order] = await h.store.list({});
    expect(order?.nextCheckAtMs).toBeGreaterThan(T0);
    expect(order?.nextCheckAtMs).toBeLessThanOrEqual(T0 + 60 * MINUTE);
    expect(await sample('steward_queue_jobs', 'queue="sla-timers",state="delayed"')).toBe(1);
  });
});
