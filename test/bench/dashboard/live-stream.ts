import type { Redis } from 'ioredis';
import { latestKey, liveChannel } from '../../../gateway/handoff/shards.ts';
import { incidentsChannel, toMessage } from '../../../services/incidents/publisher.ts';
import { toWorkOrderMessage, workOrdersChannel } from '../../../services/workorders/changes.ts';
import { incidentRow } from '../../helpers/incident-row.ts';
import { trickleId } from './fleet-protocol.ts';

/** The gateway's coalescing window (gateway/handoff/live-values.ts publishes at most once per 250 ms). */
const GATEWAY_WINDOW_MS = 250;

export interface LiveStreamOptions {
  readonly redis: Redis;
  readonly prefix: string;
  readonly runId: string;
  readonly site: string;
  /** Point ids of the site; every one changes once per `changeEveryMs`. */
  readonly points: readonly string[];
  readonly changeEveryMs: number;
  /** One trickle event (incident and work-order changes alternating) every this many ms. */
  readonly trickleEveryMs: number;
  /** A building of the site (incidents are routed to its site room) and an equipment id in it. */
  readonly buildingCode: string;
  readonly equipmentId: string;
}

/**
 * The live feed's sources as production produces them, on the bench's Redis prefix: the site's
 * live values exactly as the gateway's `LiveValues` publishes them (every 250 ms, the points that
 * changed in the window, in one MULTI with the latest-values hash), and a trickle of incident and
 * work-order changes built by the publishers' own `toMessage` / `toWorkOrderMessage`. Each trickle
 * event carries its sequence number and publish time in its id, so clients can tell which they
 * missed and how late each arrived.
 */
export class LiveStream {
  readonly #options: LiveStreamOptions;
  #tick = 0;
  #timer: NodeJS.Timeout | undefined;
  #trickleTimer: NodeJS.Timeout | undefined;
  #publishing: Promise<unknown> = Promise.resolve();
  #trickleSeq = 0;
  #failures = 0;
  published = { frames: 0, values: 0, trickle: 0 };

  constructor(options: LiveStreamOptions) {
    this.#options = options;
  }

  /** The last trickle sequence number published (0: none yet). */
  get trickleSeq(): number {
    return this.#trickleSeq;
  }

  get failures(): number {
    return this.#failures;
  }

  /** Publishes every point once (so the latest-values hash is full), then keeps the stream going. */
  async start(): Promise<void> {
    await this.#publishValues(this.#options.points);
    const slots = Math.max(1, Math.round(this.#options.changeEveryMs / GATEWAY_WINDOW_MS));
    this.#timer = setInterval(() => {
      // Point i changes in window i mod slots: the same number of changes in every window.
      const slot = this.#tick++ % slots;
      const changed = this.#options.points.filter((_, i) => i % slots === slot);
      this.#publishing = this.#publishValues(changed);
    }, GATEWAY_WINDOW_MS);
    this.#trickleTimer = setInterval(() => {
      this.#publishing = this.#publishTrickle();
    }, this.#options.trickleEveryMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    clearInterval(this.#trickleTimer);
    await this.#publishing.catch(() => undefined);
  }

  async #publishValues(points: readonly string[]): Promise<void> {
    const { redis, prefix, site } = this.#options;
    const ts = Date.now();
    const batch = points.map((p, i) => ({
      p,
      t: ts,
      v: Math.round((Math.sin(ts / 60_000 + i) + 1) * 5_000) / 100,
    }));
    // As LiveValues.#flush: the message, and the hash the live server reads snapshots from.
    const message = JSON.stringify(batch);
    const fields = batch.flatMap((r) => [r.p, JSON.stringify({ t: r.t, v: r.v })]);
    try {
      await redis
        .multi()
        .hset(latestKey(prefix, site), ...fields)
        .publish(liveChannel(prefix, site), message)
        .exec();
      this.published.frames++;
      this.published.values += batch.length;
    } catch {
      this.#failures++;
    }
  }

  async #publishTrickle(): Promise<void> {
    const { redis, prefix, runId } = this.#options;
    const seq = ++this.#trickleSeq;
    const atMs = Date.now();
    const id = trickleId(runId, seq, atMs);
    try {
      if (seq % 2 === 1)
        await redis.publish(incidentsChannel(prefix), JSON.stringify(this.#incident(id, atMs)));
      else
        await redis.publish(
          workOrdersChannel(prefix),
          JSON.stringify(
            toWorkOrderMessage({
              orderId: id,
              vendorId: 'antu-lifts',
              state: 'dispatched',
              action: 'dispatch',
              atMs,
              seq: 2,
            }),
          ),
        );
      this.published.trickle++;
    } catch {
      this.#failures++;
    }
  }

  #incident(id: string, atMs: number) {
    const at = new Date(atMs);
    const { equipmentId, buildingCode } = this.#options;
    const incident = incidentRow(at, {
      id,
      equipmentId,
      buildingCode,
      title: { 'zh-CN': `${equipmentId} 电梯故障`, en: `${equipmentId} lift fault` },
      evidence: { reading: { point: `${equipmentId}.fault`, value: 1, ts: atMs } },
    });
    return toMessage({ kind: 'fired', at, actor: 'rules', incident });
  }
}
