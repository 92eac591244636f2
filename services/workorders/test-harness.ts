/**
 * Shared by the work-order integration tests (not used by production code): a fresh database
 * with the sample registry, a private Redis prefix, the incident store publishing on Redis, and
 * the work-order store, service and dispatcher on one manual clock.
 */
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { loadConfig } from '../../config/load/load-config.ts';
import type { SiteModel } from '../../config/load/model.ts';
import { sampleConfigDir } from '../../test/helpers/config-fixture.ts';
import {
  createTestDatabase,
  stackSettings,
  type TestDatabase,
  uniqueName,
} from '../../test/helpers/stack.ts';
import { ChangePublisher, type FireInput, type Incident, IncidentStore } from '../incidents/index.ts';
import { syncRegistry } from '../registry/sync.ts';
import { ManualClock } from '../runtime/clock.ts';
import { createLogger } from '../runtime/logger.ts';
import { migrate } from '../runtime/migrations.ts';
import { SiteCalendars } from './calendars.ts';
import { type WorkOrderChange, WorkOrderChangePublisher, type WorkOrderChangeSink } from './changes.ts';
import { WorkOrderDispatcher, type WorkOrderDispatcherOptions } from './dispatcher.ts';
import type { Actor } from './domain/index.ts';
import { WorkOrderMetrics } from './metrics.ts';
import { WorkOrderService } from './service.ts';
import { WorkOrderStore } from './store/index.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** Monday 2026-11-23 10:00 in Asia/Shanghai: every sample contract is in force. */
export const T0 = Date.UTC(2026, 10, 23, 2, 0, 0);

export const actors = {
  system: { role: 'system' },
  /** The lift maintenance contract's vendor (lifts-2025). */
  lifts: { role: 'vendor_user', userId: 'zhang.wei@antu', vendorId: 'antu-lifts' },
  /** The security contract's vendor (security-2025). */
  security: { role: 'vendor_user', userId: 'li.na@jindun', vendorId: 'jindun-security' },
  /** The in-compound property contract's vendor (property-compound-2025). */
  property: { role: 'vendor_user', userId: 'wang.fang@hengyuan', vendorId: 'hengyuan-property' },
  manager: { role: 'facilities_manager', userId: 'chen.jie' },
  operator: { role: 'operator', userId: 'control-room-1' },
  administrator: { role: 'administrator', userId: 'root' },
} as const satisfies Record<string, Actor>;

/** Keeps every committed change, so a test can assert on them without a subscriber. */
export class CollectingSink implements WorkOrderChangeSink {
  readonly changes: WorkOrderChange[] = [];
  async publish(changes: readonly WorkOrderChange[]): Promise<void> {
    this.changes.push(...changes);
  }
}

export class WorkOrderHarness {
  readonly prefix = uniqueName('wo');
  readonly clock = new ManualClock(T0);
  readonly sink = new CollectingSink();
  readonly registry = new Registry();
  readonly metrics = new WorkOrderMetrics(this.registry);
  readonly logger = createLogger({ LOG_LEVEL: 'silent' }, 'test');
  readonly dispatchers: WorkOrderDispatcher[] = [];
  model!: SiteModel;
  calendars!: SiteCalendars;
  db!: TestDatabase;
  redis!: Redis;
  incidents!: IncidentStore;
  store!: WorkOrderStore;
  service!: WorkOrderService;

  async open(): Promise<this> {
    this.model = loadConfig(sampleConfigDir);
    this.calendars = new SiteCalendars(this.model);
    this.db = await createTestDatabase();
    // As the process's pool does (runtime/connections/postgres.ts): a checked-out client whose
    // server goes away emits 'error', which must not be an uncaught exception (tests that
    // terminate a dispatcher's backend).
    this.db.pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
    await migrate(this.db.pool);
    await syncRegistry(this.db.pool, this.model);
    this.redis = new Redis(stackSettings.REDIS_URL, { maxRetriesPerRequest: null });
    this.incidents = new IncidentStore({
      pool: this.db.pool,
      clock: this.clock,
      changes: new ChangePublisher({ publisher: this.redis, prefix: this.prefix }),
    });
    const redisChanges = new WorkOrderChangePublisher({ publisher: this.redis, prefix: this.prefix });
    const sink = this.sink;
    this.store = new WorkOrderStore({
      pool: this.db.pool,
      clock: this.clock,
      calendarFor: this.calendars.forBuilding,
      metrics: this.metrics,
      changes: {
        async publish(changes) {
          await redisChanges.publish(changes);
          await sink.publish(changes);
        },
      },
    });
    this.service = new WorkOrderService({ store: this.store, model: this.model, clock: this.clock });
    return this;
  }

  /** A dispatcher on this harness; not started (tests call `drain()`, or `start()` for the Redis path). */
  dispatcher(overrides: Partial<WorkOrderDispatcherOptions> = {}): WorkOrderDispatcher {
    const dispatcher = new WorkOrderDispatcher({
      store: this.store,
      model: this.model,
      calendarFor: this.calendars.forBuilding,
      clock: this.clock,
      logger: this.logger,
      prefix: this.prefix,
      metrics: this.metrics,
      gapGraceMs: 0,
      // Tests drain by hand; a poll would only do the same work at a moment they do not choose.
      pollMs: 60_000,
      ...overrides,
    });
    this.dispatchers.push(dispatcher);
    return dispatcher;
  }

  /** A fire of `ruleId` on `equipmentId` now (the clock's), with the rule's category and severity. */
  async fire(ruleId: string, equipmentId: string, value = 1): Promise<Incident> {
    const rule = this.model.rules.find((candidate) => candidate.id === ruleId);
    const equipment = this.model.equipment.get(equipmentId);
    if (!rule || !equipment) throw new Error(`sample has no rule ${ruleId} or equipment ${equipmentId}`);
    const input: FireInput = {
      ruleId,
      ruleVersion: rule.version,
      equipmentId,
      buildingCode: equipment.buildingCode,
      category: rule.category,
      severity: rule.severity,
      title: { 'zh-CN': `${equipmentId} ${rule.title['zh-CN']}`, en: `${equipmentId} ${rule.title.en}` },
      at: this.clock.now(),
      value,
      evidence: {},
      reactivationWindowS: 1800,
    };
    return (await this.incidents.recordFire(input)).incident;
  }

  async clear(ruleId: string, equipmentId: string): Promise<void> {
    await this.incidents.recordClear({ ruleId, equipmentId, at: this.clock.now() });
  }

  async count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: string }>(
      `select count(*) as n from ${table} where ${where}`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async dispose(): Promise<void> {
    for (const dispatcher of this.dispatchers) await dispatcher.stop().catch(() => undefined);
    if (this.redis) {
      const keys = await this.redis.keys(`${this.prefix}:*`);
      if (keys.length > 0) await this.redis.del(...keys);
      this.redis.disconnect();
    }
    await this.db?.drop();
  }
}
