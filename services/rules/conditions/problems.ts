import type { Condition, Operand } from './schema.ts';
import { childrenOf } from './state.ts';

/** A mistake the schema cannot express, located like the configuration loader's problems. */
export interface ConditionProblem {
  /** Path inside the condition, e.g. `all[1].high`; `(root)` for the condition itself. */
  readonly path: string;
  readonly message: string;
}

/**
 * Cross-field checks for a condition that already passed its schema: a band that can never
 * clear, a point compared with itself, a rate condition without a limit. The rules loader
 * reports these beside schema errors, prefixed with the rule's own path.
 */
export function conditionProblems(condition: Condition): ConditionProblem[] {
  const problems: ConditionProblem[] = [];
  collect(condition, '', problems);
  return problems;
}

function collect(condition: Condition, prefix: string, problems: ConditionProblem[]): void {
  const at = (field: string): string =>
    prefix === '' ? field || '(root)' : field ? `${prefix}.${field}` : prefix;
  switch (condition.type) {
    case 'threshold': {
      const operands: [string, Operand][] =
        condition.op === 'outside'
          ? [
              ['low', condition.low],
              ['high', condition.high],
            ]
          : [['value', condition.value]];
      for (const [field, operand] of operands) {
        if (typeof operand !== 'number' && operand.point === condition.point) {
          problems.push({ path: at(`${field}.point`), message: `compares ${condition.point} with itself` });
        }
      }
      if (
        condition.op === 'outside' &&
        typeof condition.low === 'number' &&
        typeof condition.high === 'number'
      ) {
        const { low, high, hysteresis } = condition;
        if (low >= high) {
          problems.push({ path: at('low'), message: `low (${low}) must be below high (${high})` });
        } else if (low + hysteresis > high - hysteresis) {
          problems.push({
            path: at('hysteresis'),
            message: `hysteresis ${hysteresis} leaves no value between ${low} and ${high} that clears the alarm`,
          });
        }
      }
      return;
    }
    case 'rate_of_change':
      if (
        condition.maxPerMinute === undefined &&
        condition.rise === undefined &&
        condition.fall === undefined
      ) {
        problems.push({ path: at(''), message: 'needs maxPerMinute, rise or fall' });
      }
      return;
    case 'composite': {
      const list = 'all' in condition ? 'all' : 'any';
      childrenOf(condition).forEach((child, index) => {
        collect(child, prefix === '' ? `${list}[${index}]` : `${prefix}.${list}[${index}]`, problems);
      });
      return;
    }
    default:
      return;
  }
}
