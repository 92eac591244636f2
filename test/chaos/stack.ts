import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import pg from 'pg';
import { DEFAULT_SHARDS, readingQueueName } from '../../gateway/handoff/shards.ts';
import { PrivateVictoria } from '../../gateway/store/private-victoria.ts';
import { AccountStore } from '../../services/accounts/index.ts';
import { systemClock } from '../../services/runtime/clock.ts';
import { freePort } from '../../services/runtime/free-port.ts';
import { slaTimerQueueName } from '../../services/workorders/timers.ts';
import { PrivatePostgres } from '../helpers/private-postgres.ts';
import { uniqueName } from '../helpers/stack.ts';
import { type RunningSteward, startSteward } from '../helpers/steward-process.ts';
import { type ChaosConfig, createChaosConfig, type Door, SITE, type SlaMinutes } from './chaos-config.ts';
import { RestartableRedis } from './restartable-redis.ts';

/**
 * Everything a chaos scenario runs on, private to it: a redis-server (AOF, restartable), a
 * VictoriaMetrics, a PostgreSQL cluster (initdb in a temporary folder), a copy of config/sample
 * (chaos-config.ts), and the real `steward gateway`, `steward workers` and `steward api`
 * processes pointed at them with a key prefix, spool folder, MQTT port and API port of their own.
 * Never the shared stack's servers: stopping or flushing those would break other tests.
 *
 * dispose() stops the processes and servers and removes every temporary folder; it is safe to
 * call at any point of start() and more than once (the chaos command calls it on Ctrl-C too).
 */
export const ROLES = ['gateway', 'workers', 'api'] as const;
export type ChaosRole = (typeof ROLES)[number];

export interface ChaosStackOptions {
  readonly loadDeviceCount: number;
  readonly sla: SlaMinutes;
  readonly log?: (message: string) => void;
}

/** A manager's login on the API, created in PostgreSQL before the API starts. */
export const MANAGER = { username: 'chaos-manager', password: 'chaos-manager-password-1' } as const;

export class ChaosStack {
  readonly #options: ChaosStackOptions;
  readonly #log: (message: string) => void;
  readonly workDir: string;
  readonly redis: RestartableRedis;
  readonly victoria: PrivateVictoria;
  #postgres: PrivatePostgres | undefined;
  #config: ChaosConfig | undefined;
  #databaseUrl = '';
  #env: Record<string, string> = {};
  #apiPort = 0;
  #mqttPort = 0;
  #pool: pg.Pool | undefined;
  readonly #processes = new Map<ChaosRole, RunningSteward>();
  /** Processes that exited without the harness asking (a crash is a failed recovery). */
  readonly unexpectedExits: string[] = [];
  readonly #deliberate = new Set<RunningSteward>();
  #nextDoor = 0;
  #disposed = false;

  constructor(options: ChaosStackOptions) {
    this.#options = options;
    this.#log = options.log ?? (() => undefined);
    this.workDir = mkdtempSync(path.join(tmpdir(), 'steward-chaos-'));
    this.redis = new RestartableRedis(path.join(this.workDir, 'redis'));
    this.victoria = new PrivateVictoria({ dataDir: path.join(this.workDir, 'victoria') });
  }

