import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type MachineFacts, machineFacts } from '../machine.ts';
import { createBenchConfig, type DeviceGroup, deviceGroup } from './bench-config.ts';
import { BenchVictoria } from './bench-victoria.ts';
import { measureOpcuaItems, type OpcuaItemsFigure } from './opcua-items.ts';
import {
  brokerCeiling,
  brokerPublishOnly,
  gatewayThroughput,
  type LatencyResult,
  nodeRedThroughput,
  type PhaseContext,
  publishToStoreLatency,
  type ThroughputResult,
} from './phases.ts';

export const PHASES = ['ceiling', 'puback', 'gateway', 'packed', 'nodered', 'latency', 'opcua'] as const;
export type PhaseName = (typeof PHASES)[number];

/** Bounded message counts per phase: every phase stops by itself. */
export interface IngestSizes {
  /**
   * Rounds of the throughput peers, interleaved (ceiling, gateway, Node-RED, packed, then again),
   * so that drifts in the CPU the machine gets hit every peer alike; the median is reported.
   */
  readonly rounds: number;
  readonly ceilingMessages: number;
  readonly gatewayMessages: number;
  readonly packedMessages: number;
  readonly nodeRedMessages: number;
  /** Per phase, on devices of their own, stored before the measured run starts. */
  readonly warmupMessages: number;
  readonly latencyRatePerS: number;
  readonly latencySeconds: number;
  readonly latencyMarkers: number;
}

export const FULL_SIZES: IngestSizes = {
  rounds: 3,
  ceilingMessages: 300_000,
  gatewayMessages: 300_000,
  packedMessages: 60_000,
  nodeRedMessages: 200_000,
  warmupMessages: 10_000,
  latencyRatePerS: 10_000,
  latencySeconds: 10,
  latencyMarkers: 200,
};

export const QUICK_SIZES: IngestSizes = {
  rounds: 1,
  ceilingMessages: 100_000,
  gatewayMessages: 80_000,
  packedMessages: 15_000,
  nodeRedMessages: 60_000,
  warmupMessages: 5_000,
  latencyRatePerS: 10_000,
  latencySeconds: 5,
  latencyMarkers: 100,
};

export interface IngestBenchOptions {
  readonly sizes: IngestSizes;
  readonly phases: readonly PhaseName[];
  readonly quick: boolean;
  /** QoS 1 messages in flight per publisher. */
  readonly window: number;
  /** Progress lines (stderr in the command). */
  readonly log: (line: string) => void;
  /** Write CPU profiles of the measured windows here (every process of the bench). */
  readonly profileDir?: string;
}

export interface IngestReport {
  readonly runId: string;
  readonly quick: boolean;
  readonly machine: MachineFacts;
  readonly publishers: number;
  readonly window: number;
  readonly sizes: IngestSizes;
  readonly ceiling?: PeerResult;
  /** Raw aedes without subscribers: PUBACKs per second. */
  readonly publishOnly?: PeerResult;
  readonly gateway?: PeerResult;
  readonly packed?: PeerResult;
  readonly nodeRed?: PeerResult;
  readonly latency?: LatencyResult;
  readonly opcua?: OpcuaItemsFigure;
  /** Phases that failed, with the error. */
  readonly errors: Readonly<Record<string, string>>;
  readonly seconds: number;
}

/** One throughput peer over all rounds. */
export interface PeerResult {
  readonly rounds: readonly ThroughputResult[];
  /** Median over the rounds of readings (ceiling: messages) per second. */
  readonly perS: number;
  readonly minPerS: number;
  readonly maxPerS: number;
  /** Every round stored exactly what was acknowledged. */
  readonly exact: boolean;
}

function peerResult(rounds: readonly ThroughputResult[]): PeerResult {
  const rates = rounds.map((r) => r.perS).sort((a, b) => a - b);
  const middle = Math.floor(rates.length / 2);
  const median =
    rates.length % 2 === 1
      ? (rates[middle] ?? Number.NaN)
      : ((rates[middle - 1] ?? 0) + (rates[middle] ?? 0)) / 2;
  return {
    rounds,
    perS: median,
    minPerS: rates[0] ?? Number.NaN,
    maxPerS: rates.at(-1) ?? Number.NaN,
    exact: rounds.every((r) => r.complete && r.stored === r.readingsExpected),
  };
}

const PUBLISHERS = 4;
const THROUGHPUT_PHASES = ['ceiling', 'puback', 'gateway', 'nodered', 'packed'] as const;

/** Device groups (four publishers each) per phase, round and warm-up; only gateway devices need credentials. */
function groupNames(rounds: number): { gateway: string[]; raw: string[] } {
  const gateway = ['L', 'LW'];
  const raw: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    gateway.push(`G${round}`, `GW${round}`, `P${round}`, `PW${round}`);
    raw.push(`C${round}`, `CW${round}`, `A${round}`, `AW${round}`, `NR${round}`, `NRW${round}`);
  }
  return { gateway, raw };
}

