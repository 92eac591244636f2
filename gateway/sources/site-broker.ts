import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Counter, Gauge, Registry } from 'prom-client';
import type { MqttBroker } from '../../config/schema/organisation.ts';
import type { Component } from '../../services/runtime/component.ts';
import type { Logger } from '../../services/runtime/logger.ts';
import { sharedCounter, sharedGauge } from '../../services/runtime/metrics.ts';
import { resolveSecret } from '../../services/runtime/secrets.ts';
import type { Ingestor } from '../ingest/ingestor.ts';

export interface SiteBrokerOptions {
  readonly broker: MqttBroker;
  /** Topics points are bound to on this broker (from the point index). */
  readonly topics: readonly string[];
  readonly ingestor: Ingestor;
  readonly logger: Logger;
  readonly metrics: Registry;
  /** Reconnect backoff: first delay, doubled per failed attempt up to the cap. */
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
}

/**
 * A client of a building's existing broker (e.g. Mosquitto under a BMS). Subscribes to the bound
 * topics and feeds what arrives to the ingestor. Reconnects by itself with capped exponential
 * backoff and subscribes again after every (re)connection, because a restarted broker has
 * forgotten the session.
 */
export class SiteBrokerSource implements Component {
  readonly name: string;
  readonly #options: SiteBrokerOptions;
  #client: MqttClient | undefined;
  #attempt = 0;
  readonly #connected: Gauge<'broker'>;
  readonly #reconnects: Counter<'broker'>;

  constructor(options: SiteBrokerOptions) {
    this.#options = options;
    this.name = `site-broker:${options.broker.id}`;
    this.#connected = sharedGauge(options.metrics, {
      name: 'steward_site_broker_connected',
      help: 'Connected to the site broker (1) or not (0)',
      labelNames: ['broker'],
    });
    this.#reconnects = sharedCounter(options.metrics, {
      name: 'steward_site_broker_reconnects_total',
      help: 'Reconnection attempts to a site broker',
      labelNames: ['broker'],
    });
  }

  async start(): Promise<void> {
    const { broker, logger, ingestor, topics } = this.#options;
    const minMs = this.#options.reconnectMinMs ?? 500;
    const maxMs = this.#options.reconnectMaxMs ?? 30_000;
    if (!broker.url) throw new Error(`site broker ${broker.id} has no url`);
    const client = mqtt.connect(broker.url, this.#clientOptions(minMs));
    this.#client = client;
    const labels = { broker: broker.id };

    client.on('connect', () => {
      this.#attempt = 0;
      client.options.reconnectPeriod = minMs;
      this.#connected.set(labels, 1);
      logger.info({ broker: broker.id, topics: topics.length }, 'connected to site broker');
      if (topics.length === 0) return;
      client.subscribe([...topics], { qos: broker.qos ?? 1 }, (error) => {
        if (error) logger.error({ broker: broker.id, err: error }, 'subscribing on the site broker failed');
      });
    });
    client.on('reconnect', () => {
      this.#attempt++;
      this.#reconnects.inc(labels);
      // MQTT.js reads reconnectPeriod before each attempt, so raising it here backs off.
      client.options.reconnectPeriod = Math.min(maxMs, minMs * 2 ** this.#attempt);
    });
    client.on('close', () => this.#connected.set(labels, 0));
    client.on('error', (error) =>
      logger.warn({ broker: broker.id, err: error }, 'site broker connection error'),
    );
    client.on('message', (topic, payload) => {
      ingestor.boundMessage(broker.id, topic, payload).catch((error: unknown) => {
        // The spool refused the readings (e.g. disk full); they are counted there. Keep going.
        logger.error({ broker: broker.id, err: error }, 'could not ingest a site-broker message');
      });
    });
  }

  async stop(): Promise<void> {
    await this.#client?.endAsync();
    this.#connected.set({ broker: this.#options.broker.id }, 0);
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  #clientOptions(reconnectPeriod: number): IClientOptions {
    const { broker } = this.#options;
    const tls = broker.tls;
    return {
      reconnectPeriod,
      connectTimeout: 10_000,
      clean: true,
      clientId: `steward-${broker.id}-${process.pid}`,
      ...(broker.username ? { username: broker.username } : {}),
      ...(broker.password ? { password: resolveSecret(broker.password) } : {}),
      ...(tls?.caFile ? { ca: readFileSync(tls.caFile) } : {}),
      ...(tls?.certFile ? { cert: readFileSync(tls.certFile) } : {}),
      ...(tls?.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
      rejectUnauthorized: tls?.rejectUnauthorized ?? true,
    };
  }
}
