import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import { LOAD_POINTS, type LoadDevice } from './chaos-config.ts';

/**
 * The chaos load: every load meter is an MQTT.js client logged in with its own credentials,
 * publishing one reading per message (`devices/<d>/points/<key>`, `{"ts","value"}`) at QoS 1,
 * paced so that all of them together send `ratePerSecond`. Like a real meter it does not buffer:
 * while its broker is unreachable its readings are skipped (counted, never "sent"), and it
 * reconnects by itself every half second. A reading is **sent** when the broker acknowledged it
 * (PUBACK): those are what the store must hold, once each.
 *
 * Timestamps: series (device, point) `s`, reading `i` of it is stamped `tsBase + i` ms, so
 * every reading is one distinct (series, timestamp) sample and a replay is recognisable.
 */
export interface ReadingLoadOptions {
  readonly brokerUrl: string;
  readonly devices: readonly LoadDevice[];
  readonly ratePerSecond: number;
  /** QoS 1 messages a device may have unacknowledged; beyond it, its turn waits. Default 100. */
  readonly window?: number;
}

export interface ReadingLoadTally {
  /** Readings published (PUBLISH written while connected). */
  readonly published: number;
  /** Acknowledged by the broker: the "sent" of the chaos report. */
  readonly acknowledged: number;
  /** Never acknowledged (error, or still unacknowledged when the load stopped). */
  readonly unacknowledged: number;
  /** Due while the device was disconnected, so never published. */
  readonly skippedOffline: number;
  readonly reconnects: number;
}

interface Lane {
  readonly device: LoadDevice;
  readonly client: mqtt.MqttClient;
  /** Readings this lane was due so far (published or skipped). */
  turns: number;
  inflight: number;
  /** Per point: acknowledged sequence numbers. */
  readonly acked: Set<number>[];
}

const PACE_TICK_MS = 10;

export class ReadingLoad {
  readonly #options: ReadingLoadOptions;
  readonly tsBase: number;
  readonly #lanes: Lane[] = [];
  #pacer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #published = 0;
  #acknowledged = 0;
  #failed = 0;
  #skipped = 0;
  #reconnects = 0;

  constructor(options: ReadingLoadOptions) {
    this.#options = options;
    // Ten minutes back: inside any "too far in the future or past" limit, clear of the live data.
    this.tsBase = Date.now() - 600_000;
  }

  /** Connects every device (all must log in), then starts sending. */
  async start(): Promise<void> {
    const { brokerUrl, devices } = this.#options;
    const clients = await Promise.all(
      devices.map((device) =>
        mqtt.connectAsync(brokerUrl, {
          clientId: `${device.device}-${randomBytes(3).toString('hex')}`,
          username: device.device,
          password: device.password,
          protocolVersion: 4,
          clean: true,
          keepalive: 10,
          reconnectPeriod: 500,
          connectTimeout: 10_000,
        }),
      ),
    );
    clients.forEach((client, i) => {
      client.on('error', () => undefined);
      client.on('reconnect', () => {
        this.#reconnects += 1;
      });
      this.#lanes.push({
        device: devices[i] as LoadDevice,
        client,
        turns: 0,
        inflight: 0,
        acked: LOAD_POINTS.map(() => new Set<number>()),
      });
    });
    this.#startedAt = performance.now();
    this.#pacer = setInterval(() => this.#pace(), PACE_TICK_MS);
  }

  /** Stops sending, waits (bounded) for the acknowledgements still in flight, disconnects. */
  async stop(drainTimeoutMs = 30_000): Promise<ReadingLoadTally> {
    clearInterval(this.#pacer);
    this.#pacer = undefined;
    const deadline = Date.now() + drainTimeoutMs;
    while (this.#lanes.some((lane) => lane.inflight > 0) && Date.now() < deadline) await sleep(50);
    const unacknowledged = this.#failed + this.#lanes.reduce((sum, lane) => sum + lane.inflight, 0);
    await Promise.all(this.#lanes.map((lane) => lane.client.endAsync(true).catch(() => undefined)));
    return {
      published: this.#published,
      acknowledged: this.#acknowledged,
      unacknowledged,
      skippedOffline: this.#skipped,
      reconnects: this.#reconnects,
    };
  }

  get acknowledged(): number {
    return this.#acknowledged;
  }

  /** The acknowledged readings as `<point id>@<ts>` keys, the way the store is read back. */
  acknowledgedSamples(): Set<string> {
    const samples = new Set<string>();
    for (const lane of this.#lanes) {
      LOAD_POINTS.forEach(({ key }, k) => {
        for (const i of lane.acked[k] ?? [])
          samples.add(`${lane.device.equipment}.${key}@${this.tsBase + i}`);
      });
    }
    return samples;
  }

  /** Devices connected to their broker now. */
  connected(): number {
    return this.#lanes.filter((lane) => lane.client.connected).length;
  }

  /** The latest timestamp any reading of this load may carry. */
  get lastTs(): number {
    const most = Math.max(0, ...this.#lanes.map((lane) => lane.turns));
    return this.tsBase + Math.ceil(most / LOAD_POINTS.length);
  }

  #pace(): void {
    const elapsedS = (performance.now() - this.#startedAt) / 1_000;
    const perLane = this.#options.ratePerSecond / this.#lanes.length;
    const window = this.#options.window ?? 100;
    for (const lane of this.#lanes) {
      const due = Math.floor(perLane * elapsedS);
      if (!lane.client.connected) {
        // A meter without its broker: the reading is not sent, and not kept for later.
        this.#skipped += Math.max(0, due - lane.turns);
        lane.turns = Math.max(lane.turns, due);
        continue;
      }
      while (lane.turns < due && lane.inflight < window) this.#publish(lane);
    }
  }

  #publish(lane: Lane): void {
    const turn = lane.turns;
    lane.turns += 1;
    const k = turn % LOAD_POINTS.length;
    const i = Math.floor(turn / LOAD_POINTS.length);
    const point = LOAD_POINTS[k] as (typeof LOAD_POINTS)[number];
    const value = Math.round((point.base + point.step * (i % 100)) * 1_000) / 1_000;
    lane.inflight += 1;
    this.#published += 1;
    lane.client.publish(
      `devices/${lane.device.device}/points/${point.key}`,
      `{"ts":${this.tsBase + i},"value":${value}}`,
      { qos: 1 },
      (error) => {
        lane.inflight -= 1;
        if (error) {
          this.#failed += 1;
          return;
        }
        this.#acknowledged += 1;
        lane.acked[k]?.add(i);
      },
    );
  }
}
