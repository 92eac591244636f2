import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { RegisterSample } from '../consumption/register.ts';
import { EnergyError } from '../errors.ts';

/** Where the energy service reads stored readings from (meters' registers, weather stations). */
export interface ReadingSource {
  /**
   * The raw samples of each point (full ids `<equipmentId>.<key>`) with timestamps in
   * [fromMs, toMs], both inclusive, oldest first, one per timestamp; a point without samples maps
   * to an empty list. Throws an `EnergyError` when the store cannot answer, never a partial answer.
   */
  samples(pointIds: readonly string[], fromMs: number, toMs: number): Promise<Map<string, RegisterSample[]>>;
}

const ExportedSeries = Type.Object({
  metric: Type.Record(Type.String(), Type.String()),
  values: Type.Array(Type.Union([Type.Number(), Type.Null()])),
  timestamps: Type.Array(Type.Integer()),
});
type ExportedSeries = Static<typeof ExportedSeries>;

export interface VictoriaReadingSourceOptions {
  /** Base URL of VictoriaMetrics (`TSDB_URL`). */
  readonly url: string;
  /** More label matchers every query must satisfy; tests use a label of their own. */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** Per request; default 30,000 ms. */
  readonly timeoutMs?: number;
  /** Points per export request; default 20. */
  readonly pointsPerRequest?: number;
  /** Time span per export request; default 7 days (about 10,000 one-minute samples per point). */
  readonly chunkMs?: number;
  /** Requests in flight at once; default 4. */
  readonly concurrency?: number;
}

const DAY_MS = 86_400_000;

/**
 * Raw samples from VictoriaMetrics' `/api/v1/export` (JSON lines), as the gateway stores them:
 * metric `reading_value`, and `reading_quality = 1` for uncertain readings, tagged with the full
 * point id in `point`. Raw samples, not `query_range`: resets, rollovers and gaps must be seen as
 * stored, not through a look-back that repeats the last value into a gap. Long ranges and many
 * points are split into requests of bounded size, so no answer grows with a year of data.
 */
export class VictoriaReadingSource implements ReadingSource {
  readonly #options: VictoriaReadingSourceOptions;

  constructor(options: VictoriaReadingSourceOptions) {
    this.#options = options;
  }

  /** The selector of a group of points, e.g. `{__name__=~"reading_(value|quality)",point=~"A\\.energy|B\\.energy"}`. */
  selector(pointIds: readonly string[]): string {
    const alternatives = pointIds.map(escapeRegex).join('|');
    const matchers = [`__name__=~"reading_(value|quality)"`, `point=~${quote(alternatives)}`];
    for (const [name, value] of Object.entries(this.#options.extraLabels ?? {}))
      matchers.push(`${name}=${quote(value)}`);
    return `{${matchers.join(',')}}`;
  }

  async samples(
    pointIds: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<Map<string, RegisterSample[]>> {
    if (!(toMs >= fromMs)) throw new EnergyError('invalid_input', 'the range must not end before it starts');
    const unique = [...new Set(pointIds)];
    const perRequest = this.#options.pointsPerRequest ?? 20;
    const chunkMs = this.#options.chunkMs ?? 7 * DAY_MS;
    const tasks: { points: string[]; from: number; to: number }[] = [];
    for (let i = 0; i < unique.length; i += perRequest) {
      const points = unique.slice(i, i + perRequest);
      for (let from = fromMs; from <= toMs; from += chunkMs) {
        tasks.push({ points, from, to: Math.min(toMs, from + chunkMs - 1) });
      }
    }
    const answers: Map<string, RegisterSample[]>[] = new Array(tasks.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < tasks.length) {
        const index = next++;
        const task = tasks[index] as (typeof tasks)[number];
        answers[index] = await this.#export(task.points, task.from, task.to);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#options.concurrency ?? 4, tasks.length) }, worker));
    const result = new Map<string, RegisterSample[]>(unique.map((id) => [id, []]));
    // Tasks are in time order per point group, so appending keeps every list oldest first.
    for (const answer of answers) {
      for (const [pointId, samples] of answer) result.get(pointId)?.push(...samples);
    }
    return result;
  }

  async #export(
    pointIds: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<Map<string, RegisterSample[]>> {
    const url = `${this.#options.url.replace(/\/+$/, '')}/api/v1/export`;
    const body = new URLSearchParams({
      'match[]': this.selector(pointIds),
      start: (fromMs / 1000).toFixed(3),
      end: (toMs / 1000).toFixed(3),
    });
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new EnergyError('tsdb_unreachable', `TSDB export failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new EnergyError(
        'tsdb_http_error',
        `TSDB export answered HTTP ${response.status}: ${text.slice(0, 200)}`,
        {
          statusCode: response.status,
        },
      );
    }
    return parseExportByPoint(text);
  }
}

/**
 * JSON lines of `/api/v1/export` → samples per `point` tag, merged across series of one point
 * (the registry may have moved it to other tags), oldest first, one per timestamp.
 */
export function parseExportByPoint(text: string): Map<string, RegisterSample[]> {
  const values = new Map<string, Map<number, number>>();
  const uncertain = new Map<string, Set<number>>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    if (!Value.Check(ExportedSeries, parsed) || parsed.values.length !== parsed.timestamps.length) {
      throw new EnergyError(
        'tsdb_bad_response',
        `TSDB export has a line that is not a series: ${line.slice(0, 200)}`,
      );
    }
    const series: ExportedSeries = parsed;
    const pointId = series.metric.point;
    if (pointId === undefined) continue;
    if (series.metric.__name__ === 'reading_quality') {
      const set = uncertain.get(pointId) ?? new Set<number>();
      series.timestamps.forEach((ts, i) => {
        if (series.values[i] === 1) set.add(ts);
      });
      uncertain.set(pointId, set);
      continue;
    }
    const map = values.get(pointId) ?? new Map<number, number>();
    series.timestamps.forEach((ts, i) => {
      const value = series.values[i];
      if (typeof value === 'number' && Number.isFinite(value) && !map.has(ts)) map.set(ts, value);
    });
    values.set(pointId, map);
  }
  const result = new Map<string, RegisterSample[]>();
  for (const [pointId, map] of values) {
    const flagged = uncertain.get(pointId);
    result.set(
      pointId,
      [...map.entries()]
        .sort(([a], [b]) => a - b)
        .map(([ts, value]) => (flagged?.has(ts) ? { ts, value, uncertain: true } : { ts, value })),
    );
  }
  return result;
}

/** A regular expression matching exactly this text (RE2 syntax, as VictoriaMetrics uses). */
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A MetricsQL string literal: double quotes, with backslashes, quotes and newlines escaped. */
function quote(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}
