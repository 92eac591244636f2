import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { SpoolError } from '../../gateway/store/errors.ts';
import { Spool, type SpoolConsumer, type SpoolOptions } from '../../gateway/store/spool.ts';
import { SpoolForwarder } from '../../gateway/store/spool-forwarder.ts';
import { formatTagSet, LineFormatter, type ReadingSink } from '../../gateway/store/tsdb-writer.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'spool-appender.ts');

const reading = (i: number, pointId = `ahu-${i % 3}.supply_temp`): Reading => ({
  pointId,
  ts: 1_750_000_000_000 + i,
  value: i / 4 - 10,
  quality: i % 5 === 0 ? 'uncertain' : 'good',
});
const range = (from: number, to: number): Reading[] =>
  Array.from({ length: to - from }, (_, k) => reading(from + k));

/** Reads up to `count` readings, stopping at the spool's head, committing as it goes. */
async function drain(spool: Spool, consumer: SpoolConsumer, count: number): Promise<Reading[]> {
  const out: Reading[] = [];
  while (out.length < count && consumer.stats().position < spool.stats().headSequence) {
    const batch = await consumer.read(Math.min(1_000, count - out.length), AbortSignal.timeout(5_000));
    out.push(...batch.readings);
    await consumer.commit(batch.upTo);
  }
  return out;
}

