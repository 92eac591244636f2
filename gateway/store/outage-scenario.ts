import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Reading } from '../ingest/reading.ts';
import { PrivateVictoria } from './private-victoria.ts';
import { Spool } from './spool.ts';
import { SpoolForwarder, type SpoolForwarderStats } from './spool-forwarder.ts';
import { InfluxLineWriter } from './tsdb-writer.ts';

/**
 * The store-and-forward promise, end to end: readings fed at a steady rate through
 * Spool → SpoolForwarder → InfluxLineWriter into a private VictoriaMetrics that is stopped
 * (SIGTERM) for a while in the middle and started again on the same data directory. Afterwards
 * the store must hold every reading exactly once, and writing a batch a second time must not
 * change that. Used by test/integration/gateway-store-outage.test.ts (short) and by
 * `node gateway/store/bench-outage.ts` (long: e.g. 2,000/s with a 60 s outage).
 */
export interface OutageScenarioOptions {
  /** Readings per second fed in. Default: env STEWARD_OUTAGE_RATE, else 2,000. */
  readonly ratePerSecond?: number;
  /** How long the store is down. Default: env STEWARD_OUTAGE_SECONDS, else 4. */
  readonly outageSeconds?: number;
  /** Feeding before the outage and after the store is back. Default 2 each. */
  readonly leadSeconds?: number;
  readonly trailSeconds?: number;
  /** Longest wait for the forwarder to catch up after feeding ends. Default 60 s + the outage. */
  readonly catchUpTimeoutMs?: number;
  /** Readings re-sent to check that a replay is idempotent. Default 5,000. */
  readonly replayReadings?: number;
  readonly victoriaBinary?: string;
  readonly log?: (message: string) => void;
}

export interface OutageScenarioResult {
  readonly runId: string;
  /** Readings whose append was acknowledged. */
  readonly sent: number;
  /** Distinct (series, timestamp) samples of this run in the store. */
  readonly stored: number;
  /** Acknowledged readings missing from the store. */
  readonly lost: number;
  /** Samples beyond one per (series, timestamp) as the store returns them. */
  readonly duplicated: number;
  /** Stored samples whose value differs from what was sent, or that were never sent. */
  readonly wrong: number;
  /** The same figures after re-sending the first `replayReadings` readings. */
  readonly storedAfterReplay: number;
  readonly duplicatedAfterReplay: number;
  readonly maxLagReadings: number;
  readonly droppedReadings: number;
  readonly forwarder: SpoolForwarderStats;
  readonly outageMs: number;
  readonly catchUpMs: number;
}

const SERIES = 50;

