import type { Redis } from 'ioredis';
import Type from 'typebox';
import { Value } from 'typebox/value';
import { type HandoffWatermark, handoffKey } from '../../gateway/handoff/shards.ts';
import { deadLetterKey, readDeadLetters } from '../../gateway/ingest/dead-letters.ts';
import { type IngestHealthRecord, ingestHealthKey } from '../../gateway/ingest/health.ts';
import { ApiError } from './errors.ts';

/**
 * What the dashboards read back from the time-series store for trend charts: a point's values
 * over a range, through VictoriaMetrics' Prometheus query API. (Consumption comes from the
 * energy service, which reads raw samples and reports gaps and resets.)
 */
export interface TelemetryReader {
  /** At most about 1,000 values, `stepS` apart, oldest first. */
  series(pointId: string, fromMs: number, toMs: number, stepS: number): Promise<[number, number][]>;
}

const QueryReply = Type.Object({
  status: Type.Literal('success'),
  data: Type.Object({
    resultType: Type.String(),
    result: Type.Array(
      Type.Object({
        metric: Type.Record(Type.String(), Type.String()),
        values: Type.Optional(Type.Array(Type.Tuple([Type.Number(), Type.String()]))),
        value: Type.Optional(Type.Tuple([Type.Number(), Type.String()])),
      }),
    ),
  }),
});

const tsdbUnavailable = (detail: string): ApiError =>
  new ApiError(503, 'tsdb_unavailable', `the time-series store did not answer: ${detail}`);

/** A label value inside double quotes in a series selector. */
const quoted = (value: string): string => JSON.stringify(value);

export interface VictoriaTelemetryOptions {
  /** Per request; default 10,000. */
  readonly timeoutMs?: number;
  /** More label matchers every query must satisfy; tests use a label of their own. */
  readonly extraLabels?: Readonly<Record<string, string>>;
}

export class VictoriaTelemetry implements TelemetryReader {
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #extra: string;

  constructor(url: string, options: VictoriaTelemetryOptions = {}) {
    this.#url = url.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#extra = Object.entries(options.extraLabels ?? {})
      .map(([name, value]) => `,${name}=${quoted(value)}`)
      .join('');
  }

  async series(pointId: string, fromMs: number, toMs: number, stepS: number): Promise<[number, number][]> {
    // last_over_time over the step: the last stored value in each step, not an interpolation,
    // and no value at all where the point had none (gaps stay visible in the chart).
    const query = `last_over_time(reading_value{point=${quoted(pointId)}${this.#extra}}[${stepS}s])`;
    const reply = await this.#query('query_range', {
      query,
      start: (fromMs / 1000).toFixed(3),
      end: (toMs / 1000).toFixed(3),
      step: `${stepS}s`,
    });
    const values: [number, number][] = [];
    for (const series of reply.data.result) {
      for (const [seconds, text] of series.values ?? []) {
        const value = Number(text);
        if (Number.isFinite(value)) values.push([Math.round(seconds * 1000), value]);
      }
    }
    // Series of the same point under other tags (a registry change) are merged, oldest first.
    return values.sort((a, b) => a[0] - b[0]);
  }

  async #query(path: 'query' | 'query_range', params: Record<string, string>) {
    let response: Response;
    try {
      response = await fetch(`${this.#url}/api/v1/${path}`, {
        method: 'POST',
        body: new URLSearchParams(params),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw tsdbUnavailable(error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw tsdbUnavailable(`HTTP ${response.status}`);
    const body: unknown = await response.json().catch(() => undefined);
    if (!Value.Check(QueryReply, body)) throw tsdbUnavailable('an answer of an unexpected shape');
    return body;
  }
}

/** What the gateways left in Redis about a site's ingest: figures, hand-off watermark, dead letters. */
export async function readIngestHealth(
  redis: Redis,
  prefix: string,
  site: string,
  nowMs: number,
  deadLetterLimit = 20,
): Promise<{
  gateway: IngestHealthRecord | null;
  handoffLagMs: number | null;
  deadLetters: Awaited<ReturnType<typeof readDeadLetters>>;
}> {
  const [health, watermark] = await redis.mget(ingestHealthKey(prefix, site), handoffKey(prefix, site));
  const deadLetters = await readDeadLetters(redis, deadLetterKey(prefix, site), deadLetterLimit);
  const parsedWatermark = parseJson<HandoffWatermark>(watermark);
  return {
    gateway: parseJson<IngestHealthRecord>(health),
    handoffLagMs: parsedWatermark ? Math.max(0, nowMs - parsedWatermark.w) : null,
    deadLetters,
  };
}

function parseJson<T>(text: string | null | undefined): T | null {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
