import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../../gateway/store/private-victoria.ts';

/**
 * The bench's own VictoriaMetrics, on a free loopback port and a fresh data directory.
 *
 * It differs from gateway/store/private-victoria.ts in two query flags, which is why it is not
 * that class: `-search.latencyOffset=0s` (the default 30 s hides fresh samples from
 * /api/v1/query, and the bench measures how soon a reading becomes queryable) and
 * `-search.disableCache` (the response cache would serve stale counts for the
 * minutes-old timestamps the load uses). Storage flags are those of the local stack:
 * `-dedup.minScrapeInterval=1ms`, so a replayed reading is stored once.
 */
export class BenchVictoria {
  readonly #dataDir: string;
  #port = 0;
  #child: ChildProcess | undefined;
  #output = '';
  readonly #killOnExit = (): void => {
    this.#child?.kill('SIGKILL');
  };

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(timeoutMs = 30_000): Promise<void> {
    this.#port = await freePort();
    const child = spawn(
      '/usr/bin/victoria-metrics',
      [
        `-httpListenAddr=127.0.0.1:${this.#port}`,
        `-storageDataPath=${this.#dataDir}`,
        '-retentionPeriod=5y',
        '-dedup.minScrapeInterval=1ms',
        '-search.latencyOffset=0s',
        '-search.disableCache',
        '-loggerLevel=WARN',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    process.once('exit', this.#killOnExit);
    const collect = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString()).slice(-16_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`VictoriaMetrics exited during start:\n${this.#output}`);
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    await this.stop();
    throw new Error(`VictoriaMetrics did not answer /health within ${timeoutMs} ms:\n${this.#output}`);
  }

  async stop(timeoutMs = 20_000): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    process.removeListener('exit', this.#killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
