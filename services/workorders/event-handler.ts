import type { SiteModel } from '../../config/load/model.ts';
import type { ServiceCategory } from '../../config/schema/common.ts';
import type { Clock } from '../runtime/clock.ts';
import type { CalendarFor } from './calendars.ts';
import { planDispatch } from './dispatch-plan.ts';
import { type Actor, assignmentFor, routeIncident, type SlaProfile } from './domain/index.ts';
import { ACTIVATION_KINDS, episodeLinked, type IncidentEventFact } from './incident-feed.ts';
import { selectLatestOrderOfFault, selectOpenGroupOrder, type WorkOrderTransaction } from './store/index.ts';

/**
 * What one incident event means for work orders, inside the transaction its caller holds (a
 * drain's, with the cursor locked, or a re-dispatch of a parked event): ignored, a redelivery,
 * joined to an open order, a finished order reopened, or a new order dispatched or queued for the
 * office. The decision itself is `planDispatch` (pure); this gathers its facts and carries it out.
 */

const SYSTEM: Actor = { role: 'system' };

/** What the dispatcher did with one incident event. */
export type DispatchOutcome =
  /** A new order, dispatched to the vendor of the one contract in force. */
  | 'created'
  /** A new order in the office's queue, flagged with the reason. */
  | 'office_queue'
  /** Linked to an open order: the same fault's, or the day's group order. */
  | 'joined'
  /** The same fault's finished order reopened (重复故障). */
  | 'reopened'
  /** Not an activation (refired, cleared, acknowledged, closed). */
  | 'ignored'
  /** The episode was already linked: a redelivery. */
  | 'duplicate';

/** An event handled: its outcome and, unless ignored or a redelivery, the order it went to. */
export interface DispatchResult {
  outcome: DispatchOutcome;
  orderId?: string;
}

export interface IncidentEventHandlerOptions {
  /** Contracts to route by, rules for each incident's SLA profile. */
  readonly model: Pick<SiteModel, 'contracts' | 'rules'>;
  readonly calendarFor: CalendarFor;
  readonly clock: Clock;
}

/** Carries out the dispatch decision for one incident event; holds each rule's SLA profile. */
export class IncidentEventHandler {
  readonly #options: IncidentEventHandlerOptions;
  readonly #profiles: ReadonlyMap<string, SlaProfile | null>;

  constructor(options: IncidentEventHandlerOptions) {
    this.#options = options;
    this.#profiles = new Map(options.model.rules.map((rule) => [rule.id, rule.slaProfile ?? null]));
  }

  /** Handles `event` in `tx`; the caller moves the cursor (or not) and commits. */
  async handle(tx: WorkOrderTransaction, event: IncidentEventFact): Promise<DispatchResult> {
    if (!(ACTIVATION_KINDS as readonly string[]).includes(event.kind)) return { outcome: 'ignored' };
    if (await episodeLinked(tx.client, event.eventId)) return { outcome: 'duplicate' };
    const { model, calendarFor, clock } = this.#options;
    const nowMs = clock.nowMs();
    const category = event.category as ServiceCategory;
    const route = routeIncident(
      { buildingCode: event.buildingCode, category, severity: event.severity, atMs: event.atMs },
      model.contracts.values(),
      calendarFor(event.buildingCode),
    );
    const previous = (await selectLatestOrderOfFault(tx.client, event.ruleId, event.equipmentId)) ?? null;
    const openGroupOrders = new Map<string, string>();
    const groupKeys = [route.kind === 'contract' && route.dispatch === 'daily_group' ? route.groupKey : null];
    groupKeys.push(previous?.groupKey ?? null);
    for (const key of groupKeys) {
      if (key === null || openGroupOrders.has(key)) continue;
      const holder = await selectOpenGroupOrder(tx.client, key);
      if (holder !== undefined) openGroupOrders.set(key, holder);
    }
    const plan = planDispatch({ route, previous, openGroupOrders, atMs: nowMs });
    const link = (orderId: string) => tx.linkIncident(orderId, event.incidentId, event.eventId, nowMs);

    if (plan.kind === 'join') {
      await tx.lock(plan.orderId);
      await link(plan.orderId);
      return { outcome: 'joined', orderId: plan.orderId };
    }
    if (plan.kind === 'reopen') {
      const order = await tx.lock(plan.orderId);
      // Never before the order's last transition, even with two processes' clocks a little apart.
      const atMs = Math.max(nowMs, order.updatedAtMs);
      const reason = `incident ${event.incidentId} fired again`;
      await tx.apply(plan.orderId, { type: 'reopen', reason }, SYSTEM, atMs);
      await link(plan.orderId);
      return { outcome: 'reopened', orderId: plan.orderId };
    }
    const slaProfile = this.#profiles.get(event.ruleId) ?? null;
    const created = await tx.create(
      {
        buildingCode: event.buildingCode,
        category,
        severity: event.severity,
        slaProfile,
        incidentIds: [event.incidentId],
        route: plan.route,
      },
      SYSTEM,
      nowMs,
    );
    if (plan.route.kind === 'contract') {
      const contract = model.contracts.get(plan.route.contractId);
      if (!contract) throw new Error(`contract ${plan.route.contractId} routed to but not configured`);
      // Automatic routes dispatch in the instant they are created: the SLA counts from now.
      await tx.apply(
        created.order.id,
        { type: 'dispatch', assignment: assignmentFor(contract, event.severity, slaProfile) },
        SYSTEM,
        nowMs,
      );
    }
    await link(created.order.id);
    return {
      outcome: plan.route.kind === 'contract' ? 'created' : 'office_queue',
      orderId: created.order.id,
    };
  }
}