describe('Spool (write-ahead log on a temp dir)', () => {
  let dir: string;
  const open: Spool[] = [];
  const startSpool = async (options: Partial<SpoolOptions> = {}): Promise<Spool> => {
    const spool = new Spool({ dir, ...options });
    await spool.start();
    open.push(spool);
    return spool;
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'steward-spool-test-'));
  });
  afterEach(async () => {
    for (const spool of open.splice(0)) await spool.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('hands appended readings to a consumer in order, bit for bit, and resumes at the committed cursor after a restart', async () => {
    let spool = await startSpool();
    const odd: Reading[] = [
      { pointId: '楼A.冷机-1.供水温度', ts: 1_750_000_000_123, value: -0.1 + 0.2, quality: 'good' },
      { pointId: 'meter.kwh', ts: 1, value: 1e21, quality: 'uncertain' },
      { pointId: 'meter.kwh', ts: 2, value: -5e-324, quality: 'good' },
      { pointId: 'meter.kwh', ts: 3, value: Number.NaN, quality: 'good' },
    ];
    await spool.append(odd);
    await spool.append(range(0, 500));
    const consumer = spool.consumer('tsdb');

    const first = await consumer.read(100);
    expect(first.from).toBe(0);
    expect(first.upTo).toBe(100);
    expect(first.readings.slice(0, 4)).toEqual(odd);
    await consumer.commit(first.upTo);
    // Read but not committed: must come again after the restart.
    await consumer.read(50);

    await spool.stop();
    spool = await startSpool();
    const again = spool.consumer('tsdb');
    expect(again.stats().cursor).toBe(100);
    const rest = await drain(spool, again, 1_000);
    expect(rest).toEqual(range(96, 500));
    expect(spool.stats().readsFromDisk).toBeGreaterThan(0);

    // After the restart the sequence continues where it stopped.
    await spool.append(range(500, 510));
    const tail = await again.read(100);
    expect(tail.from).toBe(504);
    expect(tail.readings).toEqual(range(500, 510));
  });

  it('serves a consumer at the head from memory, without reading segment files', async () => {
    const spool = await startSpool();
    const consumer = spool.consumer('tsdb');
    const reader = (async () => {
      const out: Reading[] = [];
      while (out.length < 5_000)
        out.push(...(await consumer.read(1_000, AbortSignal.timeout(5_000))).readings);
      return out;
    })();
    for (let i = 0; i < 5_000; i += 50) await spool.append(range(i, i + 50));
    expect(await reader).toEqual(range(0, 5_000));
    expect(spool.stats().readsFromDisk).toBe(0);
    expect(spool.stats().readsFromMemory).toBeGreaterThan(0);
  });

  it('cuts a torn last line left by a crash and continues the sequence after the last whole record', async () => {
    let spool = await startSpool();
    await spool.append(range(0, 10));
    await spool.stop();
    const [segment] = (await readdir(dir)).filter((name) => name.endsWith('.seg'));
    const file = path.join(dir, segment as string);
    const whole = (await stat(file)).size;
    await appendFile(file, 'ahu-1.supply_temp\t1750000000010\t2.');

    spool = await startSpool();
    expect(spool.stats().recovery.truncatedBytes).toBe('ahu-1.supply_temp\t1750000000010\t2.'.length);
    expect(spool.stats().headSequence).toBe(10);
    expect((await stat(file)).size).toBe(whole);
    await spool.append(range(10, 12));
    expect(await drain(spool, spool.consumer('tsdb'), 100)).toEqual(range(0, 12));
  });

  it('cuts an unsynced tail of zeros after a power loss, keeping the records before it', async () => {
    let spool = await startSpool();
    await spool.append(range(0, 5));
    await spool.stop();
    const [segment] = (await readdir(dir)).filter((name) => name.endsWith('.seg'));
    const file = path.join(dir, segment as string);
    const whole = (await stat(file)).size;
    await appendFile(file, Buffer.alloc(300));

    spool = await startSpool();
    expect(spool.stats().recovery.truncatedBytes).toBe(300);
    expect((await stat(file)).size).toBe(whole);
    await spool.append(range(5, 8));
    await spool.stop();
    // Read back from the file this time, not from memory.
    spool = await startSpool();
    expect(await drain(spool, spool.consumer('tsdb'), 100)).toEqual(range(0, 8));
  });

  it('rotates segments at segmentBytes, names each by its first sequence number, and reads across them', async () => {
    let spool = await startSpool({ segmentBytes: 2_048, maxBytes: 1024 * 1024 });
    for (let i = 0; i < 1_000; i += 10) await spool.append(range(i, i + 10));
    const segments = (await readdir(dir)).filter((name) => name.endsWith('.seg')).sort();
    expect(segments.length).toBeGreaterThan(10);
    for (const name of segments) {
      expect((await stat(path.join(dir, name))).size).toBeLessThanOrEqual(2_048);
      // The first line of each file is the reading whose sequence the file name carries.
      const firstLine = (await readFile(path.join(dir, name), 'utf8')).split('\n')[0] as string;
      const sequence = Number(name.slice(0, 20));
      expect(firstLine.split('\t')[1]).toBe(String(reading(sequence).ts));
    }
    await spool.stop();
    spool = await startSpool({ segmentBytes: 2_048, maxBytes: 1024 * 1024 });
    expect(await drain(spool, spool.consumer('tsdb'), 2_000)).toEqual(range(0, 1_000));
  });

  it('deletes segments every consumer has committed past, and keeps those one consumer still needs', async () => {
    const spool = await startSpool({ segmentBytes: 2_048, maxBytes: 1024 * 1024 });
    const fast = spool.consumer('fast');
    const slow = spool.consumer('slow');
    for (let i = 0; i < 1_000; i += 10) await spool.append(range(i, i + 10));
    await drain(spool, fast, 1_000);
    expect(spool.stats().tailSequence).toBe(0);
    await drain(spool, slow, 600);
    const { tailSequence, segments, consumers } = spool.stats();
    expect(tailSequence).toBeGreaterThan(0);
    expect(tailSequence).toBeLessThanOrEqual(600);
    expect(segments).toBe((await readdir(dir)).filter((name) => name.endsWith('.seg')).length);
    expect(consumers.slow?.lagReadings).toBe(400);
    expect(consumers.fast?.lagReadings).toBe(0);
  });

  it('drops the oldest segments beyond maxBytes, counts what each consumer lost, and exposes it as metrics', async () => {
    const registry = new Registry();
    const spool = await startSpool({ segmentBytes: 4_096, maxBytes: 16_384, registry });
    const behind = spool.consumer('behind');
    for (let i = 0; i < 5_000; i += 25) await spool.append(range(i, i + 25));

    const stats = spool.stats();
    expect(stats.bytes).toBeLessThanOrEqual(16_384);
    const onDisk = (await readdir(dir)).filter((name) => name.endsWith('.seg'));
    let bytes = 0;
    for (const name of onDisk) bytes += (await stat(path.join(dir, name))).size;
    expect(bytes).toBe(stats.bytes);
    expect(stats.tailSequence).toBeGreaterThan(0);
    expect(stats.consumers.behind?.droppedReadings).toBe(stats.tailSequence);

    // What is left comes in order from the tail; dropped + delivered accounts for every reading.
    const delivered = await drain(spool, behind, 5_000);
    expect(delivered).toEqual(range(stats.tailSequence, 5_000));
    expect(behind.stats().droppedReadings + delivered.length).toBe(5_000);

    const text = await registry.metrics();
    expect(text).toContain(`steward_spool_dropped_readings_total{consumer="behind"} ${stats.tailSequence}`);
    expect(text).toMatch(/^steward_spool_bytes \d+$/m);
    expect(text).toContain('steward_spool_lag_readings{consumer="behind"} 0');
  });

  it('does not count a drop twice across a restart, and a new consumer starts at the oldest reading kept', async () => {
    let spool = await startSpool({ segmentBytes: 4_096, maxBytes: 16_384 });
    spool.consumer('behind');
    for (let i = 0; i < 3_000; i += 25) await spool.append(range(i, i + 25));
    const tail = spool.stats().tailSequence;
    await spool.stop();
    spool = await startSpool({ segmentBytes: 4_096, maxBytes: 16_384 });
    const behind = spool.consumer('behind');
    expect(behind.stats().cursor).toBe(tail);
    const newcomer = spool.consumer('newcomer');
    expect((await drain(spool, behind, 10_000))[0]).toEqual(reading(tail));
    expect(behind.stats().droppedReadings).toBe(0);
    expect((await drain(spool, newcomer, 10_000))[0]).toEqual(reading(tail));
  });

  it('applies back-pressure beyond maxBufferedReadings and still stores every append in order', async () => {
    const spool = await startSpool({ maxBufferedReadings: 64 });
    const appends: Promise<void>[] = [];
    for (let i = 0; i < 4_000; i += 10) appends.push(spool.append(range(i, i + 10)));
    await Promise.all(appends);
    expect(await drain(spool, spool.consumer('tsdb'), 4_000)).toEqual(range(0, 4_000));
  });

  it('lets a reader wait for data, abort, or end when the spool stops', async () => {
    const spool = await startSpool();
    const consumer = spool.consumer('tsdb');
    const waiting = consumer.read(10);
    await sleep(20);
    await spool.append(range(0, 3));
    expect((await waiting).readings).toEqual(range(0, 3));

    const aborted = new AbortController();
    const abortedRead = consumer.read(10, aborted.signal);
    aborted.abort(new Error('shutting down'));
    await expect(abortedRead).rejects.toThrow('shutting down');

    const endsWithSpool = consumer.read(10);
    await spool.stop();
    expect((await endsWithSpool).readings).toEqual([]);
  });

  it('refuses readings that would corrupt the log, with a code, and stores nothing of that append', async () => {
    const spool = await startSpool();
    const bad = { pointId: 'a\tb', ts: 1, value: 1, quality: 'good' } as const;
    await expect(spool.append([reading(0), bad])).rejects.toMatchObject({ code: 'invalid_reading' });
    await expect(spool.append([{ ...reading(0), ts: Number.NaN }])).rejects.toBeInstanceOf(SpoolError);
    await spool.append([reading(1)]);
    expect(await drain(spool, spool.consumer('tsdb'), 10)).toEqual([reading(1)]);
    expect(() => spool.consumer('../etc')).toThrow(SpoolError);
  });

  it('keeps every acknowledged reading, in order, when the appending process is killed with SIGKILL', async () => {
    const child = spawn(process.execPath, [fixture, dir, String(256 * 1024)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acknowledged = 0;
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = once(child, 'exit');
    await new Promise<void>((resolve, reject) => {
      const killAt = 100_000 + Math.floor(Math.random() * 50_000);
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const [word, , to] = line.split(' ');
          if (word === 'ack') acknowledged = Math.max(acknowledged, Number(to));
        }
        if (acknowledged >= killAt && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', () => reject(new Error(`appender exited by itself: ${stderr}`)));
    });
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    // Acks were parsed up to the kill; any the pipe still held were acknowledged too, but need not count.
    expect(acknowledged).toBeGreaterThanOrEqual(100_000);

    const spool = await startSpool({ segmentBytes: 256 * 1024 });
    expect(spool.stats().segments).toBeGreaterThan(1);
    const stored = spool.stats().headSequence;
    expect(stored).toBeGreaterThanOrEqual(acknowledged);
    const readings = await drain(spool, spool.consumer('verify'), stored);
    expect(readings.length).toBe(stored);
    // The log is exactly readings 0 … stored-1 in append order: nothing acknowledged is missing.
    const misplaced = readings.findIndex((r, i) => r.ts !== i || r.value !== i / 8);
    expect(misplaced).toBe(-1);
  });
});

describe('SpoolForwarder (loop logic, with an in-process sink)', () => {
  let dir: string;
  let spool: Spool;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'steward-forwarder-test-'));
    spool = new Spool({ dir });
    await spool.start();
  });
  afterEach(async () => {
    await spool.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Records what reached it; fails the first `failures` writes. */
  class RecordingSink implements ReadingSink {
    readonly received: Reading[][] = [];
    attempts = 0;
    failures: number;
    constructor(failures: number) {
      this.failures = failures;
    }
    async write(readings: readonly Reading[]): Promise<void> {
      this.attempts += 1;
      if (this.attempts <= this.failures) throw new Error(`store down (attempt ${this.attempts})`);
      this.received.push([...readings]);
    }
  }

  it('retries a failed batch as is until the sink takes it, then commits, never skipping or reordering', async () => {
    await spool.append(range(0, 1_200));
    const sink = new RecordingSink(3);
    const forwarder = new SpoolForwarder({ spool, consumer: 'tsdb', sink, batchSize: 500, minBackoffMs: 5 });
    await forwarder.start();
    for (let i = 1_200; i < 2_000; i += 100) await spool.append(range(i, i + 100));
    while ((spool.stats().consumers.tsdb?.lagReadings ?? 1) > 0) await sleep(10);
    await forwarder.stop();

    expect(sink.received.flat()).toEqual(range(0, 2_000));
    expect(sink.received[0]).toEqual(range(0, 500));
    expect(forwarder.stats()).toMatchObject({
      written: 2_000,
      failures: 3,
      consecutiveFailures: 0,
      lastError: 'store down (attempt 3)',
      backingOff: false,
    });
  });

  it('abandons a hanging write on stop without committing it, so the next start sends it again', async () => {
    await spool.append(range(0, 100));
    const hanging: ReadingSink = { write: () => new Promise(() => undefined) };
    const first = new SpoolForwarder({ spool, consumer: 'tsdb', sink: hanging, stopTimeoutMs: 100 });
    await first.start();
    await sleep(50);
    await first.stop();
    expect(spool.stats().consumers.tsdb?.cursor).toBe(0);

    const sink = new RecordingSink(0);
    const second = new SpoolForwarder({ spool, consumer: 'tsdb', sink });
    await second.start();
    while ((spool.stats().consumers.tsdb?.lagReadings ?? 1) > 0) await sleep(10);
    await second.stop();
    expect(sink.received.flat()).toEqual(range(0, 100));
  });
});

describe('line protocol', () => {
  it('escapes commas, spaces and equals signs in tags, sorts them, and marks only uncertain readings', () => {
    const formatter = new LineFormatter((pointId) =>
      pointId === 'known'
        ? { site: 'HQ', equipment: 'AHU 1,north', point: 'a=b', sub_item: '', building: '1号楼' }
        : undefined,
    );
    expect(
      formatter.format({ pointId: 'known', ts: 1_750_000_000_123.9, value: 21.5, quality: 'good' }),
    ).toBe('reading,building=1号楼,equipment=AHU\\ 1\\,north,point=a\\=b,site=HQ value=21.5 1750000000123');
    expect(formatter.format({ pointId: 'x y', ts: 5, value: -3, quality: 'uncertain' })).toBe(
      'reading,point_id=x\\ y value=-3,quality=1i 5',
    );
    expect(formatter.format({ pointId: 'x', ts: 5, value: Number.POSITIVE_INFINITY, quality: 'good' })).toBe(
      undefined,
    );
    expect(formatTagSet({ 'a key': 'v', empty: '' })).toBe(',a\\ key=v');
  });
});
