import Type, { type Static } from 'typebox';
import { Id, LocalizedText, ServiceCategory, Severity } from './common.ts';

/**
 * Placeholder for the rules issue: the fields every rule will keep (identity, routing category,
 * severity, labels). Selectors and conditions are added by the rule workers.
 */
export const Rule = Type.Object(
  {
    id: Id,
    title: LocalizedText,
    category: ServiceCategory,
    severity: Severity,
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RulesFile = Type.Object({ rules: Type.Array(Rule) }, { additionalProperties: false });

export type RulesFile = Static<typeof RulesFile>;
export type Rule = Static<typeof Rule>;
