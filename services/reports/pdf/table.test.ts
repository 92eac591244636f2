import { describe, expect, it } from 'vitest';
import { fitWidths } from './table.ts';

describe('column widths', () => {
  it('grows measured widths in proportion to fill the page', () => {
    expect(fitWidths([50, 150], 400)).toEqual([100, 300]);
  });

  it('keeps narrow columns whole and shares the rest among the wide ones when too wide', () => {
    const widths = fitWidths([30, 60, 300, 400], 400);
    expect(widths.slice(0, 2)).toEqual([30, 60]);
    expect(widths[2]).toBeCloseTo(155);
    expect(widths[3]).toBeCloseTo(155);
    expect(widths.reduce((sum, width) => sum + width, 0)).toBeCloseTo(400);
  });
});
