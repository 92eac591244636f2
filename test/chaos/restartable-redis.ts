import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { freePort } from '../../services/runtime/free-port.ts';
import { waitForRedis } from '../helpers/private-redis.ts';

/**
 * The chaos stack's redis-server: configured as docker-compose.yml deploys it (AOF on,
 * noeviction), on a free loopback port and a data folder of its own, so it can be stopped
 * (SIGTERM: an orderly shutdown that writes the AOF) and started again on the same port and data,
 * which is what "Redis stopped for a minute" means in production. test/helpers/private-redis.ts
 * is the throw-away kind (no persistence, no restart).
 */
export class RestartableRedis {
  readonly #dir: string;
  #port = 0;
  #child: ChildProcess | undefined;
  readonly #killOnExit = (): void => {
    this.#child?.kill('SIGKILL');
  };

  constructor(dir: string) {
    this.#dir = dir;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    if (this.#child) throw new Error('redis-server is already running');
    if (this.#port === 0) this.#port = await freePort();
    mkdirSync(this.#dir, { recursive: true });
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.#port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.#dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    this.#child = child;
    process.once('exit', this.#killOnExit);
    await waitForRedis(this.url, () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    });
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    process.removeListener('exit', this.#killOnExit);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}
