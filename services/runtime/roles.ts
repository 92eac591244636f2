import path from 'node:path';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { SiteModel } from '../../config/load/model.ts';
import { Gateway } from '../../gateway/gateway.ts';
import { PointIndex } from '../../gateway/ingest/point-index.ts';
import { DemoHistory } from '../../gateway/simulator/history.ts';
import { simulatorRoutes } from '../../gateway/simulator/routes.ts';
import { Simulator } from '../../gateway/simulator/simulator.ts';
import { InfluxLineWriter } from '../../gateway/store/tsdb-writer.ts';
import { AccountStore, DemoUserSeeder } from '../accounts/index.ts';
import { SessionPruner } from '../accounts/session-pruner.ts';
import { registerApi, registerDashboards, VictoriaTelemetry } from '../api/index.ts';
import { ChineseWorkingCalendar, DEFAULT_TIME_ZONE } from '../calendar/working-calendar.ts';
import {
  DailyHistory,
  EnergyBaselineProvider,
  EnergyRecordsStore,
  EnergyService,
  MeterReadings,
  MeterTree,
  VictoriaReadingSource,
} from '../energy/index.ts';
import { ChangePublisher, IncidentStore } from '../incidents/index.ts';
import { LiveServer, liveSitesOf } from '../live/index.ts';
import { DeliveryLog, isWorkOrderEvent, recipientsOf, WebhookNotifier } from '../notifications/index.ts';
import { RegistrySync } from '../registry/registry-sync.ts';
import { ReportRenderer, readReportSettings } from '../reports/index.ts';
import { ScheduledRuleRunner } from '../rules/scheduled/index.ts';
import { VictoriaSampleSource } from '../rules/scheduled/samples.ts';
import { RuleWorker } from '../rules/worker/index.ts';
import { composeScoring } from '../scoring/compose.ts';
import { MonthCloseScheduler } from '../scoring/schedule/month-close.ts';
import type { ScoringStore } from '../scoring/store/scoring-store.ts';
import { composeWorkOrders, type WorkOrderParts, workOrdersChannel } from '../workorders/index.ts';
import { SlaTimers } from '../workorders/timers.ts';
import { TransitionFeed } from '../workorders/transition-feed.ts';
import type { Clock } from './clock.ts';
import type { Component, HealthCheck } from './component.ts';
import { PostgresConnection } from './connections/postgres.ts';
import { RedisConnection } from './connections/redis.ts';
import { TsdbConnection } from './connections/tsdb.ts';
import { HttpServer } from './http-server.ts';
import type { Logger } from './logger.ts';
import type { Settings } from './settings.ts';
import { httpsMaterial } from './tls.ts';

export const ROLES = ['gateway', 'workers', 'api', 'simulate', 'all'] as const;
export type Role = (typeof ROLES)[number];

export const DEFAULT_PORTS: Readonly<Record<Role, number>> = {
  all: 8080,
  api: 8080,
  gateway: 8081,
  workers: 8082,
  simulate: 8083,
};

type Dependency = 'postgres' | 'redis' | 'tsdb';

/** Which servers each role talks to; /health reports exactly these. */
export const ROLE_DEPENDENCIES: Readonly<Record<Role, readonly Dependency[]>> = {
  gateway: ['redis', 'tsdb'],
  workers: ['postgres', 'redis', 'tsdb'],
  api: ['postgres', 'redis', 'tsdb'],
  simulate: [],
  all: ['postgres', 'redis', 'tsdb'],
};

export interface ProcessContext {
  readonly role: Role;
  readonly settings: Settings;
  readonly model: SiteModel;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly version: string;
  readonly port?: number;
  readonly host?: string;
  /** Demo mode: `all` also runs the simulated building. */
  readonly demo?: boolean;
}

/** A composed process: components in start order, and its HTTP server. */
export interface ComposedProcess {
  readonly components: readonly Component[];
  readonly gateway: Gateway | undefined;
  readonly http: HttpServer;
  readonly metrics: Registry;
  /** Demo mode with the API: the seeded demo users, to print once started. */
  readonly demoUsers: DemoUserSeeder | undefined;
}

/**
 * The composition root: wires the components a role needs. Later issues add their services
 * here (rule workers, work orders, API routes) without changing the base.
 */
