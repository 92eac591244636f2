// The package's own functions (isWorkday, getDayDetail) parse a date as UTC midnight and read it
// back with local-time getters, so in a process whose TZ is west of UTC they answer for the day
// before. Its published JSON (`dist/chinese-days.json`, documented for non-JS users) has no such
// problem, so this module reads the raw data and does the date arithmetic itself.
import chineseDaysJson from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import Type from 'typebox';
import { Value } from 'typebox/value';
import { CalendarError } from './errors.ts';
import { dayNumberOf, yearOf } from './iso-date.ts';

/** A holiday's name in both catalogue languages, as the dataset spells it (e.g. 中秋, 国庆节). */
export interface LocalizedName {
  readonly 'zh-CN': string;
  readonly en: string;
}

/** A date the State Council's yearly notice changes from the plain Monday–Friday week. */
export interface DatasetDay {
  /** `holiday`: a day off (including weekends inside a holiday block); `adjusted_workday`: a 调休 working weekend day. */
  readonly kind: 'holiday' | 'adjusted_workday';
  /** The holiday, or for an adjusted working day the holiday it makes up for. */
  readonly name: LocalizedName;
}

export interface Coverage {
  readonly firstYear: number;
  readonly lastYear: number;
}

export interface HolidayDataset {
  /** Keyed by `YYYY-MM-DD`. */
  readonly days: ReadonlyMap<string, DatasetDay>;
  /** Years whose schedule the dataset holds, contiguous. */
  readonly coverage: Coverage;
}

const DateMap = Type.Record(Type.String(), Type.String());
const ChineseDaysData = Type.Object({ holidays: DateMap, workdays: DateMap });

/**
 * Parses the shape of chinese-days' JSON: `{ holidays: { "2025-10-01": "National Day,国庆节,3" },
 * workdays: { "2025-09-28": "National Day,国庆节,3" }, … }`. The third field is the number of
 * statutory days of that holiday, which this module does not need. Coverage is the span of years
 * that have holidays: every published year has at least New Year's Day.
 */
export function parseChineseDaysData(raw: unknown): HolidayDataset {
  if (!Value.Check(ChineseDaysData, raw)) {
    throw new CalendarError(
      'invalid_dataset',
      'holiday dataset: expected { holidays, workdays } maps of strings',
    );
  }
  const days = new Map<string, DatasetDay>();
  const years = new Set<number>();
  const add = (isoDate: string, description: string, kind: DatasetDay['kind']): void => {
    try {
      dayNumberOf(isoDate);
    } catch (cause) {
      throw new CalendarError('invalid_dataset', `holiday dataset: bad date ${JSON.stringify(isoDate)}`, {
        cause,
      });
    }
    if (days.has(isoDate)) {
      throw new CalendarError(
        'invalid_dataset',
        `holiday dataset: ${isoDate} is both a holiday and a working day`,
      );
    }
    days.set(isoDate, { kind, name: parseName(isoDate, description) });
    if (kind === 'holiday') years.add(yearOf(isoDate));
  };
  for (const [isoDate, description] of Object.entries(raw.holidays)) add(isoDate, description, 'holiday');
  for (const [isoDate, description] of Object.entries(raw.workdays))
    add(isoDate, description, 'adjusted_workday');

  if (years.size === 0) throw new CalendarError('invalid_dataset', 'holiday dataset: no holidays at all');
  const firstYear = Math.min(...years);
  const lastYear = Math.max(...years);
  for (let year = firstYear; year <= lastYear; year++) {
    // A gap would make coverage() claim a year whose answers are really the Monday–Friday fallback.
    if (!years.has(year))
      throw new CalendarError('invalid_dataset', `holiday dataset: no holidays in ${year}`);
  }
  return { days, coverage: { firstYear, lastYear } };
}

function parseName(isoDate: string, description: string): LocalizedName {
  const fields = description.split(',');
  const zh = fields.at(-2)?.trim();
  const en = fields.slice(0, -2).join(',').trim();
  if (fields.length < 3 || !zh || !en || !/^\d+$/.test(fields.at(-1)?.trim() ?? '')) {
    throw new CalendarError(
      'invalid_dataset',
      `holiday dataset: ${isoDate}: expected "English name,中文名,days", got ${JSON.stringify(description)}`,
    );
  }
  return { 'zh-CN': zh, en };
}

/** The installed chinese-days package's data. Its version decides which years are known. */
export const chineseDaysDataset: HolidayDataset = parseChineseDaysData(chineseDaysJson);
