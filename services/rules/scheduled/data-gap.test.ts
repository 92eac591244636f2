import { describe, expect, it } from 'vitest';
import { evaluateDataGap, longestGap } from './data-gap.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Windows of an hour, ending at 10 h; maxGapS one hour. */
const window = { fromMs: 9 * HOUR, toMs: 10 * HOUR };
const everyMinute = (fromMs: number, toMs: number, skip?: (ms: number) => boolean): number[] => {
  const out: number[] = [];
  for (let ts = fromMs; ts <= toMs; ts += MIN) if (!skip?.(ts)) out.push(ts);
  return out;
};

describe('data_gap', () => {
  it('clears when the data is complete', () => {
    const result = evaluateDataGap({ timestamps: everyMinute(8 * HOUR, 10 * HOUR), window, maxGapS: 3600 });
    expect(result).toMatchObject({ verdict: 'clear', at: 10 * HOUR, value: 60 });
    expect(result.facts).toMatchObject({ samples: 60, maxGapS: 3600 });
  });

  it('fires on a gap longer than maxGapS that ends in the window', () => {
    // Samples stop at 8:50 and resume at 9:55: 65 minutes, of which only 55 lie in the window.
    const timestamps = everyMinute(
      8 * HOUR,
      10 * HOUR,
      (ts) => ts > 8 * HOUR + 50 * MIN && ts < 9 * HOUR + 55 * MIN,
    );
    const result = evaluateDataGap({ timestamps, window, maxGapS: 3600 });
    expect(result).toMatchObject({ verdict: 'fire', at: 10 * HOUR, value: 65 * 60 });
    expect(result.facts).toMatchObject({
      longestGap: { seconds: 3900, openStart: false, ongoing: false },
    });
    // The window before sees only 10 minutes of silence up to its end: not its gap to report yet.
    const before = evaluateDataGap({
      timestamps,
      window: { fromMs: 8 * HOUR, toMs: 9 * HOUR },
      maxGapS: 3600,
    });
    expect(before).toMatchObject({ verdict: 'clear', value: 600 });
  });

  it('fires while the meter is silent, from the last sample to the window end', () => {
    const timestamps = everyMinute(8 * HOUR, 8 * HOUR + 50 * MIN);
    expect(longestGap(timestamps, window, 3600)).toEqual({
      fromMs: 8 * HOUR + 50 * MIN,
      toMs: 10 * HOUR,
      seconds: 70 * 60,
      openStart: false,
      ongoing: true,
    });
    const result = evaluateDataGap({ timestamps: [], window, maxGapS: 3600 });
    expect(result).toMatchObject({ verdict: 'fire', value: 7200 });
    expect(result.facts).toMatchObject({ samples: 0, longestGap: { openStart: true, ongoing: true } });
  });

  it('counts an exact maxGapS as no gap', () => {
    const timestamps = [8 * HOUR + 59 * MIN, 9 * HOUR + 59 * MIN, 10 * HOUR];
    expect(evaluateDataGap({ timestamps, window, maxGapS: 3600 }).verdict).toBe('clear');
  });
});
