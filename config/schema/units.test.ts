import { describe, expect, it } from 'vitest';
import { QUANTITIES, toCanonical, UNITS } from './units.ts';

describe('unit catalogue', () => {
  it('converts declared units into the canonical unit of their quantity', () => {
    expect(toCanonical(1500, 'Wh')).toBeCloseTo(1.5);
    expect(toCanonical(2500, 'W')).toBeCloseTo(2.5);
    expect(toCanonical(212, 'degF')).toBeCloseTo(100);
    expect(toCanonical(32, 'degF')).toBeCloseTo(0);
    expect(toCanonical(250, 'Pa')).toBeCloseTo(0.25);
    expect(toCanonical(1, 'L/s')).toBeCloseTo(3.6);
  });

  it('has every canonical unit in the catalogue with factor 1 and offset 0', () => {
    for (const [quantity, canonical] of Object.entries(QUANTITIES)) {
      expect(UNITS[canonical], canonical).toEqual({ quantity, factor: 1, offset: 0 });
    }
  });

  it('refuses unknown units', () => {
    expect(() => toCanonical(1, 'furlongs')).toThrow(RangeError);
    expect(() => toCanonical(1, 'constructor')).toThrow(RangeError);
  });
});
