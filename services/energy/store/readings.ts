import {
  escapeRegex,
  exportLines,
  parseExportByPoint,
  quoteLabelValue,
  READING_METRICS,
  TsdbExportError,
} from '../../runtime/connections/victoria-export.ts';
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
    const matchers = [READING_METRICS, `point=~${quoteLabelValue(alternatives)}`];
    for (const [name, value] of Object.entries(this.#options.extraLabels ?? {}))
      matchers.push(`${name}=${quoteLabelValue(value)}`);
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
    const { url, timeoutMs } = this.#options;
    try {
      const text = await exportLines({
        url,
        selector: this.selector(pointIds),
        fromMs,
        toMs,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
      return parseExportByPoint(text);
    } catch (error) {
      if (!(error instanceof TsdbExportError)) throw error;
      throw new EnergyError(error.code, error.message, {
        ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
        cause: error,
      });
    }
  }
}