export async function runOutageScenario(options: OutageScenarioOptions = {}): Promise<OutageScenarioResult> {
  const rate = options.ratePerSecond ?? envNumber('STEWARD_OUTAGE_RATE', 2_000);
  const outageSeconds = options.outageSeconds ?? envNumber('STEWARD_OUTAGE_SECONDS', 4);
  const leadSeconds = options.leadSeconds ?? 2;
  const trailSeconds = options.trailSeconds ?? 2;
  const replayReadings = options.replayReadings ?? 5_000;
  const log = options.log ?? (() => undefined);
  const runId = `outage_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  // An hour back: well inside retention, and clear of any "too far in the future" limit.
  const firstTs = Date.now() - 3_600_000;
  const readingAt = (i: number): Reading => ({
    pointId: `${runId}.p${String(i % SERIES).padStart(2, '0')}`,
    ts: firstTs + Math.floor(i / SERIES),
    value: (i % 10_000) / 4 - 100,
    quality: i % 97 === 0 ? 'uncertain' : 'good',
  });

  const workDir = await mkdtemp(path.join(os.tmpdir(), 'steward-outage-'));
  const victoria = new PrivateVictoria({
    dataDir: path.join(workDir, 'victoria'),
    ...(options.victoriaBinary ? { binary: options.victoriaBinary } : {}),
  });
  const spool = new Spool({ dir: path.join(workDir, 'spool'), segmentBytes: 256 * 1024 });
  let forwarder: SpoolForwarder | undefined;
  try {
    await victoria.start();
    const url = victoria.url;
    const sink = new InfluxLineWriter({
      url,
      org: 'steward',
      bucket: 'steward',
      tagsFor: (pointId) => ({ run: runId, point: pointId.slice(runId.length + 1) }),
    });
    await spool.start();
    forwarder = new SpoolForwarder({ spool, consumer: 'tsdb', sink });
    await forwarder.start();
    log(`VictoriaMetrics on ${url}, run ${runId}, ${rate}/s, outage ${outageSeconds} s`);

    let sent = 0;
    let maxLag = 0;
    const feedSeconds = leadSeconds + outageSeconds + trailSeconds;
    const feeding = (async () => {
      const started = performance.now();
      for (;;) {
        const elapsed = (performance.now() - started) / 1000;
        const due = Math.floor(Math.min(elapsed, feedSeconds) * rate);
        if (due > sent) {
          const batch: Reading[] = [];
          for (let i = sent; i < due; i++) batch.push(readingAt(i));
          await spool.append(batch);
          sent = due;
        }
        maxLag = Math.max(maxLag, spool.stats().consumers.tsdb?.lagReadings ?? 0);
        if (elapsed >= feedSeconds) return;
        await sleep(10);
      }
    })();

    await sleep(leadSeconds * 1000);
    await victoria.stop();
    const outageStarted = performance.now();
    log(`VictoriaMetrics stopped after ${sent} readings`);
    await sleep(outageSeconds * 1000);
    await victoria.start();
    const outageMs = performance.now() - outageStarted;
    log(`VictoriaMetrics back after ${Math.round(outageMs)} ms; ${sent} readings sent`);
    await feeding;

    const catchUpStarted = performance.now();
    const deadline = Date.now() + (options.catchUpTimeoutMs ?? 60_000 + outageSeconds * 1000);
    while ((spool.stats().consumers.tsdb?.lagReadings ?? 0) > 0) {
      if (Date.now() > deadline)
        throw new Error(`forwarder did not catch up: ${JSON.stringify(spool.stats())}`);
      await sleep(50);
    }
    const catchUpMs = performance.now() - catchUpStarted;
    await forwarder.stop();
    const forwarderStats = forwarder.stats();
    log(`caught up in ${Math.round(catchUpMs)} ms; forwarder ${JSON.stringify(forwarderStats)}`);

    const expected = new Map<string, number>();
    for (let i = 0; i < sent; i++) {
      const reading = readingAt(i);
      expected.set(sampleKey(reading.pointId.slice(runId.length + 1), reading.ts), reading.value);
    }
    await victoria.forceFlush();
    const first = countSamples(await victoria.exportSeries(`reading_value{run="${runId}"}`), expected);

    const replay: Reading[] = [];
    for (let i = 0; i < Math.min(replayReadings, sent); i++) replay.push(readingAt(i));
    await sink.write(replay);
    await victoria.forceFlush();
    const second = countSamples(await victoria.exportSeries(`reading_value{run="${runId}"}`), expected);

    return {
      runId,
      sent,
      stored: first.distinct,
      lost: first.missing,
      duplicated: first.duplicated,
      wrong: first.wrong,
      storedAfterReplay: second.distinct,
      duplicatedAfterReplay: second.duplicated,
      maxLagReadings: maxLag,
      droppedReadings: spool.stats().consumers.tsdb?.droppedReadings ?? 0,
      forwarder: forwarderStats,
      outageMs: Math.round(outageMs),
      catchUpMs: Math.round(catchUpMs),
    };
  } catch (error) {
    throw new Error(`${(error as Error).message}\nVictoriaMetrics output:\n${victoria.output()}`, {
      cause: error,
    });
  } finally {
    await forwarder?.stop();
    await spool.stop();
    await victoria.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

interface SampleCount {
  readonly distinct: number;
  readonly duplicated: number;
  readonly missing: number;
  readonly wrong: number;
}

function countSamples(
  series: readonly {
    metric: Readonly<Record<string, string>>;
    values: readonly number[];
    timestamps: readonly number[];
  }[],
  expected: ReadonlyMap<string, number>,
): SampleCount {
  const seen = new Set<string>();
  let samples = 0;
  let wrong = 0;
  for (const { metric, values, timestamps } of series) {
    timestamps.forEach((ts, i) => {
      const key = sampleKey(metric.point ?? '', ts);
      samples += 1;
      if (expected.get(key) !== values[i]) wrong += 1;
      seen.add(key);
    });
  }
  let missing = 0;
  for (const key of expected.keys()) if (!seen.has(key)) missing += 1;
  return { distinct: seen.size, duplicated: samples - seen.size, missing, wrong };
}

const sampleKey = (point: string, ts: number): string => `${point}@${ts}`;

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}
