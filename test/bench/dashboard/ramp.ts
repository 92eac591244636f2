import { setTimeout as sleep } from 'node:timers/promises';
import { machineBusySeconds, processCpuSeconds } from '../ingest/process-cpu.ts';
import { type Lag, percentile } from './api-probes.ts';
import type { ClientFleet } from './fleet-process.ts';
import type { LiveStream } from './live-stream.ts';

/** The pass mark of a step. */
export const CRITERIA = {
  /** Event-loop delay p99 of the server process over the hold (the 10 ms resolution included). */
  lagP99Ms: 100,
  /** Every client received at least this share of the batches the coalescing rate promises … */
  rateShare: 0.9,
  /** … less one, for where the window's edges fall between two ticks. */
  edgeBatches: 1,
} as const;

/** The server under test, as the ramp sees it. */
export interface RampTarget {
  readonly name: string;
  /** Where clients connect (socket.io on the default path). */
  readonly url: string;
  readonly pid: number | undefined;
  /** Event-loop delay since the previous call. */
  lag(): Promise<Lag>;
}

export interface RampTiming {
  readonly steps: readonly number[];
  /** After the step's clients are in, before the window. */
  readonly settleMs: number;
  readonly holdMs: number;
  /** Concurrent handshakes per fleet child. */
  readonly inFlight: number;
  /** `live:values` batches per second a client is promised (one site, 1000 / 500 ms). */
  readonly batchesPerS: number;
  /** Point updates per second the stream makes (each reaches every client, coalesced or not). */
  readonly valuesPerS: number;
}

export interface StepResult {
  readonly clients: number;
  readonly connected: number;
  readonly connectFailed: Readonly<Record<string, number>>;
  readonly connectSeconds: number;
  readonly snapshotValues: { readonly min: number; readonly max: number };
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  readonly seconds: number;
  readonly batchesExpected: number;
  readonly batchesMin: number;
  readonly batchesMedian: number;
  /** Batches received, all clients, over what the rate promises them: 1 = every tick reached everyone. */
  readonly rateShare: number;
  readonly clientsBelowRate: number;
  /** Point updates received per client per second (mean). */
  readonly valuesPerClientPerS: number;
  /** Mega-characters of batches per second to all clients. */
  readonly mcharsPerS: number;
  readonly trickleExpected: number;
  readonly trickleIncomplete: number;
  readonly deliveryP50Ms: number;
  readonly deliveryP99Ms: number;
  readonly dropped: Readonly<Record<string, number>>;
  readonly unexpected: Readonly<Record<string, number>>;
  /** % of one core over the window. */
  readonly cpuPct: {
    readonly server: number;
    readonly clients: number;
    readonly bench: number;
    readonly others: number;
  };
  readonly passed: boolean;
  readonly reasons: readonly string[];
}

export interface RampResult {
  readonly target: string;
  readonly steps: readonly StepResult[];
  /** The largest step that passed, every smaller one having passed too; 0 if the first failed. */
  readonly sustained: number;
  /** Whether the ramp ended on a failing step (false: it passed every step up to the cap). */
  readonly limitFound: boolean;
}

/**
 * Clients are added step by step (never reconnected): at each step the fleet opens what is
 * missing, lets it settle, then holds for a window in which the server's event-loop delay, what
 * every client received and the trickle's delivery are measured. The ramp stops at the first
 * step that fails (or the last step); it leaves its clients connected.
 */
