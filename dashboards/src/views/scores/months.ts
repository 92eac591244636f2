/**
 * Months of the scoring pages, at the site: a month is `YYYY-MM` in the site's time zone (the
 * scoring store closes months there), never in the browser's. Pure, unit-tested beside.
 */

const pad = (n: number): string => String(n).padStart(2, '0');

function wallClock(ms: number, timeZone: string): Record<string, number> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(ms);
  const fields: Record<string, number> = {};
  for (const part of parts) if (part.type !== 'literal') fields[part.type] = Number(part.value);
  return fields;
}

/** The site's date and time of an instant: `YYYY-MM-DD` and `HH:MM`. */
export function wallClockAt(ms: number, timeZone: string): { date: string; time: string } {
  const f = wallClock(ms, timeZone);
  return {
    date: `${f.year}-${pad(f.month ?? 1)}-${pad(f.day ?? 1)}`,
    time: `${pad(f.hour ?? 0)}:${pad(f.minute ?? 0)}`,
  };
}

/** The month an instant falls in at the site. */
export const monthAt = (ms: number, timeZone: string): string => wallClockAt(ms, timeZone).date.slice(0, 7);

/** The site's offset from UTC at an instant, in ms (to the minute). */
function offsetAt(ms: number, timeZone: string): number {
  const f = wallClock(ms, timeZone);
  const asUtc = Date.UTC(f.year ?? 1970, (f.month ?? 1) - 1, f.day ?? 1, f.hour ?? 0, f.minute ?? 0);
  return asUtc - Math.floor(ms / 60_000) * 60_000;
}

/**
 * The instant of a wall-clock date (`YYYY-MM-DD`) and time (`HH:MM`) at the site. Across a
 * daylight-saving change the offset is looked up again at the first guess, which settles it.
 */
export function zonedMs(date: string, time: string, timeZone: string): number {
  const [year = 1970, month = 1, day = 1] = date.split('-').map(Number);
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const guess = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(guess, timeZone);
}

/** `month` moved by `n` months (negative: back). */
export function addMonths(month: string, n: number): string {
  const [year = 1970, m = 1] = month.split('-').map(Number);
  const index = year * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

/** The `count` months up to `latest`, newest first (the month picker's choices). */
export const monthsBack = (latest: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => addMonths(latest, -i));

/** January to `month` of its year, in order (the trend chart's axis). */
export function monthsOfYearTo(month: string): string[] {
  const upTo = Number(month.slice(5, 7));
  return Array.from({ length: upTo }, (_, i) => `${month.slice(0, 4)}-${pad(i + 1)}`);
}

/** The quarter (`YYYY-Qn`) a month is in: the bulletin that ranks it. */
export const quarterOf = (month: string): string =>
  `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;

/** A date (`YYYY-MM-DD`) moved by `n` days. */
export function addDays(date: string, n: number): string {
  const [year = 1970, m = 1, day = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(year, m - 1, day + n)).toISOString().slice(0, 10);
}

/** The three months of a quarter (`YYYY-Qn`), in order. */
export function monthsOfQuarter(quarter: string): string[] {
  const first = (Number(quarter.slice(6)) - 1) * 3 + 1;
  return [0, 1, 2].map((i) => `${quarter.slice(0, 4)}-${pad(first + i)}`);
}

/** The last day of a month, `YYYY-MM-DD`. */
export function lastDayOf(month: string): string {
  const [year = 1970, m = 1] = month.split('-').map(Number);
  return `${month}-${pad(new Date(Date.UTC(year, m, 0)).getUTCDate())}`;
}

/**
 * Competition ranking, as the quarterly bulletin ranks: the highest score first, equal scores
 * share a rank and the next rank skips (1, 2, 2, 4); equal scores keep the contracts' id order.
 */
export function ranked<T extends { readonly total: number; readonly contractId: string }>(
  cards: readonly T[],
): { rank: number; card: T }[] {
  const sorted = [...cards].sort(
    (a, b) => b.total - a.total || (a.contractId < b.contractId ? -1 : a.contractId > b.contractId ? 1 : 0),
  );
  let rank = 0;
  return sorted.map((card, index) => {
    if (index === 0 || card.total !== sorted[index - 1]?.total) rank = index + 1;
    return { rank, card };
  });
}
