import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ConnectResult, FleetCommand, FleetReply, WindowTally } from './fleet-protocol.ts';

const CHILD = fileURLToPath(new URL('./fleet-child.ts', import.meta.url));

interface Pending {
  readonly expected: FleetReply['type'];
  resolve(reply: FleetReply): void;
  reject(error: Error): void;
}

/** One client-fleet child and its request/reply channel; it leaves when the channel closes. */
class FleetChild {
  readonly child: ChildProcess;
  readonly #pending: Pending[] = [];
  #exited = false;

  constructor() {
    this.child = fork(CHILD, [], { serialization: 'advanced', stdio: ['ignore', 2, 2, 'ipc'] });
    this.child.on('message', (message: FleetReply) => {
      const pending = this.#pending.shift();
      if (!pending) return;
      if (message.type === 'error') pending.reject(new Error(`client fleet: ${message.message}`));
      else if (message.type !== pending.expected)
        pending.reject(new Error(`client fleet answered ${message.type}, expected ${pending.expected}`));
      else pending.resolve(message);
    });
    this.child.once('exit', (code, signal) => {
      this.#exited = true;
      for (const pending of this.#pending.splice(0))
        pending.reject(new Error(`client fleet exited (${code ?? signal}) before answering`));
    });
  }

  get exited(): boolean {
    return this.#exited;
  }

  request<T extends FleetReply['type']>(
    command: FleetCommand,
    expected: T,
  ): Promise<Extract<FleetReply, { type: T }>> {
    if (this.#exited) return Promise.reject(new Error('client fleet has exited'));
    return new Promise((resolve, reject) => {
      this.#pending.push({
        expected,
        resolve: (reply) => resolve(reply as Extract<FleetReply, { type: T }>),
        reject,
      });
      this.child.send(command);
    });
  }

  async close(timeoutMs = 10_000): Promise<void> {
    if (this.#exited) return;
    const exited = once(this.child, 'exit');
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A window's figures over every child's clients. */
export interface FleetTally extends Omit<WindowTally, 'seconds'> {
  /** The shortest child window (they start and end within milliseconds of each other). */
  readonly seconds: number;
}

/**
 * The bench's dashboard clients: `children` fleet processes, clients spread over them evenly
 * (round robin, so the children hold equal shares). Requests go to every child at once.
 */
export class ClientFleet {
  readonly #children: FleetChild[];

  constructor(children: number) {
    this.#children = Array.from({ length: children }, () => new FleetChild());
  }

  get pids(): (number | undefined)[] {
    return this.#children.map((child) => child.child.pid);
  }

  /** Opens one client per token, spread over the children; handshakes `inFlight` at a time per child. */
  async connect(
    url: string,
    tokens: readonly string[],
    inFlight: number,
    timeoutMs: number,
  ): Promise<ConnectResult> {
    const shares: string[][] = this.#children.map(() => []);
    for (const [i, token] of tokens.entries()) shares[i % shares.length]?.push(token);
    const results = await Promise.all(
      this.#children.map((child, i) =>
        child.request({ type: 'connect', url, tokens: shares[i] ?? [], inFlight, timeoutMs }, 'connected'),
      ),
    );
    const failed: Record<string, number> = {};
    for (const { result } of results)
      for (const [reason, count] of Object.entries(result.failed))
        failed[reason] = (failed[reason] ?? 0) + count;
    const withClients = results.filter(({ result }) => result.ready > 0).map(({ result }) => result);
    return {
      ready: results.reduce((sum, { result }) => sum + result.ready, 0),
      failed,
      snapshotValues: {
        min: Math.min(...withClients.map((r) => r.snapshotValues.min), Number.POSITIVE_INFINITY),
        max: Math.max(...withClients.map((r) => r.snapshotValues.max), Number.NEGATIVE_INFINITY),
      },
      seconds: Math.max(...results.map(({ result }) => result.seconds)),
    };
  }

  async mark(): Promise<void> {
    await Promise.all(this.#children.map((child) => child.request({ type: 'mark' }, 'marked')));
  }

  async tally(trickleFrom: number, trickleTo: number): Promise<FleetTally> {
    const tallies = (
      await Promise.all(
        this.#children.map((child) => child.request({ type: 'tally', trickleFrom, trickleTo }, 'tally')),
      )
    ).map((reply) => reply.tally);
    const add = (records: readonly Readonly<Record<string, number>>[]): Record<string, number> => {
      const sum: Record<string, number> = {};
      for (const record of records)
        for (const [key, count] of Object.entries(record)) sum[key] = (sum[key] ?? 0) + count;
      return sum;
    };
    return {
      clients: tallies.reduce((sum, t) => sum + t.clients, 0),
      seconds: Math.min(...tallies.map((t) => t.seconds)),
      batches: tallies.flatMap((t) => t.batches).sort((a, b) => a - b),
      values: tallies.reduce((sum, t) => sum + t.values, 0),
      chars: tallies.reduce((sum, t) => sum + t.chars, 0),
      trickleIncomplete: tallies.reduce((sum, t) => sum + t.trickleIncomplete, 0),
      trickleExpected: tallies[0]?.trickleExpected ?? 0,
      deliveryMs: tallies.flatMap((t) => t.deliveryMs).sort((a, b) => a - b),
      dropped: add(tallies.map((t) => t.dropped)),
      unexpected: add(tallies.map((t) => t.unexpected)),
    };
  }

  /** Closes clients (the newest of each child) until `keep` remain in all. */
  async trim(keep: number): Promise<number> {
    const per = this.#children.map(
      (_, i) => Math.floor(keep / this.#children.length) + (i < keep % this.#children.length ? 1 : 0),
    );
    const replies = await Promise.all(
      this.#children.map((child, i) => child.request({ type: 'trim', keep: per[i] ?? 0 }, 'trimmed')),
    );
    return replies.reduce((sum, reply) => sum + reply.open, 0);
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      this.#children
        .filter((child) => !child.exited)
        .map((child) => child.request({ type: 'close-all' }, 'closed')),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.#children.map((child) => child.close()));
  }

  /** Last resort from a synchronous exit hook. */
  killNow(): void {
    for (const child of this.#children) if (!child.exited) child.child.kill('SIGKILL');
  }
}
