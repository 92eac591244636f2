import {
  AttributeIds,
  type ClientSession,
  type ClientSubscription,
  DataChangeFilter,
  DataChangeNotification,
  DataChangeTrigger,
  DeadbandType,
  type NotificationMessage,
  StatusCodes,
  TimestampsToReturn,
} from 'node-opcua';
import type { Clock } from '../../../services/runtime/clock.ts';
import type { Logger } from '../../../services/runtime/logger.ts';
import type { RawValue } from '../../ingest/reading.ts';
import type { OpcuaDeadband, ResolvedSubscriptionTuning } from './endpoint-options.ts';
import type { MonitoredNode } from './subscription-plan.ts';
import { toRawValue } from './value-mapping.ts';

export interface SubscriptionContext {
  readonly tuning: ResolvedSubscriptionTuning;
  readonly itemsPerCall: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly deliver: (values: RawValue[]) => void;
  /** The server ended the subscription without being asked: it has to be built again. */
  readonly onLost: (subscription: MonitoredSubscription) => void;
}

/** How many keep-alive periods without any publish response make a subscription dead. */
const STALE_KEEPALIVE_PERIODS = 3;

/** What a server answers when it will not apply a deadband to a variable. */
const DEADBAND_REFUSALS: ReadonlySet<number> = new Set([
  StatusCodes.BadDeadbandFilterInvalid.value,
  StatusCodes.BadFilterNotAllowed.value,
  StatusCodes.BadMonitoredItemFilterUnsupported.value,
  StatusCodes.BadMonitoredItemFilterInvalid.value,
]);

function dataChangeFilter(deadband: OpcuaDeadband | undefined): DataChangeFilter | null {
  if (!deadband || deadband.value === 0) return null;
  return new DataChangeFilter({
    trigger: DataChangeTrigger.StatusValue,
    deadbandType: deadband.type === 'percent' ? DeadbandType.Percent : DeadbandType.Absolute,
    deadbandValue: deadband.value,
  });
}

/**
 * One OPC UA subscription and its share of the endpoint's monitored items. It can be opened
 * again on the same or a new session; each opening starts from nothing on the server.
 */
export class MonitoredSubscription {
  readonly index: number;
  readonly nodes: readonly MonitoredNode[];
  readonly #context: SubscriptionContext;
  readonly #pointsByKey: ReadonlyMap<string, readonly string[]>;
  #subscription: ClientSubscription | undefined;
  #pointsByHandle = new Map<number, readonly string[]>();
  #lastActivityMs = 0;
  #acceptedItems = 0;
  #failedItems = 0;

  constructor(index: number, nodes: readonly MonitoredNode[], context: SubscriptionContext) {
    this.index = index;
    this.nodes = nodes;
    this.#context = context;
    this.#pointsByKey = new Map(nodes.map((node) => [node.key, node.pointIds]));
  }

  /** Items the server accepted at the last opening. */
  get acceptedItems(): number {
    return this.#acceptedItems;
  }

  get failedItems(): number {
    return this.#failedItems;
  }

  get isOpen(): boolean {
    return this.#subscription?.isActive ?? false;
  }

