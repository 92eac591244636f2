import type { ConditionEvent, Outcome } from './evaluation.ts';
import { debounceOf } from './latch.ts';
import { evaluateLatched } from './leaf.ts';
import type { StateCondition } from './schema.ts';
import type { StateAlarmState } from './state.ts';

/**
 * Binary and multistate alarms: fires while the value equals `equals` (or is one of `oneOf`)
 * for `forS`, clears when it no longer does for `clearForS`. The peak is the first matching value.
 */
export function evaluateStateAlarm(
  condition: StateCondition,
  state: StateAlarmState,
  event: ConditionEvent,
): Outcome<StateAlarmState> {
  return evaluateLatched(state, event, [condition.point], debounceOf(condition), (tracked, reading) => {
    const value = tracked.points[condition.point]?.goodValue ?? reading.value;
    const matches = 'equals' in condition ? value === condition.equals : condition.oneOf.includes(value);
    return {
      state: tracked,
      observation: { verdict: matches ? 'violating' : 'clearing', ts: reading.ts, value, severity: 0 },
    };
  });
}
