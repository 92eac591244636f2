import {
  exportLines,
  parseExportByPoint,
  quoteLabelValue,
  READING_METRICS,
  type StoredSample,
  TsdbExportError,
} from '../../runtime/connections/victoria-export.ts';
import { ScheduledRuleError } from './errors.ts';

/** One stored reading of a point: ms timestamp, value in the canonical unit. */
export type Sample = StoredSample;

/** Where the scheduled checks read stored readings from. */
export interface SampleSource {
  /**
   * The raw samples of one point (full id `<equipmentId>.<key>`) with timestamps in
   * [fromMs, toMs], both inclusive, oldest first, one per timestamp. Throws a
   * `ScheduledRuleError` when the store cannot answer; never returns a partial answer.
   */
  samples(pointId: string, fromMs: number, toMs: number): Promise<readonly Sample[]>;
}

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
    return `{${READING_METRICS},${matchers.join(',')}}`;
  }

  async samples(pointId: string, fromMs: number, toMs: number): Promise<readonly Sample[]> {
    const { url, timeoutMs } = this.#options;
    const text = await exportLines({
      url,
      selector: this.selector(pointId),
      fromMs,
      toMs,
      what: pointId,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    }).catch(asRuleError);
    return parseExport(text, pointId);
  }
}

/**
 * JSON lines of `/api/v1/export` → the point's samples, merged across its series, oldest first
 * (the selector names one point; its lines may carry other tags the registry gave it since).
 */
export function parseExport(text: string, pointId?: string): Sample[] {
  let byPoint: Map<string, Sample[]>;
  try {
    byPoint = parseExportByPoint(text, pointId);
  } catch (error) {
    return asRuleError(error);
  }
  if (pointId !== undefined) return byPoint.get(pointId) ?? [];
  const [only] = byPoint.values();
  return only ?? [];
}

/** The export's error as the scheduled rules' own, with the same code. */
function asRuleError(error: unknown): never {
  if (error instanceof TsdbExportError)
    throw new ScheduledRuleError(error.code, error.message, error.statusCode, { cause: error });
  throw error;
}
