import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrdersChannel } from '../../services/workorders/changes.ts';
import type { WorkOrderMessage } from '../../services/workorders/index.ts';
import { actors, HOUR, MINUTE, T0, WorkOrderHarness } from '../../services/workorders/test-harness.ts';
import { stackSettings } from '../helpers/stack.ts';
import { waitFor } from '../helpers/wait.ts';

describe('work-order dispatcher on a real PostgreSQL and Redis', () => {
  const h = new WorkOrderHarness();

  beforeAll(async () => {
    await h.open();
  });
  afterAll(async () => {
    await h.dispose();
  });

  const ordersOf = (incidentId: string) => h.store.list({ incidentId });

  it('turns a lift fault in 330302A001 into exactly one order dispatched to the lift contract’s vendor, woken by Redis', async () => {
    const messages: WorkOrderMessage[] = [];
    const listener = new Redis(stackSettings.REDIS_URL);
    listener.on('message', (_channel: string, message: string) => {
      messages.push(JSON.parse(message) as WorkOrderMessage);
    });
    await listener.subscribe(workOrdersChannel(h.prefix));
    // The harness polls once a minute: the order must come from the incidents channel's wake-up.
    const dispatcher = h.dispatcher({ redisUrl: stackSettings.REDIS_URL });
    await dispatcher.start();
    try {
      h.clock.set(T0);
      const incident = await h.fire('lift-fault', 'MB-LIFT-01');
      const [order] = await waitFor(async () => {
        const found = await ordersOf(incident.id);
        return found.length > 0 ? found : undefined;
      }, 'the order of the lift fault');
      expect(order).toMatchObject({
        state: 'dispatched',
        buildingCode: '330302A001',
        category: 'lift_maintenance',
        severity: 'major',
        vendorId: 'antu-lifts',
        contractId: 'lifts-2025',
        route: { kind: 'contract', dispatch: 'immediate', contractId: 'lifts-2025' },
        officeQueueReason: null,
        createdAtMs: T0,
        // major on lifts-2025: accept within 15 minutes, 24x7; the timers look 1 ms after.
        nextCheckAtMs: T0 + 15 * MINUTE + 1,
      });
      const detail = await h.store.get(order?.id ?? '');
      expect(detail.transitions.map((t) => [t.seq, t.record.action, t.record.from, t.record.to])).toEqual([
        [1, 'create', null, 'created'],
        [2, 'dispatch', 'created', 'dispatched'],
      ]);
      expect(detail.transitions[1]?.record).toMatchObject({
        atMs: T0,
        actor: { role: 'system' },
        assignment: {
          vendorId: 'antu-lifts',
          contractId: 'lifts-2025',
          sla: { acceptMinutes: 15, arriveMinutes: 120, resolveMinutes: 480, clock: '24x7' },
        },
      });
      expect(detail.incidents).toEqual([
        expect.objectContaining({ incidentId: incident.id, incidentState: 'active' }),
      ]);
      const published = await waitFor(
        async () => (messages.some((m) => m.action === 'dispatch') ? messages : undefined),
        'the dispatch message on the work-orders channel',
      );
      expect(published.map((m) => [m.orderId, m.vendorId, m.state, m.action])).toEqual([
        [order?.id, null, 'created', 'create'],
        [order?.id, 'antu-lifts', 'dispatched', 'dispatch'],
        [order?.id, 'antu-lifts', 'dispatched', 'incident_linked'],
      ]);
    } finally {
      await dispatcher.stop();
      listener.disconnect();
    }
  });

  it('creates nothing more when the event is delivered again or the dispatcher restarts', async () => {
    const before = await h.count('work_orders');
    const links = await h.count('work_order_incidents');
    // Redelivery: the cursor goes back to the start, every event comes again.
    await h.db.pool.query(`update work_order_cursors set last_event_id = 0 where consumer = 'dispatcher'`);
    const again = h.dispatcher();
    await again.start();
    await again.drain();
    await again.stop();
    const restarted = h.dispatcher();
    await restarted.start();
    expect(await restarted.drain()).toBe(0);
    await restarted.stop();
    expect(await h.count('work_orders')).toBe(before);
    expect(await h.count('work_order_incidents')).toBe(links);
    expect(await h.count('work_order_transitions')).toBe(2 * before);
  });

  it('keeps an energy incident at an outside building in the office queue, flagged no_covering_contract', async () => {
    const dispatcher = h.dispatcher();
    await dispatcher.start();
    const incident = await h.fire('meter-offline', 'OB1-EM-01000');
    await dispatcher.drain();
    await dispatcher.stop();
    const [order, ...more] = await ordersOf(incident.id);
    expect(more).toEqual([]);
    expect(order).toMatchObject({
      state: 'created',
      buildingCode: '330302A004',
      category: 'energy_management',
      vendorId: null,
      officeQueueReason: 'no_covering_contract',
      route: { kind: 'office_queue', reason: 'no_covering_contract', contractIds: [] },
      nextCheckAtMs: null,
    });
    const queue = await h.store.list({ officeQueue: true });
    expect(queue.map((o) => o.id)).toContain(order?.id);
    // The office dispatches it to a vendor of its choice; it leaves the queue.
    const dispatched = await h.service.dispatch(actors.manager, order?.id ?? '', {
      contractId: 'property-outside-2025',
    });
    expect(dispatched.order).toMatchObject({
      state: 'dispatched',
      vendorId: 'hejia-property',
      officeQueueReason: null,
    });
  });

  it('joins two minor incidents of one building, category and day into one order of the property contract', async () => {
    const dispatcher = h.dispatcher();
    await dispatcher.start();
    h.clock.set(T0 + HOUR);
    const first = await h.fire('ahu-filter-clogged', 'MB-AHU-01');
    await dispatcher.drain();
    h.clock.set(T0 + 2 * HOUR);
    const second = await h.fire('ahu-filter-clogged', 'MB-AHU-02');
    await dispatcher.drain();
    await dispatcher.stop();
    const [order] = await ordersOf(first.id);
    expect(await ordersOf(second.id)).toEqual([order]);
    expect(order).toMatchObject({
      state: 'dispatched',
      vendorId: 'hengyuan-property',
      contractId: 'property-compound-2025',
      groupKey: 'property-compound-2025/330302A001/facility_maintenance/2026-11-23',
      route: { kind: 'contract', dispatch: 'daily_group' },
    });
    expect(order?.order.incidentIds).toEqual([first.id, second.id]);
    // The SLA counts from the group's dispatch, at the first incident.
    const timeline = await h.store.timeline(order?.id ?? '');
    expect(timeline.map((r) => [r.action, r.atMs])).toEqual([
      ['create', T0 + HOUR],
      ['dispatch', T0 + HOUR],
    ]);
  });

  it('reopens the same fault’s order closed within 72 h (重复故障), and opens a new one after', async () => {
    const dispatcher = h.dispatcher();
    await dispatcher.start();
    h.clock.set(T0 + 3 * HOUR);
    const incident = await h.fire('lift-fault', 'MB-LIFT-02');
    await dispatcher.drain();
    const [order] = await ordersOf(incident.id);
    const id = order?.id ?? '';
    h.clock.advance(5 * MINUTE);
    await h.service.accept(actors.lifts, id);
    h.clock.advance(20 * MINUTE);
    await h.service.arrive(actors.lifts, id);
    h.clock.advance(30 * MINUTE);
    await h.clear('lift-fault', 'MB-LIFT-02');
    await h.service.resolve(actors.lifts, id, { cause: '门机皮带磨损', actionTaken: '更换门机皮带' });
    await h.service.verify(actors.operator, id);
    const closed = await h.service.close(actors.manager, id);
    const closedAtMs = closed.order.closedAtMs ?? 0;

    // Two days later the same lift reports the same fault: a new incident row (the window has passed).
    h.clock.set(closedAtMs + 48 * HOUR);
    const repeat = await h.fire('lift-fault', 'MB-LIFT-02');
    expect(repeat.id).not.toBe(incident.id);
    await dispatcher.drain();
    expect(await ordersOf(repeat.id)).toEqual([expect.objectContaining({ id, state: 'dispatched' })]);
    const detail = await h.store.get(id);
    expect(detail.transitions.at(-1)?.record).toMatchObject({
      action: 'reopen',
      from: 'closed',
      to: 'dispatched',
      atMs: closedAtMs + 48 * HOUR,
      actor: { role: 'system' },
      assignment: { vendorId: 'antu-lifts' },
    });
    expect(detail.order.closedAtMs).toBeNull();
    expect(detail.incidents.map((link) => link.incidentId)).toEqual([incident.id, repeat.id]);

    // Closed again, and the fault comes back 72 h and 1 s later: a new order.
    h.clock.advance(MINUTE);
    await h.service.accept(actors.lifts, id);
    await h.service.arrive(actors.lifts, id);
    await h.clear('lift-fault', 'MB-LIFT-02');
    await h.service.resolve(actors.lifts, id, { cause: '复查', actionTaken: '调整门刀' });
    await h.service.verify(actors.manager, id);
    const closedAgain = await h.service.close(actors.manager, id);
    h.clock.set((closedAgain.order.closedAtMs ?? 0) + 72 * HOUR + 1_000);
    const late = await h.fire('lift-fault', 'MB-LIFT-02');
    await dispatcher.drain();
    await dispatcher.stop();
    const [fresh] = await ordersOf(late.id);
    expect(fresh?.id).not.toBe(id);
    expect(fresh).toMatchObject({ state: 'dispatched', vendorId: 'antu-lifts' });
    expect((await h.store.get(id)).order.state).toBe('closed');

    // Repeat-failure rate of the lift vendor over the period: one of its two orders was reopened.
    const [lifts] = await h.service.performance(actors.manager, {
      fromMs: T0 + 3 * HOUR,
      toMs: h.clock.nowMs() + 1,
      vendorId: 'antu-lifts',
    });
    expect(lifts).toMatchObject({
      vendorId: 'antu-lifts',
      category: 'lift_maintenance',
      orders: 2,
      legs: 3,
      reopenedOrders: 1,
      repeatFailureRate: 0.5,
      accepted: 2,
      meanMinutesToAccept: 3,
    });
  });

  it('runs a trapped-passenger rescue under the 困人 profile: on site within 30 minutes, day and night', async () => {
    const dispatcher = h.dispatcher();
    await dispatcher.start();
    h.clock.set(T0 + 12 * HOUR);
    const incident = await h.fire('lift-trapped-passenger', 'AA-LIFT-01');
    await dispatcher.drain();
    await dispatcher.stop();
    const [order] = await ordersOf(incident.id);
    expect(order).toMatchObject({
      slaProfile: 'trapped_passenger',
      severity: 'critical',
      vendorId: 'antu-lifts',
    });
    expect(order?.order.assignment?.sla).toEqual({
      acceptMinutes: 5,
      arriveMinutes: 30,
      resolveMinutes: 120,
      clock: '24x7',
    });
  });

  it('waits for a hole in the event ids before passing over it', async () => {
    const dispatcher = h.dispatcher({ gapGraceMs: 300 });
    await dispatcher.start();
    await dispatcher.drain();
    // An id taken by a transaction that has not committed yet (or never will).
    await h.db.pool.query(`select nextval(pg_get_serial_sequence('incident_events', 'id'))`);
    h.clock.set(T0 + 13 * HOUR);
    const incident = await h.fire('door-forced-open', 'MB-DOOR-01');
    expect(await dispatcher.drain()).toBe(0);
    expect(await ordersOf(incident.id)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await dispatcher.drain()).toBe(1);
    await dispatcher.stop();
    expect(await ordersOf(incident.id)).toEqual([
      expect.objectContaining({ vendorId: 'jindun-security', state: 'dispatched' }),
    ]);
  });

  it('ignores events that open no episode and counts what it did', async () => {
    const handled = await h.registry.getSingleMetric('steward_work_order_dispatcher_events_total')?.get();
    const byOutcome = Object.fromEntries(
      (handled?.values ?? []).map((value) => [value.labels.outcome, value.value]),
    );
    expect(byOutcome).toMatchObject({ created: expect.any(Number), ignored: expect.any(Number), joined: 1 });
    expect(byOutcome.reopened).toBe(1);
    expect(byOutcome.office_queue).toBe(1);
    const created = await h.registry.getSingleMetric('steward_work_orders_created_total')?.get();
    expect(created?.values.find((value) => value.labels.route === 'office_queue')?.value).toBe(1);
    expect(created?.values.find((value) => value.labels.route === 'daily_group')?.value).toBe(1);
  });
  it('several dispatchers racing on one database handle every event exactly once', async () => {
    h.clock.set(T0 + 14 * HOUR);
    const doors = ['MB-DOOR-02', 'MB-DOOR-03', 'MB-DOOR-04', 'MB-DOOR-05', 'MB-DOOR-06', 'MB-DOOR-07'];
    const fired = [];
    for (const door of doors) fired.push(await h.fire('door-forced-open', door));
    fired.push(await h.fire('ahu-filter-clogged', 'AA-AHU-01'));
    fired.push(await h.fire('ahu-filter-clogged', 'AA-AHU-02'));
    const racers = [h.dispatcher(), h.dispatcher(), h.dispatcher()];
    const handled = await Promise.all(racers.map((racer) => racer.drain()));
    expect(handled.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(fired.length);
    const ids = fired.map((incident) => incident.id);
    const { rows } = await h.db.pool.query<{ incident_id: string; order_id: string }>(
      'select incident_id, order_id from work_order_incidents where incident_id = any($1::bigint[])',
      [ids],
    );
    expect(rows.map((row) => row.incident_id).sort()).toEqual([...ids].sort());
    // Six doors, six orders; the two filters of one building and day, one order.
    expect(new Set(rows.map((row) => row.order_id)).size).toBe(doors.length + 1);
    const { rows: cursor } = await h.db.pool.query<{ last_event_id: string }>(
      `select last_event_id from work_order_cursors where consumer = 'dispatcher'`,
    );
    const { rows: last } = await h.db.pool.query<{ id: string }>('select max(id) as id from incident_events');
    expect(cursor[0]?.last_event_id).toBe(last[0]?.id);
  });
});
