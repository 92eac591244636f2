import { type NodeId, resolveNodeId } from 'node-opcua';

export interface PointBinding {
  readonly pointId: string;
  readonly nodeId: string;
}

/** One variable to monitor, and every registry point bound to it. */
export interface MonitoredNode {
  readonly nodeId: NodeId;
  /** Canonical text of the node id (`ns=1;s=…`), the key notifications are matched by. */
  readonly key: string;
  readonly pointIds: readonly string[];
}

export interface InvalidBinding extends PointBinding {
  readonly reason: string;
}

/**
 * Parses the node ids and monitors each variable once, however many points read it: a server
 * samples and sends a monitored item's value once, and the fan-out to points is cheap here.
 */
export function collectNodes(points: readonly PointBinding[]): {
  nodes: MonitoredNode[];
  invalid: InvalidBinding[];
} {
  const byKey = new Map<string, { nodeId: NodeId; pointIds: string[] }>();
  const invalid: InvalidBinding[] = [];
  for (const point of points) {
    let nodeId: NodeId;
    try {
      nodeId = resolveNodeId(point.nodeId);
    } catch (error) {
      invalid.push({ ...point, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const key = nodeId.toString();
    const entry = byKey.get(key);
    if (entry) entry.pointIds.push(point.pointId);
    else byKey.set(key, { nodeId, pointIds: [point.pointId] });
  }
  const nodes = [...byKey].map(([key, { nodeId, pointIds }]) => ({ nodeId, key, pointIds }));
  return { nodes, invalid };
}

/** What the server says it accepts; 0 means it states no limit. */
export interface ServerLimits {
  readonly maxSubscriptionsPerSession: number;
  readonly maxMonitoredItemsPerSubscription: number;
  readonly maxMonitoredItemsPerCall: number;
}

export const NO_SERVER_LIMITS: ServerLimits = {
  maxSubscriptionsPerSession: 0,
  maxMonitoredItemsPerSubscription: 0,
  maxMonitoredItemsPerCall: 0,
};

export interface SubscriptionPlan {
  readonly groups: readonly (readonly MonitoredNode[])[];
  readonly itemsPerSubscription: number;
  /** CreateMonitoredItems requests are split to this size. */
  readonly itemsPerCall: number;
  /** Nodes that do not fit in what the server allows at all. */
  readonly unplaced: readonly MonitoredNode[];
  /** Human-readable reasons the requested grouping was changed. */
  readonly adjustments: readonly string[];
}

/**
 * Splits nodes into subscriptions of the requested size, then bends the size to the server's
 * limits rather than failing: a controller that allows 10 subscriptions per session still gets
 * all of its 20 000 points, in bigger subscriptions.
 */
export function planSubscriptions(
  nodes: readonly MonitoredNode[],
  requestedPerSubscription: number,
  limits: ServerLimits,
): SubscriptionPlan {
  const adjustments: string[] = [];
  let perSubscription = Math.max(1, requestedPerSubscription);
  const maxPerSubscription = limits.maxMonitoredItemsPerSubscription;
  if (maxPerSubscription > 0 && perSubscription > maxPerSubscription) {
    adjustments.push(
      `itemsPerSubscription lowered from ${perSubscription} to the server's MaxMonitoredItemsPerSubscription ${maxPerSubscription}`,
    );
    perSubscription = maxPerSubscription;
  }
  let placeable = nodes.length;
  const maxSubscriptions = limits.maxSubscriptionsPerSession;
  if (maxSubscriptions > 0 && Math.ceil(nodes.length / perSubscription) > maxSubscriptions) {
    const needed = Math.ceil(nodes.length / maxSubscriptions);
    const raised = maxPerSubscription > 0 ? Math.min(needed, maxPerSubscription) : needed;
    adjustments.push(
      `itemsPerSubscription raised from ${perSubscription} to ${raised} to fit the server's MaxSubscriptionsPerSession ${maxSubscriptions}`,
    );
    perSubscription = raised;
    placeable = Math.min(nodes.length, raised * maxSubscriptions);
  }
  const groups: MonitoredNode[][] = [];
  for (let start = 0; start < placeable; start += perSubscription) {
    groups.push(nodes.slice(start, Math.min(start + perSubscription, placeable)));
  }
  const perCall = limits.maxMonitoredItemsPerCall;
  return {
    groups,
    itemsPerSubscription: perSubscription,
    itemsPerCall: perCall > 0 ? Math.min(perSubscription, perCall) : perSubscription,
    unplaced: nodes.slice(placeable),
    adjustments,
  };
}
