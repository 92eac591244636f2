import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterKey, mirrorDeadLetters } from '../../gateway/ingest/dead-letters.ts';
import { AccountStore, demoUserPassword } from '../../services/accounts/index.ts';
import { systemClock } from '../../services/runtime/clock.ts';
import { ConfigFixture } from '../helpers/config-fixture.ts';
import { freePort } from '../helpers/mosquitto.ts';
import { createTestDatabase, stackSettings, type TestDatabase, uniqueName } from '../helpers/stack.ts';
import { runSteward, startSteward } from '../helpers/steward-process.ts';

interface Health {
  status: string;
  role: string;
  dependencies: Record<string, { status: string; error?: string }>;
}

async function getHealth(url: string): Promise<{ code: number; body: Health }> {
  const response = await fetch(`${url}/health`);
  return { code: response.status, body: (await response.json()) as Health };
}

describe('steward processes on the real stack', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let fixture: ConfigFixture;
  beforeAll(async () => {
    db = await createTestDatabase();
    // The simulator serves the configured OPC UA endpoints: give them free ports of this test's own.
    fixture = new ConfigFixture();
    const ports = [await freePort(), await freePort()];
    fixture.edit('organisation.yaml', (d) => {
      d.setIn(['sites', 0, 'sources', 'opcua', 0, 'url'], `opc.tcp://127.0.0.1:${ports[0]}/steward/bms`);
      d.setIn(['sites', 0, 'sources', 'opcua', 1, 'url'], `opc.tcp://127.0.0.1:${ports[1]}/steward/lifts`);
    });
    env = {
      STEWARD_CONFIG_DIR: fixture.dir,
      DATABASE_URL: db.url,
      STEWARD_REDIS_PREFIX: uniqueName('t'),
      STEWARD_MQTT_PORT: '0',
      STEWARD_MQTT_WS_PORT: '0',
      STEWARD_SPOOL_DIR: mkdtempSync(path.join(tmpdir(), 'steward-spool-')),
    };
  });
  afterAll(async () => {
    await db.drop();
    fixture.dispose();
  });

  it('runs `all` with /health reporting every dependency up, /metrics in Prometheus format, and stops on SIGTERM with exit 0', async () => {
    const steward = await startSteward('all', env);
    try {
      const health = await getHealth(steward.url);
      expect(health.code).toBe(200);
      expect(health.body.status).toBe('up');
      expect(Object.keys(health.body.dependencies).sort()).toEqual(['postgres', 'redis', 'tsdb']);
      for (const dependency of Object.values(health.body.dependencies)) expect(dependency.status).toBe('up');

      const metrics = await fetch(`${steward.url}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await metrics.text();
      expect(text).toMatch(/^# TYPE steward_dependency_up gauge$/m);
      expect(text).toMatch(/^steward_dependency_up\{dependency="postgres"\} 1$/m);
      expect(text).toMatch(/^steward_info\{role="all",.*\} 1$/m);
      expect(text).toMatch(/^process_cpu_seconds_total /m);

      // The registry was migrated and synced into this test's own database at start.
      const { rows } = await db.pool.query<{ n: number }>('select count(*)::int as n from points');
      expect(rows[0]?.n).toBeGreaterThan(500);
    } finally {
      expect(await steward.stop('SIGTERM')).toBe(0);
    }
    expect(steward.output()).toContain('"msg":"stopped"');
  });

  it.each([
    ['gateway', ['redis', 'tsdb']],
    ['workers', ['postgres', 'redis', 'tsdb']],
    ['api', ['postgres', 'redis', 'tsdb']],
    ['simulate', []],
  ])(
    'serves /health for the %s role with exactly its dependencies, and stops on SIGINT',
    async (role, dependencies) => {
      const steward = await startSteward(role, env);
      try {
        const health = await getHealth(steward.url);
        expect(health.body.role).toBe(role);
        expect(Object.keys(health.body.dependencies).sort()).toEqual(dependencies);
        expect(health.code).toBe(200);
      } finally {
        expect(await steward.stop('SIGINT')).toBe(0);
      }
    },
  );

  it('reports a dependency that is down with 503 and keeps serving', async () => {
    const steward = await startSteward('gateway', { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const health = await getHealth(steward.url);
      expect(health.code).toBe(503);
      expect(health.body.status).toBe('down');
      expect(health.body.dependencies.redis?.status).toBe('down');
      expect(health.body.dependencies.tsdb?.status).toBe('up');
      const metrics = await (await fetch(`${steward.url}/metrics`)).text();
      expect(metrics).toMatch(/^steward_dependency_up\{dependency="redis"\} 0$/m);
    } finally {
      expect(await steward.stop()).toBe(0);
    }
  });

  it('refuses to start on a broken configuration, listing every error as file: path: message', async () => {
    const fixture = new ConfigFixture();
    try {
      fixture.edit('organisation.yaml', (d) => d.setIn(['sites', 0, 'buildings', 0, 'occupants'], 'many'));
      fixture.edit('vendors.yaml', (d) => d.setIn(['vendors', 0, 'id'], 'bad id!'));
      const result = await runSteward(['all', '--port', '0', '--config', fixture.dir], env);
      expect(result.code).toBe(78);
      expect(result.stderr).toMatch(
        /organisation\.yaml: sites\[0\]\.buildings\[0\]\.occupants: must be integer/,
      );
      expect(result.stderr).toMatch(/vendors\.yaml: vendors\[0\]\.id: must match pattern/);
      expect(result.stderr).toContain('refusing to start: 2 configuration error(s)');
    } finally {
      fixture.dispose();
    }
  });

  it('takes --clock-start only in demo mode and only as an instant with its offset', async () => {
    const production = await runSteward(
      ['all', '--port', '0', '--clock-start', '2026-10-31T23:56:00+08:00'],
      env,
    );
    expect(production.code).toBe(64);
    expect(production.stderr).toContain('--clock-start is for demo mode only');
    const local = await runSteward(
      ['all', '--demo', '--port', '0', '--clock-start', '2026-10-31T23:56:00'],
      env,
    );
    expect(local.code).toBe(64);
    expect(local.stderr).toContain('must be an ISO 8601 instant with an offset');
  });

  it('adds users and replaces passwords from the command line, the password on stdin', async () => {
    expect((await runSteward(['migrate'], env)).code).toBe(0);
    const added = await runSteward(
      ['user', 'add', 'ops-admin', '--role', 'administrator', '--name', '运维管理员'],
      env,
      30_000,
      'a-long-enough-password-1\n',
    );
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('user ops-admin added (administrator)');
    const vendorUser = await runSteward(
      ['user', 'add', 'jd-duty', '--role', 'vendor_user', '--vendor', 'jindun-security'],
      env,
      30_000,
      'another-long-password-2',
    );
    expect(vendorUser.code).toBe(0);

    const refusals = [
      { args: ['user', 'add', 'x1', '--role', 'administrator'], input: undefined, text: 'standard input' },
      {
        args: ['user', 'add', 'x2', '--role', 'boss'],
        input: 'pw-long-enough-123',
        text: '--role must be one of',
      },
      {
        args: ['user', 'add', 'x3', '--role', 'vendor_user'],
        input: 'pw-long-enough-123',
        text: '--vendor is required',
      },
      {
        args: ['user', 'add', 'x4', '--role', 'vendor_user', '--vendor', 'nobody'],
        input: 'pw-long-enough-123',
        text: 'is not a vendor of the configuration',
      },
    ];
    for (const { args, input, text } of refusals) {
      const result = await runSteward(args, env, 30_000, input);
      expect(result.code).toBe(64);
      expect(result.stderr).toContain(text);
    }
    const taken = await runSteward(
      ['user', 'add', 'ops-admin', '--role', 'operator'],
      env,
      30_000,
      'pw-long-enough-123',
    );
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('username_taken');

    const accounts = new AccountStore({ pool: db.pool, clock: systemClock });
    expect(
      await accounts.verifyLogin({ username: 'ops-admin', password: 'a-long-enough-password-1' }),
    ).toMatchObject({
      ok: true,
    });
    const replaced = await runSteward(
      ['user', 'password', 'ops-admin'],
      env,
      30_000,
      'a-new-long-password-3\n',
    );
    expect(replaced.stdout).toContain('password of ops-admin replaced');
    expect(
      await accounts.verifyLogin({ username: 'ops-admin', password: 'a-long-enough-password-1' }),
    ).toMatchObject({
      ok: false,
    });
    expect(
      await accounts.verifyLogin({ username: 'ops-admin', password: 'a-new-long-password-3' }),
    ).toMatchObject({
      ok: true,
    });
    const { rows } = await db.pool.query<{ role: string; vendor_id: string | null; hash: string }>(
      `select role, vendor_id, left(password_hash, 7) as hash from users where username = 'jd-duty'`,
    );
    expect(rows).toEqual([{ role: 'vendor_user', vendor_id: 'jindun-security', hash: 'scrypt$' }]);
  }, 120_000); // eleven short steward runs, each a Node start

  it('disables a user who left: no sign-in, its sessions end; lists users; enables it again', async () => {
    expect((await runSteward(['migrate'], env)).code).toBe(0);
    const accounts = new AccountStore({ pool: db.pool, clock: systemClock });
    const password = 'leaver-long-password-4';
    const leaver = await accounts.createUser({
      username: 'jd-leaver',
      displayName: '离职人员',
      role: 'vendor_user',
      vendorId: 'jindun-security',
      password,
    });
    await accounts.createUser({
      username: 'ab-stays',
      displayName: 'stays',
      role: 'vendor_user',
      vendorId: 'antu-lifts',
      password,
    });
    expect(await accounts.verifyLogin({ username: 'jd-leaver', password })).toMatchObject({ ok: true });
    const session = await accounts.createSession(leaver.id);

    const listed = await runSteward(['user', 'list', '--vendor', 'jindun-security'], env);
    expect(listed.code).toBe(0);
    const row = listed.stdout.split('\n').find((line) => line.startsWith('jd-leaver '));
    expect(row).toMatch(/vendor_user\s+jindun-security\s+active\s+1\s+\d{4}-\d\d-\d\dT\d\d:\d\dZ/);
    expect(listed.stdout).not.toContain('ab-stays');

    const disabled = await runSteward(['user', 'disable', 'JD-Leaver'], env);
    expect(disabled.stderr).toBe('');
    expect(disabled.stdout).toContain('user jd-leaver disabled');
    expect(disabled.stdout).toContain('1 session(s) ended');
    expect(await accounts.authenticate(session.token)).toBeUndefined();
    expect(await accounts.verifyLogin({ username: 'jd-leaver', password })).toEqual({
      ok: false,
      reason: 'invalid_credentials',
    });
    expect((await accounts.loginEvents('jd-leaver', 1))[0]?.outcome).toBe('disabled');
    const after = await runSteward(['user', 'list'], env);
    expect(after.stdout.split('\n').find((line) => line.startsWith('jd-leaver '))).toMatch(
      /jindun-security\s+disabled\s+0\s/,
    );
    expect(after.stdout).toMatch(/^ab-stays\s+vendor_user\s+antu-lifts\s+active\s+0\s+-$/m);

    const enabled = await runSteward(['user', 'enable', 'jd-leaver'], env);
    expect(enabled.stdout).toContain('user jd-leaver enabled');
    expect(await accounts.verifyLogin({ username: 'jd-leaver', password })).toMatchObject({ ok: true });

    const unknown = await runSteward(['user', 'disable', 'nobody-here'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not_found: user nobody-here does not exist');
    const usage = await runSteward(['user', 'disable'], env);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('usage: steward user disable <username>');
  }, 120_000); // seven short steward runs

  it('gives up with a clear error when PostgreSQL stays unreachable', async () => {
    const result = await runSteward(['api', '--port', '0'], {
      ...env,
      DATABASE_URL: 'postgres://steward:steward@127.0.0.1:1/steward',
      STEWARD_STARTUP_TIMEOUT_MS: '300',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('api failed to start: postgres is unavailable');
  });

  it('validates and migrates from the command line', async () => {
    const check = await runSteward(['config', 'check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/configuration config\/sample is valid/);
    const migrated = await runSteward(['migrate'], env);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/registry synced: \d+ equipment, \d+ points, 5 contracts/);
    // A fresh scoring audit (nothing recorded yet) verifies.
    const verified = await runSteward(['scoring', 'verify-audit'], env);
    expect(verified.stdout + verified.stderr).toMatch(/audit/i);
    expect(verified.code).toBe(0);
  });

  it('runs `all --demo`: the simulated building reaches the store, and an injected fault becomes an incident and a work order', async () => {
    const mqttPort = await freePort();
    const steward = await startSteward(
      'all',
      { ...env, STEWARD_MQTT_PORT: String(mqttPort), STEWARD_SIM_RATE: '60' },
      60_000,
      ['--demo'],
    );
    try {
      const status = async () =>
        (await (await fetch(`${steward.url}/gateway/status`)).json()) as {
          forwarders: Record<string, { written: number }>;
          sources: { name: string; stats?: { connected: boolean; valuesReceived: number } }[];
        };
      const deadline = Date.now() + 45_000;
      let current = await status();
      const ready = () =>
        (current.forwarders['forwarder:tsdb']?.written ?? 0) > 200 &&
        current.sources
          .filter((s) => s.name.startsWith('opcua:'))
          .every((s) => (s.stats?.valuesReceived ?? 0) > 0);
      while (!ready() && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        current = await status();
      }
      expect(ready()).toBe(true);
      const injected = await fetch(`${steward.url}/simulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'door_forced_open', equipmentId: 'MB-DOOR-01' }),
      });
      expect(injected.status).toBe(201);
      // The whole chain: simulated door → MQTT → gateway → spool → rule queue → rule worker → incident.
      const incidentDeadline = Date.now() + 30_000;
      let incidents: { state: string; occurrences: number }[] = [];
      while (incidents.length === 0 && Date.now() < incidentDeadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const { rows } = await db.pool.query<{ state: string; occurrences: number }>(
          `select state, occurrences from incidents where rule_id = 'door-forced-open' and equipment_id = 'MB-DOOR-01'`,
        );
        incidents = rows;
      }
      expect(incidents).toEqual([expect.objectContaining({ state: 'active' })]);
      // … → dispatcher → a work order dispatched to the security contract's vendor, its SLA running.
      let orders: { state: string; vendor_id: string; next_check_at: Date | null }[] = [];
      const orderDeadline = Date.now() + 15_000;
      while (orders.length === 0 && Date.now() < orderDeadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const { rows } = await db.pool.query<(typeof orders)[number]>(
          `select o.state, o.vendor_id, o.next_check_at from work_orders o
             join work_order_incidents l on l.order_id = o.id
             join incidents i on i.id = l.incident_id
            where i.rule_id = 'door-forced-open' and i.equipment_id = 'MB-DOOR-01'`,
        );
        orders = rows;
      }
      expect(orders).toEqual([
        expect.objectContaining({
          state: 'dispatched',
          vendor_id: 'jindun-security',
          next_check_at: expect.any(Date),
        }),
      ]);
      // … → the API: the security vendor's demo user logs in and finds the order; another vendor does not.
      const listFor = async (username: string): Promise<unknown[]> => {
        const login = await fetch(`${steward.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: demoUserPassword(username) }),
        });
        expect(login.status).toBe(200);
        const { token } = (await login.json()) as { token: string };
        const list = await fetch(`${steward.url}/api/workorders`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(list.status).toBe(200);
        const live = io(steward.url, { auth: { token }, transports: ['websocket'], reconnection: false });
        try {
          // The live socket server on the same port takes the same session.
          const ready = await new Promise<{ username?: string; sites?: unknown[] }>((resolve, reject) => {
            live.once('ready', resolve);
            live.once('connect_error', reject);
          });
          expect(ready).toMatchObject({ username, role: 'vendor_user', sites: [] });
        } finally {
          live.close();
        }
        return ((await list.json()) as { orders: unknown[] }).orders;
      };
      expect(await listFor('jindun-security')).toEqual([
        expect.objectContaining({ vendorId: 'jindun-security' }),
      ]);
      expect(await listFor('antu-lifts')).toEqual([]);
      expect(steward.output()).toMatch(new RegExp(`jindun-security +${demoUserPassword('jindun-security')}`));
      const refused = await fetch(`${steward.url}/simulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'door_forced_open', equipmentId: 'NO-SUCH-DOOR' }),
      });
      expect(refused.status).toBe(404);
    } finally {
      expect(await steward.stop()).toBe(0);
    }
  }, 120_000);
});

describe('steward dead-letters', () => {
  it('prints the newest dead letters of the site from the Redis mirror', async () => {
    const prefix = uniqueName('t');
    const redis = new Redis(stackSettings.REDIS_URL);
    try {
      const key = deadLetterKey(prefix, 'admin-centre');
      await mirrorDeadLetters(
        redis,
        key,
        [
          {
            code: 'VALUE_NOT_FINITE',
            detail: 'NaN is not a finite number',
            source: 'mqtt:embedded',
            device: 'mb-em-01000',
            at: 1_795_000_000_000,
          },
          {
            code: 'UNKNOWN_DEVICE',
            detail: 'device ghost is not in the registry',
            source: 'mqtt:embedded',
            device: 'ghost',
            at: 1_795_000_001_000,
          },
        ],
        1_000,
      );
      const result = await runSteward(['dead-letters', '--limit', '5'], { STEWARD_REDIS_PREFIX: prefix });
      expect(result.code).toBe(0);
      const lines = result.stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/UNKNOWN_DEVICE .*ghost/);
      expect(lines[1]).toMatch(/VALUE_NOT_FINITE .*mb-em-01000/);
      await redis.del(key);
    } finally {
      redis.disconnect();
    }
  });
});
