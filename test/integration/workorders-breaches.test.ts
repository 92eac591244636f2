import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actors, HOUR, MINUTE, T0, WorkOrderHarness } from '../../services/workorders/test-harness.ts';

describe('SLA breaches recorded from the transition history, once', () => {
  const h = new WorkOrderHarness();

  beforeAll(async () => {
    await h.open();
  });
  afterAll(async () => {
    await h.dispose();
  });

  async function orderFor(ruleId: string, equipmentId: string): Promise<string> {
    const incident = await h.fire(ruleId, equipmentId);
    await h.dispatcher().drain();
    const [order] = await h.store.list({ incidentId: incident.id });
    if (!order) throw new Error('no order was created');
    return order.id;
  }

  it('records the accept breach at its deadline + 1 ms with the minutes over, and nothing more when called again', async () => {
    h.clock.set(T0);
    // A major lift fault: accept within 15 minutes, 24x7.
    const id = await orderFor('lift-fault', 'MB-LIFT-01');
    const deadline = T0 + 15 * MINUTE;
    expect(await h.store.pendingChecks()).toContainEqual({ orderId: id, nextCheckAtMs: deadline + 1 });

    // At the deadline itself the target still runs.
    h.clock.set(deadline);
    expect(await h.store.recordBreaches(id, deadline)).toEqual({ recorded: [], nextCheckAtMs: deadline + 1 });

    h.clock.set(deadline + 1);
    const first = await h.store.recordBreaches(id, deadline + 1);
    expect(first.recorded).toEqual([
      {
        orderId: id,
        leg: 0,
        target: 'accept',
        vendorId: 'antu-lifts',
        contractId: 'lifts-2025',
        severity: 'major',
        category: 'lift_maintenance',
        deadlineMs: deadline,
        detectedAtMs: deadline + 1,
        minutesOver: 1 / 60_000,
        provisional: false,
      },
    ]);
    // Next: the arrive deadline (120 minutes from the dispatch) + 1 ms.
    expect(first.nextCheckAtMs).toBe(T0 + 120 * MINUTE + 1);

    h.clock.set(deadline + 10 * MINUTE);
    expect(await h.store.recordBreaches(id, deadline + 10 * MINUTE)).toEqual({
      recorded: [],
      nextCheckAtMs: T0 + 120 * MINUTE + 1,
    });
    expect(await h.count('sla_events', 'order_id = $1', [id])).toBe(1);
    const [timeline] = (await h.store.openOrderTimelines()).filter((entry) => entry.orderId === id);
    expect(timeline).toMatchObject({ nextCheckAtMs: T0 + 120 * MINUTE + 1, buildingCode: '330302A001' });
    expect(timeline?.records.map((record) => record.action)).toEqual(['create', 'dispatch']);

    const breaches = await h.registry.getSingleMetric('steward_work_order_breaches_recorded_total')?.get();
    expect(breaches?.values).toEqual([expect.objectContaining({ labels: { target: 'accept' }, value: 1 })]);
  });

  it('a late accept before the timer fired asks for a check now, so the breach is still recorded', async () => {
    h.clock.set(T0 + HOUR);
    const id = await orderFor('lift-fault', 'MB-LIFT-02');
    h.clock.set(T0 + HOUR + 20 * MINUTE);
    const accepted = await h.service.accept(actors.lifts, id);
    expect(accepted.order.nextCheckAtMs).toBe(T0 + HOUR + 20 * MINUTE);
    const { recorded, nextCheckAtMs } = await h.store.recordBreaches(id, h.clock.nowMs());
    expect(recorded).toEqual([
      expect.objectContaining({ target: 'accept', deadlineMs: T0 + HOUR + 15 * MINUTE, minutesOver: 5 }),
    ]);
    expect(nextCheckAtMs).toBe(T0 + HOUR + 120 * MINUTE + 1);
    expect((await h.store.get(id)).order.nextCheckAtMs).toBe(T0 + HOUR + 120 * MINUTE + 1);
    // After the breach is recorded, later transitions schedule the next deadline again.
    h.clock.advance(MINUTE);
    const arrived = await h.service.arrive(actors.lifts, id);
    expect(arrived.order.nextCheckAtMs).toBe(T0 + HOUR + 480 * MINUTE + 1);
  });

  it('counts a working-hours SLA on the site’s calendar: a Friday-evening minor fault is due on Monday', async () => {
    // Friday 2026-11-20 17:20 in Asia/Shanghai: 10 working minutes left that day.
    const friday = Date.UTC(2026, 10, 20, 9, 20);
    h.clock.set(friday);
    const id = await orderFor('ahu-filter-clogged', 'AB-AHU-01');
    const order = (await h.store.get(id)).order;
    expect(order.order.assignment?.sla).toMatchObject({ acceptMinutes: 30, clock: 'working_hours' });
    // 10 minutes on Friday, 20 from 08:30 on Monday 2026-11-23.
    const monday = Date.UTC(2026, 10, 23, 0, 50);
    expect(order.nextCheckAtMs).toBe(monday + 1);
    expect((await h.store.recordBreaches(id, Date.UTC(2026, 10, 21, 12, 0))).recorded).toEqual([]);
    const { recorded } = await h.store.recordBreaches(id, monday + 1);
    expect(recorded).toEqual([expect.objectContaining({ target: 'accept', deadlineMs: monday })]);
  });

  it('answers not_found for an order that does not exist', async () => {
    await expect(h.store.recordBreaches('987654321', T0)).rejects.toMatchObject({ code: 'not_found' });
  });
});