export function composeProcess(context: ProcessContext): ComposedProcess {
  const { role, settings, logger, clock, model } = context;
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  new Gauge({
    name: 'steward_info',
    help: 'Build and configuration of this process (value is always 1)',
    labelNames: ['role', 'version', 'config_revision'],
    registers: [metrics],
  }).set({ role, version: context.version, config_revision: model.revision.slice(0, 12) }, 1);
  new Gauge({
    name: 'steward_registry_points',
    help: 'Points in the loaded point registry',
    registers: [metrics],
  }).set(model.points.size);

  const needs = new Set(ROLE_DEPENDENCIES[role]);
  const components: Component[] = [];
  const checks: HealthCheck[] = [];

  let postgres: PostgresConnection | undefined;
  if (needs.has('postgres')) {
    postgres = new PostgresConnection(settings.DATABASE_URL, {
      logger: logger.child({ component: 'postgres' }),
      startupTimeoutMs: settings.STEWARD_STARTUP_TIMEOUT_MS,
      clock,
    });
    components.push(
      postgres,
      new RegistrySync(postgres.pool, model, logger.child({ component: 'registry' })),
    );
    checks.push(postgres);
  }
  let redis: RedisConnection | undefined;
  if (needs.has('redis')) {
    redis = new RedisConnection(settings.REDIS_URL, { logger: logger.child({ component: 'redis' }) });
    components.push(redis);
    checks.push(redis);
  }
  const simulator =
    role === 'simulate' || (role === 'all' && context.demo) ? composeSimulator(context) : undefined;
  if (simulator) components.push(simulator);
  // Demo only: the simulated building's past in the store, so the energy pages have a baseline year.
  if (simulator && context.demo) components.push(composeDemoHistory(context));
  let gateway: Gateway | undefined;
  if (role === 'gateway' || role === 'all') {
    if (!redis) throw new Error('the gateway needs Redis');
    gateway = new Gateway({ model, settings, logger, clock, metrics, redis: redis.client });
  }
  if (needs.has('tsdb')) {
    const tsdb = new TsdbConnection(settings.TSDB_URL);
    components.push(tsdb);
    checks.push(tsdb);
  }

  const http = new HttpServer({
    host: context.host ?? settings.STEWARD_HTTP_HOST,
    port: context.port ?? settings.STEWARD_HTTP_PORT ?? DEFAULT_PORTS[role],
    role,
    version: context.version,
    configRevision: model.revision,
    checks,
    metrics,
    logger,
    clock,
    tls: httpsMaterial(settings),
    metricsToken: settings.STEWARD_METRICS_TOKEN,
    trustProxy: settings.STEWARD_TRUST_PROXY,
  });
  if (gateway) {
    components.push(...gateway.components);
    gateway.routes(http.app);
  }
  // One set of work-order parts per process: its metrics register once, whichever roles use it.
  const workOrders =
    postgres && redis && role !== 'gateway' && role !== 'simulate'
      ? composeWorkOrders({
          model,
          pool: postgres.pool,
          redis: redis.client,
          redisUrl: settings.REDIS_URL,
          prefix: settings.STEWARD_REDIS_PREFIX,
          clock,
          logger,
          metrics,
        })
      : undefined;
  // Vendor scoring reads the work-order histories of the same process; at start it audits scheme changes.
  const scoring =
    workOrders && postgres
      ? composeScoring({ model, pool: postgres.pool, clock, logger, workOrders: workOrders.store })
      : undefined;
  if (scoring) components.push(scoring.schemes);
  if (role === 'workers' || role === 'all') {
    if (!postgres || !redis || !workOrders) throw new Error('the rule workers need PostgreSQL and Redis');
    components.push(...composeRuleWorkers(context, postgres, redis, metrics));
    components.push(...composeWorkOrderRoles(context, postgres, workOrders, metrics));
    if (scoring) components.push(composeMonthClose(context, scoring.store, metrics));
  }
  let demoUsers: DemoUserSeeder | undefined;
  let live: LiveServer | undefined;
  if (role === 'api' || role === 'all') {
    if (!postgres || !redis || !workOrders || !scoring) throw new Error('the API needs PostgreSQL and Redis');
    let pruner: SessionPruner;
    ({ demoUsers, live, pruner } = composeApi(
      context,
      postgres,
      redis,
      workOrders,
      scoring.store,
      http,
      metrics,
    ));
    // After RegistrySync (which runs the migrations, the accounts' included), before the HTTP server.
    if (demoUsers) components.push(demoUsers);
    components.push(pruner);
  }
  if (simulator) simulatorRoutes(http.app, simulator);
  // The HTTP server starts last and stops first: intake closes before the parts behind it.
  components.push(http);
  // socket.io attaches once the server listens, and stops first, so open WebSockets do not hold its close.
  if (live) components.push(live);
  return { components, gateway, http, metrics, demoUsers };
}

/**
 * The API on the process's HTTP server: accounts, the work-order service and the incidents
 * (acknowledge publishes on Redis like the rule workers do), rate limits counted in Redis. In
 * demo mode, the demo users are seeded at start and returned for the start command to print.
 */
