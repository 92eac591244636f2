/**
 * How many value changes per second the OPC UA source keeps up with, on loopback.
 *
 *   node_modules/.bin/node test/bench/opcua/measure-items.ts [--counts 5000,10000,20000] [--seconds 15]
 *     [--sampling-ms 1000] [--json]
 *
 * For each count K it starts the test fixture server (a child process) with K variables that all
 * change every second, subscribes to all of them with default tuning (1 000 items per
 * subscription, 1 s sampling and publishing), and measures over a steady window: values
 * delivered per second against changes that never arrived (the peer figure: every variable
 * steps by exactly 1 per tick, so gaps are visible), the age of values on delivery, the
 * gateway process's CPU, the server process's CPU, and the gateway's event-loop delay.
 * Not a test: it prints a table (and with --json one JSON object on its last line).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { OpcuaSource } from '../../../gateway/sources/opcua/opcua-source.ts';
import { type FixtureServer, startFixtureServer } from '../../integration/fixtures/opcua/spawn-server.ts';

const TICK_MS = 1_000;
const WARMUP_MS = 3_000;
const SETUP_TIMEOUT_MS = 120_000;

export interface Row {
  items: number;
  setupMs: number;
  receivedPerS: number;
  missedPerS: number;
  keptUpPct: number;
  batchesPerS: number;
  gatewayCpuPct: number;
  serverCpuPct: number;
  loopDelayP99Ms: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const CLOCK_TICKS_PER_S = 100;
/** CPU seconds of a child from /proc (Linux); NaN elsewhere. */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(
  items: number,
  workDir: string,
  windowS: number,
  samplingIntervalMs: number,
): Promise<Row> {
  const server: FixtureServer = await startFixtureServer({
    pkiDir: path.join(workDir, 'server-pki'),
    points: items,
    tickMs: TICK_MS,
    startTimeoutMs: 120_000,
  });
  let batches = 0;
  let measuring = false;
  // Point.i is always i + tick, so a jump of more than 1 between two deliveries of a point is a
  // change that never arrived: skipped by the server's sampling or dropped on the way.
  const indexOf = new Map(Array.from({ length: items }, (_, i) => [`p${i}`, i]));
  const lastValue = new Float64Array(items).fill(Number.NaN);
  let missed = 0;
  const latencies: number[] = [];
  const source = new OpcuaSource({
    endpoint: { id: 'measure', url: server.endpointUrl, securityMode: 'None', securityPolicy: 'None' },
    identity: { type: 'anonymous' },
    trust: { pkiDir: path.join(workDir, 'client-pki') },
    points: Array.from({ length: items }, (_, i) => ({ pointId: `p${i}`, nodeId: `ns=1;s=Point.${i}` })),
    subscription: { samplingIntervalMs },
    onValues: (values) => {
      batches += 1;
      for (const value of values) {
        const i = indexOf.get(value.pointId);
        if (i === undefined || typeof value.value !== 'number') continue;
        const gap = value.value - (lastValue[i] ?? Number.NaN);
        if (measuring && gap > 1) missed += gap - 1;
        lastValue[i] = value.value;
      }
      // Age of the newest value when it reaches the consumer: grows without bound if the
      // gateway falls behind, whatever the counts say.
      const last = values[values.length - 1];
      if (measuring && last?.sourceTs !== undefined) latencies.push(Date.now() - last.sourceTs);
    },
    logger: pino({ level: 'warn' }),
  });
  try {
    const setupStarted = performance.now();
    await source.start();
    while (source.stats().monitoredItems < items) {
      if (performance.now() - setupStarted > SETUP_TIMEOUT_MS)
        throw new Error(`not subscribed: ${JSON.stringify(source.stats())}`);
      await sleep(50);
    }
    const setupMs = performance.now() - setupStarted;
    await sleep(WARMUP_MS);

    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const valuesBefore = source.stats().valuesReceived;
    const missedBefore = missed;
    const batchesBefore = batches;
    const cpuBefore = process.cpuUsage();
    const serverCpuBefore = processCpuSeconds(server.child.pid);
    const started = performance.now();
    measuring = true;
    await sleep(windowS * 1_000);
    measuring = false;
    const elapsedS = (performance.now() - started) / 1_000;
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpu = processCpuSeconds(server.child.pid) - serverCpuBefore;
    loopDelay.disable();

    const receivedPerS = (source.stats().valuesReceived - valuesBefore) / elapsedS;
    const missedPerS = (missed - missedBefore) / elapsedS;
    return {
      items,
      setupMs: Math.round(setupMs),
      missedPerS: Math.round(missedPerS),
      receivedPerS: Math.round(receivedPerS),
      keptUpPct: Math.round((receivedPerS / (receivedPerS + missedPerS)) * 1_000) / 10,
      batchesPerS: Math.round(((batches - batchesBefore) / elapsedS) * 10) / 10,
      gatewayCpuPct: Math.round(((cpu.user + cpu.system) / 1e6 / elapsedS) * 100),
      serverCpuPct: Math.round((serverCpu / elapsedS) * 100),
      loopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6),
      latencyP50Ms: Math.round(
        percentile(
          latencies.sort((a, b) => a - b),
          50,
        ),
      ),
      latencyP99Ms: Math.round(percentile(latencies, 99)),
    };
  } finally {
    await source.stop();
    await server.stop();
  }
}

