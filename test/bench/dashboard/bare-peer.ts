import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./bare-peer-child.ts', import.meta.url));

type Reply =
  | { readonly type: 'started'; readonly url: string }
  | { readonly type: 'lag'; readonly p99Ms: number; readonly maxMs: number }
  | { readonly type: 'error'; readonly message: string };

/** The bare socket.io peer (bare-peer-child.ts) in its own process. */
export class BarePeer {
  readonly #child: ChildProcess;
  readonly url: string;

  private constructor(child: ChildProcess, url: string) {
    this.#child = child;
    this.url = url;
  }

  static async start(options: {
    redisUrl: string;
    prefix: string;
    site: string;
    flushMs: number;
  }): Promise<BarePeer> {
    const child = fork(CHILD, [], { stdio: ['ignore', 2, 2, 'ipc'] });
    const reply = await BarePeer.#next(child, () => child.send({ type: 'start', ...options }));
    if (reply.type !== 'started') {
      child.kill('SIGKILL');
      throw new Error(`bare socket.io peer: ${reply.type === 'error' ? reply.message : reply.type}`);
    }
    return new BarePeer(child, reply.url);
  }

  static #next(child: ChildProcess, send: () => void): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`bare socket.io peer exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (reply: Reply) => {
        child.off('exit', onExit);
        resolve(reply);
      });
      send();
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Event-loop delay p99 and max since the previous call (the first call starts the window). */
  async lag(): Promise<{ p99Ms: number; maxMs: number }> {
    const reply = await BarePeer.#next(this.#child, () => this.#child.send({ type: 'lag' }));
    if (reply.type !== 'lag') throw new Error(`bare socket.io peer answered ${reply.type}`);
    return reply;
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, 'exit');
    this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  killNow(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
  }
}