function composeApi(
  context: ProcessContext,
  postgres: PostgresConnection,
  redis: RedisConnection,
  workOrders: WorkOrderParts,
  scoring: ScoringStore,
  http: HttpServer,
  metrics: Registry,
): { demoUsers: DemoUserSeeder | undefined; live: LiveServer; pruner: SessionPruner } {
  const { settings, model, clock, logger } = context;
  const prefix = settings.STEWARD_REDIS_PREFIX;
  const accounts = new AccountStore({ pool: postgres.pool, clock });
  const incidents = new IncidentStore({
    pool: postgres.pool,
    clock,
    changes: new ChangePublisher({
      publisher: redis.client,
      prefix,
      logger: logger.child({ component: 'incidents' }),
    }),
  });
  const live = new LiveServer({
    httpServer: http.app.server,
    authenticator: accounts,
    redisUrl: settings.REDIS_URL,
    prefix,
    sites: liveSitesOf(model),
    clock,
    logger: logger.child({ component: 'live' }),
    metrics,
  });
  const energyRecords = new EnergyRecordsStore({ pool: postgres.pool });
  registerApi(http.app, {
    accounts,
    workOrders: workOrders.service,
    incidents,
    clock,
    energy: new EnergyService({
      model,
      source: new VictoriaReadingSource({ url: settings.TSDB_URL }),
      clock,
      records: energyRecords,
    }),
    energyRecords,
    reports: ReportRenderer.fromSettings(readReportSettings(), clock),
    scoring,
    site: {
      model,
      telemetry: new VictoriaTelemetry(settings.TSDB_URL),
      redis: redis.client,
      redisPrefix: prefix,
    },
    redis: redis.client,
    redisPrefix: prefix,
    version: context.version,
    onSessionEnded: (sessionId) => live.disconnectSession(sessionId),
  });
  registerDashboards(http.app);
  const demoUsers = context.demo
    ? new DemoUserSeeder(accounts, model, logger.child({ component: 'accounts' }))
    : undefined;
  const pruner = new SessionPruner({ accounts, logger: logger.child({ component: 'accounts' }) });
  return { demoUsers, live, pruner };
}

/**
 * The simulated building publishes to the gateway's broker (or STEWARD_SIM_MQTT_URL) and serves the
 * configured OPC UA endpoints. It starts before the gateway, so the OPC UA servers already listen
 * when the gateway connects; its devices reconnect by themselves until the broker is up.
 */
function composeSimulator(context: ProcessContext): Simulator {
  const { settings, model, clock, logger } = context;
  const brokerHost = settings.STEWARD_MQTT_HOST ?? settings.STEWARD_HTTP_HOST;
  // Occupancy follows the Chinese working calendar (holidays and adjusted working weekends).
  const calendar = new ChineseWorkingCalendar({ timeZone: model.sites[0]?.timezone ?? DEFAULT_TIME_ZONE });
  const host = brokerHost === '0.0.0.0' ? '127.0.0.1' : brokerHost;
  return new Simulator({
    model,
    clock,
    logger: logger.child({ component: 'simulator' }),
    seed: settings.STEWARD_SIM_SEED,
    mqttUrl: settings.STEWARD_SIM_MQTT_URL ?? `mqtt://${host}:${settings.STEWARD_MQTT_PORT}`,
    knobs: { rateMultiplier: settings.STEWARD_SIM_RATE ?? (context.demo ? 20 : 1) },
    isWorkingDay: (isoDate) => calendar.isWorkingDay(isoDate),
    statePath: path.resolve(settings.STEWARD_SPOOL_DIR, 'simulator-state.json'),
    opcuaPkiDir: path.resolve(settings.STEWARD_SPOOL_DIR, 'simulator-pki'),
  });
}

/** The demo history writer, through the gateway's own line writer and tags. */
function composeDemoHistory(context: ProcessContext): DemoHistory {
  const { settings, model, clock, logger } = context;
  const index = new PointIndex(model);
  const calendar = new ChineseWorkingCalendar({ timeZone: model.sites[0]?.timezone ?? DEFAULT_TIME_ZONE });
  const store = new VictoriaSampleSource({ url: settings.TSDB_URL });
  return new DemoHistory({
    model,
    sink: new InfluxLineWriter({
      url: settings.TSDB_URL,
      token: settings.TSDB_TOKEN,
      org: settings.TSDB_ORG,
      bucket: settings.TSDB_BUCKET,
      tagsFor: (pointId) => index.get(pointId)?.tags,
    }),
    hasReadings: async (pointId, fromMs, toMs) => (await store.samples(pointId, fromMs, toMs)).length > 0,
    clock,
    logger: logger.child({ component: 'demo-history' }),
    seed: settings.STEWARD_SIM_SEED,
    isWorkingDay: (isoDate) => calendar.isWorkingDay(isoDate),
  });
}