export interface MeasureOptions {
  readonly counts: readonly number[];
  /** Steady measuring window per count, seconds. */
  readonly windowS: number;
  readonly samplingIntervalMs: number;
}

/** Measures each count in turn on a fresh fixture server; loopback only, bounded in time. */
export async function measureItems(options: MeasureOptions): Promise<Row[]> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'steward-opcua-measure-'));
  const rows: Row[] = [];
  try {
    for (const items of options.counts) {
      rows.push(await measure(items, workDir, options.windowS, options.samplingIntervalMs));
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return rows;
}

/** The largest count whose changes all arrived (kept up ≥ 99 %), or 0. */
export function itemsSustained(rows: readonly Row[]): number {
  return Math.max(0, ...rows.filter((row) => row.keptUpPct >= 99).map((row) => row.items));
}

if (import.meta.main) {
  const { values: args } = parseArgs({
    options: {
      counts: { type: 'string', default: '5000,10000,20000' },
      seconds: { type: 'string', default: '15' },
      'sampling-ms': { type: 'string', default: '1000' },
      json: { type: 'boolean', default: false },
    },
  });
  const windowS = Number(args.seconds);
  const samplingIntervalMs = Number(args['sampling-ms']);
  const rows = await measureItems({
    counts: args.counts.split(',').map(Number),
    windowS,
    samplingIntervalMs,
  });
  const header = [
    'items',
    'setup ms',
    'received/s',
    'missed/s',
    'kept up %',
    'batches/s',
    'gateway CPU %',
    'server CPU %',
    'loop p99 ms',
    'age p50 ms',
    'age p99 ms',
  ];
  const lines = rows.map((r) => [
    r.items,
    r.setupMs,
    r.receivedPerS,
    r.missedPerS,
    r.keptUpPct,
    r.batchesPerS,
    r.gatewayCpuPct,
    r.serverCpuPct,
    r.loopDelayP99Ms,
    r.latencyP50Ms,
    r.latencyP99Ms,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const format = (cells: readonly unknown[]): string =>
    cells.map((cell, i) => String(cell).padStart(widths[i] ?? 0)).join('  ');
  process.stdout.write(
    `\nsampling ${samplingIntervalMs} ms, publishing 1000 ms, window ${windowS} s\n${format(header)}\n${lines.map(format).join('\n')}\n`,
  );
  if (args.json)
    process.stdout.write(`${JSON.stringify({ windowS, tickMs: TICK_MS, samplingIntervalMs, rows })}\n`);
  process.exit(0);
}
