import type { Condition } from './schema.ts';
import { childrenOf } from './state.ts';
import { thresholdPoints } from './threshold.ts';

/** The point keys a condition reads, each once, in order of first mention. */
export function pointsOf(condition: Condition): readonly string[] {
  switch (condition.type) {
    case 'threshold':
      return thresholdPoints(condition);
    case 'composite': {
      const keys = new Set<string>();
      for (const child of childrenOf(condition)) for (const key of pointsOf(child)) keys.add(key);
      return [...keys];
    }
    default:
      return [condition.point];
  }
}

/** Whether ticks can change the condition: `stale`, and composites holding one. */
export function isTimeDriven(condition: Condition): boolean {
  if (condition.type === 'stale') return true;
  return condition.type === 'composite' && childrenOf(condition).some(isTimeDriven);
}
