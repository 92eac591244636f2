import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { YAMLSeq } from 'yaml';
import { loadConfig } from '../../config/load/load-config.ts';
import { readingQueueName, shardOf } from '../../gateway/handoff/shards.ts';
import { assignShards, leaseKey, membersKey, type RuleWorker } from '../../services/rules/worker/index.ts';
import { ConfigFixture } from '../helpers/config-fixture.ts';
import { RuleHarness, reading, HARNESS_SITE as SITE } from '../helpers/rule-harness.ts';
import { waitFor } from '../helpers/wait.ts';

const T0 = Date.UTC(2026, 10, 23, 2, 0, 0);
const SHARDS = 8;
const DOORS = 1_000;
const doorId = (n: number): string => `STORM-DOOR-${String(n).padStart(4, '0')}`;

/** Several worker processes' worth of RuleWorkers sharing one site's shards through leases. */
describe('rule workers sharing shards on real Redis and PostgreSQL', () => {
  const fixture = new ConfigFixture();
  fixture.edit('equipment/330302A005.yaml', (document) => {
    const list = document.get('equipment') as YAMLSeq;
    for (let n = 0; n < DOORS; n++) {
      list.add(
        document.createNode({
          id: doorId(n),
          class: 'access_door',
          name: { 'zh-CN': `压测门禁 ${n}`, en: `Storm door ${n}` },
          zone: 'OB2-F01',
          source: { mqtt: { broker: 'embedded', device: doorId(n).toLowerCase() } },
        }),
      );
    }
  });
  const harness = new RuleHarness(loadConfig(fixture.dir), { shards: SHARDS, start: T0 });
  let a: RuleWorker;
  let b: RuleWorker;
  let queues: Queue[] = [];

  const stormCount = async (): Promise<{ incidents: number; occurrences: number; fired: number }> => {
    const { rows } = await harness.db.pool.query<{ incidents: string; occurrences: string; fired: string }>(
      `select count(*) as incidents, coalesce(sum(occurrences), 0) as occurrences,
              (select count(*) from incident_events e join incidents j on j.id = e.incident_id
                where j.equipment_id like 'STORM-%' and e.kind = 'fired') as fired
         from incidents where rule_id = 'door-forced-open' and equipment_id like 'STORM-%'`,
    );
    const row = rows[0];
    return {
      incidents: Number(row?.incidents),
      occurrences: Number(row?.occurrences),
      fired: Number(row?.fired),
    };
  };

  /** Undefined until every reading queue is empty (nothing waiting, active, delayed or retried). */
  const drained = async (): Promise<true | undefined> => {
    const counts = await Promise.all(
      queues.map((queue) => queue.getJobCounts('wait', 'active', 'delayed', 'prioritized')),
    );
    const left = counts.reduce((sum, c) => sum + Object.values(c).reduce((s, n) => s + n, 0), 0);
    return left === 0 ? true : undefined;
  };

  beforeAll(async () => {
    await harness.open();
    queues = Array.from(
      { length: SHARDS },
      (_, shard) =>
        new Queue(readingQueueName(SITE, shard), { connection: harness.redis, prefix: harness.prefix }),
    );
  });

  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    await harness.dispose();
    fixture.dispose();
  });

  it('splits the shards between two workers, each shard held by exactly one', async () => {
    a = harness.newWorker({ memberId: 'worker-a' });
    b = harness.newWorker({ memberId: 'worker-b' });
    await a.start();
    expect(a.ownedShards()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await b.start();
    // b wants its share, but a still holds it: a gives it back at its next round, then b takes it.
    await a.rebalance();
    await b.rebalance();
    const owned = [...a.ownedShards(), ...b.ownedShards()].sort((x, y) => x - y);
    expect(owned).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(a.ownedShards().length).toBeGreaterThan(0);
    expect(b.ownedShards().length).toBeGreaterThan(0);
  });

  it('turns 1,000 doors forced open at once into exactly 1,000 incidents; replays add nothing', async () => {
    const storm = Array.from({ length: DOORS }, (_, n) => reading(`${doorId(n)}.forced_open`, T0 + n, 1));
    const started = performance.now();
    await harness.sink.write(storm);
    await waitFor(
      async () => ((await stormCount()).incidents === DOORS ? true : undefined),
      '1,000 incidents',
      60_000,
      20,
    );
    const settleMs = performance.now() - started;
    console.info(`alarm storm: ${DOORS} incidents committed ${settleMs.toFixed(0)} ms after the hand-off`);

    // The gateway retrying the same batch (same job ids), then the same readings batched differently.
    await harness.sink.write(storm);
    for (let from = 0; from < DOORS; from += 100) await harness.sink.write(storm.slice(from, from + 100));
    await harness.sink.write([...storm].reverse());
    await waitFor(drained, 'the replays to be evaluated', 60_000);
    expect(await stormCount()).toEqual({ incidents: DOORS, occurrences: DOORS, fired: DOORS });
    const transitions = harness.publisher.messages.filter((m) => m.includes('STORM-DOOR')).length;
    expect(transitions).toBe(DOORS);
  });

  it('hands a running duration over when its owner stops, and fires once at the right reading', async () => {
    const lift = 'MB-LIFT-01';
    const shard = shardOf(lift, SHARDS);
    const [owner, other] = a.ownedShards().includes(shard) ? [a, b] : [b, a];
    await harness.sink.write([reading(`${lift}.running_state`, T0, 3)]);
    await waitFor(drained, 'the first fault reading');
    await owner.stop(); // checkpoints the shard and gives its lease back
    await other.rebalance(); // the only member left takes every shard
    expect(other.ownedShards()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    await harness.sink.write([reading(`${lift}.running_state`, T0 + 59_000, 3)]);
    await waitFor(drained, 'the reading before the minute');
    expect(await harness.openIncidents('lift-fault', lift)).toHaveLength(0);
    await harness.sink.write([reading(`${lift}.running_state`, T0 + 60_000, 3)]);
    const [fired] = await waitFor(async () => {
      const found = await harness.openIncidents('lift-fault', lift);
      return found.length > 0 ? found : undefined;
    }, 'the fire after the hand-over');
    expect(fired?.firstSeen.getTime()).toBe(T0 + 60_000);
    expect(fired?.occurrences).toBe(1);
  });

  it('takes over the shards of a worker that died holding them once its lease expires', async () => {
    const [survivor, survivorId] = a.ownedShards().length > 0 ? [a, 'worker-a'] : [b, 'worker-b'];
    expect(survivor.ownedShards()).toHaveLength(SHARDS);
    // A worker that joined, was handed its share, and was killed: its heartbeat and leases stay
    // in Redis until they expire, and nobody gives them back.
    const ttlMs = 1_500;
    const [seconds] = await harness.redis.time();
    await harness.redis.zadd(
      membersKey(harness.prefix, SITE),
      String(Number(seconds) * 1000 + ttlMs),
      'ghost',
    );
    await survivor.rebalance();
    const assignment = assignShards([survivorId, 'ghost'], SHARDS);
    const ghostShards = Array.from({ length: SHARDS }, (_, shard) => shard).filter(
      (shard) => assignment[shard] === 'ghost',
    );
    expect(ghostShards.length).toBeGreaterThan(0);
    expect(survivor.ownedShards().filter((shard) => ghostShards.includes(shard))).toEqual([]);
    for (const shard of ghostShards) {
      await harness.redis.set(leaseKey(harness.prefix, SITE, shard), 'ghost', 'PX', ttlMs);
    }
    const door = Array.from({ length: DOORS }, (_, n) => doorId(n)).find((id) =>
      ghostShards.includes(shardOf(id, SHARDS)),
    ) as string;
    await harness.sink.write([reading(`${door}.forced_open`, T0 + 3_600_000, 0)]);
    await harness.sink.write([reading(`${door}.open`, T0 + 3_600_000, 0)]);
    expect(await drained()).toBeUndefined(); // nobody consumes the dead worker's shard

    await new Promise((resolve) => setTimeout(resolve, ttlMs + 200));
    await survivor.rebalance();
    expect(survivor.ownedShards()).toHaveLength(SHARDS);
    await waitFor(drained, "the dead worker's backlog");
  });
});
