import { WorkOrderError } from './errors.ts';
import type { Assignment, TransitionRecord } from './types.ts';

/** What started a leg: the first dispatch, a reassignment, or a return to the same vendor. */
export type LegCause = 'dispatch' | 'reassign' | 'fail_verification' | 'reopen';
/** What took a leg's unfinished targets away from its vendor. */
export type LegEnd = 'reject' | 'reassign' | 'cancel' | 'fail_verification' | 'reopen';

export interface PauseInterval {
  readonly startMs: number;
  /** null while the order is still paused. */
  readonly endMs: number | null;
}

/**
 * One vendor's turn at the order, from a dispatch to the next one (or a rejection or a cancel).
 * Each leg has its own accept, arrive and resolve targets counted from its start, so a
 * reassignment gives the new vendor its full time and leaves the old vendor's breaches on record.
 */
export interface SlaLeg {
  readonly index: number;
  readonly cause: LegCause;
  readonly assignment: Assignment;
  readonly startMs: number;
  readonly acceptedAtMs: number | null;
  readonly arrivedAtMs: number | null;
  readonly resolvedAtMs: number | null;
  /** Manager-approved pauses, from approval to resume. */
  readonly pauses: readonly PauseInterval[];
  readonly endedAtMs: number | null;
  readonly endedBy: LegEnd | null;
}

type MutableLeg = { -readonly [K in keyof SlaLeg]: SlaLeg[K] } & { pauses: PauseInterval[] };

/** The legs of an order, read from its transition records in the order they were made. */
export function slaLegs(records: readonly TransitionRecord[]): SlaLeg[] {
  const legs: MutableLeg[] = [];
  let open: MutableLeg | undefined;
  let previousMs = Number.NEGATIVE_INFINITY;
  for (const [i, record] of records.entries()) {
    const at = record.atMs;
    if (!Number.isFinite(at) || at < previousMs) {
      throw new WorkOrderError('invalid_timeline', `record ${i} (${record.action}) is out of order`);
    }
    previousMs = at;
    const leg = (): MutableLeg => {
      if (!open)
        throw new WorkOrderError(
          'invalid_timeline',
          `record ${i} (${record.action}) has no dispatch before it`,
        );
      return open;
    };
    switch (record.action) {
      case 'dispatch':
      case 'reassign':
      case 'fail_verification':
      case 'reopen': {
        if (!record.assignment) {
          throw new WorkOrderError(
            'invalid_timeline',
            `record ${i} (${record.action}) carries no assignment`,
          );
        }
        if (open) end(open, at, record.action === 'dispatch' ? 'reassign' : record.action);
        open = {
          index: legs.length,
          cause: record.action,
          assignment: record.assignment,
          startMs: at,
          acceptedAtMs: null,
          arrivedAtMs: null,
          resolvedAtMs: null,
          pauses: [],
          endedAtMs: null,
          endedBy: null,
        };
        legs.push(open);
        break;
      }
      case 'accept':
        leg().acceptedAtMs = at;
        break;
      case 'arrive':
        leg().arrivedAtMs = at;
        break;
      case 'approve_pause':
        leg().pauses.push({ startMs: at, endMs: null });
        break;
      case 'resume': {
        const pauses = leg().pauses;
        const last = pauses.at(-1);
        if (!last || last.endMs !== null) {
          throw new WorkOrderError('invalid_timeline', `record ${i} resumes an order that is not paused`);
        }
        pauses[pauses.length - 1] = { startMs: last.startMs, endMs: at };
        break;
      }
      case 'resolve':
        leg().resolvedAtMs = at;
        break;
      case 'reject':
      case 'cancel':
        // A cancel of an order never dispatched (from the office queue) has no leg to end.
        if (open) end(open, at, record.action);
        open = undefined;
        break;
      default:
        // create, request_pause, deny_pause, verify, close: no SLA fact. A pending request does not stop the clock.
        break;
    }
  }
  return legs;
}

function end(leg: MutableLeg, atMs: number, by: LegEnd): void {
  const last = leg.pauses.at(-1);
  if (last && last.endMs === null) leg.pauses[leg.pauses.length - 1] = { startMs: last.startMs, endMs: atMs };
  leg.endedAtMs = atMs;
  leg.endedBy = by;
}
