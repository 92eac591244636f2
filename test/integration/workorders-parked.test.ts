import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentEventFailure } from '../../services/workorders/dispatcher.ts';
import { T0, WorkOrderHarness } from '../../services/workorders/test-harness.ts';
import { runSteward } from '../helpers/steward-process.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Poison events: an incident event whose handling fails on every attempt is parked after a
 * bounded number of attempts and later incidents still become orders; a failure of the database
 * itself is retried from the cursor and never parks anything.
 *
 * The failures are real PostgreSQL errors inside the dispatcher's transaction: a trigger of this
 * test's private database on `work_order_incidents` refuses to link the incidents listed in
 * `test_poisoned_incidents` with the SQLSTATE given there, or terminates the dispatcher's own
 * backend (`terminate`). Removing the row removes the cause.
 */
describe('work-order dispatcher parking poison events, on a real PostgreSQL', () => {
  const h = new WorkOrderHarness();

  beforeAll(async () => {
    await h.open();
    await h.db.pool.query(`
      create table test_poisoned_incidents (incident_id bigint primary key, failure text not null);
      create function test_poison() returns trigger language plpgsql as $$
      declare
        failure text;
      begin
        select p.failure into failure from test_poisoned_incidents p where p.incident_id = new.incident_id;
        if failure = 'terminate' then
          perform pg_terminate_backend(pg_backend_pid());
        elsif failure is not null then
          raise exception 'incident % is poisoned for this test', new.incident_id using errcode = failure;
        end if;
        return new;
      end $$;
      create trigger test_poison before insert on work_order_incidents
        for each row execute function test_poison();
    `);
  });
  afterAll(async () => {
    await h.dispose();
  });

  const poison = (incidentId: string, failure: string) =>
    h.db.pool.query('insert into test_poisoned_incidents (incident_id, failure) values ($1, $2)', [
      incidentId,
      failure,
    ]);
  const cure = (incidentId: string) =>
    h.db.pool.query('delete from test_poisoned_incidents where incident_id = $1', [incidentId]);
  const ordersOf = (incidentId: string) => h.store.list({ incidentId });
  const firedEventOf = async (incidentId: string): Promise<string> => {
    const { rows } = await h.db.pool.query<{ id: string }>(
      `select id from incident_events where incident_id = $1 and kind = 'fired'`,
      [incidentId],
    );
    return rows[0]?.id ?? '';
  };
  const cursor = async (): Promise<string | undefined> => {
    const { rows } = await h.db.pool.query<{ last_event_id: string }>(
      `select last_event_id from work_order_cursors where consumer = 'dispatcher'`,
    );
    return rows[0]?.last_event_id;
  };
  const lastEventId = async (): Promise<string | undefined> => {
    const { rows } = await h.db.pool.query<{ id: string }>('select max(id)::text as id from incident_events');
    return rows[0]?.id;
  };
  const counter = async (name: string): Promise<number> =>
    (await h.registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;

  let parkedEventId = '';
  let parkedIncidentId = '';

  it('parks an event failing on every attempt after three, and the incidents after it still become orders', async () => {
    const dispatcher = h.dispatcher();
    h.clock.set(T0);
    const bad = await h.fire('lift-fault', 'MB-LIFT-01');
    await poison(bad.id, '23514');
    const later = [
      await h.fire('door-forced-open', 'MB-DOOR-02'),
      await h.fire('door-forced-open', 'MB-DOOR-03'),
    ];
    parkedEventId = await firedEventOf(bad.id);
    parkedIncidentId = bad.id;

    // Attempts 1 and 2: the drain stops at the event, as before; nothing after it is handled.
    for (const attempt of [1, 2]) {
      const failure = await dispatcher.drain().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(IncidentEventFailure);
      expect(failure).toMatchObject({
        eventId: parkedEventId,
        incidentId: bad.id,
        transient: false,
        attempt,
      });
      expect(await ordersOf(later[0]?.id ?? '')).toEqual([]);
    }
    expect(await h.store.listParked()).toEqual([]);

    // Attempt 3 parks it and goes on: one parked, two orders.
    expect(await dispatcher.drain()).toBe(3);
    for (const incident of later) {
      expect(await ordersOf(incident.id)).toEqual([expect.objectContaining({ state: 'dispatched' })]);
    }
    expect(await ordersOf(bad.id)).toEqual([]);
    // The order the failed attempts created was rolled back with them.
    expect(await h.count('work_orders')).toBe(later.length);
    expect(await dispatcher.listParked()).toEqual([
      {
        parkedId: expect.any(String),
        consumer: 'dispatcher',
        eventId: parkedEventId,
        incidentId: bad.id,
        kind: 'fired',
        errorCode: '23514',
        errorMessage: `incident ${bad.id} is poisoned for this test`,
        attempts: 3,
        parkedAtMs: T0,
        orderId: null,
        redispatched: null,
      },
    ]);
    expect(await counter('steward_work_order_dispatcher_parked_total')).toBe(1);
    expect(await cursor()).toBe(await lastEventId());
    // The event stays where it was, for a person.
    expect(await h.count('incident_events', 'id = $1', [parkedEventId])).toBe(1);

    // Parked once: nothing left to do, nothing parked again.
    expect(await dispatcher.drain()).toBe(0);
    expect(await h.count('work_order_parked_events')).toBe(1);
  });

  it('re-dispatches a parked event once its cause is removed, creating its order once', async () => {
    const dispatcher = h.dispatcher();
    // While the cause is still there, re-dispatching fails and the event stays parked.
    await expect(dispatcher.redispatchParked(parkedEventId)).rejects.toMatchObject({ code: '23514' });
    expect((await dispatcher.listParked({ pending: true })).map((p) => p.eventId)).toEqual([parkedEventId]);

    // What an operator sees: `steward workorders parked` lists it with its error.
    const env = { DATABASE_URL: h.db.url, STEWARD_REDIS_PREFIX: h.prefix };
    const listed = await runSteward(['workorders', 'parked'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`^${parkedEventId} +${parkedIncidentId} +fired +3 .* - +23514: `, 'm'),
    );

    await cure(parkedIncidentId);
    const first = await dispatcher.redispatchParked(parkedEventId);
    expect(first).toEqual({ outcome: 'created', orderId: expect.any(String) });
    expect(await ordersOf(parkedIncidentId)).toEqual([
      expect.objectContaining({ id: first.orderId, state: 'dispatched', vendorId: 'antu-lifts' }),
    ]);

    // Again (a second click, another process): the episode is linked, nothing more is created.
    expect(await h.dispatcher().redispatchParked(parkedEventId)).toEqual({ outcome: 'duplicate' });
    expect(await ordersOf(parkedIncidentId)).toHaveLength(1);
    expect(await h.count('work_order_incidents', 'activation_event_id = $1', [parkedEventId])).toBe(1);

    // Still listed (append-only), now with its order and its last re-dispatch; no longer pending.
    expect(await dispatcher.listParked()).toEqual([
      expect.objectContaining({
        eventId: parkedEventId,
        orderId: first.orderId,
        redispatched: { outcome: 'duplicate', atMs: h.clock.nowMs() },
      }),
    ]);
    const { rows: redispatches } = await h.db.pool.query<{ outcome: string; order_id: string | null }>(
      'select outcome, order_id from work_order_parked_redispatches where event_id = $1 order by id',
      [parkedEventId],
    );
    expect(redispatches).toEqual([
      { outcome: 'created', order_id: first.orderId },
      { outcome: 'duplicate', order_id: null },
    ]);
    // A failed re-dispatch (the first attempt above) recorded nothing: it rolled back.
    await expect(
      h.db.pool.query('delete from work_order_parked_redispatches where event_id = $1', [parkedEventId]),
    ).rejects.toThrow(/append-only/);
    expect(await dispatcher.listParked({ pending: true })).toEqual([]);
    // The cursor is the drain's business only.
    expect(await cursor()).toBe(await lastEventId());

    // The command does the same: a third time is a duplicate; a bad id is a usage error.
    const again = await runSteward(['workorders', 'redispatch', parkedEventId], env);
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n')).toContain(`incident event ${parkedEventId} re-dispatched: duplicate`);
    expect((await runSteward(['workorders', 'redispatch', 'abc'], env)).code).toBe(64);
    expect((await runSteward(['workorders', 'parked'], env)).stdout).toContain(
      'no parked incident events waiting',
    );
  }, 60_000);

  it('re-dispatches only what this dispatcher parked', async () => {
    const dispatcher = h.dispatcher();
    const handled = await h.fire('door-forced-open', 'MB-DOOR-04');
    await dispatcher.drain();
    for (const eventId of [await firedEventOf(handled.id), '999999', 'not-an-id']) {
      await expect(dispatcher.redispatchParked(eventId)).rejects.toMatchObject({ code: 'not_found' });
    }
    expect(await h.dispatcher({ consumer: 'elsewhere' }).listParked()).toEqual([]);
  });

  it('parks through the running component’s wakes and logs it at error level with the ids', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const failuresBefore = await counter('steward_work_order_dispatcher_failures_total');
    const dispatcher = h.dispatcher({ logger, pollMs: 20 });
    await dispatcher.start();
    try {
      const bad = await h.fire('lift-fault', 'MB-LIFT-02');
      await poison(bad.id, '23505');
      const later = await h.fire('door-forced-open', 'MB-DOOR-05');
      await waitFor(
        async () => ((await ordersOf(later.id)).length > 0 ? true : undefined),
        'the later order',
      );
      const eventId = await firedEventOf(bad.id);
      expect((await dispatcher.listParked({ pending: true })).map((p) => [p.eventId, p.errorCode])).toEqual([
        // The store's typed code for a unique violation.
        [eventId, 'conflict'],
      ]);
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 50,
          eventId,
          incidentId: bad.id,
          attempts: 3,
          msg: expect.stringContaining('parked'),
        }),
      );
      // Attempts 1 and 2 failed the wake, as any failure does.
      expect((await counter('steward_work_order_dispatcher_failures_total')) - failuresBefore).toBe(2);
      expect(await counter('steward_work_order_dispatcher_parked_total')).toBe(2);
    } finally {
      await dispatcher.stop();
    }
  });

  it.each([
    ['a server shutting down (57P01 raised)', '57P01'],
    ['its backend terminated mid-transaction', 'terminate'],
  ])('retries from the cursor, never parks, an event failing because of %s', async (_what, failure) => {
    const dispatcher = h.dispatcher({ parkAfterAttempts: 2 });
    const parkedBefore = await h.count('work_order_parked_events');
    const before = await cursor();
    const bad = await h.fire('door-forced-open', failure === 'terminate' ? 'MB-DOOR-06' : 'MB-DOOR-07');
    await poison(bad.id, failure);
    const later = await h.fire('lift-fault', failure === 'terminate' ? 'AA-LIFT-01' : 'AA-LIFT-02');

    // Twice the parking bound and more: every attempt fails, none counts towards parking.
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(dispatcher.drain()).rejects.toMatchObject({ transient: true, attempt: null });
    }
    expect(await h.count('work_order_parked_events')).toBe(parkedBefore);
    expect(await cursor()).toBe(before);
    expect(await ordersOf(later.id)).toEqual([]);

    // The database is back: the same event, then the next, from the cursor; nothing skipped.
    await cure(bad.id);
    expect(await dispatcher.drain()).toBe(2);
    expect(await ordersOf(bad.id)).toHaveLength(1);
    expect(await ordersOf(later.id)).toHaveLength(1);
    expect(await h.count('work_order_parked_events')).toBe(parkedBefore);
  });

  it('takes an event that opens no episode off the waiting list once re-dispatched', async () => {
    const dispatcher = h.dispatcher();
    await h.fire('door-forced-open', 'MB-DOOR-09');
    await h.clear('door-forced-open', 'MB-DOOR-09');
    await dispatcher.drain();
    const { rows } = await h.db.pool.query<{ id: string; incident_id: string }>(
      `select id, incident_id from incident_events where kind = 'cleared' order by id desc limit 1`,
    );
    const cleared = rows[0] as { id: string; incident_id: string };
    // As a cursor moved back and an older failure would have left it: a parked event no order can come of.
    await h.db.pool.query(
      `insert into work_order_parked_events (consumer, event_id, incident_id, event_kind, error_message, attempts, parked_at)
       values ('dispatcher', $1, $2, 'cleared', 'failed before', 3, now())`,
      [cleared.id, cleared.incident_id],
    );
    expect((await dispatcher.listParked({ pending: true })).map((p) => p.eventId)).toContain(cleared.id);
    expect(await dispatcher.redispatchParked(cleared.id)).toEqual({ outcome: 'ignored' });
    // No order links it, yet it waits for nobody any more.
    expect((await dispatcher.listParked({ pending: true })).map((p) => p.eventId)).not.toContain(cleared.id);
  });

  it('waits for a hole before a poison event once, not again on every retry', async () => {
    const dispatcher = h.dispatcher({ gapGraceMs: 300 });
    await dispatcher.drain();
    // An id a transaction took and never committed, then the poison event after it.
    await h.db.pool.query(`select nextval(pg_get_serial_sequence('incident_events', 'id'))`);
    const bad = await h.fire('door-forced-open', 'MB-DOOR-08');
    await poison(bad.id, '23514');
    expect(await dispatcher.drain()).toBe(0); // the hole is waited for
    await new Promise((resolve) => setTimeout(resolve, 350));
    // Attempts 1 and 2 back to back: the hole was passed already, so the second fails at once too.
    for (const attempt of [1, 2])
      await expect(dispatcher.drain()).rejects.toMatchObject({ transient: false, attempt });
    expect(await dispatcher.drain()).toBe(1); // attempt 3 parks it
    expect((await dispatcher.listParked({ pending: true })).map((event) => event.incidentId)).toContain(
      bad.id,
    );
  });
});
