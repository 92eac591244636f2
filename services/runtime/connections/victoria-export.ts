import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';

/**
 * Raw samples of stored readings through VictoriaMetrics' `/api/v1/export` (JSON lines), for every
 * reader of the store (the scheduled rules, the energy service): metric `reading_value`, and
 * `reading_quality = 1` for readings the gateway stored as uncertain, tagged with the full point id
 * in `point`. Raw samples, not `query_range`: resets, rollovers and gaps must be seen as stored,
 * not through a look-back that repeats the last value into a gap. Errors are `TsdbExportError`s
 * with a code; each reader turns them into its own error type.
 */

/** One stored reading of a point: ms timestamp, value in the canonical unit. */
export interface StoredSample {
  readonly ts: number;
  readonly value: number;
  /** The gateway stored the reading as `uncertain` (`reading_quality = 1`). */
  readonly uncertain?: true;
}

export type TsdbExportErrorCode = 'tsdb_unreachable' | 'tsdb_http_error' | 'tsdb_bad_response';

export class TsdbExportError extends Error {
  readonly code: TsdbExportErrorCode;
  readonly statusCode: number | undefined;

  constructor(
    code: TsdbExportErrorCode,
    message: string,
    options: { statusCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TsdbExportError';
    this.code = code;
    this.statusCode = options.statusCode;
  }
}

/** The selector's metric names: values and their quality flags. */
export const READING_METRICS = '__name__=~"reading_(value|quality)"';

/** One line of `/api/v1/export`: a series and its raw samples (null where a value is not a number). */
const ExportedSeries = Type.Object({
  metric: Type.Record(Type.String(), Type.String()),
  values: Type.Array(Type.Union([Type.Number(), Type.Null()])),
  timestamps: Type.Array(Type.Integer()),
});
type ExportedSeries = Static<typeof ExportedSeries>;

export interface ExportRequest {
  /** Base URL of VictoriaMetrics (`TSDB_URL`); a path (a store behind a proxy) is kept. */
  readonly url: string;
  readonly selector: string;
  /** Both ends inclusive. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Default 30,000 ms. */
  readonly timeoutMs?: number;
  /** Names what was asked for in error messages, e.g. a point id. */
  readonly what?: string;
}

/** The export's JSON lines for a selector and a range. */
export async function exportLines(request: ExportRequest): Promise<string> {
  const url = `${request.url.replace(/\/+$/, '')}/api/v1/export`;
  const what = request.what ? ` for ${request.what}` : '';
  const body = new URLSearchParams({
    'match[]': request.selector,
    // Seconds with a millisecond fraction.
    start: (request.fromMs / 1000).toFixed(3),
    end: (request.toMs / 1000).toFixed(3),
  });
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
    });
  } catch (error) {
    throw new TsdbExportError('tsdb_unreachable', `TSDB export${what} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const text = await response.text().catch(() => '');
  if (!response.ok)
    throw new TsdbExportError(
      'tsdb_http_error',
      `TSDB export${what} answered HTTP ${response.status}: ${text.slice(0, 200)}`,
      { statusCode: response.status },
    );
  return text;
}

/**
 * JSON lines of `/api/v1/export` → samples per `point` tag, merged across series of one point
 * (the registry may have moved it to other tags), oldest first, one per timestamp; a value at a
 * timestamp the quality series flags is `uncertain`. Series without a `point` tag are skipped.
 */
export function parseExportByPoint(text: string, what?: string): Map<string, StoredSample[]> {
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
    if (!Value.Check(ExportedSeries, parsed) || parsed.values.length !== parsed.timestamps.length)
      throw new TsdbExportError(
        'tsdb_bad_response',
        `TSDB export${what ? ` for ${what}` : ''} has a line that is not a series: ${line.slice(0, 200)}`,
      );
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
  const result = new Map<string, StoredSample[]>();
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

/** A MetricsQL string literal: double quotes, with backslashes, quotes and newlines escaped. */
export function quoteLabelValue(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}

/** A regular expression matching exactly this text (RE2 syntax, as VictoriaMetrics uses). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
