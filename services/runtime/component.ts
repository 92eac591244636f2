/**
 * A part of a process with a lifecycle. Constructors do nothing but store their arguments;
 * all I/O happens in start(), and stop() undoes it (stop intake, drain, close).
 */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type DependencyStatus = 'up' | 'down';

export interface DependencyHealth {
  readonly status: DependencyStatus;
  readonly latencyMs?: number;
  readonly error?: string;
}

/** A server the process depends on, which /health reports on. */
export interface HealthCheck {
  readonly dependency: string;
  check(): Promise<DependencyHealth>;
}

/** Runs `probe` and turns its outcome into a health entry with its latency; never throws. */
export async function timedCheck(
  probe: () => Promise<unknown>,
  timeoutMs = 2_000,
): Promise<DependencyHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
