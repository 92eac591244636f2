import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { LoadCommand, LoadReply, PublishJob, PublishResult, SubscriberTally } from './load-protocol.ts';

const GENERATOR = fileURLToPath(new URL('./load-generator.ts', import.meta.url));

interface Pending {
  readonly expected: LoadReply['type'];
  resolve(reply: LoadReply): void;
  reject(error: Error): void;
}

/**
 * A load-generator child process (load-generator.ts) and its request/reply channel. One
 * request at a time; the child leaves when the channel closes, so it never outlives the bench.
 */
export class LoadProcess {
  readonly #child: ChildProcess;
  readonly #pending: Pending[] = [];
  #exited = false;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: LoadReply) => {
      const pending = this.#pending.shift();
      if (!pending) return;
      if (message.type === 'error') pending.reject(new Error(`load generator: ${message.message}`));
      else if (message.type !== pending.expected)
        pending.reject(new Error(`load generator answered ${message.type}, expected ${pending.expected}`));
      else pending.resolve(message);
    });
    child.once('exit', (code, signal) => {
      this.#exited = true;
      for (const pending of this.#pending.splice(0))
        pending.reject(new Error(`load generator exited (${code ?? signal}) before answering`));
    });
  }

  /** `execArgv` lets a profiling run pass e.g. `--cpu-prof` to the child. */
  static start(execArgv: readonly string[] = []): LoadProcess {
    const child = fork(GENERATOR, [], {
      execArgv: [...execArgv],
      serialization: 'advanced',
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    return new LoadProcess(child);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  async prepare(job: PublishJob): Promise<void> {
    await this.#request({ type: 'prepare', job }, 'prepared');
  }

  async run(): Promise<PublishResult> {
    const reply = await this.#request({ type: 'start' }, 'result');
    if (reply.type !== 'result') throw new Error('unreachable');
    return reply.result;
  }

  async subscribe(brokerUrl: string, topic: string, clientId: string): Promise<void> {
    await this.#request({ type: 'subscribe', brokerUrl, topic, clientId }, 'subscribed');
  }

  async expect(count: number, idleTimeoutMs: number): Promise<SubscriberTally> {
    const reply = await this.#request({ type: 'expect', count, idleTimeoutMs }, 'tally');
    if (reply.type !== 'tally') throw new Error('unreachable');
    return reply.tally;
  }

  /** Starts the store proxy (store-proxy.ts) in the child; returns the URL to give the gateway as TSDB_URL. */
  async proxy(target: string, probePointId: string): Promise<string> {
    const reply = await this.#request({ type: 'proxy', target, probePointId }, 'proxy');
    if (reply.type !== 'proxy') throw new Error('unreachable');
    return reply.url;
  }

  async reset(): Promise<void> {
    await this.#request({ type: 'reset' }, 'reset');
  }

  async close(timeoutMs = 10_000): Promise<void> {
    if (this.#exited) return;
    const exited = once(this.#child, 'exit');
    if (this.#child.connected) this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #request(command: LoadCommand, expected: LoadReply['type']): Promise<LoadReply> {
    if (this.#exited) return Promise.reject(new Error('load generator has exited'));
    return new Promise((resolve, reject) => {
      this.#pending.push({ expected, resolve, reject });
      this.#child.send(command);
    });
  }
}
