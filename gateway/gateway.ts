import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { SiteModel } from '../config/load/model.ts';
import type { OpcuaIdentityConfig } from '../config/schema/opcua.ts';
import type { Clock } from '../services/runtime/clock.ts';
import type { Component } from '../services/runtime/component.ts';
import type { Logger } from '../services/runtime/logger.ts';
import { resolveSecret } from '../services/runtime/secrets.ts';
import type { Settings } from '../services/runtime/settings.ts';
import { mqttTlsMaterial } from '../services/runtime/tls.ts';
import { EmbeddedBroker } from './broker/embedded-broker.ts';
import { LiveValues } from './handoff/live-values.ts';
import { RuleQueueSink } from './handoff/rule-queues.ts';
import { WatermarkPublisher } from './handoff/watermark.ts';
import { DeadLetterMirror, DeadLetters, deadLetterKey } from './ingest/dead-letters.ts';
import { IngestHealthPublisher } from './ingest/health.ts';
import { Ingestor } from './ingest/ingestor.ts';
import { DEFAULT_POLICY } from './ingest/normalise.ts';
import { PointIndex } from './ingest/point-index.ts';
import type { OpcuaIdentity } from './sources/opcua/endpoint-options.ts';
import { OpcuaSource } from './sources/opcua/opcua-source.ts';
import { SiteBrokerSource } from './sources/site-broker.ts';
import { Spool } from './store/spool.ts';
import { SpoolForwarder } from './store/spool-forwarder.ts';
import { InfluxLineWriter } from './store/tsdb-writer.ts';

export interface GatewayContext {
  readonly model: SiteModel;
  readonly settings: Settings;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics: Registry;
  /** The process's Redis connection (shared with /health). */
  readonly redis: Redis;
  /** Overrides for tests and the demo: ports 0 pick free ports. */
  readonly mqttPort?: number;
  readonly mqttWsPort?: number;
}

/** How often coalesced live values are published: a few updates per second per point at most. */
const LIVE_INTERVAL_MS = 250;

/**
 * The gateway of one site: spool first (everything accepted goes there before it is
 * acknowledged), then the consumers that empty it, then the sources that fill it. Started in this
 * order and stopped in reverse, so sources stop taking readings before the spool closes.
 */
export class Gateway {
  readonly site: string;
  readonly index: PointIndex;
  readonly spool: Spool;
  readonly deadLetters: DeadLetters;
  readonly ingestor: Ingestor;
  readonly broker: EmbeddedBroker;
  readonly sources: readonly Component[];
  readonly components: readonly Component[];
  readonly #forwarders: readonly SpoolForwarder[];