  get config(): ChaosConfig {
    if (!this.#config) throw new Error('the chaos stack is not started');
    return this.#config;
  }

  get postgres(): PrivatePostgres {
    if (!this.#postgres) throw new Error('the chaos stack is not started');
    return this.#postgres;
  }

  /** A pool on the scenario's database, for the checks (errors while PostgreSQL is down are the caller's). */
  get pool(): pg.Pool {
    if (!this.#pool) throw new Error('the chaos stack is not started');
    return this.#pool;
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.#mqttPort}`;
  }

  get prefix(): string {
    return this.#env.STEWARD_REDIS_PREFIX ?? '';
  }

  process(role: ChaosRole): RunningSteward {
    const running = this.#processes.get(role);
    if (!running) throw new Error(`steward ${role} is not running`);
    return running;
  }

  /** The next `count` doors no scenario of this stack has used: each fault gets a fresh door. */
  takeDoors(count: number): Door[] {
    const doors = this.config.doors.slice(this.#nextDoor, this.#nextDoor + count);
    if (doors.length < count)
      throw new Error(`only ${this.config.doors.length - this.#nextDoor} unused doors left, ${count} wanted`);
    this.#nextDoor += count;
    return doors;
  }

  async start(): Promise<void> {
    const started = performance.now();
    const [config, postgres] = await Promise.all([
      createChaosConfig({ loadDeviceCount: this.#options.loadDeviceCount, sla: this.#options.sla }),
      PrivatePostgres.start(),
      this.redis.start(),
      this.victoria.start(),
    ]);
    this.#config = config;
    this.#postgres = postgres;
    this.#databaseUrl = await postgres.createDatabase('steward');
    this.#pool = new pg.Pool({ connectionString: this.#databaseUrl, max: 4 });
    // Idle clients lose their server in the PostgreSQL outage; the pool replaces them.
    this.#pool.on('error', () => undefined);
    [this.#mqttPort, this.#apiPort] = [await freePort(), await freePort()];
    this.#env = {
      STEWARD_CONFIG_DIR: config.fixture.dir,
      DATABASE_URL: this.#databaseUrl,
      REDIS_URL: this.redis.url,
      TSDB_URL: this.victoria.url,
      STEWARD_REDIS_PREFIX: uniqueName('chaos'),
      STEWARD_SPOOL_DIR: path.join(this.workDir, 'spool'),
      STEWARD_MQTT_HOST: '127.0.0.1',
      STEWARD_MQTT_PORT: String(this.#mqttPort),
      STEWARD_MQTT_WS_PORT: '0',
      STEWARD_HTTP_HOST: '127.0.0.1',
      // startSteward reads the listening URL from the info line.
      LOG_LEVEL: 'info',
    };
    // The workers migrate and sync the registry; the others start once the schema is there.
    await this.#start('workers');
    const accounts = new AccountStore({ pool: this.pool, clock: systemClock });
    await accounts.createUser({
      username: MANAGER.username,
      displayName: MANAGER.username,
      role: 'facilities_manager',
      password: MANAGER.password,
    });
    await Promise.all([this.#start('gateway'), this.#start('api')]);
    this.#log(
      `chaos stack up in ${Math.round(performance.now() - started)} ms: redis ${this.redis.url}, ` +
        `victoria ${this.victoria.url}, postgres ${postgres.url('steward')}, mqtt ${this.mqttUrl}, ` +
        `api ${this.process('api').url}`,
    );
  }

  /** kill -9 of a role's process; resolves once it is gone. */
  async kill(role: ChaosRole): Promise<void> {
    const running = this.process(role);
    this.#deliberate.add(running);
    this.#processes.delete(role);
    const exited = new Promise((resolve) => running.child.once('exit', resolve));
    running.child.kill('SIGKILL');
    await exited;
  }

  /** Starts a role's process again with the same settings (after kill()). */
  async restart(role: ChaosRole): Promise<void> {
    if (this.#processes.has(role)) throw new Error(`steward ${role} is still running`);
    await this.#start(role);
  }

  /** Pids of the running processes, to show that the ones not killed carried on. */
  pids(): Record<ChaosRole, number | undefined> {
    return {
      gateway: this.#processes.get('gateway')?.child.pid,
      workers: this.#processes.get('workers')?.child.pid,
      api: this.#processes.get('api')?.child.pid,
    };
  }

  /** Each running process's /health: 200 and every dependency up, or why not. */
  async health(): Promise<Record<ChaosRole, string>> {
    const entries = await Promise.all(
      ROLES.map(async (role): Promise<[ChaosRole, string]> => {
        const running = this.#processes.get(role);
        if (!running) return [role, 'not running'];
        if (running.child.exitCode !== null || running.child.signalCode !== null) return [role, 'exited'];
        try {
          const response = await fetch(`${running.url}/health`, { signal: AbortSignal.timeout(5_000) });
          const body = (await response.json()) as { dependencies: Record<string, { status: string }> };
          const down = Object.entries(body.dependencies)
            .filter(([, dependency]) => dependency.status !== 'up')
            .map(([name]) => name);
          return [role, response.ok && down.length === 0 ? 'up' : `down: ${down.join(', ')}`];
        } catch (error) {
          return [role, `no answer: ${(error as Error).message}`];
        }
      }),
    );
    return Object.fromEntries(entries) as Record<ChaosRole, string>;
  }

  /**
   * Jobs BullMQ gave up on (attempts exhausted) in the rule queues and the SLA timer queue: a
   * reading batch there was never evaluated by the rules, a check there never ran.
   */
  async failedJobs(): Promise<{ rules: number; slaTimers: number }> {
    const names = Array.from({ length: DEFAULT_SHARDS }, (_, shard) => readingQueueName(SITE, shard));
    const count = async (name: string): Promise<number> => {
      const queue = new Queue(name, { connection: { url: this.redis.url }, prefix: this.prefix });
      try {
        return await queue.getFailedCount();
      } finally {
        await queue.close();
      }
    };
    const rules = (await Promise.all(names.map(count))).reduce((sum, n) => sum + n, 0);
    return { rules, slaTimers: await count(slaTimerQueueName) };
  }

  /** The tail of every process's output, for failure messages. */
  output(): string {
    return [...this.#processes.entries()]
      .map(([role, running]) => `--- steward ${role}\n${running.output().slice(-3_000)}`)
      .join('\n');
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const running = [...this.#processes.values()];
    this.#processes.clear();
    for (const process of running) this.#deliberate.add(process);
    await Promise.all(
      running.map(async (process) => {
        if (process.child.exitCode !== null || process.child.signalCode !== null) return;
        const timer = setTimeout(() => process.child.kill('SIGKILL'), 20_000);
        await process.stop('SIGTERM').catch(() => undefined);
        clearTimeout(timer);
      }),
    );
    await this.#pool?.end().catch(() => undefined);
    await Promise.all([
      this.redis.stop().catch(() => undefined),
      this.victoria.stop().catch(() => undefined),
      this.#postgres?.dispose().catch(() => undefined),
    ]);
    this.#config?.fixture.dispose();
    rmSync(this.workDir, { recursive: true, force: true });
  }

  async #start(role: ChaosRole): Promise<void> {
    // The API keeps its port across restarts, so browsers and socket.io clients find it again.
    const extraArgs = role === 'api' ? ['--port', String(this.#apiPort)] : [];
    const running = await startSteward(role, this.#env, 60_000, extraArgs);
    running.child.once('exit', (code, signal) => {
      if (!this.#deliberate.has(running))
        this.unexpectedExits.push(`steward ${role} (pid ${running.child.pid}) exited: ${code ?? signal}`);
    });
    this.#processes.set(role, running);
  }
}
