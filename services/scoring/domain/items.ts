import type { Bonuses, Deductions } from '../../../config/schema/scoring.ts';
import type { BonusKind } from './records.ts';

/** Deduction items in the order a scorecard lists them (the scheme's `deductions`). */
export const DEDUCTION_ITEMS = [
  'slaAccept',
  'slaArrive',
  'slaResolve',
  'repeatFailure',
  'unresolvedAtPeriodEnd',
  'availability',
  'inspectionGeneral',
  'inspectionMajor',
  'verifiedComplaint',
  'rectificationFailed',
] as const satisfies readonly (keyof Deductions)[];
export type DeductionItem = (typeof DEDUCTION_ITEMS)[number];

/** Bonus items in the order a scorecard lists them (the scheme's `bonuses`, less the overall cap). */
export const BONUS_ITEMS = [
  'commendation',
  'innovation',
  'promotedPractice',
] as const satisfies readonly Exclude<keyof Bonuses, 'cap'>[];
export type BonusItem = (typeof BONUS_ITEMS)[number];

export const SCORE_ITEMS = [...DEDUCTION_ITEMS, ...BONUS_ITEMS] as const;
export type ScoreItem = DeductionItem | BonusItem;

export const BONUS_ITEM_OF: Readonly<Record<BonusKind, BonusItem>> = {
  commendation: 'commendation',
  innovation: 'innovation',
  promoted_practice: 'promotedPractice',
};

export const itemLabelKey = (item: ScoreItem): string => `scoring.item.${item}`;
