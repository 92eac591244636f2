import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { ScheduledRuleError } from './errors.ts';

/** One stored reading of a point: ms timestamp, value in the canonical unit. */
export interface Sample {
  readonly ts: number;
  readonly value: number;
  /** The gateway stored the reading as `uncertain` (`reading_quality = 1`). */
  readonly uncertain?: true;
}

/** Where the scheduled checks read stored readings from. */
export interface SampleSource {
  /**
   * The raw samples of one point (full id `<equipmentId>.<key>`) with timestamps in
   * [fromMs, toMs], both inclusive, oldest first, one per timestamp. Throws a
   * `ScheduledRuleError` when the store cannot answer; never returns a partial answer.
   */
  samples(pointId: string, fromMs: number, toMs: number): Promise<readonly Sample[]>;
}

/** One line of `/api/v1/export`: a series and its raw samples. */
const ExportedSeries = Type.Object({
  metric: Type.Record(Type.String(), Type.String()),
  values: Type.Array(Type.Number()),
  timestamps: Type.Array(Type.Integer()),
});
type ExportedSeries = Static<typeof ExportedSeries>;

export interface VictoriaSampleSourceOptions {
  /** Base URL of VictoriaMetrics (`TSDB_URL`). */
  readonly url: string;
  /**
   * More label matchers every query must satisfy, e.g. `{ site: 'admin-centre' }`. Tests use a
   * label of their own so their series never mix with other runs'.
   */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** Per request; default 30,000. */
  readonly timeoutMs?: number;
}

const METRICS = 'reading_(value|quality)';

/**
 * Reads raw samples through VictoriaMetrics' `/api/v1/export` (JSON lines): `reading_value` and
 * `reading_quality` of the series whose `point` tag is the full point id, as the gateway's
 * `PointIndex` tags them. Raw samples, not `query_range`, because gaps and counter resets must be
 * seen as stored, not through a lookback window that fills gaps with the previous value.
 * Series of the same point with other tags (the registry changed a building or class) are merged.
 */
export class VictoriaSampleSource implements SampleSource {
  readonly #options: VictoriaSampleSourceOptions;

  constructor(options: VictoriaSampleSourceOptions) {
    this.#options = options;
  }

  /** The series selector of a point, e.g. `{__name__=~"reading_(value|quality)",point="X.energy"}`. */
  selector(pointId: string): string {
    const labels = { point: pointId, ...this.#options.extraLabels };
    const matchers = Object.entries(labels).map(([name, value]) => `${name}=${quoteLabelValue(value)}`);
    return `{__name__=~"${METRICS}",${matchers.join(',')}}`;
  }

  async samples(pointId: string, fromMs: number, toMs: number): Promise<readonly Sample[]> {
    // Appended, not resolved, so a URL with a path (a VictoriaMetrics behind a proxy) keeps it.
    const url = `${this.#options.url.replace(/\/+$/, '')}/api/v1/export`;
    const body = new URLSearchParams({
      'match[]': this.selector(pointId),
      // Seconds with a millisecond fraction; both ends are inclusive.
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
      throw new ScheduledRuleError(
        'tsdb_unreachable',
        `TSDB export for ${pointId} failed: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new ScheduledRuleError(
        'tsdb_http_error',
        `TSDB export for ${pointId} answered HTTP ${response.status}: ${text.slice(0, 200)}`,
        response.status,
      );
    }
    return parseExport(text, pointId);
  }
}

/** JSON lines of `/api/v1/export` → the point's samples, merged across series, oldest first. */
export function parseExport(text: string, pointId = 'the point'): Sample[] {
  const values = new Map<number, number>();
  const uncertain = new Set<number>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    if (!Value.Check(ExportedSeries, parsed) || parsed.values.length !== parsed.timestamps.length) {
      throw new ScheduledRuleError(
        'tsdb_bad_response',
        `TSDB export for ${pointId} has a line that is not a series: ${line.slice(0, 200)}`,
      );
    }
    const series: ExportedSeries = parsed;
    const isQuality = series.metric.__name__ === 'reading_quality';
    series.timestamps.forEach((ts, i) => {
      const value = series.values[i] ?? Number.NaN;
      if (isQuality) {
        if (value === 1) uncertain.add(ts);
      } else if (Number.isFinite(value) && !values.has(ts)) {
        values.set(ts, value);
      }
    });
  }
  return [...values.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ts, value]) => (uncertain.has(ts) ? { ts, value, uncertain: true } : { ts, value }));
}

/** A MetricsQL string literal: double quotes, with backslashes, quotes and newlines escaped. */
function quoteLabelValue(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}
