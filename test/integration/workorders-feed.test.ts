import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWorkOrderEvent } from '../../services/notifications/index.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import type { WorkOrderMessage } from '../../services/workorders/changes.ts';
import { actors, MINUTE, T0, WorkOrderHarness } from '../../services/workorders/test-harness.ts';
import { TransitionFeed } from '../../services/workorders/transition-feed.ts';

describe('the transition feed: every committed transition handed on, at least once, from a cursor', () => {
  const h = new WorkOrderHarness();
  const delivered: WorkOrderMessage[] = [];
  const feed = (deliver = async (message: WorkOrderMessage) => void delivered.push(message)) =>
    new TransitionFeed({
      store: h.store,
      consumer: 'webhooks',
      deliver,
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
      gapGraceMs: 0,
      pollMs: 60_000,
    });

  beforeAll(async () => {
    await h.open();
  });
  afterAll(() => h.dispose());

  it('hands on each transition once with the vendor of its moment; a failed hand-off is retried', async () => {
    h.clock.set(T0);
    const incident = await h.fire('lift-fault', 'MB-LIFT-01');
    await h.dispatcher().drain();
    const [order] = await h.store.list({ incidentId: incident.id });
    const id = order?.id as string;

    const first = feed();
    await first.start();
    expect(await first.drain()).toBe(2);
    expect(delivered.map((m) => [m.action, m.vendorId, m.seq])).toEqual([
      ['create', null, 1],
      ['dispatch', 'antu-lifts', 2],
    ]);
    expect(await first.drain()).toBe(0);

    h.clock.advance(MINUTE);
    await h.service.reject(actors.lifts, id, { reason: '不属于我方维保范围' });
    // The receiver side fails once: nothing is lost, the cursor stays.
    const failing = feed(async () => {
      throw new Error('redis away');
    });
    await failing.start();
    await expect(failing.drain()).rejects.toThrow('redis away');
    await failing.stop();

    h.clock.advance(MINUTE);
    await h.service.reassign(actors.manager, id, { contractId: 'property-compound-2025', reason: '改派' });
    const restarted = feed(); // another process, same cursor
    await restarted.start();
    expect(await restarted.drain()).toBe(2);
    expect(delivered.slice(2).map((m) => [m.action, m.vendorId, m.previousVendorId])).toEqual([
      ['reject', 'antu-lifts', undefined],
      ['reassign', 'hengyuan-property', 'antu-lifts'],
    ]);
    // What the workers role hands to the webhook notifier must fit its event schema.
    expect(delivered.filter((message) => !isWorkOrderEvent(message))).toEqual([]);
    await first.stop();
    await restarted.stop();
  });
});
