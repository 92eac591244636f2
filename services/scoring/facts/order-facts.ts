import type { WorkingCalendar } from '../../calendar/working-calendar.ts';
import { slaLegs, slaStatus, type TransitionRecord } from '../../workorders/domain/index.ts';
import type { OrderHistory } from '../../workorders/store/histories.ts';
import type {
  AutomaticFacts,
  DowntimeFact,
  OpenAtPeriodEndFact,
  RepeatFailureFact,
  SlaBreachFact,
  VerificationFact,
} from '../domain/automatic.ts';
import type { Period } from '../domain/periods.ts';
import { memoisedCalendar } from './memo-calendar.ts';

/** One work order as of a month's end (`WorkOrderStore.historiesAsOf`). */
export type OrderAsOf = OrderHistory;

type Mutable = { -readonly [K in keyof AutomaticFacts]: AutomaticFacts[K][number][] };

/**
 * The automatic facts of a month, from the work orders' histories alone, as the work-order
 * domain counts them: `slaStatus` at the month's end (working-hours SLAs on the building's
 * calendar, approved pauses excluded) gives every target whose deadline fell in the month and was
 * missed; the legs give repeat failures (`reopen`), orders unresolved at the end, the downtime of
 * the incidents' equipment, and the office's verifications. Pure.
 */
export function automaticFacts(
  orders: readonly OrderAsOf[],
  period: Period,
  calendarFor: (buildingCode: string) => WorkingCalendar,
): AutomaticFacts {
  // One memory per calendar (buildings of a site share theirs), for this call only.
  const memoised = new Map<WorkingCalendar, WorkingCalendar>();
  const calendarOf = (buildingCode: string): WorkingCalendar => {
    const calendar = calendarFor(buildingCode);
    let memo = memoised.get(calendar);
    if (!memo) {
      memo = memoisedCalendar(calendar);
      memoised.set(calendar, memo);
    }
    return memo;
  };
  const facts: Mutable = {
    slaBreaches: [],
    repeatFailures: [],
    openAtPeriodEnd: [],
    downtime: [],
    verifications: [],
  };
  const within = (ms: number): boolean => ms >= period.startMs && ms < period.endMs;
  for (const order of orders) {
    const records = order.records.filter((record) => record.atMs < period.endMs);
    if (records.length === 0) continue;
    const incidentIds = [...new Set(order.incidents.map((link) => link.incidentId))].sort();
    const equipment = [...new Set(order.incidents.map((link) => link.equipmentId))].sort();
    const base = {
      orderId: order.orderId,
      severity: order.severity,
      category: order.category,
      buildingCode: order.buildingCode,
      incidentIds,
    };

    const report = slaStatus(records, calendarOf(order.buildingCode), period.endMs);
    for (const target of report.targets) {
      if (target.state !== 'breached' || target.deadlineMs === null || !within(target.deadlineMs)) continue;
      facts.slaBreaches.push({
        ...base,
        contractId: target.contractId,
        leg: target.leg,
        target: target.target,
        deadlineMs: target.deadlineMs,
        completedAtMs: target.completedAtMs,
        minutesOver: target.minutesOver,
      } satisfies SlaBreachFact);
    }

    const legs = slaLegs(records);
    for (const leg of legs) {
      const ref = { ...base, contractId: leg.assignment.contractId, leg: leg.index };
      if (leg.cause === 'reopen' && within(leg.startMs)) {
        facts.repeatFailures.push({ ...ref, reopenedAtMs: leg.startMs } satisfies RepeatFailureFact);
      }
      const downUntil = leg.resolvedAtMs ?? leg.endedAtMs ?? period.endMs;
      if (downUntil > period.startMs && leg.startMs < period.endMs && downUntil > leg.startMs) {
        for (const equipmentId of equipment) {
          facts.downtime.push({
            ...ref,
            equipmentId,
            fromMs: leg.startMs,
            toMs: downUntil,
          } satisfies DowntimeFact);
        }
      }
    }
    const last = legs.at(-1);
    if (last && last.endedAtMs === null && last.resolvedAtMs === null) {
      facts.openAtPeriodEnd.push({
        ...base,
        contractId: last.assignment.contractId,
        leg: last.index,
        legStartMs: last.startMs,
        paused: last.pauses.at(-1)?.endMs === null,
      } satisfies OpenAtPeriodEndFact);
    }
    facts.verifications.push(...verificationsOf(order.orderId, records, legs, within));
  }
  return facts;
}

/** Each resolve and what the office did with it: checked in the month, or still waiting at its end. */
function verificationsOf(
  orderId: string,
  records: readonly TransitionRecord[],
  legs: ReturnType<typeof slaLegs>,
  within: (ms: number) => boolean,
): VerificationFact[] {
  const found: VerificationFact[] = [];
  records.forEach((record, i) => {
    if (record.action !== 'resolve') return;
    const leg = [...legs].reverse().find((candidate) => candidate.startMs <= record.atMs);
    const contractId = leg?.assignment.contractId ?? '';
    const check = records
      .slice(i + 1)
      .find(
        (next) =>
          next.action === 'verify' || next.action === 'fail_verification' || next.action === 'resolve',
      );
    if (check && check.action !== 'resolve') {
      if (within(check.atMs)) {
        found.push({
          orderId,
          contractId,
          resolvedAtMs: record.atMs,
          checkedAtMs: check.atMs,
          outcome: check.action === 'verify' ? 'verified' : 'failed',
        });
      }
    } else if (!check && records.at(-1)?.to === 'resolved') {
      found.push({ orderId, contractId, resolvedAtMs: record.atMs, checkedAtMs: null, outcome: 'waiting' });
    }
  });
  return found;
}
