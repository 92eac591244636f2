import type { Counter, Registry } from 'prom-client';
import type { Clock } from '../../services/runtime/clock.ts';
import { sharedCounter } from '../../services/runtime/metrics.ts';
import { toReadings } from './convert.ts';
import type { DeadLetters } from './dead-letters.ts';
import { type Decoded, decodeBoundMessage, decodeDeviceMessage } from './decode-mqtt.ts';
import type { NormalisePolicy } from './normalise.ts';
import type { PointIndex } from './point-index.ts';
import type { RawValue, Reading } from './reading.ts';
import type { Rejection } from './rejection.ts';

/** Where accepted readings go first: the spool (write-ahead log). Resolves once they are safe. */
export interface ReadingAppender {
  append(readings: readonly Reading[]): Promise<void>;
}

export interface IngestorOptions {
  readonly index: PointIndex;
  readonly policy: NormalisePolicy;
  readonly clock: Clock;
  readonly spool: ReadingAppender;
  readonly deadLetters: DeadLetters;
  readonly metrics: Registry;
  readonly maxPayloadBytes: number;
  /** Called with readings once they are in the spool (live values for dashboards). */
  readonly onAccepted?: (readings: readonly Reading[]) => void;
}

/**
 * The gateway's single entry for every source: decode, normalise, count, dead-letter what is
 * refused, append what is accepted to the spool. A message's promise resolves only after its
 * readings are in the spool, so the broker can acknowledge it (at-least-once delivery).
 */
export class Ingestor {
  readonly #options: IngestorOptions;
  readonly #messages: Counter<'source'>;
  readonly #readings: Counter<'source'>;
  readonly #rejections: Counter<'code'>;

  constructor(options: IngestorOptions) {
    this.#options = options;
    this.#messages = sharedCounter(options.metrics, {
      name: 'steward_gateway_messages_total',
      help: 'Messages received, by source',
      labelNames: ['source'],
    });
    this.#readings = sharedCounter(options.metrics, {
      name: 'steward_gateway_readings_total',
      help: 'Readings accepted into the spool, by source',
      labelNames: ['source'],
    });
    this.#rejections = sharedCounter(options.metrics, {
      name: 'steward_gateway_rejections_total',
      help: 'Messages or values refused, by reason code',
      labelNames: ['code'],
    });
  }

  deviceMessage(device: string, topic: string, payload: Buffer): Promise<void> {
    const { index, maxPayloadBytes } = this.#options;
    return this.#accept(
      'mqtt:embedded',
      decodeDeviceMessage(device, topic, payload, { index, maxPayloadBytes }),
    );
  }

  boundMessage(broker: string, topic: string, payload: Buffer): Promise<void> {
    const { index, maxPayloadBytes } = this.#options;
    return this.#accept(
      `mqtt:${broker}`,
      decodeBoundMessage(broker, topic, payload, { index, maxPayloadBytes }),
    );
  }

  /** Values that arrive already decoded (OPC UA). */
  values(source: string, values: RawValue[]): Promise<void> {
    return this.#accept(source, { values, rejections: [] });
  }

  /** Records a refusal made before decoding (authentication, topic ACL, oversize packets). */
  refuse(rejection: Rejection): void {
    this.#rejections.inc({ code: rejection.code });
    this.#refusedByCode.set(rejection.code, (this.#refusedByCode.get(rejection.code) ?? 0) + 1);
    this.#options.deadLetters.add({ ...rejection, at: this.#options.clock.nowMs() });
  }

  readonly #refusedByCode = new Map<string, number>();

  /** Refusals since the process started, by reason code (the ingest-health panel's figures). */
  refusals(): Record<string, number> {
    return Object.fromEntries(this.#refusedByCode);
  }

  /** Counters bound to a source once: label lookups would otherwise run on every message. */
  readonly #bySource = new Map<string, { messages: Counter.Internal; readings: Counter.Internal }>();

  #countersFor(source: string): { messages: Counter.Internal; readings: Counter.Internal } {
    let counters = this.#bySource.get(source);
    if (!counters) {
      counters = { messages: this.#messages.labels(source), readings: this.#readings.labels(source) };
      this.#bySource.set(source, counters);
    }
    return counters;
  }

  async #accept(source: string, decoded: Decoded): Promise<void> {
    const { index, policy, clock, spool, onAccepted } = this.#options;
    const counters = this.#countersFor(source);
    counters.messages.inc();
    const now = clock.nowMs();
    const { readings, rejections } = toReadings(decoded.values, source, index, now, policy);
    for (const rejection of decoded.rejections) this.refuse(rejection);
    for (const rejection of rejections) this.refuse(rejection);
    if (readings.length === 0) return;
    await spool.append(readings);
    counters.readings.inc(readings.length);
    onAccepted?.(readings);
  }
}
