import { REPEAT_FAILURE_WINDOW_MS, type Route, type WorkOrderState } from './domain/index.ts';
import { GROUP_OPEN_STATES } from './store/index.ts';

/** The latest order an incident of the same rule and equipment was linked to. */
export interface PreviousOrder {
  readonly orderId: string;
  readonly state: WorkOrderState;
  readonly closedAtMs: number | null;
  readonly groupKey: string | null;
}

/**
 * What the dispatcher does with one incident episode:
 * - `join` an order: the same fault's order is still open, or the day's group order collects it;
 * - `reopen` the same fault's order (重复故障): resolved or verified, or closed within 72 h;
 * - `create` a new order on the route (dispatched at once to a contract's vendor, or left in the
 *   office's queue with the reason).
 */
export type DispatchPlan =
  | { readonly kind: 'join'; readonly orderId: string; readonly because: 'same_fault_open' | 'daily_group' }
  | { readonly kind: 'reopen'; readonly orderId: string }
  | { readonly kind: 'create'; readonly route: Route };

export interface PlanInput {
  readonly route: Route;
  readonly previous: PreviousOrder | null;
  /** Open orders of the daily groups concerned (the route's and the previous order's), by group key. */
  readonly openGroupOrders: ReadonlyMap<string, string>;
  /** When the episode is handled: the 72 h window is measured to this instant, as `reopen` does. */
  readonly atMs: number;
}

/** States in which a repeat of the fault is the same job, not a new one. */
const STILL_OPEN: readonly WorkOrderState[] = GROUP_OPEN_STATES;

/**
 * The decision, pure. The same fault (rule and equipment) comes first: an open order takes the
 * episode; a finished one within the window is reopened, unless its daily group has another
 * open order by now (reopening would make two), which takes it instead. Otherwise the route
 * decides: a daily group with an open order joins it, anything else opens a new order.
 */
export function planDispatch(input: PlanInput): DispatchPlan {
  const { previous, route, openGroupOrders } = input;
  if (previous && STILL_OPEN.includes(previous.state)) {
    return { kind: 'join', orderId: previous.orderId, because: 'same_fault_open' };
  }
  if (previous && reopenable(previous, input.atMs)) {
    const holder = previous.groupKey === null ? undefined : openGroupOrders.get(previous.groupKey);
    if (holder !== undefined && holder !== previous.orderId) {
      return { kind: 'join', orderId: holder, because: 'daily_group' };
    }
    return { kind: 'reopen', orderId: previous.orderId };
  }
  if (route.kind === 'contract' && route.dispatch === 'daily_group') {
    const holder = openGroupOrders.get(route.groupKey);
    if (holder !== undefined) return { kind: 'join', orderId: holder, because: 'daily_group' };
  }
  return { kind: 'create', route };
}

/** The domain's `reopen` window: any time before closing, at most 72 h after it (72 h included). */
export function reopenable(previous: Pick<PreviousOrder, 'state' | 'closedAtMs'>, atMs: number): boolean {
  if (previous.state === 'resolved' || previous.state === 'verified') return true;
  if (previous.state !== 'closed' || previous.closedAtMs === null) return false;
  return atMs - previous.closedAtMs <= REPEAT_FAILURE_WINDOW_MS;
}
