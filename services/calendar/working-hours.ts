import Type, { type Static } from 'typebox';
import { readablePath } from '../../config/load/issues.ts';
import { validateDocument } from '../../config/load/validate-document.ts';
import { CalendarError } from './errors.ts';

const ClockTime = Type.String({
  pattern: '^(?:(?:[01]\\d|2[0-3]):[0-5]\\d|24:00)$',
  description: 'local wall-clock time HH:MM at the site; 24:00 is the end of the day',
});

export const WorkingPeriodSchema = Type.Object(
  { from: ClockTime, to: ClockTime },
  {
    additionalProperties: false,
    description: 'one working period of a working day, from inclusive, to exclusive',
  },
);

/** The daily office hours of a site, the same on every working day (see DEFAULT_WORKING_HOURS). */
export const WorkingHoursSchema = Type.Object(
  { periods: Type.Array(WorkingPeriodSchema, { minItems: 1, maxItems: 8 }) },
  { additionalProperties: false },
);
export type WorkingHours = Static<typeof WorkingHoursSchema>;

/**
 * 08:30–12:00 and 13:30–17:30: a common pattern of Chinese government office hours, chosen as
 * an assumption, not taken from a national rule. The State Council's 《国务院关于职工工作时间的规定》
 * fixes only the length of the working day and week (8 h, 40 h); the clock times are set locally,
 * and many places switch to a summer schedule (夏季作息, later afternoon hours). Each site should
 * set its own hours in its configuration.
 */
export const DEFAULT_WORKING_HOURS: WorkingHours = {
  periods: [
    { from: '08:30', to: '12:00' },
    { from: '13:30', to: '17:30' },
  ],
};

export interface WorkingHoursProblem {
  readonly path: string;
  readonly message: string;
}

/** Minutes after local midnight, `from` inclusive, `to` exclusive. */
export interface MinuteRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Every problem with a working-hours value: the schema's, then what a schema cannot say
 * (each period ends after it starts; periods are in order and do not overlap).
 */
export function workingHoursProblems(value: unknown): WorkingHoursProblem[] {
  const schemaProblems = validateDocument(WorkingHoursSchema, value);
  if (schemaProblems.length > 0) return schemaProblems;
  const { periods } = value as WorkingHours;
  const problems: WorkingHoursProblem[] = [];
  periods.forEach((period, index) => {
    const path = readablePath(['periods', index]);
    if (minutesOf(period.to) <= minutesOf(period.from)) {
      problems.push({ path, message: `ends at ${period.to}, not after it starts at ${period.from}` });
    }
    const previous = periods[index - 1];
    if (previous && minutesOf(period.from) < minutesOf(previous.to)) {
      problems.push({
        path,
        message: `starts at ${period.from}, before ${readablePath(['periods', index - 1])} ends at ${previous.to}`,
      });
    }
  });
  return problems;
}

/** Checked minute ranges of a working-hours value; an `invalid_working_hours` error lists every problem. */
export function compileWorkingHours(value: WorkingHours): readonly MinuteRange[] {
  const problems = workingHoursProblems(value);
  if (problems.length > 0) {
    throw new CalendarError(
      'invalid_working_hours',
      `working hours: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`,
    );
  }
  return value.periods.map((period) => ({ from: minutesOf(period.from), to: minutesOf(period.to) }));
}

function minutesOf(clockTime: string): number {
  return Number(clockTime.slice(0, 2)) * 60 + Number(clockTime.slice(3, 5));
}
