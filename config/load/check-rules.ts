import type { Condition, Operand } from '../schema/conditions.ts';
import type { RuleSelector, RulesFile } from '../schema/rules.ts';
import type { IssueCollector } from './issues.ts';
import type { ResolvedEquipment } from './model.ts';
import type { Parsed } from './read-files.ts';

/** The equipment a selector picks, in registry order. Shared with the rule workers. */
export function selectEquipment(
  selector: RuleSelector,
  equipment: Iterable<ResolvedEquipment>,
): ResolvedEquipment[] {
  const picked: ResolvedEquipment[] = [];
  for (const item of equipment) {
    if (selector.classes && !selector.classes.includes(item.class)) continue;
    if (selector.buildings && !selector.buildings.includes(item.buildingCode)) continue;
    if (selector.equipment && !selector.equipment.includes(item.id)) continue;
    if (selector.tags && !selector.tags.every((tag) => item.tags?.includes(tag))) continue;
    if (selector.subMetering && !(item.subMetering && selector.subMetering.includes(item.subMetering)))
      continue;
    picked.push(item);
  }
  return picked;
}

/** Every point key a condition reads, including points used as comparison values. */
export function conditionPointKeys(condition: Condition): string[] {
  if (condition.type === 'composite') {
    const children = ('all' in condition ? condition.all : condition.any) as Condition[];
    return [...new Set(children.flatMap(conditionPointKeys))];
  }
  const keys = [condition.point];
  const operandKey = (operand: Operand): string[] => (typeof operand === 'number' ? [] : [operand.point]);
  if (condition.type === 'threshold') {
    if ('value' in condition) keys.push(...operandKey(condition.value));
    else keys.push(...operandKey(condition.low), ...operandKey(condition.high));
  }
  return [...new Set(keys)];
}

/**
 * Rule references: ids unique, selectors naming known equipment and buildings and selecting
 * something, and every point a condition reads present on every selected piece of equipment.
 */
export function checkRules(
  parsed: Parsed<RulesFile>,
  equipment: ReadonlyMap<string, ResolvedEquipment> | undefined,
  buildings: ReadonlySet<string> | undefined,
  issues: IssueCollector,
): void {
  const ids = new Set<string>();
  parsed.data.rules.forEach((rule, r) => {
    const at = ['rules', r];
    if (ids.has(rule.id)) issues.at(parsed.file, [...at, 'id'], `duplicate rule id ${rule.id}`);
    ids.add(rule.id);
    if (!equipment || !buildings) return;
    rule.selector.equipment?.forEach((id, e) => {
      if (!equipment.has(id))
        issues.at(parsed.file, [...at, 'selector', 'equipment', e], `unknown equipment ${id}`);
    });
    rule.selector.buildings?.forEach((code, b) => {
      if (!buildings.has(code))
        issues.at(parsed.file, [...at, 'selector', 'buildings', b], `unknown building ${code}`);
    });
    const selected = selectEquipment(rule.selector, equipment.values());
    if (selected.length === 0) {
      issues.at(parsed.file, [...at, 'selector'], 'selects no equipment');
      return;
    }
    const reads: [string, string[]][] =
      'condition' in rule
        ? [
            ['condition', conditionPointKeys(rule.condition)],
            ...(rule.clear ? ([['clear', conditionPointKeys(rule.clear)]] as [string, string[]][]) : []),
          ]
        : [['scheduled', [rule.scheduled.point]]];
    for (const [field, keys] of reads) {
      for (const key of keys) {
        const lacking = selected.find((item) => !item.points.some((point) => point.key === key));
        if (lacking) {
          issues.at(
            parsed.file,
            [...at, field],
            `point ${key} is not on selected equipment ${lacking.id} (${lacking.class})`,
          );
        }
      }
    }
    if ('scheduled' in rule && rule.scheduled.type !== 'data_gap') {
      const notCounter = selected
        .flatMap((item) => item.points)
        .find((point) => point.key === rule.scheduled.point && point.kind !== 'counter');
      if (notCounter) {
        issues.at(
          parsed.file,
          [...at, 'scheduled', 'point'],
          `${rule.scheduled.type} needs a cumulative (counter) point; ${notCounter.id} is ${notCounter.kind}`,
        );
      }
    }
  });
}
