import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { dayNumberOf } from '../../calendar/iso-date.ts';
import { EnergyError } from '../errors.ts';

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

/**
 * A non-routine adjustment (IPMVP): energy added to (or taken from) the baseline for a change
 * that is not the contractor's doing, e.g. a floor turned into a data room (+), a wing closed for
 * renovation (−). Spread evenly over the days of its range. Reason and author are required,
 * because a settlement must show who changed the baseline and why.
 */
export const NonRoutineAdjustment = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    fromDate: IsoDate,
    toDate: IsoDate,
    /** kWh over the whole range; positive raises the adjusted baseline. */
    kwh: Type.Number(),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    author: Type.String({ minLength: 1, maxLength: 200 }),
    /** ISO 8601 instant the adjustment was recorded. */
    recordedAt: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type NonRoutineAdjustment = Static<typeof NonRoutineAdjustment>;

/** Checks an adjustment (schema, non-blank reason and author, range in order); throws `invalid_adjustment`. */
export function checkAdjustment(value: unknown): NonRoutineAdjustment {
  if (!Value.Check(NonRoutineAdjustment, value)) {
    const first = [...Value.Errors(NonRoutineAdjustment, value)][0];
    throw new EnergyError(
      'invalid_adjustment',
      `adjustment: ${first?.instancePath.slice(1) || '(root)'}: ${first?.message ?? 'invalid'}`,
    );
  }
  if (value.reason.trim() === '' || value.author.trim() === '')
    throw new EnergyError('invalid_adjustment', 'an adjustment needs a reason and an author');
  let from: number;
  let to: number;
  try {
    from = dayNumberOf(value.fromDate);
    to = dayNumberOf(value.toDate);
  } catch (cause) {
    throw new EnergyError('invalid_adjustment', 'adjustment dates must be calendar dates', { cause });
  }
  if (to < from) throw new EnergyError('invalid_adjustment', `adjustment ${value.id} ends before it starts`);
  if (!Number.isFinite(value.kwh))
    throw new EnergyError('invalid_adjustment', 'adjustment kWh must be finite');
  return value;
}

/** kWh per date from the adjustments, each spread evenly over its days. */
export function adjustmentsByDate(adjustments: readonly NonRoutineAdjustment[]): Map<string, number> {
  const byDate = new Map<string, number>();
  for (const adjustment of adjustments) {
    const from = dayNumberOf(adjustment.fromDate);
    const to = dayNumberOf(adjustment.toDate);
    const perDay = adjustment.kwh / (to - from + 1);
    for (let day = from; day <= to; day++) {
      const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
      byDate.set(date, (byDate.get(date) ?? 0) + perDay);
    }
  }
  return byDate;
}