export async function ramp(
  target: RampTarget,
  fleet: ClientFleet,
  stream: LiveStream,
  tokens: readonly string[],
  timing: RampTiming,
  log: (line: string) => void,
): Promise<RampResult> {
  const steps: StepResult[] = [];
  let open = 0;
  let sustained = 0;
  for (const clients of timing.steps) {
    if (clients > tokens.length)
      throw new Error(`step ${clients} needs more than the ${tokens.length} sessions made`);
    const connect = await fleet.connect(target.url, tokens.slice(open, clients), timing.inFlight, 30_000);
    open = clients;
    await sleep(timing.settleMs);

    const pids = { server: [target.pid], clients: fleet.pids, bench: [process.pid] };
    const cpu = (): Record<keyof typeof pids, number> =>
      Object.fromEntries(
        Object.entries(pids).map(([label, list]) => [
          label,
          list.reduce((sum: number, pid) => sum + processCpuSeconds(pid), 0),
        ]),
      ) as Record<keyof typeof pids, number>;
    await target.lag();
    await fleet.mark();
    const cpuBefore = cpu();
    const machineBefore = machineBusySeconds();
    const windowStarted = performance.now();
    const trickleFrom = stream.trickleSeq + 1;
    await sleep(Math.max(0, timing.holdMs - 1_000));
    // Trickle events published in the last second may still be on their way when the window closes.
    const trickleTo = stream.trickleSeq;
    await sleep(Math.min(1_000, timing.holdMs));
    const [lag, tally] = await Promise.all([target.lag(), fleet.tally(trickleFrom, trickleTo)]);
    const windowS = (performance.now() - windowStarted) / 1_000;
    const cpuAfter = cpu();
    const machine = machineBusySeconds() - machineBefore;
    const pct = (seconds: number): number => Math.round((seconds / windowS) * 100);
    const used = {
      server: cpuAfter.server - cpuBefore.server,
      clients: cpuAfter.clients - cpuBefore.clients,
      bench: cpuAfter.bench - cpuBefore.bench,
    };

    const batchesExpected = tally.seconds * timing.batchesPerS;
    const floor = CRITERIA.rateShare * batchesExpected - CRITERIA.edgeBatches;
    const clientsBelowRate = tally.batches.filter((count) => count < floor).length;
    const received = tally.batches.reduce((sum, count) => sum + count, 0);
    const reasons: string[] = [];
    if (tally.clients < clients)
      reasons.push(`${clients - tally.clients} clients not connected (${JSON.stringify(connect.failed)})`);
    if (!(lag.p99Ms < CRITERIA.lagP99Ms)) reasons.push(`event-loop delay p99 ${lag.p99Ms.toFixed(1)} ms`);
    if (clientsBelowRate > 0) reasons.push(`${clientsBelowRate} clients below ${Math.ceil(floor)} batches`);
    if (Object.keys(tally.dropped).length > 0)
      reasons.push(`clients dropped ${JSON.stringify(tally.dropped)}`);
    if (tally.trickleIncomplete > 0) reasons.push(`${tally.trickleIncomplete} clients missed trickle events`);
    const step: StepResult = {
      clients,
      connected: tally.clients,
      connectFailed: connect.failed,
      connectSeconds: connect.seconds,
      snapshotValues: connect.snapshotValues,
      lagP99Ms: lag.p99Ms,
      lagMaxMs: lag.maxMs,
      seconds: tally.seconds,
      batchesExpected,
      batchesMin: tally.batches[0] ?? 0,
      batchesMedian: percentile(tally.batches, 50),
      rateShare: tally.clients > 0 ? received / (tally.clients * batchesExpected) : 0,
      clientsBelowRate,
      valuesPerClientPerS: tally.clients > 0 ? tally.values / tally.clients / tally.seconds : 0,
      mcharsPerS: tally.chars / tally.seconds / 1e6,
      trickleExpected: tally.trickleExpected,
      trickleIncomplete: tally.trickleIncomplete,
      deliveryP50Ms: percentile(tally.deliveryMs, 50),
      deliveryP99Ms: percentile(tally.deliveryMs, 99),
      dropped: tally.dropped,
      unexpected: tally.unexpected,
      cpuPct: {
        server: pct(used.server),
        clients: pct(used.clients),
        bench: pct(used.bench),
        others: pct(Math.max(0, machine - used.server - used.clients - used.bench)),
      },
      passed: reasons.length === 0,
      reasons,
    };
    steps.push(step);
    log(
      `dashboard bench: ${target.name} ${clients} clients: lag p99 ${lag.p99Ms.toFixed(1)} ms, ` +
        `batches ${(step.rateShare * 100).toFixed(1)} % (min ${step.batchesMin}/${batchesExpected.toFixed(1)}), ` +
        `delivery p99 ${step.deliveryP99Ms.toFixed(0)} ms, CPU server ${step.cpuPct.server} % clients ${step.cpuPct.clients} %` +
        (step.passed ? '' : ` — FAILED: ${reasons.join('; ')}`),
    );
    if (!step.passed) return { target: target.name, steps, sustained, limitFound: true };
    sustained = clients;
  }
  return { target: target.name, steps, sustained, limitFound: false };
}
