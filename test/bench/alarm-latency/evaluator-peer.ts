import type { SiteModel } from '../../../config/load/model.ts';
import type { Reading } from '../../../gateway/ingest/reading.ts';
import type { EvaluationContext } from '../../../services/rules/conditions/index.ts';
import {
  initialPairState,
  type PairConditions,
  type PairState,
  pairPlans,
  stepPair,
} from '../../../services/rules/worker/index.ts';

export interface EvaluatorFigure {
  /** (rule, equipment) pairs of the site's enabled streaming rules. */
  readonly pairs: number;
  readonly readings: number;
  /** Readings some pair reads (the rest the worker skips at one map lookup); what the worker counts as evaluated. */
  readonly routed: number;
  /** Pair steps (a reading read by two rules is two). */
  readonly evaluations: number;
  readonly transitions: number;
  readonly seconds: number;
  readonly readingsPerS: number;
}

interface Pair {
  readonly conditions: PairConditions;
  readonly context: EvaluationContext;
  state: PairState;
}

/**
 * The peer of the rule workers' figure: the pure evaluation in this process (the worker's own
 * `stepPair`: a rule's `condition`, and its `clear` condition where it has one), over the same
 * readings in the same order, with the pairs and routes built as the worker builds them
 * (`pairPlans` of services/rules/worker/pairs.ts, which the worker indexes). What it leaves out is what the worker adds:
 * BullMQ (fetching, JSON, completing jobs), the fenced state checkpoints in Redis, the incident
 * store, metrics and the process lock.
 */
export function evaluatorRate(model: SiteModel, site: string, readings: readonly Reading[]): EvaluatorFigure {
  const routes = new Map<string, Pair[]>();
  let pairs = 0;
  for (const plan of pairPlans(model, site)) {
    if (plan.missing.length > 0) continue;
    const pair: Pair = {
      conditions: plan.conditions,
      context: plan.context,
      state: initialPairState(plan.conditions),
    };
    pairs += 1;
    for (const key of plan.keys) {
      const pointId = `${plan.equipment.id}.${key}`;
      routes.set(pointId, [...(routes.get(pointId) ?? []), pair]);
    }
  }
  let routed = 0;
  let evaluations = 0;
  let transitions = 0;
  const started = performance.now();
  for (const reading of readings) {
    const targets = routes.get(reading.pointId);
    if (!targets) continue;
    routed += 1;
    const event = { kind: 'reading' as const, reading };
    for (const pair of targets) {
      const step = stepPair(pair.conditions, pair.state, event, pair.context);
      pair.state = step.state;
      evaluations += 1;
      if (step.transition) transitions += 1;
    }
  }
  const seconds = (performance.now() - started) / 1_000;
  return {
    pairs,
    readings: readings.length,
    routed,
    evaluations,
    transitions,
    seconds,
    readingsPerS: readings.length / seconds,
  };
}
