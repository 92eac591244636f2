import type { Cell, NumberFormat } from './document.ts';

/**
 * Formats a number for the PDF. Written out rather than through Intl so the output cannot move
 * with the ICU data of the Node build; zh-CN and en agree on `12,345.6` anyway.
 */
export function formatNumber(value: number, format?: NumberFormat): string {
  if (format === undefined) return String(value);
  const digits = fractionDigitsOf(format);
  const scaled = format.style === 'percent' ? value * 100 : value;
  const rounded = roundHalfAwayFromZero(scaled, digits);
  const magnitude = Math.abs(rounded).toFixed(digits);
  const [whole = '0', fraction] = magnitude.split('.');
  const grouped = format.grouping === false ? whole : whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const body = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  const isZero = /^[0.]*$/.test(magnitude);
  const sign = isZero ? '' : rounded < 0 ? '-' : format.signed === true ? '+' : '';
  return `${sign}${body}${format.style === 'percent' ? '%' : ''}`;
}

/** Grouped, to at most `maxDigits` decimals, trailing zeros dropped: 1,234.5 and 3 and -12.1. */
export function formatCompact(value: number, maxDigits = 2): string {
  const text = formatNumber(value, { style: 'decimal', fractionDigits: maxDigits });
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A cell as the PDF shows it: numbers through the column's format, nothing as `empty`. */
export function formatCell(cell: Cell, format?: NumberFormat, empty = '—'): string {
  if (cell === null) return empty;
  if (typeof cell === 'number') return formatNumber(cell, format);
  return cell;
}

function fractionDigitsOf(format: NumberFormat): number {
  if (format.style === 'integer') return 0;
  return format.fractionDigits ?? (format.style === 'percent' ? 1 : 2);
}

/** 1.005 → 1.01 and -2.5 → -3: decimal-string rounding, not binary `toFixed`. */
function roundHalfAwayFromZero(value: number, digits: number): number {
  const sign = value < 0 ? -1 : 1;
  const magnitude = Math.abs(value);
  // Exponent notation (1e-7, 1e+21) cannot take another exponent: those are far from a half anyway.
  if (String(magnitude).includes('e')) return (sign * Math.round(magnitude * 10 ** digits)) / 10 ** digits;
  return sign * Number(`${Math.round(Number(`${magnitude}e${digits}`))}e-${digits}`);
}
