import { ConditionError } from './errors.ts';
import type { ConditionEvent, EvaluationContext, Outcome } from './evaluation.ts';
import { idle, stepped } from './evaluation.ts';
import { debounceOf, stepLatch } from './latch.ts';
import { isTimeDriven, pointsOf } from './points-of.ts';
import type { CompositeCondition, Condition } from './schema.ts';
import { type CompositeState, type ConditionState, childrenOf } from './state.ts';
import type { Discard } from './tracking.ts';
import { pointKeyOf } from './tracking.ts';

export type EvaluateChild = (
  condition: Condition,
  state: ConditionState,
  event: ConditionEvent,
  context: EvaluationContext,
) => Outcome;

/**
 * Each child keeps its own state (its latest values, windows, hysteresis and delays) and is
 * given only the events it reads: readings of its points, ticks if it is time-driven. A child
 * counts as true while it is active, so a child without values yet is false. `all` fires when
 * every child is active, `any` when one is, after the composite's own `forS`; the composite
 * then steps its latch only on events some child took into account. Its value and peak are
 * those of its first child, so list first the condition whose value an incident should show.
 */
export function evaluateComposite(
  condition: CompositeCondition,
  state: CompositeState,
  event: ConditionEvent,
  context: EvaluationContext,
  evaluateChild: EvaluateChild,
): Outcome<CompositeState> {
  const key = event.kind === 'reading' ? pointKeyOf(event.reading.pointId) : undefined;
  const concerns = (child: Condition): boolean =>
    key === undefined ? isTimeDriven(child) : pointsOf(child).includes(key);

  let related = false;
  let evaluated = false;
  let discard: Discard | undefined;
  const children = childrenOf(condition).map((child, index): ConditionState => {
    const childState = state.children[index];
    if (childState === undefined) {
      throw new ConditionError('STATE_MISMATCH', `the composite state has no state for child ${index}`);
    }
    if (!concerns(child)) return childState;
    related = true;
    const outcome = evaluateChild(child, childState, event, context);
    if (outcome.evaluated) evaluated = true;
    else discard ??= outcome.discarded;
    return outcome.state;
  });

  const next: CompositeState = { ...state, children };
  if (!related) return idle(state, state.latch, key === undefined ? undefined : 'unrelated');
  if (!evaluated) return idle(next, state.latch, discard);

  const actives = children.map(isActive);
  const violating = 'all' in condition ? actives.every(Boolean) : actives.some(Boolean);
  const lead = children[0] === undefined ? undefined : currentOf(children[0]);
  const ts = event.kind === 'reading' ? event.reading.ts : event.now;
  const step = stepLatch(
    state.latch,
    { verdict: violating ? 'violating' : 'clearing', ts, ...lead },
    debounceOf(condition),
  );
  return stepped({ ...next, latch: step.latch }, step, lead?.value);
}

function isActive(state: ConditionState): boolean {
  return state.type === 'stale' ? state.active : state.latch.active;
}

/** A child's value and severity as of its last evaluation (silence seconds for an active `stale`). */
function currentOf(state: ConditionState): { value: number; severity: number } | undefined {
  if (state.type === 'stale') {
    return state.active && state.value !== undefined
      ? { value: state.value, severity: state.value }
      : undefined;
  }
  const { value, severity } = state.latch;
  return value === undefined ? undefined : { value, severity: severity ?? 0 };
}
