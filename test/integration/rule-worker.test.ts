import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { ruleStateKey, stateField } from '../../services/rules/worker/index.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { RuleHarness, reading, HARNESS_SITE as SITE } from '../helpers/rule-harness.ts';
import { waitFor } from '../helpers/wait.ts';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);

describe('rule worker on real Redis and PostgreSQL', () => {
  const harness = new RuleHarness(loadConfig(sampleConfigDir), { shards: 4, start: T0 });
  const newWorker = () => harness.newWorker();
  const incidentOf = (ruleId: string, equipmentId: string) => harness.openIncidents(ruleId, equipmentId);
  let sink: RuleHarness['sink'];
  let redis: RuleHarness['redis'];
  let incidents: RuleHarness['incidents'];
  const prefix = harness.prefix;

  beforeAll(async () => {
    await harness.open();
    ({ sink, redis, incidents } = harness);
  });

  afterAll(() => harness.dispose());

  it('opens one incident for a trapped passenger, ignores the same batch again, and clears', async () => {
    const worker = newWorker();
    await worker.start();
    expect(worker.pairs).toContain(stateField('lift-trapped-passenger', 'MB-LIFT-01'));

    const batch = [reading('MB-LIFT-01.trapped_passenger', T0, 1)];
    await sink.write(batch);
    const [opened] = await waitFor(async () => {
      const found = await incidentOf('lift-trapped-passenger', 'MB-LIFT-01');
      return found.length > 0 ? found : undefined;
    }, 'the incident');
    expect(opened).toMatchObject({
      state: 'active',
      occurrences: 1,
      ruleVersion: 1,
      severity: 'critical',
      category: 'lift_maintenance',
      triggerValue: 1,
    });
    expect(opened?.firstSeen.getTime()).toBe(T0);
    expect(opened?.title.en).toContain('Passenger trapped in');
    expect(opened?.title.en).not.toContain('{equipment}');
    expect(opened?.evidence).toMatchObject({ ruleId: 'lift-trapped-passenger', ruleVersion: 1 });

    await sink.write(batch); // the gateway retrying the same batch (same job id)
    // A crash after the incident was recorded but before the checkpoint: the state is lost and
    // the reading comes again (here in a batch with another job id) to a new worker.
    await worker.stop();
    const field = stateField('lift-trapped-passenger', 'MB-LIFT-01');
    await redis.hdel(ruleStateKey(prefix, SITE), field);
    const restarted = newWorker();
    await restarted.start();
    await sink.write([...batch, reading('MB-LIFT-01.running_state', T0, 1)]);
    await waitFor(
      () => redis.hget(ruleStateKey(prefix, SITE), field).then((v) => v ?? undefined),
      'the re-evaluation',
    );
    const [again] = await incidentOf('lift-trapped-passenger', 'MB-LIFT-01');
    expect(again).toMatchObject({ id: opened?.id, state: 'active', occurrences: 1 });

    await sink.write([reading('MB-LIFT-01.trapped_passenger', T0 + 30_000, 0)]);
    const cleared = await waitFor(async () => {
      const [found] = await incidentOf('lift-trapped-passenger', 'MB-LIFT-01');
      return found?.state === 'cleared' ? found : undefined;
    }, 'the clear');
    expect(cleared.id).toBe(opened?.id);
    expect(cleared.occurrences).toBe(1);
    expect(cleared.clearedAt?.getTime()).toBe(T0 + 30_000);
    expect(await incidentOf('lift-trapped-passenger', 'MB-LIFT-01')).toHaveLength(1);
    const { events } = await incidents.getIncident(cleared.id);
    expect(events.map((event) => event.kind)).toEqual(['fired', 'cleared']);
    await restarted.stop();
  });

  it('keeps a running duration across a restart through the state checkpoint', async () => {
    const field = stateField('ahu-filter-clogged', 'MB-AHU-01');
    const first = newWorker();
    await first.start();
    await sink.write([reading('MB-AHU-01.filter_dp', T0, 0.3)]);
    await waitFor(async () => {
      const stored = await redis.hget(ruleStateKey(prefix, SITE), field);
      return stored?.includes(String(T0)) ? stored : undefined;
    }, 'the checkpoint');
    await first.stop();
    expect(await incidentOf('ahu-filter-clogged', 'MB-AHU-01')).toHaveLength(0);

    const second = newWorker();
    await second.start();
    await sink.write([reading('MB-AHU-01.filter_dp', T0 + 3_601_000, 0.31)]);
    const [fired] = await waitFor(async () => {
      const found = await incidentOf('ahu-filter-clogged', 'MB-AHU-01');
      return found.length > 0 ? found : undefined;
    }, 'the fire after the restart');
    expect(fired).toMatchObject({ state: 'active', occurrences: 1, triggerValue: 0.31, peakValue: 0.31 });
    expect(fired?.firstSeen.getTime()).toBe(T0 + 3_601_000);
    expect(fired?.title.en).toContain('filter clogged');
    await second.stop();
    expect(await incidentOf('ahu-filter-clogged', 'MB-AHU-01')).toHaveLength(1);
  });
});
