import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import type { Door } from './chaos-config.ts';

/**
 * Injected faults: a door forced open (the sample rule `door-forced-open` fires on
 * `forced_open = 1`; it clears only once the door reports shut, which never happens here), each
 * on a door of its own. The door's device publishes `forced_open = 1` and `open = 1` at QoS 1
 * and, like a real access controller, keeps the event until its broker acknowledged it,
 * reconnecting as often as it takes (bounded by `giveUpMs`). An acknowledged fault is one the
 * platform must turn into exactly one incident and one work order.
 */
export interface InjectedFault {
  readonly door: Door;
  /** Reading time of the event (the incident's first_seen). */
  readonly ts: number;
  /** When the broker acknowledged both readings; undefined if it never did. */
  acknowledgedAt: number | undefined;
}

export class DoorFaults {
  readonly #brokerUrl: string;
  readonly #giveUpMs: number;
  readonly faults: InjectedFault[] = [];
  readonly #pending: Promise<void>[] = [];

  constructor(options: { brokerUrl: string; giveUpMs?: number }) {
    this.#brokerUrl = options.brokerUrl;
    this.#giveUpMs = options.giveUpMs ?? 120_000;
  }

  /** Starts injecting a fault now (returns at once; settled() waits for the acknowledgements). */
  inject(door: Door): void {
    const fault: InjectedFault = { door, ts: Date.now(), acknowledgedAt: undefined };
    this.faults.push(fault);
    this.#pending.push(this.#deliver(fault));
  }

  async settled(): Promise<void> {
    await Promise.all(this.#pending);
  }

  acknowledged(): InjectedFault[] {
    return this.faults.filter((fault) => fault.acknowledgedAt !== undefined);
  }

  async #deliver(fault: InjectedFault): Promise<void> {
    const { door } = fault;
    const client = mqtt.connect(this.#brokerUrl, {
      clientId: `${door.device}-${randomBytes(3).toString('hex')}`,
      username: door.device,
      password: door.password,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 500,
      connectTimeout: 10_000,
    });
    client.on('error', () => undefined);
    const publish = (key: string): Promise<void> =>
      new Promise((resolve, reject) =>
        client.publish(
          `devices/${door.device}/points/${key}`,
          JSON.stringify({ ts: fault.ts, value: 1 }),
          { qos: 1 },
          (error) => (error ? reject(error) : resolve()),
        ),
      );
    let timer: NodeJS.Timeout | undefined;
    try {
      // Published when first connected; MQTT.js keeps QoS 1 messages and resends them after a reconnect.
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error('not acknowledged')), this.#giveUpMs);
        client.once('connect', () => {
          Promise.all([publish('forced_open'), publish('open')]).then(() => resolve(), reject);
        });
      });
      fault.acknowledgedAt = Date.now();
    } catch {
      // never acknowledged: not expected to become an incident
    } finally {
      clearTimeout(timer);
      await client.endAsync(true).catch(() => undefined);
    }
  }
}
