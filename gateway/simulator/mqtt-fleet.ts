import mqtt, { type MqttClient } from 'mqtt';
import type { SiteModel } from '../../config/load/model.ts';
import type { Logger } from '../../services/runtime/logger.ts';
import { hashString } from './random.ts';
import type { PointEvent, PointValue } from './sim-types.ts';

/**
 * The simulated MQTT devices: one connection per device, authenticated as the device, publishing
 * only under `devices/<device>/` as the embedded broker's ACL requires.
 *
 * Payloads, all of which the gateway decodes:
 * - batch `devices/<device>/readings`: `{"ts": <ms>, "readings": {"<key>": <value>, …}}`
 *   (meters every interval; security devices, fire panels and cameras as their periodic refresh);
 * - per point `devices/<device>/points/<key>`: `{"ts": <ms>, "value": <number|boolean>}`
 *   (door and intrusion changes, the instant they happen);
 * - per point, bare number: the weather station, like the many legacy sensors that send only a value.
 */

export type PublishStyle = 'batch' | 'bare-points';

export interface DevicePlan {
  readonly device: string;
  /** Equipment id, or the synthetic meter's id for extra meters. */
  readonly equipmentId: string;
  readonly style: PublishStyle;
  readonly periodMs: number;
  /** Per-point topics by key (from the point's binding). */
  readonly pointTopics: Readonly<Record<string, string>>;
  /** Keys published on change as events. */
  readonly eventKeys: ReadonlySet<string>;
}

const EVENT_CLASSES = new Set(['access_door', 'intrusion_sensor']);
const MIN_PERIOD_MS = 50;
const STOP_GRACE_MS = 2_000;
const PROBLEM_LOG_INTERVAL_MS = 30_000;

export interface DeviceSelection {
  readonly rateMultiplier: number;
  /** Glob patterns (`*` wildcard) on the device id or equipment id; all devices when absent. */
  readonly deviceFilter?: readonly string[];
  readonly deviceLimit?: number;
  readonly extraMeterIds: readonly string[];
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * The devices to simulate: equipment whose source is a device on the site's embedded broker,
 * filtered and limited, plus the synthetic extra meters.
 */
export function planDevices(model: SiteModel, selection: DeviceSelection): DevicePlan[] {
  const embedded = new Set(
    model.sites.flatMap((site) => site.sources.mqtt.filter((b) => b.kind === 'embedded').map((b) => b.id)),
  );
  const filters = selection.deviceFilter?.map(globToRegExp);
  const plans: DevicePlan[] = [];
  for (const item of model.equipment.values()) {
    if (!('mqtt' in item.source) || !embedded.has(item.source.mqtt.broker)) continue;
    const device = item.source.mqtt.device;
    if (filters && !filters.some((f) => f.test(device) || f.test(item.id))) continue;
    const pointTopics: Record<string, string> = {};
    for (const point of item.points) {
      const binding = point.binding;
      pointTopics[point.key] =
        binding.kind === 'mqtt' && binding.field === undefined
          ? binding.topic
          : `devices/${device}/points/${point.key}`;
    }
    const intervalS = Math.min(...item.points.map((p) => p.intervalS));
    plans.push({
      device,
      equipmentId: item.id,
      style: item.class === 'weather_station' ? 'bare-points' : 'batch',
      periodMs: Math.max(MIN_PERIOD_MS, (intervalS * 1000) / selection.rateMultiplier),
      pointTopics,
      eventKeys: EVENT_CLASSES.has(item.class)
        ? new Set(item.points.filter((p) => p.kind === 'binary').map((p) => p.key))
        : new Set(),
    });
  }
  const limited = selection.deviceLimit === undefined ? plans : plans.slice(0, selection.deviceLimit);
  const extras = selection.extraMeterIds.map(
    (id): DevicePlan => ({
      device: id,
      equipmentId: id,
      style: 'batch',
      periodMs: Math.max(MIN_PERIOD_MS, 60_000 / selection.rateMultiplier),
      pointTopics: {},
      eventKeys: new Set(),
    }),
  );
  return [...limited, ...extras];
}

export interface DeviceSource {
  values(id: string): Readonly<Record<string, PointValue>> | undefined;
  isOnline(equipmentId: string): boolean;
}

export interface FleetStats {
  readonly devices: number;
  readonly connected: number;
  /** Acknowledged by the broker (QoS 1) or written to the socket (QoS 0). */
  readonly sent: number;
  /** Rejected by the client or the broker. */
  readonly failed: number;
  /** Not attempted because the device was not connected at the time. */
  readonly skipped: number;
}

export interface MqttFleetOptions {
  readonly url: string;
  readonly devices: readonly DevicePlan[];
  readonly qos: 0 | 1;
  readonly password: (device: string) => string;
  readonly logger: Logger;
}

interface DeviceState {
  readonly plan: DevicePlan;
  client: MqttClient | undefined;
  nextDueMs: number;
  lastError: string | undefined;
}

export class MqttFleet {
  readonly #options: MqttFleetOptions;
  readonly #devices = new Map<string, DeviceState>();
  readonly #closing = new Set<Promise<void>>();
  readonly #problemsLoggedAt = new Map<string, number>();
  #sent = 0;
  #failed = 0;
  #skipped = 0;

