import type { WorkingCalendar } from '../../calendar/working-calendar.ts';
import { WorkOrderError } from './errors.ts';
import { type SlaClock, slaClock } from './sla-clock.ts';
import { type LegCause, type PauseInterval, type SlaLeg, slaLegs } from './sla-legs.ts';
import type { SlaClockKind, TransitionRecord } from './types.ts';

export const SLA_TARGETS = ['accept', 'arrive', 'resolve'] as const;
/** 接单, 到场, 解决. */
export type SlaTarget = (typeof SLA_TARGETS)[number];

/**
 * - `running`: not done, deadline not passed (at the deadline instant itself it still runs);
 * - `paused`: not done, a manager-approved pause holds the clock before the deadline was reached;
 * - `met`: done at or before the deadline;
 * - `breached`: done after the deadline, or not done and the deadline has passed (final once so:
 *   a later pause or reassignment does not undo it);
 * - `withdrawn`: the vendor's leg ended (rejection, reassignment, cancel, reopen) before the
 *   target was done or due; it counts neither way.
 */
export type SlaTargetState = 'running' | 'paused' | 'met' | 'breached' | 'withdrawn';

export interface SlaTargetStatus {
  /** Which leg (0-based): each dispatch, reassignment or return to the vendor starts one. */
  readonly leg: number;
  readonly legCause: LegCause;
  readonly vendorId: string;
  readonly contractId: string;
  readonly target: SlaTarget;
  readonly clock: SlaClockKind;
  readonly budgetMinutes: number;
  /** The leg's dispatch: every target counts from when the vendor was told. */
  readonly startMs: number;
  /** The last instant at which the target is still met; null while paused before reaching it. */
  readonly deadlineMs: number | null;
  readonly state: SlaTargetState;
  readonly completedAtMs: number | null;
  /** Counted minutes (pauses excluded) from the start to completion, the leg's end, or now. */
  readonly usedMinutes: number;
  /** Counted minutes inside approved pauses, over the same span. */
  readonly pausedMinutes: number;
  readonly remainingMinutes: number;
  /**
   * Counted minutes beyond the budget, on the target's clock: working minutes for a working-hours
   * SLA, so a deadline missed at 17:30 on Friday is 0 minutes over until work resumes on Monday.
   */
  readonly minutesOver: number;
  /** A working-hours deadline on a date the holiday dataset does not cover (Monday–Friday guess). */
  readonly provisional: boolean;
}

export interface SlaReport {
  readonly targets: readonly SlaTargetStatus[];
  /**
   * When a status next changes without a new transition: the first millisecond after the
   * earliest deadline of a running target. null when nothing runs (all done, paused or ended).
   */
  readonly nextCheckAtMs: number | null;
}

const MINUTE_MS = 60_000;

/**
 * Every SLA target of an order at `nowMs`, from its transition records alone. Pure: the timer
 * service schedules a job at `nextCheckAtMs` (or each running `deadlineMs` + 1), calls this again
 * when it fires or after any transition, and records each newly `breached` target.
 */
export function slaStatus(
  records: readonly TransitionRecord[],
  calendar: WorkingCalendar,
  nowMs: number,
): SlaReport {
  const last = records.at(-1);
  if (!Number.isFinite(nowMs) || (last && nowMs < last.atMs)) {
    throw new WorkOrderError('invalid_timeline', `now (${nowMs}) is before the last transition`);
  }
  const targets = slaLegs(records).flatMap((leg) =>
    SLA_TARGETS.map((target) => evaluate(leg, target, calendar, nowMs)),
  );
  const deadlines = targets.flatMap((t) =>
    t.state === 'running' && t.deadlineMs !== null ? [t.deadlineMs] : [],
  );
  return { targets, nextCheckAtMs: deadlines.length > 0 ? Math.min(...deadlines) + 1 : null };
}

function evaluate(leg: SlaLeg, target: SlaTarget, calendar: WorkingCalendar, nowMs: number): SlaTargetStatus {
  const terms = leg.assignment.sla;
  const budgetMinutes = budgetOf(terms, target);
  const budgetMs = Math.round(budgetMinutes * MINUTE_MS);
  const clock = slaClock(terms.clock, calendar);
  const completedAtMs = completionOf(leg, target);
  const endMs = completedAtMs ?? leg.endedAtMs ?? nowMs;
  const pauses = leg.pauses.filter((p) => p.startMs < endMs);
  const deadlineMs = deadlineOf(clock, leg.startMs, budgetMs, pauses);
  const pausedMs = pauses.reduce(
    (sum, p) => sum + clock.msBetween(Math.max(p.startMs, leg.startMs), Math.min(p.endMs ?? endMs, endMs)),
    0,
  );
  const usedMs = clock.msBetween(leg.startMs, endMs) - pausedMs;
  const state = stateOf(completedAtMs, leg.endedAtMs, deadlineMs, nowMs);
  return {
    leg: leg.index,
    legCause: leg.cause,
    vendorId: leg.assignment.vendorId,
    contractId: leg.assignment.contractId,
    target,
    clock: terms.clock,
    budgetMinutes,
    startMs: leg.startMs,
    deadlineMs,
    state,
    completedAtMs,
    usedMinutes: usedMs / MINUTE_MS,
    pausedMinutes: pausedMs / MINUTE_MS,
    remainingMinutes: Math.max(0, budgetMs - usedMs) / MINUTE_MS,
    minutesOver: state === 'breached' ? Math.max(0, usedMs - budgetMs) / MINUTE_MS : 0,
    provisional:
      terms.clock === 'working_hours' &&
      [leg.startMs, deadlineMs ?? endMs].some((ms) => !calendar.covered(calendar.siteDate(ms))),
  };
}

/**
 * The instant at which the counted time reaches the budget, stepping over approved pauses. A
 * pause that starts exactly at the deadline still holds the clock (the target was not yet
 * breached), so the deadline moves past it; null while such a pause is still on.
 */
function deadlineOf(
  clock: SlaClock,
  startMs: number,
  budgetMs: number,
  pauses: readonly PauseInterval[],
): number | null {
  let remainingMs = budgetMs;
  let cursor = startMs;
  for (const pause of pauses) {
    const pauseStart = Math.max(pause.startMs, startMs);
    const candidate = clock.add(cursor, remainingMs);
    if (candidate < pauseStart) return candidate;
    remainingMs = Math.max(0, remainingMs - clock.msBetween(cursor, pauseStart));
    if (pause.endMs === null) return null;
    cursor = Math.max(cursor, pause.endMs);
  }
  return clock.add(cursor, remainingMs);
}

function stateOf(
  completedAtMs: number | null,
  endedAtMs: number | null,
  deadlineMs: number | null,
  nowMs: number,
): SlaTargetState {
  if (completedAtMs !== null) return deadlineMs !== null && completedAtMs <= deadlineMs ? 'met' : 'breached';
  if (endedAtMs !== null) return deadlineMs !== null && endedAtMs > deadlineMs ? 'breached' : 'withdrawn';
  if (deadlineMs === null) return 'paused';
  return nowMs > deadlineMs ? 'breached' : 'running';
}

function budgetOf(terms: SlaLeg['assignment']['sla'], target: SlaTarget): number {
  if (target === 'accept') return terms.acceptMinutes;
  if (target === 'arrive') return terms.arriveMinutes;
  return terms.resolveMinutes;
}

function completionOf(leg: SlaLeg, target: SlaTarget): number | null {
  if (target === 'accept') return leg.acceptedAtMs;
  if (target === 'arrive') return leg.arrivedAtMs;
  return leg.resolvedAtMs;
}
