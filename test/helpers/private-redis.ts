import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../../services/runtime/free-port.ts';
import { waitFor } from './wait.ts';

/**
 * A redis-server of a test's own on a free loopback port, without persistence: for tests that
 * must FLUSHALL or stop Redis, which would break the other tests sharing the stack's server.
 */
export class PrivateRedis {
  readonly port: number;
  readonly #process: ChildProcess;

  private constructor(port: number, child: ChildProcess) {
    this.port = port;
    this.#process = child;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const redis = new PrivateRedis(port, child);
    await waitForRedis(redis.url, () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    });
    return redis;
  }

  async flushAll(): Promise<void> {
    const client = new Redis(this.url);
    await client.flushall();
    client.disconnect();
  }

  async stop(): Promise<void> {
    if (this.#process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#process.once('exit', resolve));
    this.#process.kill('SIGTERM');
    await exited;
  }
}

/**
 * Waits until the redis-server at `url` answers PING with PONG (a server loading its AOF answers
 * LOADING until it is done), for at most `timeoutMs`; `alive` throws to stop early (the server
 * process exited).
 */
export async function waitForRedis(
  url: string,
  alive: () => void = () => undefined,
  timeoutMs = 30_000,
): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await waitFor(
      async () => {
        alive();
        try {
          if (probe.status !== 'ready') await probe.connect();
          return (await probe.ping()) === 'PONG' ? true : undefined;
        } catch {
          if (probe.status === 'end') probe.disconnect();
          return undefined;
        }
      },
      `redis-server at ${url}`,
      timeoutMs,
    );
  } finally {
    probe.disconnect();
  }
}
