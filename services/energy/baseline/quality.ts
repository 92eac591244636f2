/**
 * ASHRAE Guideline 14-2014 calibration criteria, shown beside a baseline's CV(RMSE) and NMBE.
 * The Guideline gives them for monthly and hourly data (calibrated-simulation clause, widely
 * applied to regression baselines too); it has no daily row, so a daily model is judged here
 * against the hourly limits, the looser pair, and both rows are shown.
 */
export const ASHRAE_14_LIMITS = {
  monthly: { cvRmse: 0.15, nmbe: 0.05 },
  hourly: { cvRmse: 0.3, nmbe: 0.1 },
} as const;

/**
 * The whole-building savings requirement of Guideline 14: the savings uncertainty must be below
 * 50 % of the reported savings at 68 % confidence.
 */
export const ASHRAE_14_SAVINGS = { maxFractionalUncertainty: 0.5, confidence: 0.68 } as const;

export interface FitQuality {
  readonly cvRmse: number;
  readonly nmbe: number;
  readonly limits: typeof ASHRAE_14_LIMITS;
  /** Within the limits applied to daily data (the hourly row). */
  readonly withinDailyLimits: boolean;
  /** Within the stricter monthly row too. */
  readonly withinMonthlyLimits: boolean;
}

export function fitQuality(cvRmse: number, nmbe: number): FitQuality {
  const within = (row: { cvRmse: number; nmbe: number }) =>
    cvRmse <= row.cvRmse && Math.abs(nmbe) <= row.nmbe;
  return {
    cvRmse,
    nmbe,
    limits: ASHRAE_14_LIMITS,
    withinDailyLimits: within(ASHRAE_14_LIMITS.hourly),
    withinMonthlyLimits: within(ASHRAE_14_LIMITS.monthly),
  };
}
