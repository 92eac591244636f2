import { type RunningSteward, startSteward } from '../../helpers/steward-process.ts';

/**
 * A `steward <role>` process as an operator runs it (services/runtime/bin/steward.mjs, the real
 * composition root), started through the integration tests' helper on a free HTTP port. The
 * bench reads it only through its HTTP endpoints and the shared servers, never in-process.
 */
export class StewardRole {
  readonly role: string;
  readonly #running: RunningSteward;
  #exitCode: Promise<number | null> | undefined;

  private constructor(role: string, running: RunningSteward) {
    this.role = role;
    this.#running = running;
  }

  /** `env` adds to (and overrides) the bench's environment; LOG_LEVEL info is what the helper waits on. */
  static async start(role: 'gateway' | 'workers', env: Record<string, string>): Promise<StewardRole> {
    return new StewardRole(role, await startSteward(role, { LOG_LEVEL: 'info', ...env }, 60_000));
  }

  get pid(): number | undefined {
    return this.#running.child.pid;
  }

  /** The role's HTTP server (health, metrics, and for the gateway /gateway/status). */
  get url(): string {
    return this.#running.url;
  }

  /** The process's log lines so far (JSON, pino). */
  output(): string {
    return this.#running.output();
  }

  get exited(): boolean {
    return this.#running.child.exitCode !== null || this.#running.child.signalCode !== null;
  }

  /** Graceful stop (SIGTERM: the role shuts its components down in reverse); resolves with the exit code. */
  stop(): Promise<number | null> {
    if (this.exited) return Promise.resolve(this.#running.child.exitCode);
    this.#exitCode ??= this.#running.stop('SIGTERM');
    return this.#exitCode;
  }

  /** Last resort from a synchronous exit hook. */
  killNow(): void {
    if (!this.exited) this.#running.child.kill('SIGKILL');
  }

  async json<T>(pathname: string): Promise<T> {
    const response = await fetch(`${this.url}${pathname}`);
    if (!response.ok) throw new Error(`${this.role} ${pathname} answered HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  /** Sum of the samples of one Prometheus counter by the value of one label ('' for an unlabelled one). */
  async counter(name: string, label: string): Promise<Record<string, number>> {
    const response = await fetch(`${this.url}/metrics`);
    if (!response.ok) throw new Error(`${this.role} /metrics answered HTTP ${response.status}`);
    const text = await response.text();
    const byLabel: Record<string, number> = {};
    const pattern = new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm');
    for (const match of text.matchAll(pattern)) {
      const labels = match[1] ?? '';
      const value = new RegExp(`${label}="([^"]*)"`).exec(labels)?.[1] ?? '';
      byLabel[value] = (byLabel[value] ?? 0) + Number(match[2]);
    }
    return byLabel;
  }
}

/** What `/gateway/status` says about the embedded broker and the spool forwarders. */
export interface GatewayStatus {
  readonly mqtt: { readonly port: number };
  readonly forwarders: Readonly<Record<string, { readonly written: number; readonly failures: number }>>;
}

/** Readings the gateway's rules forwarder has handed to the rule queues, and the tsdb forwarder has written. */
export async function forwarded(gateway: StewardRole): Promise<{ rules: number; tsdb: number }> {
  const status = await gateway.json<GatewayStatus>('/gateway/status');
  return {
    rules: status.forwarders['forwarder:rules']?.written ?? Number.NaN,
    tsdb: status.forwarders['forwarder:tsdb']?.written ?? Number.NaN,
  };
}
