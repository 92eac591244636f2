import { selectEquipment } from '../../../config/load/check-rules.ts';
import type { SiteModel } from '../../../config/load/model.ts';
import type { Reading } from '../../../gateway/ingest/reading.ts';
import {
  type EvaluationContext,
  missingPointFacts,
  pointsOf,
} from '../../../services/rules/conditions/index.ts';
import {
  initialPairState,
  type PairConditions,
  type PairState,
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
 * (services/rules/worker/rule-worker.ts, `#index`). What it leaves out is what the worker adds:
 * BullMQ (fetching, JSON, completing jobs), the fenced state checkpoints in Redis, the incident
 * store, metrics and the process lock.
 */
export function evaluatorRate(model: SiteModel, site: string, readings: readonly Reading[]): EvaluatorFigure {
  const siteEquipment = [...model.equipment.values()].filter((item) => item.siteId === site);
  const routes = new Map<string, Pair[]>();
  let pairs = 0;
  for (const rule of model.rules) {
    if (!('condition' in rule) || rule.enabled === false) continue;
    const conditions: PairConditions = { condition: rule.condition, clear: rule.clear };
    const keys = [...new Set([...pointsOf(rule.condition), ...(rule.clear ? pointsOf(rule.clear) : [])])];
    for (const equipment of selectEquipment(rule.selector, siteEquipment)) {
      const context: EvaluationContext = {
        points: Object.fromEntries(
          equipment.points.map((point) => [point.key, { intervalS: point.intervalS }]),
        ),
      };
      const missing = [
        ...missingPointFacts(rule.condition, context),
        ...(rule.clear ? missingPointFacts(rule.clear, context) : []),
      ];
      const absent = keys.filter((key) => !equipment.points.some((point) => point.key === key));
      if (missing.length > 0 || absent.length > 0) continue;
      const pair: Pair = { conditions, context, state: initialPairState(conditions) };
      pairs += 1;
      for (const key of keys) {
        const pointId = `${equipment.id}.${key}`;
        routes.set(pointId, [...(routes.get(pointId) ?? []), pair]);
      }
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
