import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../services/runtime/free-port.ts';

/**
 * A VictoriaMetrics of our own for outage tests and benchmarks: started on a free loopback port
 * with the same storage flags as the local stack, stopped and restarted on the same data
 * directory. Never the shared stack server, which other tests use.
 */
export interface PrivateVictoriaOptions {
  readonly dataDir: string;
  /** Default /usr/bin/victoria-metrics (Debian bookworm ships 1.79.5). */
  readonly binary?: string;
  /** More command-line flags, e.g. the benchmark's query flags. */
  readonly extraFlags?: readonly string[];
}

export interface ExportedSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly number[];
  readonly timestamps: readonly number[];
}

export class PrivateVictoria {
  readonly #options: PrivateVictoriaOptions;
  #port = 0;
  #child: ChildProcess | undefined;
  #output = '';
  readonly #killOnExit = (): void => {
    this.#child?.kill('SIGKILL');
  };

  constructor(options: PrivateVictoriaOptions) {
    this.#options = options;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The last lines VictoriaMetrics logged, for failure messages. */
  output(): string {
    return this.#output.slice(-4_000);
  }

  async start(timeoutMs = 30_000): Promise<void> {
    if (this.#child) throw new Error('VictoriaMetrics is already running');
    // The port is kept across restarts so a writer configured with the URL reaches the new process.
    if (this.#port === 0) this.#port = await freePort();
    const child = spawn(
      this.#options.binary ?? '/usr/bin/victoria-metrics',
      [
        `-httpListenAddr=127.0.0.1:${this.#port}`,
        `-storageDataPath=${this.#options.dataDir}`,
        '-retentionPeriod=5y',
        '-dedup.minScrapeInterval=1ms',
        '-loggerLevel=WARN',
        ...(this.#options.extraFlags ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    process.once('exit', this.#killOnExit);
    const collect = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString()).slice(-64_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) {
        this.#child = undefined;
        throw new Error(`VictoriaMetrics exited during start:\n${this.output()}`);
      }
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    await this.stop();
    throw new Error(`VictoriaMetrics did not answer /health within ${timeoutMs} ms:\n${this.output()}`);
  }

  /** SIGTERM, as an orderly shutdown of the server would; VictoriaMetrics flushes what it accepted. */
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

  /** New samples become searchable only after an in-memory flush (about a second, or this call). */
  async forceFlush(): Promise<void> {
    const response = await fetch(`${this.url}/internal/force_flush`);
    if (!response.ok) throw new Error(`force_flush answered HTTP ${response.status}`);
  }

  /** Every sample of the series matching a selector, via /api/v1/export (JSON lines). */
  async exportSeries(selector: string): Promise<ExportedSeries[]> {
    const response = await fetch(`${this.url}/api/v1/export`, {
      method: 'POST',
      body: new URLSearchParams({ 'match[]': selector, start: '0' }),
    });
    if (!response.ok) throw new Error(`export answered HTTP ${response.status}: ${await response.text()}`);
    const text = await response.text();
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as ExportedSeries);
  }
}

export { freePort };
