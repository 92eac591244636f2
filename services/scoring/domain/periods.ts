import { DAY_MS, dayNumberOf, isoDateOf } from '../../calendar/iso-date.ts';
import type { SiteZone } from '../../calendar/site-zone.ts';
import { ScoringError } from './errors.ts';

/**
 * The rhythm of evaluation: 月考核 (month `2026-03`), 季通报 (quarter `2026-Q1`), the half-yearly
 * leadership review (`2026-H1`) and 年考评 (year `2026`). A period runs from local midnight of
 * its first day to local midnight after its last, at the site (its time zone), as [startMs, endMs).
 */
export const PERIOD_KINDS = ['month', 'quarter', 'half', 'year'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface Period {
  readonly kind: PeriodKind;
  readonly key: string;
  readonly startMs: number;
  readonly endMs: number;
}

interface ParsedKey {
  readonly kind: PeriodKind;
  readonly year: number;
  /** Month 1–12, quarter 1–4, half 1–2; 1 for a year. */
  readonly index: number;
}

const KEY = /^(\d{4})(?:-(\d{2})|-Q([1-4])|-H([12]))?$/;

export function parsePeriodKey(key: string): ParsedKey {
  const match = KEY.exec(key);
  const year = Number(match?.[1]);
  if (!match || year < 1970)
    throw new ScoringError('invalid_period', `not a period key: ${JSON.stringify(key)}`);
  if (match[2] !== undefined) {
    const month = Number(match[2]);
    if (month < 1 || month > 12) throw new ScoringError('invalid_period', `not a month: ${key}`);
    return { kind: 'month', year, index: month };
  }
  if (match[3] !== undefined) return { kind: 'quarter', year, index: Number(match[3]) };
  if (match[4] !== undefined) return { kind: 'half', year, index: Number(match[4]) };
  return { kind: 'year', year, index: 1 };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
export const monthKey = (year: number, month: number): string => `${year}-${pad2(month)}`;

/** First and last month (1–12) of a parsed period. */
function monthSpan(parsed: ParsedKey): [number, number] {
  switch (parsed.kind) {
    case 'month':
      return [parsed.index, parsed.index];
    case 'quarter':
      return [parsed.index * 3 - 2, parsed.index * 3];
    case 'half':
      return [parsed.index * 6 - 5, parsed.index * 6];
    case 'year':
      return [1, 12];
  }
}

/** The months of a period in order, e.g. `2026-Q1` → 2026-01, 2026-02, 2026-03. */
export function monthsOf(key: string): string[] {
  const parsed = parsePeriodKey(key);
  const [first, last] = monthSpan(parsed);
  return Array.from({ length: last - first + 1 }, (_, i) => monthKey(parsed.year, first + i));
}

/** Local midnight starting `isoDate` at the site. */
export const localMidnight = (isoDate: string, zone: SiteZone): number =>
  zone.instantAt(dayNumberOf(isoDate), 0);

/** The site's calendar date at an instant. */
export function siteDateOf(instantMs: number, zone: SiteZone): string {
  return isoDateOf(Math.floor((instantMs + zone.offsetMs(instantMs)) / DAY_MS));
}

export function periodOf(key: string, zone: SiteZone): Period {
  const parsed = parsePeriodKey(key);
  const [first, last] = monthSpan(parsed);
  const endYear = last === 12 ? parsed.year + 1 : parsed.year;
  const endMonth = last === 12 ? 1 : last + 1;
  return {
    kind: parsed.kind,
    key,
    startMs: localMidnight(`${monthKey(parsed.year, first)}-01`, zone),
    endMs: localMidnight(`${monthKey(endYear, endMonth)}-01`, zone),
  };
}

/** `2026-03-14` → `2026-03`. */
export const monthOfDate = (isoDate: string): string => isoDate.slice(0, 7);

/** The month containing an instant at the site. */
export const monthKeyAt = (instantMs: number, zone: SiteZone): string =>
  monthOfDate(siteDateOf(instantMs, zone));

/** `2026-05` or `2026-05-14` → `2026-Q2`. */
export function quarterOf(monthOrDate: string): string {
  const { year, index } = parsePeriodKey(monthOrDate.slice(0, 7));
  return `${year}-Q${Math.ceil(index / 3)}`;
}

/** `2026-05` or `2026-05-14` → `2026-H1`. */
export function halfOf(monthOrDate: string): string {
  const { year, index } = parsePeriodKey(monthOrDate.slice(0, 7));
  return `${year}-H${index <= 6 ? 1 : 2}`;
}

/** The quarter after (`2026-Q4` → `2027-Q1`) or before, by `step`. */
export function shiftQuarter(key: string, step: number): string {
  const parsed = parsePeriodKey(key);
  if (parsed.kind !== 'quarter') throw new ScoringError('invalid_period', `not a quarter: ${key}`);
  const ordinal = parsed.year * 4 + (parsed.index - 1) + step;
  return `${Math.floor(ordinal / 4)}-Q${(ordinal % 4) + 1}`;
}

/** Whole years after `isoDate`, same month and day (29 February → 28 February in a common year). */
export function addYears(isoDate: string, years: number): string {
  const year = Number(isoDate.slice(0, 4)) + years;
  const monthDay = isoDate.slice(5);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return `${year}-${monthDay === '02-29' && !leap ? '02-28' : monthDay}`;
}

export const addDays = (isoDate: string, days: number): string => isoDateOf(dayNumberOf(isoDate) + days);

/** First and last calendar day of a period, from its key alone. */
export function daysOf(key: string): { readonly first: string; readonly last: string } {
  const months = monthsOf(key);
  const first = `${months[0]}-01`;
  const lastMonth = months.at(-1) as string;
  const [year, month] = [Number(lastMonth.slice(0, 4)), Number(lastMonth.slice(5, 7))];
  const next = month === 12 ? `${year + 1}-01-01` : `${monthKey(year, month + 1)}-01`;
  return { first, last: addDays(next, -1) };
}