/**
 * The rule workers of the site, sharing one incident store (events published on Redis for work
 * orders and dashboards): the streaming rule worker on the gateway's reading queues, and the
 * scheduled rules (after-hours consumption on the Chinese working calendar, meter data gaps,
 * daily energy above baseline) as BullMQ job schedulers reading VictoriaMetrics. Both are safe in
 * several `workers` processes of one site.
 */
function composeRuleWorkers(
  context: ProcessContext,
  postgres: PostgresConnection,
  redis: RedisConnection,
  metrics: Registry,
): Component[] {
  const { settings, model, clock, logger } = context;
  const site = model.sites.find(
    (candidate) => candidate.id === (settings.STEWARD_SITE ?? model.sites[0]?.id),
  );
  if (!site) throw new Error(`site ${settings.STEWARD_SITE} is not in the configuration`);
  const incidents = new IncidentStore({
    pool: postgres.pool,
    clock,
    changes: new ChangePublisher({
      publisher: redis.client,
      prefix: settings.STEWARD_REDIS_PREFIX,
      logger: logger.child({ component: 'incidents' }),
    }),
  });
  const shared = { model, site: site.id, prefix: settings.STEWARD_REDIS_PREFIX, incidents, clock, metrics };
  // The daily energy-above-baseline rule compares a meter's day with its CalTRACK baseline.
  const tree = new MeterTree(model);
  const source = new VictoriaReadingSource({ url: settings.TSDB_URL });
  const history = new DailyHistory({ model, readings: new MeterReadings({ tree, source }), source });
  const baselines = new EnergyBaselineProvider({
    model,
    tree,
    history,
    clock,
    logger: logger.child({ component: 'energy-baselines' }),
  });
  return [
    new RuleWorker({
      ...shared,
      redis: redis.client,
      connection: settings.REDIS_URL,
      shards: settings.STEWARD_RULE_SHARDS,
      logger: logger.child({ component: 'rule-worker' }),
    }),
    new ScheduledRuleRunner({
      ...shared,
      connection: settings.REDIS_URL,
      logger: logger.child({ component: 'scheduled-rules' }),
      calendar: new ChineseWorkingCalendar({ timeZone: site.timezone }),
      tsdbUrl: settings.TSDB_URL,
      baselines,
    }),
  ];
}

/** The scheduled month close (月考核) on the 1st, in the workers site's time zone. */
function composeMonthClose(context: ProcessContext, store: ScoringStore, metrics: Registry): Component {
  const { settings, model, clock, logger } = context;
  const site = model.sites.find(
    (candidate) => candidate.id === (settings.STEWARD_SITE ?? model.sites[0]?.id),
  );
  return new MonthCloseScheduler({
    store,
    connection: settings.REDIS_URL,
    prefix: settings.STEWARD_REDIS_PREFIX,
    clock,
    logger: logger.child({ component: 'scoring-month-close' }),
    pattern: settings.STEWARD_SCORING_CLOSE_PATTERN,
    timeZone: site?.timezone ?? DEFAULT_TIME_ZONE,
    metrics,
  });
}

/**
 * Work orders in the workers role: the dispatcher (incident events → orders for the covering
 * contract's vendor), the SLA timers (BullMQ delayed jobs rebuilt from PostgreSQL) and the signed
 * webhooks to vendors (the notifier starts before the transition feed that hands it every
 * committed change, and stops after it).
 */
function composeWorkOrderRoles(
  context: ProcessContext,
  postgres: PostgresConnection,
  workOrders: WorkOrderParts,
  metrics: Registry,
): Component[] {
  const { settings, model, clock, logger } = context;
  const prefix = settings.STEWARD_REDIS_PREFIX;
  const notifier = new WebhookNotifier({
    vendors: model.vendors.values(),
    connection: settings.REDIS_URL,
    prefix,
    deliveries: new DeliveryLog(postgres.pool),
    clock,
    metrics,
    logger: logger.child({ component: 'webhooks' }),
  });
  return [
    workOrders.dispatcher,
    new SlaTimers({
      store: workOrders.store,
      connection: settings.REDIS_URL,
      prefix,
      clock,
      changesChannel: workOrdersChannel(prefix),
      logger: logger.child({ component: 'sla-timers' }),
      metrics,
    }),
    notifier,
    // The transition table is the outbox: every committed change reaches the vendors' webhooks,
    // whichever process made it and whether or not anyone heard it on the Redis channel.
    new TransitionFeed({
      store: workOrders.store,
      consumer: 'webhooks',
      deliver: async (message) => {
        if (!isWorkOrderEvent(message)) {
          logger.error({ message }, 'work-order change does not fit the webhook event schema; not sent');
          return;
        }
        for (const vendorId of recipientsOf(message)) await notifier.notify(vendorId, message);
      },
      logger: logger.child({ component: 'webhook-feed' }),
    }),
  ];
}
