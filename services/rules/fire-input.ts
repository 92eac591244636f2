import type { ResolvedEquipment, SiteModel } from '../../config/load/model.ts';
import type { Rule } from '../../config/schema/rules.ts';
import type { FireInput } from '../incidents/index.ts';
import { renderTitle } from './worker/title.ts';

/** What differs between a streaming and a scheduled fire; the rest comes from the rule and equipment. */
export interface FireFacts {
  readonly at: Date;
  /** The triggering value; NaN when the condition has none (the store keeps null). */
  readonly value: number;
  /** The unit shown after `{value}` in the title. */
  readonly unit: string;
  readonly peak?: number;
  readonly peakIs?: 'highest' | 'lowest';
  /** Recorded with the incident; `ruleId` and `ruleVersion` are added here. */
  readonly evidence: Record<string, unknown>;
}

/**
 * The incident store's input for a rule firing on a piece of equipment: the rule's identity,
 * category and severity, its title rendered in zh-CN and en for this equipment and building,
 * and the evidence with the rule version that fired. Shared by the streaming and scheduled rules.
 */
export function fireInputOf(
  model: SiteModel,
  rule: Rule,
  equipment: ResolvedEquipment,
  facts: FireFacts,
): FireInput {
  const building = model.buildings.get(equipment.buildingCode);
  const title = renderTitle(rule.title, {
    equipment: equipment.name,
    building: building?.name ?? { 'zh-CN': equipment.buildingCode, en: equipment.buildingCode },
    ...(Number.isNaN(facts.value) ? {} : { value: facts.value }),
    unit: facts.unit,
  });
  return {
    ruleId: rule.id,
    ruleVersion: rule.version,
    equipmentId: equipment.id,
    buildingCode: equipment.buildingCode,
    category: rule.category,
    severity: rule.severity,
    title,
    at: facts.at,
    value: facts.value,
    ...(facts.peak === undefined ? {} : { peak: facts.peak }),
    ...(facts.peakIs === undefined ? {} : { peakIs: facts.peakIs }),
    evidence: { ruleId: rule.id, ruleVersion: rule.version, ...facts.evidence },
    ...('reactivationWindowS' in rule && rule.reactivationWindowS !== undefined
      ? { reactivationWindowS: rule.reactivationWindowS }
      : {}),
  };
}
