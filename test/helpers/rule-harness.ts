import { Redis } from 'ioredis';
import type { SiteModel } from '../../config/load/model.ts';
import { RuleQueueSink } from '../../gateway/handoff/rule-queues.ts';
import { handoffKey } from '../../gateway/handoff/shards.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import {
  ChangePublisher,
  type Incident,
  type IncidentPublisher,
  IncidentStore,
} from '../../services/incidents/index.ts';
import { syncRegistry } from '../../services/registry/sync.ts';
import { RuleWorker, type RuleWorkerOptions } from '../../services/rules/worker/index.ts';
import { ManualClock } from '../../services/runtime/clock.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { migrate } from '../../services/runtime/migrations.ts';
import { createTestDatabase, stackSettings, type TestDatabase, uniqueName } from './stack.ts';

export const HARNESS_SITE = 'admin-centre';

/** Keeps what the incident store publishes, so a test can count events without a subscriber. */
export class CollectingPublisher implements IncidentPublisher {
  readonly messages: string[] = [];
  async publish(_channel: string, message: string): Promise<unknown> {
    this.messages.push(message);
    return 1;
  }
}

export const reading = (pointId: string, ts: number, value: number): Reading => ({
  pointId,
  ts,
  value,
  quality: 'good',
});

/**
 * Rule workers on the real stack: a fresh database with the registry synced from `model`, a
 * private Redis prefix, the gateway's rule-queue sink to put readings on the queues, and an
 * incident store on a manual clock. `dispose()` stops the workers and removes everything.
 */
export class RuleHarness {
  readonly prefix = uniqueName('t');
  readonly publisher = new CollectingPublisher();
  readonly workers: RuleWorker[] = [];
  readonly clock: ManualClock;
  readonly model: SiteModel;
  readonly shards: number;
  db!: TestDatabase;
  redis!: Redis;
  sink!: RuleQueueSink;
  incidents!: IncidentStore;

  constructor(model: SiteModel, options: { shards: number; start: number }) {
    this.model = model;
    this.shards = options.shards;
    this.clock = new ManualClock(options.start);
  }

  async open(): Promise<this> {
    this.db = await createTestDatabase();
    await migrate(this.db.pool);
    await syncRegistry(this.db.pool, this.model);
    this.redis = new Redis(stackSettings.REDIS_URL, { maxRetriesPerRequest: null });
    this.sink = new RuleQueueSink({
      connection: this.redis,
      prefix: this.prefix,
      site: HARNESS_SITE,
      shards: this.shards,
    });
    this.incidents = new IncidentStore({
      pool: this.db.pool,
      clock: this.clock,
      changes: new ChangePublisher({ publisher: this.publisher, prefix: this.prefix }),
    });
    return this;
  }

  newWorker(overrides: Partial<RuleWorkerOptions> = {}): RuleWorker {
    const worker = new RuleWorker({
      model: this.model,
      site: HARNESS_SITE,
      redis: this.redis,
      connection: stackSettings.REDIS_URL,
      prefix: this.prefix,
      shards: this.shards,
      incidents: this.incidents,
      clock: this.clock,
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
      tickMs: 60_000,
      ...overrides,
    });
    this.workers.push(worker);
    return worker;
  }

  /** What a gateway publishes: every reading accepted before `w` is on the queues by `at`. */
  async setWatermark(w: number, at = Date.now()): Promise<void> {
    await this.redis.set(handoffKey(this.prefix, HARNESS_SITE), JSON.stringify({ w, at }));
  }

  openIncidents(ruleId: string, equipmentId?: string): Promise<Incident[]> {
    return this.incidents.openIncidents({ ruleId, ...(equipmentId ? { equipmentId } : {}), limit: 100_000 });
  }

  async dispose(): Promise<void> {
    for (const worker of this.workers) await worker.stop().catch(() => undefined);
    await this.sink?.close();
    if (this.redis) {
      const keys = await this.redis.keys(`${this.prefix}:*`);
      for (let i = 0; i < keys.length; i += 1_000) await this.redis.del(...keys.slice(i, i + 1_000));
      this.redis.disconnect();
    }
    await this.db?.drop();
  }
}
