import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadConfig } from '../../../config/load/load-config.ts';
import { Gateway } from '../../../gateway/gateway.ts';
import { systemClock } from '../../../services/runtime/clock.ts';
import type { Component } from '../../../services/runtime/component.ts';
import { RedisConnection } from '../../../services/runtime/connections/redis.ts';
import { readSettings } from '../../../services/runtime/settings.ts';
import { BENCH_SITE } from './bench-config.ts';

export interface BenchGatewayOptions {
  readonly configDir: string;
  /** Parent of the spool directory (a fresh one per gateway). */
  readonly workDir: string;
  readonly tsdbUrl: string;
  /** Unique per run: every Redis key of this gateway starts with it, and is deleted on stop. */
  readonly redisPrefix: string;
}

/**
 * The real gateway as `steward gateway` composes it (gateway/gateway.ts: spool, tsdb and rules
 * forwarders, live values, dead-letter mirror, the embedded broker with authentication), on
 * free ports, a temporary spool, the bench's VictoriaMetrics and the stack's Redis under a
 * unique key prefix. Components start in order and stop in reverse, as services/runtime does.
 */
export class BenchGateway {
  readonly gateway: Gateway;
  readonly metrics: Registry;
  readonly #redis: RedisConnection;
  readonly #components: readonly Component[];
  readonly #spoolDir: string;
  readonly #prefix: string;
  #started: Component[] = [];

  constructor(options: BenchGatewayOptions) {
    this.#spoolDir = mkdtempSync(path.join(options.workDir, 'spool-'));
    this.#prefix = options.redisPrefix;
    const settings = readSettings({
      ...process.env,
      STEWARD_CONFIG_DIR: options.configDir,
      STEWARD_SITE: BENCH_SITE,
      STEWARD_SPOOL_DIR: this.#spoolDir,
      TSDB_URL: options.tsdbUrl,
      STEWARD_MQTT_HOST: '127.0.0.1',
      STEWARD_MQTT_PORT: '0',
      STEWARD_MQTT_WS_PORT: '0',
      STEWARD_REDIS_PREFIX: options.redisPrefix,
    });
    // Warnings and errors only, on stderr: stdout carries the table and the JSON line.
    const logger = pino({ level: 'warn', base: { role: 'gateway' } }, pino.destination(2));
    this.metrics = new Registry();
    this.#redis = new RedisConnection(settings.REDIS_URL, { logger: logger.child({ component: 'redis' }) });
    this.gateway = new Gateway({
      model: loadConfig(options.configDir),
      settings,
      logger,
      clock: systemClock,
      metrics: this.metrics,
      redis: this.#redis.client,
    });
    this.#components = [this.#redis, ...this.gateway.components];
  }

  get port(): number {
    return this.gateway.broker.port;
  }

  async start(): Promise<void> {
    for (const component of this.#components) {
      await component.start();
      this.#started.push(component);
    }
  }

  /** Refusals by code (a clean run has none). */
  async rejections(): Promise<Record<string, number>> {
    const metric = await this.metrics.getSingleMetric('steward_gateway_rejections_total')?.get();
    return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels.code), v.value]));
  }

  async stop(): Promise<void> {
    const started = this.#started.splice(0).reverse();
    const redis = this.#redis.client;
    let firstError: unknown;
    for (const component of started) {
      // The Redis connection stops last; clean this run's keys before it goes.
      if (component === this.#redis) await deleteKeys(redis, this.#prefix).catch(() => undefined);
      await component.stop().catch((error: unknown) => {
        firstError ??= error;
      });
    }
    rmSync(this.#spoolDir, { recursive: true, force: true });
    if (firstError) throw firstError;
  }
}

async function deleteKeys(redis: RedisConnection['client'], prefix: string): Promise<void> {
  if (redis.status !== 'ready') return;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}
