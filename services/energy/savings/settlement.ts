import type { EnergyTerms } from '../../../config/schema/contracts.ts';
import type { AvoidedEnergy } from './avoided-energy.ts';

/** Yuan to the fen (分), as settlements are paid. */
const fen = (cny: number): number => Math.round(cny * 100) / 100;

export const DEFAULT_SHORTFALL_PENALTY_SHARE = 1;

/**
 * A reporting period's settlement under an energy performance contract (合同能源管理):
 *
 * - guaranteed savings: the target is `savingsTarget` × the adjusted baseline; savings short of it
 *   are a shortfall the vendor pays for at `shortfallPenaltyShare` × their value at the tariff;
 * - shared savings: savings beyond the target are split, the vendor getting `vendorShareOfSavings`
 *   of their value, the office the rest.
 *
 * Settled on the point estimate, as such contracts are; whether the target is met with the
 * stated confidence (the estimate minus its ± uncertainty) is shown beside it, so a result within
 * the measurement's own uncertainty is visible as such.
 */
export interface Settlement {
  readonly adjustedBaselineKwh: number;
  readonly actualKwh: number;
  readonly avoidedKwh: number;
  readonly savingsFraction: number;
  /** ± kWh and ± fraction of the savings at `confidence` (ASHRAE Guideline 14). */
  readonly uncertaintyKwh: number;
  readonly uncertaintyFraction: number;
  readonly confidence: number;
  readonly target: { readonly fraction: number; readonly kwh: number };
  readonly targetMet: boolean;
  readonly targetMetWithConfidence: boolean;
  readonly tariffCnyPerKwh: number;
  /** Value of the avoided energy at the tariff (negative when more was used than the baseline). */
  readonly savedCny: number;
  readonly sharedSavings: {
    readonly beyondTargetKwh: number;
    readonly vendorCny: number;
    readonly officeCny: number;
  };
  readonly shortfall: { readonly kwh: number; readonly penaltyShare: number; readonly penaltyCny: number };
}

export function settle(
  savings: AvoidedEnergy,
  terms: Pick<
    EnergyTerms,
    'savingsTarget' | 'tariffCnyPerKwh' | 'vendorShareOfSavings' | 'shortfallPenaltyShare'
  >,
): Settlement {
  const targetKwh = terms.savingsTarget * savings.adjustedBaselineKwh;
  const beyond = Math.max(0, savings.avoidedKwh - targetKwh);
  const shortfallKwh = Math.max(0, targetKwh - savings.avoidedKwh);
  const penaltyShare = terms.shortfallPenaltyShare ?? DEFAULT_SHORTFALL_PENALTY_SHARE;
  const tariff = terms.tariffCnyPerKwh;
  const vendorCny = fen(beyond * tariff * terms.vendorShareOfSavings);
  const savedCny = fen(savings.avoidedKwh * tariff);
  return {
    adjustedBaselineKwh: savings.adjustedBaselineKwh,
    actualKwh: savings.actualKwh,
    avoidedKwh: savings.avoidedKwh,
    savingsFraction: savings.savingsFraction,
    uncertaintyKwh: savings.uncertainty.avoidedKwh,
    uncertaintyFraction: savings.uncertainty.savingsFraction,
    confidence: savings.uncertainty.confidence,
    target: { fraction: terms.savingsTarget, kwh: targetKwh },
    // Without a single compared day nothing was measured: the target is not met by default.
    targetMet: savings.usedDays > 0 && savings.avoidedKwh >= targetKwh,
    targetMetWithConfidence:
      savings.usedDays > 0 && savings.avoidedKwh - savings.uncertainty.avoidedKwh >= targetKwh,
    tariffCnyPerKwh: tariff,
    savedCny,
    sharedSavings: { beyondTargetKwh: beyond, vendorCny, officeCny: fen(savedCny - vendorCny) },
    shortfall: { kwh: shortfallKwh, penaltyShare, penaltyCny: fen(shortfallKwh * tariff * penaltyShare) },
  };
}
