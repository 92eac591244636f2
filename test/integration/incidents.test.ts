import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import {
  ChangePublisher,
  type FireInput,
  IncidentError,
  type IncidentMessage,
  type IncidentPublisher,
  IncidentStore,
  incidentsChannel,
} from '../../services/incidents/index.ts';
import { syncRegistry } from '../../services/registry/sync.ts';
import { ManualClock } from '../../services/runtime/clock.ts';
import { migrate } from '../../services/runtime/migrations.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { createTestDatabase, stackSettings, type TestDatabase, uniqueName } from '../helpers/stack.ts';

/** Stands in for Redis where only the messages matter; can be told to fail. */
class CollectingPublisher implements IncidentPublisher {
  readonly messages: { channel: string; message: IncidentMessage }[] = [];
  failing = false;

  async publish(channel: string, message: string): Promise<unknown> {
    if (this.failing) throw new Error('redis is away');
    this.messages.push({ channel, message: JSON.parse(message) as IncidentMessage });
    return 1;
  }

  kinds(): string[] {
    return this.messages.map((entry) => entry.message.kind);
  }
}

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

describe('incidents on a real PostgreSQL', () => {
  let db: TestDatabase;
  let equipment: { id: string; building_code: string; category: string }[];
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.pool);
    await syncRegistry(db.pool, loadConfig(sampleConfigDir));
    const { rows } = await db.pool.query<{ id: string; building_code: string; category: string }>(
      'select id, building_code, category from equipment where retired_at is null order by id',
    );
    equipment = rows;
  });
  afterAll(async () => {
    await db.drop();
  });

  const makeStore = (prefix = 'test') => {
    const publisher = new CollectingPublisher();
    const changes = new ChangePublisher({ publisher, prefix });
    const store = new IncidentStore({ pool: db.pool, clock, changes });
    return { store, publisher, changes };
  };

  const fire = (ruleId: string, index: number, minutes: number, value: number): FireInput => {
    const item = equipment[index];
    if (!item) throw new Error(`sample has no equipment #${index}`);
    return {
      ruleId,
      ruleVersion: 1,
      equipmentId: item.id,
      buildingCode: item.building_code,
      category: 'facility_maintenance',
      severity: 'major',
      title: { 'zh-CN': `${item.id} 温度过高`, en: `${item.id} too hot` },
      at: at(minutes),
      value,
      peak: value,
      evidence: { readings: [{ ts: at(minutes).toISOString(), value }] },
      reactivationWindowS: 1800,
    };
  };

  it('follows one incident through refire, redelivery, clear, reactivation and a new episode', async () => {
    const { store, publisher } = makeStore();
    const first = await store.recordFire(fire('too_hot', 0, 0, 29));
    expect(first.outcome).toBe('opened');
    expect(first.incident).toMatchObject({
      state: 'active',
      occurrences: 1,
      triggerValue: 29,
      peakValue: 29,
    });

    const refire = await store.recordFire(fire('too_hot', 0, 5, 31));
    expect(refire).toMatchObject({ outcome: 'refired', incident: { id: first.incident.id, occurrences: 2 } });
    expect(refire.incident.peakValue).toBe(31);
    expect(refire.incident.lastSeen).toEqual(at(5));

    const lower = await store.recordFire(fire('too_hot', 0, 6, 30));
    expect(lower.incident).toMatchObject({ occurrences: 3, peakValue: 31 });

    const again = await store.recordFire(fire('too_hot', 0, 6, 30));
    expect(again).toMatchObject({
      outcome: 'duplicate',
      incident: { id: first.incident.id, occurrences: 3 },
    });

    const cleared = await store.recordClear({
      ruleId: 'too_hot',
      equipmentId: first.incident.equipmentId,
      at: at(10),
    });
    expect(cleared).toMatchObject({ outcome: 'cleared', incident: { state: 'cleared', clearedAt: at(10) } });
    const clearedAgain = await store.recordClear({
      ruleId: 'too_hot',
      equipmentId: first.incident.equipmentId,
      at: at(10),
    });
    expect(clearedAgain.outcome).toBe('duplicate');
    // A fire from before the clear, arriving late, belongs to the cleared episode.
    expect((await store.recordFire(fire('too_hot', 0, 8, 30))).outcome).toBe('duplicate');

    const back = await store.recordFire(fire('too_hot', 0, 39, 30));
    expect(back).toMatchObject({
      outcome: 'reactivated',
      incident: {
        id: first.incident.id,
        state: 'active',
        occurrences: 4,
        clearedAt: null,
        activatedAt: at(39),
      },
    });

    await store.recordClear({ ruleId: 'too_hot', equipmentId: first.incident.equipmentId, at: at(40) });
    const later = await store.recordFire(fire('too_hot', 0, 71, 30));
    expect(later.outcome).toBe('opened');
    expect(later.incident.id).not.toBe(first.incident.id);
    expect(later.incident.occurrences).toBe(1);

    const old = await store.getIncident(first.incident.id);
    expect(old.incident).toMatchObject({ state: 'closed', closedAt: at(70), occurrences: 4 });
    expect(old.events.map((event) => event.kind)).toEqual([
      'fired',
      'refired',
      'refired',
      'cleared',
      'reactivated',
      'cleared',
      'closed',
    ]);
    // Redelivering the very first fire again changes nothing, not even the new incident.
    expect((await store.recordFire(fire('too_hot', 0, 0, 29))).outcome).toBe('duplicate');
    expect((await store.getIncident(later.incident.id)).incident.occurrences).toBe(1);

    expect(publisher.kinds()).toEqual([
      'fired',
      'refired',
      'refired',
      'cleared',
      'reactivated',
      'cleared',
      'closed',
      'fired',
    ]);
    expect(new Set(publisher.messages.map((entry) => entry.channel))).toEqual(new Set(['test:incidents']));
    expect(publisher.messages[1]?.message).toMatchObject({
      v: 1,
      kind: 'refired',
      incidentId: first.incident.id,
      at: at(5).toISOString(),
      actor: 'rules',
      incident: { occurrences: 2, peakValue: 31, state: 'active' },
    });
  });

  it('allows acknowledge and close only from the right states', async () => {
    const { store, publisher } = makeStore();
    const { incident } = await store.recordFire(fire('door_held', 1, 0, 1));
    clock.set(at(2));
    const acked = await store.acknowledge(incident.id, 'duty-officer-li');
    expect(acked).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'duty-officer-li',
      acknowledgedAt: at(2),
    });
    await expect(store.acknowledge(incident.id, 'duty-officer-li')).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
    });
    // A refire while acknowledged keeps it acknowledged.
    const refired = await store.recordFire(fire('door_held', 1, 3, 1));
    expect(refired.incident).toMatchObject({ state: 'acknowledged', occurrences: 2 });

    clock.set(at(4));
    const closed = await store.close(incident.id, 'duty-officer-li', 'false alarm');
    expect(closed).toMatchObject({ state: 'closed', closedAt: at(4), closedBy: 'duty-officer-li' });
    await expect(store.acknowledge(incident.id, 'someone')).rejects.toBeInstanceOf(IncidentError);
    await expect(store.acknowledge(incident.id, 'someone')).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
    });
    await expect(store.close(incident.id, 'someone')).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(store.acknowledge('999999999', 'someone')).rejects.toMatchObject({
      code: 'INCIDENT_NOT_FOUND',
    });
    await expect(store.getIncident('not-a-number')).rejects.toMatchObject({ code: 'INCIDENT_NOT_FOUND' });
    // A clear after a manual close finds nothing open.
    const clear = await store.recordClear({
      ruleId: 'door_held',
      equipmentId: incident.equipmentId,
      at: at(5),
    });
    expect(clear).toEqual({ incident: null, outcome: 'no_open_incident' });
    const next = await store.recordFire(fire('door_held', 1, 6, 1));
    expect(next.outcome).toBe('opened');

    const history = await store.getIncident(incident.id);
    expect(history.events.map((event) => [event.kind, event.actor])).toEqual([
      ['fired', 'rules'],
      ['acknowledged', 'duty-officer-li'],
      ['refired', 'rules'],
      ['closed', 'duty-officer-li'],
    ]);
    expect(history.events.at(-1)?.detail).toEqual({ reason: 'false alarm' });
    expect(publisher.kinds()).toEqual(['fired', 'acknowledged', 'refired', 'closed', 'fired']);
  });

  it('refuses bad input with a code and keeps the history append-only', async () => {
    const { store } = makeStore();
    await expect(store.recordFire({ ...fire('bad', 2, 0, 1), value: Number.NaN })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      store.recordFire({ ...fire('bad', 2, 0, 1), title: { 'zh-CN': '', en: 'x' } }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      store.recordFire({ ...fire('bad', 2, 0, 1), equipmentId: 'NO-SUCH-THING' }),
    ).rejects.toMatchObject({
      code: '23503',
    });
    await expect(db.pool.query('delete from incident_events')).rejects.toThrow(/append-only/);
    // The database itself refuses a second open incident for the same pair.
    const { incident } = await store.recordFire(fire('unique', 2, 0, 1));
    await expect(
      db.pool.query(
        `insert into incidents (rule_id, rule_version, equipment_id, building_code, category, severity, state,
           title, first_seen, last_seen, activated_at, reactivation_window_s, created_at)
         select rule_id, rule_version, equipment_id, building_code, category, severity, 'acknowledged', title,
           first_seen, last_seen, activated_at, reactivation_window_s, created_at from incidents where id = $1`,
        [incident.id],
      ),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it('counts 20 concurrent fires of one (rule, equipment) into one row', async () => {
    const { store, publisher } = makeStore();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.recordFire(fire('race', 3, i, 20 + i))),
    );
    expect(results.filter((result) => result.outcome === 'opened')).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'refired')).toHaveLength(19);
    const { rows } = await db.pool.query(
      `select * from incidents where rule_id = 'race' and equipment_id = $1`,
      [equipment[3]?.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ occurrences: 20, peak_value: 39, first_seen: at(0), last_seen: at(19) });
    // Delivered again, all at once: nothing counts twice.
    const replays = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.recordFire(fire('race', 3, i, 20 + i))),
    );
    expect(replays.every((result) => result.outcome === 'duplicate')).toBe(true);
    const after = await store.openIncidents({ ruleId: 'race' });
    expect(after.map((incident) => incident.occurrences)).toEqual([20]);
    expect(publisher.messages).toHaveLength(20);
  });

  it('opens exactly one incident per pair in an alarm storm of 1,000', async () => {
    const { store, publisher } = makeStore();
    const rules = Math.ceil(1000 / equipment.length);
    const inputs: FireInput[] = [];
    for (let r = 0; r < rules; r++) {
      for (let e = 0; e < equipment.length && inputs.length < 1000; e++)
        inputs.push(fire(`storm_${r}`, e, 0, r));
    }
    expect(inputs).toHaveLength(1000);
    const outcomes: string[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < inputs.length; i = next++) {
        const input = inputs[i];
        if (input) outcomes.push((await store.recordFire(input)).outcome);
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    expect(outcomes.filter((outcome) => outcome === 'opened')).toHaveLength(1000);
    const { rows } = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from incidents where rule_id like 'storm_%' and state = 'active'`,
    );
    expect(rows[0]?.n).toBe(1000);
    expect(await store.openIncidents({ ruleId: 'storm_0', limit: 10_000 })).toHaveLength(
      Math.min(equipment.length, 1000),
    );
    expect(publisher.messages).toHaveLength(1000);
  });

  it('closes cleared incidents once their window has passed by the clock', async () => {
    const { store, publisher } = makeStore();
    const { incident } = await store.recordFire({ ...fire('sweep', 4, 0, 1), reactivationWindowS: 600 });
    await store.recordClear({ ruleId: 'sweep', equipmentId: incident.equipmentId, at: at(1) });
    clock.set(at(11));
    expect(await store.closeExpired()).toEqual([]);
    clock.set(at(12));
    const closed = await store.closeExpired();
    expect(closed.map((row) => [row.id, row.state, row.closedAt])).toEqual([[incident.id, 'closed', at(11)]]);
    expect(publisher.kinds()).toEqual(['fired', 'cleared', 'closed']);
  });

  it('keeps the database change when publishing fails, and counts the failure', async () => {
    const { store, publisher, changes } = makeStore();
    publisher.failing = true;
    const { incident, outcome } = await store.recordFire(fire('unpublished', 5, 0, 1));
    expect(outcome).toBe('opened');
    expect(changes.failures).toBe(1);
    expect((await store.getIncident(incident.id)).incident.state).toBe('active');
  });

  it('publishes changes on the stack’s Redis', async () => {
    const prefix = uniqueName('incidents');
    const subscriber = new Redis(stackSettings.REDIS_URL);
    const publisher = new Redis(stackSettings.REDIS_URL);
    try {
      const received: IncidentMessage[] = [];
      const arrived = new Promise<void>((resolve) => {
        subscriber.on('message', (channel: string, message: string) => {
          if (channel !== incidentsChannel(prefix)) return;
          received.push(JSON.parse(message) as IncidentMessage);
          if (received.length === 2) resolve();
        });
      });
      await subscriber.subscribe(incidentsChannel(prefix));
      const changes = new ChangePublisher({ publisher, prefix });
      const store = new IncidentStore({ pool: db.pool, clock, changes });
      const { incident } = await store.recordFire(fire('redis', 6, 0, 42));
      await store.recordClear({ ruleId: 'redis', equipmentId: incident.equipmentId, at: at(1) });
      await arrived;
      expect(received.map((message) => [message.kind, message.incidentId])).toEqual([
        ['fired', incident.id],
        ['cleared', incident.id],
      ]);
      expect(received[0]?.incident).toMatchObject({ equipmentId: incident.equipmentId, triggerValue: 42 });
      expect(changes.failures).toBe(0);
    } finally {
      subscriber.disconnect();
      publisher.disconnect();
    }
  });
});
