import type { Incident, IncidentState } from './types.ts';

/**
 * The state machine, without I/O: what a fire, a clear or a person's action does to the one
 * open incident of a (rule, equipment). The store applies the decision inside its transaction.
 */
export type FireDecision =
  | { readonly action: 'open' }
  | { readonly action: 'refire' }
  | { readonly action: 'reactivate' }
  /** Cleared longer ago than the window: the old row is closed and a new one opened. */
  | { readonly action: 'close_and_open' }
  /** A fire from before the last clear: it belongs to the episode already cleared. */
  | { readonly action: 'stale' };

type OpenView = Pick<Incident, 'state' | 'clearedAt' | 'lastSeen'>;

export function decideFire(open: OpenView | undefined, at: Date, windowS: number): FireDecision {
  if (!open || open.state === 'closed') return { action: 'open' };
  if (open.state === 'active' || open.state === 'acknowledged') return { action: 'refire' };
  const clearedAt = open.clearedAt ?? open.lastSeen;
  if (at.getTime() <= clearedAt.getTime()) return { action: 'stale' };
  return at.getTime() - clearedAt.getTime() <= windowS * 1000
    ? { action: 'reactivate' }
    : { action: 'close_and_open' };
}

export type ClearDecision = 'clear' | 'already_cleared' | 'stale' | 'nothing_open';

export function decideClear(open: OpenView | undefined, at: Date): ClearDecision {
  if (!open || open.state === 'closed') return 'nothing_open';
  if (open.state === 'cleared') return 'already_cleared';
  // A clear older than the newest fire is a late message about an earlier episode.
  return at.getTime() < open.lastSeen.getTime() ? 'stale' : 'clear';
}

/** Who may do what: only an active incident is acknowledged; any open incident can be closed. */
export const PERSON_TRANSITIONS: Readonly<Record<'acknowledge' | 'close', readonly IncidentState[]>> = {
  acknowledge: ['active'],
  close: ['active', 'acknowledged', 'cleared'],
};

export function mergePeak(
  stored: number | null,
  incoming: number,
  peakIs: 'highest' | 'lowest' = 'highest',
): number {
  if (stored === null) return incoming;
  return peakIs === 'highest' ? Math.max(stored, incoming) : Math.min(stored, incoming);
}
