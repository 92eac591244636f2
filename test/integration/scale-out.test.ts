import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../services/accounts/index.ts';
import { ChangePublisher } from '../../services/incidents/index.ts';
import { leaseKey } from '../../services/rules/worker/shard-leases.ts';
import { systemClock } from '../../services/runtime/clock.ts';
import { migrate } from '../../services/runtime/migrations.ts';
import { incidentRow } from '../helpers/incident-row.ts';
import { createTestDatabase, stackSettings, type TestDatabase, uniqueName } from '../helpers/stack.ts';
import { type RunningSteward, startSteward } from '../helpers/steward-process.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Scale-out on one machine, with real processes: three `steward workers` share the site's rule
 * shards through leases — when one is killed with -9 the other two take its shards over, and
 * when it comes back it gets its share again; two `steward api` processes behind the socket.io
 * Redis adapter — a client of either receives the same incident change exactly once.
 * Two gateways for two sites: scale-out-sites.test.ts.
 */

const SITE = 'admin-centre';
const SHARDS = stackSettings.STEWARD_RULE_SHARDS;

describe('scale-out: three workers and two API processes', () => {
  let db: TestDatabase;
  let redis: Redis;
  const prefix = uniqueName('t');
  let env: Record<string, string>;
  const running: RunningSteward[] = [];

  const owners = async (): Promise<(string | null)[]> =>
    Promise.all(Array.from({ length: SHARDS }, (_, shard) => redis.get(leaseKey(prefix, SITE, shard))));

  const start = async (role: string): Promise<RunningSteward> => {
    const process = await startSteward(role, env, 60_000);
    running.push(process);
    return process;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.pool);
    redis = new Redis(stackSettings.REDIS_URL);
    env = { DATABASE_URL: db.url, STEWARD_REDIS_PREFIX: prefix };
  }, 60_000);

  afterAll(async () => {
    for (const process of running) await process.stop().catch(() => undefined);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await db.drop();
  }, 60_000);

  it('moves shard ownership when a worker dies and back when it returns', async () => {
    const workers = [await start('workers'), await start('workers'), await start('workers')];
    const allOwnedBy = async (expected: number) => {
      const leases = await owners();
      const members = new Set(leases);
      return leases.every((owner) => owner !== null) && members.size === expected ? leases : undefined;
    };
    const spread = await waitFor(() => allOwnedBy(3), 'three workers to share every shard', 30_000, 200);
    const victim = workers[1] as RunningSteward;
    const victimMember = spread.find((owner) => owner?.includes(`:${victim.child.pid}:`));
    expect(victimMember, 'the member id names its process').toBeDefined();

    victim.child.kill('SIGKILL');
    await new Promise((resolve) => victim.child.once('exit', resolve));
    // The dead member's leases lapse (10 s TTL); the survivors take every shard.
    const taken = await waitFor(() => allOwnedBy(2), 'two survivors to own every shard', 40_000, 250);
    expect(taken).not.toContain(victimMember);

    const returned = await start('workers');
    const back = await waitFor(() => allOwnedBy(3), 'the returned worker to get its share', 40_000, 250);
    expect(back.some((owner) => owner?.includes(`:${returned.child.pid}:`))).toBe(true);
  }, 150_000);

  it('gives a client of either API process the same incident change, once', async () => {
    const accounts = new AccountStore({ pool: db.pool, clock: systemClock });
    await accounts.createUser({
      username: 'scale-operator',
      displayName: 'scale-operator',
      role: 'operator',
      password: 'scale-out-password-1',
    });
    const apis = [await start('api'), await start('api')];
    const clients: Socket[] = [];
    const received: unknown[][] = [[], []];
    try {
      for (const [i, api] of apis.entries()) {
        const login = await fetch(`${api.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'scale-operator', password: 'scale-out-password-1' }),
        });
        expect(login.status).toBe(200);
        const { token } = (await login.json()) as { token: string };
        const client = io(api.url, { auth: { token }, transports: ['websocket'], reconnection: false });
        clients.push(client);
        client.on('incident', (update: unknown) => received[i]?.push(update));
        await new Promise<void>((resolve, reject) => {
          client.once('ready', () => resolve());
          client.once('connect_error', reject);
        });
      }
      const at = new Date();
      await new ChangePublisher({ publisher: redis, prefix }).publish([
        { kind: 'fired', at, actor: 'rules', incident: incidentRow(at, { id: '9001' }) },
      ]);
      await waitFor(
        async () => (received.every((list) => list.length >= 1) ? true : undefined),
        'both clients to receive the incident',
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const list of received) {
        expect(list).toHaveLength(1);
        expect(list[0]).toMatchObject({ kind: 'fired', incidentId: '9001' });
      }
    } finally {
      for (const client of clients) client.close();
    }
  }, 120_000);
});
