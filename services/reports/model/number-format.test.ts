import { describe, expect, it } from 'vitest';
import { formatCell, formatCompact, formatNumber } from './number-format.ts';

describe('number formats of the PDF', () => {
  it('rounds half away from zero on the decimal value, not its binary approximation', () => {
    expect(formatNumber(1.005, { style: 'decimal' })).toBe('1.01');
    expect(formatNumber(-2.5, { style: 'integer' })).toBe('-3');
    expect(formatNumber(2.675, { style: 'decimal' })).toBe('2.68');
  });

  it('groups thousands unless told not to', () => {
    expect(formatNumber(1_234_567.891, { style: 'decimal', fractionDigits: 1 })).toBe('1,234,567.9');
    expect(formatNumber(-1_234_567, { style: 'integer' })).toBe('-1,234,567');
    expect(formatNumber(12_345, { style: 'integer', grouping: false })).toBe('12345');
  });

  it('shows fractions as percentages and signs changes when asked', () => {
    expect(formatNumber(0.125, { style: 'percent' })).toBe('12.5%');
    expect(formatNumber(0.034, { style: 'percent', signed: true })).toBe('+3.4%');
    expect(formatNumber(-0.121, { style: 'percent', signed: true, fractionDigits: 0 })).toBe('-12%');
    // Rounded to zero: no sign, so "-0.0%" never appears.
    expect(formatNumber(-0.0001, { style: 'percent', signed: true })).toBe('0.0%');
  });

  it('keeps tiny and huge values finite and readable', () => {
    expect(formatNumber(1e-7, { style: 'decimal' })).toBe('0.00');
    expect(formatNumber(123.456)).toBe('123.456');
  });

  it('has a compact form for chart labels', () => {
    expect(formatCompact(-12.1)).toBe('-12.1');
    expect(formatCompact(3)).toBe('3');
    expect(formatCompact(1234.5)).toBe('1,234.5');
    expect(formatCompact(0.004)).toBe('0');
    expect(formatCompact(100)).toBe('100');
  });

  it('shows a missing cell as a dash, or as given', () => {
    expect(formatCell(null)).toBe('—');
    expect(formatCell(null, undefined, '')).toBe('');
    expect(formatCell('已计入', { style: 'integer' })).toBe('已计入');
    expect(formatCell(-0.2, { style: 'decimal', signed: true })).toBe('-0.20');
  });
});
