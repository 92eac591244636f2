import Type, { type Static } from 'typebox';
import { Id, LocalizedText } from './common.ts';

/**
 * Placeholder for the vendor-evaluation issue: a 百分制 scheme's identity, base and floor.
 * Deduction and bonus items are added there.
 */
export const ScoringScheme = Type.Object(
  {
    id: Id,
    name: LocalizedText,
    basePoints: Type.Number({ exclusiveMinimum: 0 }),
    floorPoints: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const ScoringFile = Type.Object(
  { schemes: Type.Array(ScoringScheme, { minItems: 1 }) },
  { additionalProperties: false },
);

export type ScoringFile = Static<typeof ScoringFile>;
export type ScoringScheme = Static<typeof ScoringScheme>;
