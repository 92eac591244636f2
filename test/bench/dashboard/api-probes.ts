import http from 'node:http';

/** Event-loop delay over a window, ms (as monitorEventLoopDelay at 10 ms resolution reports it: idle ≈ 10). */
export interface Lag {
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * The API process's event-loop delay since the previous scrape: its /metrics has prom-client's
 * default metrics, whose `nodejs_eventloop_lag_p99_seconds` comes from a monitorEventLoopDelay
 * histogram (10 ms resolution) that is reset at every scrape. Nobody else scrapes the bench's
 * process, so scraping at the start of a window and at its end gives the window's figures.
 */
export async function scrapeLag(baseUrl: string): Promise<Lag & { cpuSeconds: number; liveClients: number }> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) throw new Error(`/metrics answered HTTP ${response.status}`);
  const text = await response.text();
  const gauge = (name: string): number => {
    let sum = Number.NaN;
    for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm')))
      sum = (Number.isNaN(sum) ? 0 : sum) + Number(match[1]);
    return sum;
  };
  return {
    p99Ms: gauge('nodejs_eventloop_lag_p99_seconds') * 1_000,
    maxMs: gauge('nodejs_eventloop_lag_max_seconds') * 1_000,
    cpuSeconds: gauge('process_cpu_seconds_total'),
    liveClients: gauge('steward_live_clients'),
  };
}

/** POST /api/auth/login as a dashboard does; the bearer token. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`login answered HTTP ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export interface ListLoad {
  readonly requests: number;
  /** Sorted ascending. */
  readonly latenciesMs: readonly number[];
  /** Answers other than 200, by status (or `error`). */
  readonly failures: Readonly<Record<string, number>>;
  /** Orders in the first answer. */
  readonly orders: number;
  readonly bytes: number;
  readonly seconds: number;
}

/**
 * GET `path` with `concurrency` requests in flight (keep-alive connections, one per lane) for
 * `seconds`; each lane sends its next request when the previous answer is read in full.
 */
export async function driveGets(
  baseUrl: string,
  path: string,
  token: string,
  concurrency: number,
  seconds: number,
): Promise<ListLoad> {
  const url = new URL(path, baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latenciesMs: number[] = [];
  const failures: Record<string, number> = {};
  let orders = -1;
  let bytes = 0;
  const get = (): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const request = http.get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      });
      request.on('error', reject);
    });
  const started = performance.now();
  const until = started + seconds * 1_000;
  const lane = async (): Promise<void> => {
    while (performance.now() < until) {
      const sent = performance.now();
      try {
        const { status, body } = await get();
        latenciesMs.push(performance.now() - sent);
        if (status !== 200) failures[String(status)] = (failures[String(status)] ?? 0) + 1;
        else if (orders < 0) {
          orders = (JSON.parse(body) as { orders: unknown[] }).orders.length;
          bytes = Buffer.byteLength(body);
        }
      } catch {
        failures.error = (failures.error ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  agent.destroy();
  return {
    requests: latenciesMs.length,
    latenciesMs: latenciesMs.sort((a, b) => a - b),
    failures,
    orders,
    bytes,
    seconds: (performance.now() - started) / 1_000,
  };
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