  constructor(context: GatewayContext) {
    const { model, settings, logger, clock, metrics, redis } = context;
    const site = model.sites.find((s) => s.id === (settings.STEWARD_SITE ?? model.sites[0]?.id));
    if (!site) throw new Error(`site ${settings.STEWARD_SITE} is not in the configuration`);
    this.site = site.id;
    this.index = new PointIndex(model, { site: site.id });
    const spoolDir = path.resolve(settings.STEWARD_SPOOL_DIR, site.id);
    this.spool = new Spool({
      dir: spoolDir,
      maxBytes: settings.STEWARD_SPOOL_MAX_BYTES,
      fsyncIntervalMs: settings.STEWARD_SPOOL_FSYNC_MS,
      registry: metrics,
    });
    const log = (component: string) => logger.child({ component });
    this.#forwarders = [
      new SpoolForwarder({
        spool: this.spool,
        consumer: 'tsdb',
        sink: new InfluxLineWriter({
          url: settings.TSDB_URL,
          token: settings.TSDB_TOKEN,
          org: settings.TSDB_ORG,
          bucket: settings.TSDB_BUCKET,
          tagsFor: (pointId) => this.index.get(pointId)?.tags,
        }),
        clock,
        logger: log('tsdb-forwarder'),
        registry: metrics,
      }),
      new SpoolForwarder({
        spool: this.spool,
        consumer: 'rules',
        sink: new RuleQueueSink({
          connection: redis,
          prefix: settings.STEWARD_REDIS_PREFIX,
          site: site.id,
          shards: settings.STEWARD_RULE_SHARDS,
          metrics,
          logger: log('rule-queues'),
        }),
        batchSize: 2_000,
        // Alarm latency: 20 ms here was half of publish → incident at p50 (bench alarm-latency:
        // p50 26.3 → 14.3 ms with 5 ms, quick runs back to back); the price at 10,000 readings/s is
        // more, smaller jobs (workers 20 → 38 % of a core). Under a backlog batches fill anyway.
        lingerMs: 5,
        clock,
        logger: log('rules-forwarder'),
        registry: metrics,
      }),
    ];
    const live = new LiveValues({
      redis,
      prefix: settings.STEWARD_REDIS_PREFIX,
      site: site.id,
      intervalMs: LIVE_INTERVAL_MS,
      logger: log('live-values'),
      metrics,
    });
    this.deadLetters = new DeadLetters(1_000);
    this.ingestor = new Ingestor({
      index: this.index,
      policy: { ...DEFAULT_POLICY, timestamp: settings.STEWARD_TIMESTAMP_POLICY },
      clock,
      spool: this.spool,
      deadLetters: this.deadLetters,
      metrics,
      maxPayloadBytes: settings.STEWARD_MAX_PAYLOAD_BYTES,
      onAccepted: (readings) => live.offer(readings),
    });
    const mqttTls = mqttTlsMaterial(settings);
    this.broker = new EmbeddedBroker({
      host: settings.STEWARD_MQTT_HOST ?? settings.STEWARD_HTTP_HOST,
      port: context.mqttPort ?? settings.STEWARD_MQTT_PORT,
      wsPort: context.mqttWsPort ?? settings.STEWARD_MQTT_WS_PORT,
      tls: mqttTls && { ...mqttTls, port: settings.STEWARD_MQTT_TLS_PORT },
      credentials: siteCredentials(model, site.id),
      ingestor: this.ingestor,
      logger: log('mqtt-broker'),
      metrics,
      maxPacketBytes: settings.STEWARD_MAX_PACKET_BYTES,
    });
    const siteBrokers = site.sources.mqtt
      .filter((broker) => broker.kind === 'external')
      .map(
        (broker) =>
          new SiteBrokerSource({
            broker,
            topics: this.index.topicsOf(broker.id),
            ingestor: this.ingestor,
            logger: log('site-broker'),
            metrics,
          }),
      );
    const opcua = site.sources.opcua
      .map((endpoint) => ({ endpoint, points: this.index.nodesOf(endpoint.id) }))
      .filter(({ points }) => points.length > 0)
      .map(
        ({ endpoint, points }) =>
          new OpcuaSource({
            endpoint,
            identity: resolveIdentity(endpoint.identity),
            trust: {
              ...endpoint.trust,
              pkiDir: endpoint.trust?.pkiDir ?? path.resolve(settings.STEWARD_SPOOL_DIR, 'pki'),
            },
            ...(endpoint.subscription ? { subscription: endpoint.subscription } : {}),
            ...(endpoint.reconnect ? { reconnect: endpoint.reconnect } : {}),
            points,
            onValues: (values) => {
              this.ingestor.values(`opcua:${endpoint.id}`, values).catch((error: unknown) => {
                logger.error({ err: error, endpoint: endpoint.id }, 'could not ingest OPC UA values');
              });
            },
            logger: log('opcua'),
            metrics,
            clock,
          }),
      );
    this.sources = [this.broker, ...siteBrokers, ...opcua];
    this.components = [
      this.spool,
      ...this.#forwarders,
      new WatermarkPublisher({
        spool: this.spool,
        consumer: 'rules',
        redis,
        prefix: settings.STEWARD_REDIS_PREFIX,
        site: site.id,
        clock,
        logger: log('handoff-watermark'),
      }),
      live,
      new DeadLetterMirror(this.deadLetters, redis, deadLetterKey(settings.STEWARD_REDIS_PREFIX, site.id)),
      new IngestHealthPublisher({
        spool: this.spool,
        refusals: () => this.ingestor.refusals(),
        redis,
        prefix: settings.STEWARD_REDIS_PREFIX,
        site: site.id,
        clock,
      }),
      ...this.sources,
    ];
  }

  /** Operators' view on the gateway's own HTTP port. */
  routes(app: FastifyInstance): void {
    app.get('/gateway/status', async () => ({
      site: this.site,
      points: this.index.size,
      mqtt: { port: this.broker.port, wsPort: this.broker.wsPort, tlsPort: this.broker.tlsPort },
      spool: this.spool.stats(),
      forwarders: Object.fromEntries(this.#forwarders.map((f) => [f.name, f.stats()])),
      sources: this.sources.map((source) => ({
        name: source.name,
        ...('stats' in source && typeof source.stats === 'function' ? { stats: source.stats() } : {}),
      })),
    }));
    app.get<{ Querystring: { limit?: string } }>('/gateway/dead-letters', async (request) => {
      const limit = Math.min(1_000, Math.max(1, Number(request.query.limit ?? 100) || 100));
      return { deadLetters: this.deadLetters.list(limit) };
    });
  }
}

/** The configured identity with its password read from the environment or a file. */
function resolveIdentity(identity: OpcuaIdentityConfig | undefined): OpcuaIdentity {
  if (!identity || identity.type === 'anonymous') return { type: 'anonymous' };
  if (identity.type === 'username') {
    return { type: 'username', userName: identity.userName, password: resolveSecret(identity.password) };
  }
  return identity;
}

/**
 * The device credentials a site's embedded broker accepts: every device but those of another
 * site's equipment, which must connect to their own site's gateway (refused here at CONNECT as
 * bad credentials rather than accepted and then refused reading by reading).
 */
export function siteCredentials(model: SiteModel, site: string): ReadonlyMap<string, string> {
  const elsewhere = new Set<string>();
  for (const equipment of model.equipment.values())
    if (equipment.siteId !== site && 'mqtt' in equipment.source) elsewhere.add(equipment.source.mqtt.device);
  return new Map([...model.deviceSecrets].filter(([device]) => !elsewhere.has(device)));
}
