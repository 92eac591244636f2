import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import {
  compileWorkingHours,
  DEFAULT_WORKING_HOURS,
  WorkingHoursSchema,
  workingHoursProblems,
} from './working-hours.ts';

describe('WorkingHoursSchema', () => {
  it('accepts the default 08:30–12:00, 13:30–17:30', () => {
    expect(Value.Check(WorkingHoursSchema, DEFAULT_WORKING_HOURS)).toBe(true);
    expect(workingHoursProblems(DEFAULT_WORKING_HOURS)).toEqual([]);
    expect(compileWorkingHours(DEFAULT_WORKING_HOURS)).toEqual([
      { from: 8 * 60 + 30, to: 12 * 60 },
      { from: 13 * 60 + 30, to: 17 * 60 + 30 },
    ]);
  });

  it.each(['8:30', '24:01', '12:60', '25:00', '0830'])('refuses the clock time %j', (time) => {
    expect(Value.Check(WorkingHoursSchema, { periods: [{ from: time, to: '17:30' }] })).toBe(false);
  });

  it('accepts 00:00 and 24:00 as the ends of the day', () => {
    expect(workingHoursProblems({ periods: [{ from: '00:00', to: '24:00' }] })).toEqual([]);
  });

  it('refuses unknown properties and empty schedules with paths', () => {
    expect(workingHoursProblems({ periods: [] })).not.toEqual([]);
    expect(workingHoursProblems({ periods: [{ from: '08:30', to: '12:00', lunch: true }] })).toEqual([
      { path: 'periods[0].lunch', message: 'is not a known property' },
    ]);
  });
});

describe('workingHoursProblems beyond the schema', () => {
  it('reports a period that ends before it starts', () => {
    expect(workingHoursProblems({ periods: [{ from: '17:30', to: '13:30' }] })).toEqual([
      { path: 'periods[0]', message: 'ends at 13:30, not after it starts at 17:30' },
    ]);
  });

  it('reports overlapping or unordered periods', () => {
    expect(
      workingHoursProblems({
        periods: [
          { from: '08:30', to: '12:30' },
          { from: '12:00', to: '17:30' },
        ],
      }),
    ).toEqual([{ path: 'periods[1]', message: 'starts at 12:00, before periods[0] ends at 12:30' }]);
  });

  it('lets periods touch', () => {
    expect(
      workingHoursProblems({
        periods: [
          { from: '08:30', to: '12:00' },
          { from: '12:00', to: '17:30' },
        ],
      }),
    ).toEqual([]);
  });

  it('compileWorkingHours lists every problem in its error', () => {
    expect(() =>
      compileWorkingHours({
        periods: [
          { from: '09:00', to: '08:00' },
          { from: '07:00', to: '10:00' },
        ],
      }),
    ).toThrow(/periods\[0\]: ends at 08:00.*periods\[1\]: starts at 07:00/);
  });
});
