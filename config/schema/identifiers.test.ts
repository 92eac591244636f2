import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, creditCodeProblem, isRealDate } from './identifiers.ts';

describe('unified social credit code (GB 32100-2015)', () => {
  // Codes published by their registrants, so the check characters are independent of this code.
  it.each(['91350100M000100Y43', '91110000600037341L'])('accepts the published code %s', (code) => {
    expect(creditCodeProblem(code)).toBeUndefined();
  });

  it('computes the check character from the first 17 characters', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckChar('91110000600037341')).toBe('L');
  });

  it('names the expected check digit when it is wrong', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe(
      'unified social credit code check digit is 4, expected 3',
    );
  });

  it.each(['91350100M000100Y4', '91350100M000100I43', '91350100m000100y43'])(
    'rejects the malformed code %s',
    (code) => {
      expect(creditCodeProblem(code)).toMatch(/18 characters/);
    },
  );
});

describe('calendar dates', () => {
  it('accepts real days and rejects impossible ones', () => {
    expect(isRealDate('2024-02-29')).toBe(true);
    expect(isRealDate('2025-02-29')).toBe(false);
    expect(isRealDate('2025-13-01')).toBe(false);
  });
});