  constructor(options: MqttFleetOptions) {
    this.#options = options;
  }

  stats(): FleetStats {
    let connected = 0;
    for (const state of this.#devices.values()) if (state.client?.connected) connected++;
    return {
      devices: this.#devices.size,
      connected,
      sent: this.#sent,
      failed: this.#failed,
      skipped: this.#skipped,
    };
  }

  /** Creates the connections; they come up (and come back) by themselves. */
  start(nowMs: number): void {
    for (const plan of this.#options.devices) {
      // Spread first reports over the period, as real devices are not synchronised.
      const offset = (hashString(plan.device) % 1000) / 1000;
      const state: DeviceState = {
        plan,
        client: undefined,
        nextDueMs: nowMs + offset * Math.min(plan.periodMs, 10_000),
        lastError: undefined,
      };
      state.client = this.#connect(state);
      this.#devices.set(plan.equipmentId, state);
    }
  }

  #connect(state: DeviceState): MqttClient {
    const { device } = state.plan;
    const client = mqtt.connect(this.#options.url, {
      clientId: device,
      username: device,
      password: this.#options.password(device),
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      connectTimeout: 10_000,
      // Jittered, so a restarted broker is not hit by every device in the same instant.
      reconnectPeriod: 1_000 + (hashString(device) % 2_000),
      // Keep retrying after a refused CONNACK, as field devices do (the broker may not know them yet).
      reconnectOnConnackError: true,
      queueQoSZero: false,
    });
    client.on('connect', () => {
      if (state.lastError !== undefined) this.#options.logger.info({ device }, 'device reconnected');
      state.lastError = undefined;
    });
    client.on('error', (error) => {
      // Once per distinct problem per device, not once per retry.
      if (state.lastError === error.message) return;
      state.lastError = error.message;
      this.#logProblem(device, error.message, 'device connection problem');
    });
    return client;
  }

  /** `force` drops the link at once (a device going dark); otherwise in-flight messages get a moment to be acknowledged. */
  #disconnect(state: DeviceState, force: boolean): void {
    const client = state.client;
    state.client = undefined;
    if (!client) return;
    const graceful = force
      ? client.endAsync(true)
      : Promise.race([
          client.endAsync(false),
          new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref()),
        ]).then(() => client.endAsync(true));
    const closing = graceful.catch(() => undefined);
    this.#closing.add(closing);
    void closing.finally(() => this.#closing.delete(closing));
  }

  /** Publishes the events and every report that is due; drops or restores connections of offline devices. */
  tick(nowMs: number, source: DeviceSource, events: readonly PointEvent[]): void {
    for (const state of this.#devices.values()) {
      const online = source.isOnline(state.plan.equipmentId);
      if (!online && state.client) this.#disconnect(state, true);
      else if (online && !state.client) state.client = this.#connect(state);
    }
    for (const event of events) {
      const state = this.#devices.get(event.equipmentId);
      if (!state?.plan.eventKeys.has(event.key)) continue;
      const topic = state.plan.pointTopics[event.key];
      if (topic) this.#publish(state, topic, JSON.stringify({ ts: event.ts, value: event.value }));
    }
    for (const state of this.#devices.values()) {
      if (state.nextDueMs > nowMs) continue;
      state.nextDueMs += state.plan.periodMs;
      // After a stall, resume the rhythm instead of bursting out the missed reports.
      if (state.nextDueMs <= nowMs) state.nextDueMs = nowMs + state.plan.periodMs;
      const values = source.values(state.plan.equipmentId);
      if (!values || !state.client) continue;
      if (state.plan.style === 'batch') {
        this.#publish(
          state,
          `devices/${state.plan.device}/readings`,
          JSON.stringify({ ts: nowMs, readings: values }),
        );
      } else {
        for (const [key, value] of Object.entries(values)) {
          const topic = state.plan.pointTopics[key];
          if (topic) this.#publish(state, topic, String(typeof value === 'boolean' ? Number(value) : value));
        }
      }
    }
  }

  #publish(state: DeviceState, topic: string, payload: string): void {
    const client = state.client;
    if (!client?.connected) {
      this.#skipped++;
      return;
    }
    client.publish(topic, payload, { qos: this.#options.qos }, (error) => {
      if (error) {
        this.#failed++;
        if (state.lastError !== error.message) {
          state.lastError = error.message;
          this.#logProblem(state.plan.device, error.message, 'publish failed');
        }
      } else this.#sent++;
    });
  }

  /**
   * A broker going away hits every device with the same error: warn once per problem every
   * 30 s and keep the per-device lines at debug.
   */
  #logProblem(device: string, problem: string, message: string): void {
    const now = performance.now();
    const last = this.#problemsLoggedAt.get(problem);
    if (last !== undefined && now - last < PROBLEM_LOG_INTERVAL_MS) {
      this.#options.logger.debug({ device, err: problem }, message);
      return;
    }
    this.#problemsLoggedAt.set(problem, now);
    this.#options.logger.warn(
      { device, err: problem },
      `${message} (same problem on other devices logged at debug)`,
    );
  }

  async stop(): Promise<void> {
    for (const state of this.#devices.values()) this.#disconnect(state, false);
    await Promise.all(this.#closing);
    this.#devices.clear();
  }
}