/**
 * The ingest benchmark: the broker ceiling, the gateway (one and ten readings per message),
 * the Node-RED peer and publish-to-store latency, all in one run against one private
 * VictoriaMetrics, with one load generator. Everything it starts, it stops; temporary folders
 * and Redis keys are removed.
 */
export async function runIngestBench(options: IngestBenchOptions): Promise<IngestReport> {
  const started = performance.now();
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`.toUpperCase();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'steward-bench-ingest-'));
  const victoria = new BenchVictoria(path.join(workDir, 'victoria'));
  const names = groupNames(options.sizes.rounds);
  const groups = new Map<string, DeviceGroup>(
    [...names.gateway, ...names.raw].map((name) => [name, deviceGroup(runId, name, PUBLISHERS)]),
  );
  const errors: Record<string, string> = {};
  const report: Record<string, unknown> = {};
  const throughput = new Map<string, ThroughputResult[]>();
  const { sizes, log } = options;
  let config: Awaited<ReturnType<typeof createBenchConfig>> | undefined;
  // An interrupted run (the command exits on SIGINT/SIGTERM) still leaves no temporary folders;
  // the children leave with their IPC channel and VictoriaMetrics is killed on exit.
  const removeFolders = (): void => {
    config?.dispose();
    rmSync(workDir, { recursive: true, force: true });
  };
  process.once('exit', removeFolders);
  try {
    await victoria.start();
    config = await createBenchConfig(names.gateway.map((name) => groups.get(name) as DeviceGroup));
    const context: PhaseContext = {
      runId,
      workDir,
      configDir: config.dir,
      tsdbUrl: victoria.url,
      victoriaPid: victoria.pid,
      group: (name) => {
        const group = groups.get(name);
        if (!group) throw new Error(`no device group ${name}`);
        return group;
      },
      window: options.window,
      warmupMessages: sizes.warmupMessages,
      log,
      profileDir: options.profileDir,
    };
    const attempt = async (label: string, run: () => Promise<unknown>): Promise<unknown> => {
      const phaseStarted = performance.now();
      log(`ingest bench: ${label} …`);
      try {
        const result = await run();
        log(`ingest bench: ${label} done in ${((performance.now() - phaseStarted) / 1_000).toFixed(1)} s`);
        return result;
      } catch (error) {
        errors[label] = error instanceof Error ? error.message : String(error);
        log(`ingest bench: ${label} FAILED: ${errors[label]}`);
        return undefined;
      }
    };
    const throughputSteps: Record<
      (typeof THROUGHPUT_PHASES)[number],
      (round: number) => Promise<ThroughputResult>
    > = {
      ceiling: (round) => brokerCeiling(context, round, sizes.ceilingMessages),
      puback: (round) => brokerPublishOnly(context, round, sizes.ceilingMessages),
      gateway: (round) => gatewayThroughput(context, round, 'points', sizes.gatewayMessages),
      nodered: (round) => nodeRedThroughput(context, round, sizes.nodeRedMessages),
      packed: (round) => gatewayThroughput(context, round, 'readings', sizes.packedMessages),
    };
    for (let round = 1; round <= sizes.rounds; round++) {
      for (const phase of THROUGHPUT_PHASES) {
        if (!options.phases.includes(phase)) continue;
        const result = (await attempt(`${phase} (round ${round}/${sizes.rounds})`, () =>
          throughputSteps[phase](round),
        )) as ThroughputResult | undefined;
        if (result) throughput.set(phase, [...(throughput.get(phase) ?? []), result]);
      }
    }
    if (options.phases.includes('latency'))
      report.latency = await attempt('latency', () =>
        publishToStoreLatency(context, sizes.latencyRatePerS, sizes.latencySeconds, sizes.latencyMarkers),
      );
    if (options.phases.includes('opcua'))
      report.opcua = await attempt('opcua', () => measureOpcuaItems(options.quick));
    for (const [phase, key] of [
      ['ceiling', 'ceiling'],
      ['puback', 'publishOnly'],
      ['gateway', 'gateway'],
      ['nodered', 'nodeRed'],
      ['packed', 'packed'],
    ] as const) {
      const rounds = throughput.get(phase);
      if (rounds && rounds.length > 0) report[key] = peerResult(rounds);
    }
  } finally {
    await victoria.stop();
    removeFolders();
    process.removeListener('exit', removeFolders);
  }
  return {
    runId,
    quick: options.quick,
    machine: machineFacts(),
    publishers: PUBLISHERS,
    window: options.window,
    sizes,
    ...(report as Partial<IngestReport>),
    errors,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
