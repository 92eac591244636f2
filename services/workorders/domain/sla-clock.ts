import type { WorkingCalendar } from '../../calendar/working-calendar.ts';
import type { SlaClockKind } from './types.ts';

const MINUTE_MS = 60_000;

/** The time an SLA counts, in ms: all of it, or only the site's working hours. */
export interface SlaClock {
  /** Counted time in [fromMs, toMs); negative when toMs is before fromMs. */
  msBetween(fromMs: number, toMs: number): number;
  /** The earliest instant by which `ms` (≥ 0) of counted time have elapsed since `fromMs`. */
  add(fromMs: number, ms: number): number;
}

export const ROUND_THE_CLOCK: SlaClock = {
  msBetween: (fromMs, toMs) => toMs - fromMs,
  add: (fromMs, ms) => fromMs + ms,
};

/** Working hours of the Chinese working calendar: holidays and 调休 come from the calendar, never from here. */
export function workingHoursClock(
  calendar: Pick<WorkingCalendar, 'workingMinutesBetween' | 'addWorkingMinutes'>,
): SlaClock {
  return {
    // The calendar counts exact ms and divides by 60 000; rounding undoes the division exactly.
    msBetween: (fromMs, toMs) => Math.round(calendar.workingMinutesBetween(fromMs, toMs) * MINUTE_MS),
    add: (fromMs, ms) => calendar.addWorkingMinutes(fromMs, ms / MINUTE_MS),
  };
}

export function slaClock(
  kind: SlaClockKind,
  calendar: Pick<WorkingCalendar, 'workingMinutesBetween' | 'addWorkingMinutes'>,
): SlaClock {
  return kind === '24x7' ? ROUND_THE_CLOCK : workingHoursClock(calendar);
}
