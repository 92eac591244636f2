/**
 * What the bench process and its load-generator child say to each other over IPC. The child
 * runs the MQTT publishers (and, for the broker ceiling, the plain subscriber) so that the load
 * does not share an event loop with the system under test.
 *
 * Times are epoch milliseconds with sub-millisecond resolution (`performance.timeOrigin +
 * performance.now()`), comparable across the processes of one machine.
 */

/** One MQTT connection: the device it authenticates as (username) and its password. */
export interface DeviceLogin {
  readonly device: string;
  readonly password: string;
}

/** A point key the publishers report, with values `base + step × (round % 100)` inside its limits. */
export interface PointLoad {
  readonly key: string;
  readonly base: number;
  readonly step: number;
}

/** How the child confirms that what it published is queryable in VictoriaMetrics. */
export interface StoreWatch {
  readonly url: string;
  /** A series selector matching exactly this job's readings, e.g. `reading_value{equipment=~"B1-G-.*"}`. */
  readonly selector: string;
  readonly readingsPerMessage: number;
  /** Give up when the stored count has not grown for this long. */
  readonly idleTimeoutMs: number;
  readonly pollMs: number;
}

/** Latency markers: client 0 publishes `count` distinct values on a dedicated point. */
export interface MarkerPlan {
  readonly key: string;
  readonly everyMs: number;
  readonly count: number;
  /** Selector of the marker point's series, polled with force_flush + query while publishing. */
  readonly selector: string;
  readonly pollMs: number;
  /**
   * The store-alone peer: with each marker the child also writes the same value straight to
   * VictoriaMetrics on this point (tag `point`), and times how soon that becomes queryable.
   */
  readonly directPoint?: string;
}

export interface PublishJob {
  readonly brokerUrl: string;
  /** One MQTT.js client (QoS 1, clean session, MQTT 3.1.1) per login. */
  readonly logins: readonly DeviceLogin[];
  /** `points`: one reading per message on `devices/<d>/points/<key>`; `readings`: every key in one batch. */
  readonly shape: 'points' | 'readings';
  readonly points: readonly PointLoad[];
  /** Messages across all clients (split evenly). */
  readonly messages: number;
  /** Stop sending new messages after this long (in-flight ones are still awaited). */
  readonly maxSeconds: number;
  /** QoS 1 messages in flight per client (unacknowledged). */
  readonly window: number;
  /** Reading timestamps: `tsBase + round`, so every (series, timestamp) pair is distinct. */
  readonly tsBase: number;
  /** Paced total rate; absent means as fast as the window allows. */
  readonly ratePerS?: number;
  readonly markers?: MarkerPlan;
  readonly store?: StoreWatch;
}

export interface MarkerTiming {
  readonly publishedAt: number;
  /** PUBACK received: the reading is in the gateway's spool. */
  readonly ackedAt: number | undefined;
  /** The store answered 204 to the gateway's write holding it (seen by the store proxy). */
  readonly storeAckAt: number | undefined;
  /** Start of the first force_flush + query that returned it (an upper bound on when it became queryable). */
  readonly seenAt: number | undefined;
  /** The store-alone peer: direct write sent, and first poll that returned it. */
  readonly directWrittenAt: number | undefined;
  readonly directSeenAt: number | undefined;
}

export interface StoreOutcome {
  /** Readings counted in VictoriaMetrics. */
  readonly count: number;
  /** Start of the poll that first saw the final count. */
  readonly at: number | undefined;
  /** The count reached acked × readingsPerMessage. */
  readonly complete: boolean;
  readonly polls: number;
}

export interface PublishResult {
  readonly firstPublishAt: number;
  readonly lastPublishAt: number;
  readonly lastAckAt: number;
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  readonly store: StoreOutcome | undefined;
  readonly markers: readonly MarkerTiming[] | undefined;
  /** Mean period of the marker polls (the resolution of the latency figures). */
  readonly markerPollMs: number | undefined;
}

export interface SubscriberTally {
  readonly count: number;
  readonly firstAt: number | undefined;
  readonly lastAt: number | undefined;
}

/** Parent → child. */
export type LoadCommand =
  | { readonly type: 'prepare'; readonly job: PublishJob }
  | { readonly type: 'start' }
  | {
      readonly type: 'subscribe';
      readonly brokerUrl: string;
      readonly topic: string;
      readonly clientId: string;
    }
  | { readonly type: 'expect'; readonly count: number; readonly idleTimeoutMs: number }
  | { readonly type: 'reset' }
  | { readonly type: 'proxy'; readonly target: string; readonly probePointId: string };

/** Child → parent. */
export type LoadReply =
  | { readonly type: 'prepared' }
  | { readonly type: 'result'; readonly result: PublishResult }
  | { readonly type: 'subscribed' }
  | { readonly type: 'tally'; readonly tally: SubscriberTally }
  | { readonly type: 'reset' }
  | { readonly type: 'proxy'; readonly url: string }
  | { readonly type: 'error'; readonly message: string };

/** Wall-clock milliseconds with sub-millisecond resolution. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();