  async open(session: ClientSession): Promise<void> {
    await this.close();
    const { tuning, logger } = this.#context;
    // A lifetime of at least two minutes lets the server keep the subscription through a short
    // network break, so node-opcua can transfer it instead of re-creating every item.
    const lifetimeCount = Math.max(
      3 * tuning.keepAliveCount,
      Math.ceil(120_000 / tuning.publishingIntervalMs),
    );
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: tuning.publishingIntervalMs,
      requestedMaxKeepAliveCount: tuning.keepAliveCount,
      requestedLifetimeCount: lifetimeCount,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 0,
    });
    this.#subscription = subscription;
    this.#pointsByHandle = new Map();
    this.#acceptedItems = 0;
    this.#failedItems = 0;
    this.#touch();
    subscription.on('keepalive', () => this.#touch());
    subscription.on('received_notifications', (message: NotificationMessage) =>
      this.#onNotification(message),
    );
    subscription.on('terminated', () => {
      if (this.#subscription === subscription) {
        this.#subscription = undefined;
        this.#context.onLost(this);
      }
    });
    // A closed subscription's last words (requests aborted by the teardown) are not news.
    subscription.on('internal_error', (error: Error) => {
      if (this.#subscription !== subscription) return;
      logger.warn({ subscription: this.index, err: error.message }, 'opcua subscription internal error');
    });
    subscription.on('status_changed', (status: { toString(): string }) => {
      if (this.#subscription !== subscription) return;
      logger.warn(
        { subscription: this.index, status: status.toString() },
        'opcua subscription status changed',
      );
    });

    const filter = dataChangeFilter(tuning.deadband);
    for (let start = 0; start < this.nodes.length; start += this.#context.itemsPerCall) {
      const chunk = this.nodes.slice(start, start + this.#context.itemsPerCall);
      const refused = await this.#monitor(subscription, chunk, filter);
      if (refused.length > 0) {
        logger.warn(
          {
            subscription: this.index,
            deadband: tuning.deadband,
            items: refused.length,
            examples: refused.slice(0, 5).flatMap((node) => node.pointIds),
          },
          'opcua server refused the deadband for these items (a percent deadband needs an EURange); monitoring them without deadband',
        );
        await this.#monitor(subscription, refused, null);
      }
    }
  }

  /**
   * Creates the items of one CreateMonitoredItems call and returns those whose only problem was
   * the deadband, so the caller can retry them without it.
   */
  async #monitor(
    subscription: ClientSubscription,
    chunk: readonly MonitoredNode[],
    filter: DataChangeFilter | null,
  ): Promise<MonitoredNode[]> {
    const { tuning, logger } = this.#context;
    const group = await subscription.monitorItems(
      chunk.map((node) => ({ nodeId: node.nodeId, attributeId: AttributeIds.Value })),
      {
        samplingInterval: tuning.samplingIntervalMs,
        queueSize: tuning.queueSize,
        discardOldest: true,
        filter,
      },
      TimestampsToReturn.Both,
    );
    const refused: MonitoredNode[] = [];
    const failed: { pointIds: readonly string[]; status: string }[] = [];
    group.monitoredItems.forEach((item, i) => {
      const node = chunk[i];
      if (!node) return;
      if (item.statusCode.isGood()) {
        this.#acceptedItems += 1;
        this.#pointsByHandle.set(item.monitoringParameters.clientHandle, node.pointIds);
      } else if (filter && DEADBAND_REFUSALS.has(item.statusCode.value)) {
        refused.push(node);
      } else {
        failed.push({ pointIds: node.pointIds, status: item.statusCode.name });
      }
    });
    if (failed.length > 0) {
      this.#failedItems += failed.length;
      logger.warn(
        { subscription: this.index, items: failed.length, examples: failed.slice(0, 5) },
        'opcua server refused monitored items; their points get no values until the endpoint reconnects',
      );
    }
    return refused;
  }

  /** True while the server keeps answering: data or keep-alives within three keep-alive periods. */
  isAlive(nowMs: number): boolean {
    const subscription = this.#subscription;
    if (!subscription?.isActive) return false;
    const keepAlivePeriodMs = subscription.publishingInterval * subscription.maxKeepAliveCount;
    return nowMs - this.#lastActivityMs <= STALE_KEEPALIVE_PERIODS * keepAlivePeriodMs;
  }

  /**
   * Items that node-opcua still holds as created. After its own session repair re-creates a
   * subscription, items the new server refused keep a bad status here, which is how a partial
   * recovery is noticed.
   */
  liveItems(): number {
    const subscription = this.#subscription;
    if (!subscription?.isActive) return 0;
    let live = 0;
    for (const item of Object.values(subscription.monitoredItems)) if (item.statusCode.isGood()) live += 1;
    return live;
  }

  markAlive(): void {
    this.#touch();
  }

  /** Ends the subscription on the server if it can; forgets it locally in any case. */
  async close(): Promise<void> {
    const subscription = this.#subscription;
    this.#subscription = undefined;
    if (!subscription) return;
    subscription.removeAllListeners('received_notifications');
    try {
      await subscription.terminate();
    } catch {
      // The server may no longer know it (that is often why it is being closed).
    }
  }

  #touch(): void {
    this.#lastActivityMs = this.#context.clock.nowMs();
  }

  #pointsFor(subscription: ClientSubscription, clientHandle: number): readonly string[] | undefined {
    const known = this.#pointsByHandle.get(clientHandle);
    if (known) return known;
    // A notification can overtake the CreateMonitoredItems answer being processed here; the
    // item is already registered in node-opcua by then, and its node id says which points it is.
    const item = subscription.monitoredItems[clientHandle];
    const pointIds = item ? this.#pointsByKey.get(item.itemToMonitor.nodeId.toString()) : undefined;
    if (pointIds) this.#pointsByHandle.set(clientHandle, pointIds);
    return pointIds;
  }

  #onNotification(message: NotificationMessage): void {
    this.#touch();
    const subscription = this.#subscription;
    if (!subscription) return;
    const batch: RawValue[] = [];
    for (const data of message.notificationData ?? []) {
      if (!(data instanceof DataChangeNotification)) continue;
      for (const notification of data.monitoredItems ?? []) {
        const pointIds = this.#pointsFor(subscription, notification.clientHandle);
        if (!pointIds) continue;
        for (const pointId of pointIds) batch.push(toRawValue(pointId, notification.value));
      }
    }
    if (batch.length > 0) this.#context.deliver(batch);
  }
}
