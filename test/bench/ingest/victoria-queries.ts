/**
 * The VictoriaMetrics 1.79.5 endpoints the bench reads through: `/internal/force_flush` (makes
 * every accepted sample searchable by /api/v1/query now instead of within about a second) and
 * `/api/v1/query` with `nocache=1` (instant query, response cache bypassed). Counting with
 * `count_over_time` lets the server count de-duplicated samples, so the figures are what a user
 * querying the store would see.
 */

/** Back-window of the count query; the bench's readings are stamped within minutes of now. */
const COUNT_WINDOW = '2h';

export async function forceFlush(url: string): Promise<void> {
  const response = await fetch(`${url}/internal/force_flush`);
  if (!response.ok) throw new Error(`force_flush answered HTTP ${response.status}`);
  await response.arrayBuffer();
}

interface VectorResponse {
  readonly status: string;
  readonly data?: { readonly result: readonly { readonly value: readonly [number, string] }[] };
  readonly error?: string;
}

/** Samples stored (after de-duplication) in the series matching `selector`. */
export async function countSamples(url: string, selector: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    body: new URLSearchParams({
      query: `sum(count_over_time(${selector}[${COUNT_WINDOW}]))`,
      time: String(Date.now() / 1_000),
      nocache: '1',
    }),
  });
  const body = (await response.json()) as VectorResponse;
  if (!response.ok || body.status !== 'success')
    throw new Error(`query answered HTTP ${response.status}: ${body.error ?? ''}`);
  const value = body.data?.result[0]?.value[1];
  return value === undefined ? 0 : Number(value);
}

export interface SeriesSamples {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly number[];
}

interface MatrixResponse {
  readonly status: string;
  readonly data?: {
    readonly result: readonly {
      readonly metric: Readonly<Record<string, string>>;
      readonly values: readonly (readonly [number, string])[];
    }[];
  };
  readonly error?: string;
}

/**
 * Every raw sample of the series matching `selector` in the last `window`: an instant query of
 * a range vector, which returns the raw samples. (Not /api/v1/export: on 1.79.5 export shows a
 * sample only up to a second after /api/v1/query does, force_flush or not.)
 */
export async function rangeSamples(url: string, selector: string, window = '30m'): Promise<SeriesSamples[]> {
  const response = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    body: new URLSearchParams({
      query: `${selector}[${window}]`,
      time: String(Date.now() / 1_000),
      nocache: '1',
    }),
  });
  const body = (await response.json()) as MatrixResponse;
  if (!response.ok || body.status !== 'success')
    throw new Error(`query answered HTTP ${response.status}: ${body.error ?? ''}`);
  return (body.data?.result ?? []).map((series) => ({
    metric: series.metric,
    values: series.values.map(([, value]) => Number(value)),
  }));
}

/** One line of InfluxDB line protocol straight to the store (the store-alone latency peer). */
export async function writeLine(url: string, line: string): Promise<void> {
  const response = await fetch(`${url}/api/v2/write?org=steward&bucket=steward&precision=ms`, {
    method: 'POST',
    body: line,
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`write answered HTTP ${response.status}`);
}
