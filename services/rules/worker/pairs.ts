import { selectEquipment } from '../../../config/load/check-rules.ts';
import type { ResolvedEquipment, SiteModel } from '../../../config/load/model.ts';
import type { StreamingRule } from '../../../config/schema/rules.ts';
import { type EvaluationContext, isTimeDriven, missingPointFacts, pointsOf } from '../conditions/index.ts';
import type { PairConditions } from './pair-state.ts';

/** One (streaming rule, equipment) pair of a site, as the rule worker evaluates it. */
export interface PairPlan {
  readonly rule: StreamingRule;
  readonly equipment: ResolvedEquipment;
  readonly conditions: PairConditions;
  /** Registry facts of the equipment's points (their reporting intervals). */
  readonly context: EvaluationContext;
  /** The point keys the condition and the clear condition read, each once. */
  readonly keys: readonly string[];
  /** Whether ticks can change it (a `stale` somewhere in the condition or the clear condition). */
  readonly timeDriven: boolean;
  /** Points the pair needs that the equipment lacks, or stale points without an interval; empty when it runs. */
  readonly missing: readonly string[];
}

/** Every enabled streaming rule × the site's equipment it selects; pairs with `missing` points cannot run. */
export function pairPlans(model: SiteModel, site: string): PairPlan[] {
  const siteEquipment = [...model.equipment.values()].filter((item) => item.siteId === site);
  const plans: PairPlan[] = [];
  for (const rule of model.rules) {
    if (!('condition' in rule) || rule.enabled === false) continue;
    const conditions: PairConditions = { condition: rule.condition, clear: rule.clear };
    const keys = [...new Set([...pointsOf(rule.condition), ...(rule.clear ? pointsOf(rule.clear) : [])])];
    const timeDriven = isTimeDriven(rule.condition) || (rule.clear !== undefined && isTimeDriven(rule.clear));
    for (const equipment of selectEquipment(rule.selector, siteEquipment)) {
      const context: EvaluationContext = {
        points: Object.fromEntries(
          equipment.points.map((point) => [point.key, { intervalS: point.intervalS }]),
        ),
      };
      const missing = [
        ...missingPointFacts(rule.condition, context),
        ...(rule.clear ? missingPointFacts(rule.clear, context) : []),
        ...keys.filter((key) => !equipment.points.some((point) => point.key === key)),
      ];
      plans.push({ rule, equipment, conditions, context, keys, timeDriven, missing });
    }
  }
  return plans;
}
