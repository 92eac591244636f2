/**
 * TSDB write throughput: `node gateway/store/bench-forwarder.ts [--readings N] [--json]`.
 *
 * Fills a spool with N readings (a backlog, as after an outage), starts a private
 * VictoriaMetrics, and times SpoolForwarder → InfluxLineWriter draining it, with and without
 * gzip. Peers on the same server and lines: one long-lived client WriteApi (writeRecords + flush
 * per 5,000 lines), and a bare fetch POST of the same bodies to /api/v2/write.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfluxDB } from '@influxdata/influxdb-client';
import type { Reading } from '../ingest/reading.ts';
import { PrivateVictoria } from './private-victoria.ts';
import { Spool } from './spool.ts';
import { SpoolForwarder } from './spool-forwarder.ts';
import { InfluxLineWriter, LineFormatter, type TagsFor } from './tsdb-writer.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--readings');
const total = at >= 0 ? Number(args[at + 1]) : 500_000;
const json = args.includes('--json');
const perRequest = 5_000;

/** Like the gateway's registry lookup: one tag object per point, handed out again and again. */
const tagsFor = (run: string): TagsFor => {
  const known = new Map<string, Record<string, string>>();
  return (pointId) => {
    let tags = known.get(pointId);
    if (!tags) {
      tags = { run, site: 'bench', building: `b${pointId.length % 5}`, equipment: pointId, point: 'sat' };
      known.set(pointId, tags);
    }
    return tags;
  };
};
const reading = (run: number, i: number): Reading => ({
  pointId: `r${run}.ahu-${i % 200}`,
  ts: Date.now() - 86_400_000 + Math.floor(i / 200),
  value: 20 + (i % 1000) / 100,
  quality: 'good',
});

interface Row {
  readonly case: string;
  readonly readingsPerSecond: number;
  readonly seconds: number;
}

const workDir = await mkdtemp(path.join(os.tmpdir(), 'steward-bench-forwarder-'));
const victoria = new PrivateVictoria({ dataDir: path.join(workDir, 'victoria') });
const rows: Row[] = [];
let run = 0;
try {
  await victoria.start();

  for (const gzip of [true, false]) {
    run += 1;
    const spool = new Spool({ dir: path.join(workDir, `spool-${run}`) });
    await spool.start();
    for (let i = 0; i < total; i += 1_000) {
      await spool.append(Array.from({ length: 1_000 }, (_, k) => reading(run, i + k)));
    }
    const sink = new InfluxLineWriter({
      url: victoria.url,
      org: 'steward',
      bucket: 'steward',
      tagsFor: tagsFor(`bench${run}`),
      gzipThreshold: gzip ? 1_000 : Number.MAX_SAFE_INTEGER,
    });
    const forwarder = new SpoolForwarder({ spool, consumer: 'tsdb', sink, batchSize: perRequest });
    const started = performance.now();
    await forwarder.start();
    while ((spool.stats().consumers.tsdb?.lagReadings ?? 1) > 0) await sleep(5);
    const seconds = (performance.now() - started) / 1000;
    await forwarder.stop();
    await spool.stop();
    rows.push({
      case: `spool → forwarder → InfluxLineWriter, gzip ${gzip ? 'on' : 'off'}`,
      readingsPerSecond: Math.round(total / seconds),
      seconds,
    });
  }

  run += 1;
  {
    const formatter = new LineFormatter(tagsFor(`bench${run}`));
    const api = new InfluxDB({ url: victoria.url }).getWriteApi('steward', 'steward', 'ms', {
      batchSize: perRequest + 1,
      flushInterval: 0,
      maxRetries: 0,
    });
    const started = performance.now();
    for (let i = 0; i < total; i += perRequest) {
      const lines: string[] = [];
      for (let k = i; k < i + perRequest; k++) lines.push(formatter.format(reading(run, k)) as string);
      api.writeRecords(lines);
      await api.flush();
    }
    const seconds = (performance.now() - started) / 1000;
    await api.close();
    rows.push({
      case: 'peer: one long-lived WriteApi, gzip on',
      readingsPerSecond: Math.round(total / seconds),
      seconds,
    });
  }

  run += 1;
  {
    const formatter = new LineFormatter(tagsFor(`bench${run}`));
    const started = performance.now();
    for (let i = 0; i < total; i += perRequest) {
      const lines: string[] = [];
      for (let k = i; k < i + perRequest; k++) lines.push(formatter.format(reading(run, k)) as string);
      const response = await fetch(`${victoria.url}/api/v2/write?org=steward&bucket=steward&precision=ms`, {
        method: 'POST',
        body: lines.join('\n'),
      });
      if (response.status !== 204) throw new Error(`HTTP ${response.status}`);
    }
    const seconds = (performance.now() - started) / 1000;
    rows.push({
      case: 'peer: bare fetch POST, no gzip',
      readingsPerSecond: Math.round(total / seconds),
      seconds,
    });
  }
} finally {
  await victoria.stop();
  await rm(workDir, { recursive: true, force: true });
}

console.log(
  `TSDB write, ${total.toLocaleString('en')} readings in requests of ${perRequest}, VictoriaMetrics 1.79.5 on loopback, Node ${process.version}, ${os.cpus().length} CPUs`,
);
console.log(`${'case'.padEnd(56)} ${'readings/s'.padStart(12)} ${'seconds'.padStart(8)}`);
for (const row of rows) {
  console.log(
    `${row.case.padEnd(56)} ${row.readingsPerSecond.toLocaleString('en').padStart(12)} ${row.seconds.toFixed(2).padStart(8)}`,
  );
}
if (json) console.log(JSON.stringify({ bench: 'tsdb-write', readings: total, rows }));
