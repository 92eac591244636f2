/**
 * Spool append throughput: `node gateway/store/bench-spool.ts [--readings N] [--json]`.
 *
 * Appends N readings through Spool.append with bounded concurrency (as MQTT handlers do: many
 * appends in flight, each awaited before its PUBACK), for several append sizes, with a consumer
 * draining from memory at the same time. The peer is the same bytes written straight to a file
 * with write(2) in 1 MiB chunks, the ceiling of any line-per-reading log on this disk.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Reading } from '../ingest/reading.ts';
import { encodeReading } from './record-format.ts';
import { Spool } from './spool.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const total = option('readings', 1_000_000);
const json = args.includes('--json');

const reading = (i: number): Reading => ({
  pointId: `b${i % 5}-ahu-${i % 40}.supply_air_temp`,
  ts: 1_750_000_000_000 + i,
  value: 20 + (i % 1000) / 100,
  quality: i % 50 === 0 ? 'uncertain' : 'good',
});

interface Row {
  readonly case: string;
  readonly readingsPerSecond: number;
  readonly seconds: number;
}

async function spoolCase(perAppend: number, inFlight: number, fsyncIntervalMs = 200): Promise<Row> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'steward-bench-spool-'));
  const spool = new Spool({ dir, fsyncIntervalMs });
  await spool.start();
  const consumer = spool.consumer('bench');
  let consumed = 0;
  const draining = (async () => {
    while (consumed < total) {
      const batch = await consumer.read(5_000);
      if (batch.readings.length === 0) break;
      consumed += batch.readings.length;
      await consumer.commit(batch.upTo);
    }
  })();
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const from = next;
      next = Math.min(total, next + perAppend);
      const batch: Reading[] = [];
      for (let i = from; i < next; i++) batch.push(reading(i));
      await spool.append(batch);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  await draining;
  await spool.stop();
  await rm(dir, { recursive: true, force: true });
  if (consumed !== total) throw new Error(`consumer saw ${consumed} of ${total}`);
  return {
    case: `Spool.append, ${perAppend}/call, ${inFlight} in flight${fsyncIntervalMs === 0 ? ', fsync each write' : ''}`,
    readingsPerSecond: Math.round(total / seconds),
    seconds,
  };
}

async function rawWriteCase(): Promise<Row> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'steward-bench-raw-'));
  const file = await open(path.join(dir, 'raw.log'), 'a');
  const started = performance.now();
  let text = '';
  for (let i = 0; i < total; i++) {
    text += encodeReading(reading(i));
    if (text.length >= 1024 * 1024 || i === total - 1) {
      await file.write(Buffer.from(text));
      text = '';
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await file.close();
  await rm(dir, { recursive: true, force: true });
  return {
    case: 'peer: encode + write(2) in 1 MiB chunks',
    readingsPerSecond: Math.round(total / seconds),
    seconds,
  };
}

const rows: Row[] = [
  await rawWriteCase(),
  await spoolCase(1, 1_000),
  await spoolCase(10, 100),
  await spoolCase(100, 16),
  await spoolCase(1_000, 4),
  await spoolCase(1, 1_000, 0),
];
console.log(
  `spool append, ${total.toLocaleString('en')} readings, Node ${process.version}, ${os.cpus().length} CPUs`,
);
console.log(`${'case'.padEnd(56)} ${'readings/s'.padStart(12)} ${'seconds'.padStart(8)}`);
for (const row of rows) {
  console.log(
    `${row.case.padEnd(56)} ${row.readingsPerSecond.toLocaleString('en').padStart(12)} ${row.seconds.toFixed(2).padStart(8)}`,
  );
}
if (json) console.log(JSON.stringify({ bench: 'spool-append', readings: total, rows }));
