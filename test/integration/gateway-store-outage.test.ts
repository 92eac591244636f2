import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SinkError } from '../../gateway/store/errors.ts';
import { runOutageScenario } from '../../gateway/store/outage-scenario.ts';
import { freePort, PrivateVictoria } from '../../gateway/store/private-victoria.ts';
import { InfluxLineWriter } from '../../gateway/store/tsdb-writer.ts';

/**
 * Against VictoriaMetrics processes of this file's own (the shared stack server on :8438 is
 * never stopped: other test files use it).
 */
describe('InfluxLineWriter against a private VictoriaMetrics', () => {
  let workDir: string;
  let victoria: PrivateVictoria;
  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'steward-tsdb-writer-'));
    victoria = new PrivateVictoria({ dataDir: path.join(workDir, 'victoria') });
    await victoria.start();
  });
  afterAll(async () => {
    await victoria?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('stores tags with commas, spaces, equals signs and Chinese text exactly, and quality only when uncertain', async () => {
    const run = `w_${randomBytes(4).toString('hex')}`;
    const tags: Record<string, Record<string, string>> = {
      'b1.ahu-1.sat': {
        run,
        site: '市行政中心',
        building: 'A, east',
        equipment: 'AHU 1',
        point: 'sat=supply',
      },
      'b1.meter.kwh': { run, site: '市行政中心', building: 'A, east', equipment: 'meter', point: 'kwh' },
    };
    const writer = new InfluxLineWriter({
      url: victoria.url,
      org: 'steward',
      bucket: 'steward',
      tagsFor: (pointId) => tags[pointId],
    });
    const ts = Date.now() - 60_000;
    await writer.write([
      { pointId: 'b1.ahu-1.sat', ts, value: 16.25, quality: 'good' },
      { pointId: 'b1.ahu-1.sat', ts: ts + 1, value: 16.5, quality: 'uncertain' },
      { pointId: 'b1.meter.kwh', ts, value: 1_234_567.875, quality: 'good' },
      { pointId: 'b1.meter.kwh', ts: ts + 1, value: Number.NaN, quality: 'good' },
    ]);
    await victoria.forceFlush();

    const values = await victoria.exportSeries(`reading_value{run="${run}"}`);
    const byPoint = Object.fromEntries(values.map((s) => [s.metric.point, s]));
    expect(byPoint['sat=supply']?.metric).toEqual({
      __name__: 'reading_value',
      run,
      site: '市行政中心',
      building: 'A, east',
      equipment: 'AHU 1',
      point: 'sat=supply',
    });
    expect(byPoint['sat=supply']?.values).toEqual([16.25, 16.5]);
    expect(byPoint['sat=supply']?.timestamps).toEqual([ts, ts + 1]);
    expect(byPoint.kwh?.values).toEqual([1_234_567.875]);

    const quality = await victoria.exportSeries(`reading_quality{run="${run}"}`);
    expect(quality.map((s) => [s.metric.point, s.values, s.timestamps])).toEqual([
      ['sat=supply', [1], [ts + 1]],
    ]);
    expect(writer.stats()).toMatchObject({ linesWritten: 3, requests: 1, skippedNonFinite: 1 });
  });

  it('rejects with a SinkError when the store is unreachable', async () => {
    const writer = new InfluxLineWriter({
      url: `http://127.0.0.1:${await freePort()}`,
      org: 'steward',
      bucket: 'steward',
      tagsFor: () => undefined,
    });
    const failed = writer.write([{ pointId: 'p', ts: Date.now(), value: 1, quality: 'good' }]);
    await expect(failed).rejects.toBeInstanceOf(SinkError);
    await expect(failed).rejects.toMatchObject({ code: 'write_failed', statusCode: undefined });
  });

  it('leaves retrying to the caller: the client re-sends nothing by itself after a failed write', async () => {
    // A server that fails on demand (VictoriaMetrics cannot be told to): 503 with Retry-After: 1,
    // which the client's own retry buffer would honour with a second request about a second later.
    let requests = 0;
    const server = createServer((request, response) => {
      requests += 1;
      request.resume();
      response.writeHead(503, { 'retry-after': '1' }).end('overloaded');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    try {
      const writer = new InfluxLineWriter({
        url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
        org: 'steward',
        bucket: 'steward',
        tagsFor: () => undefined,
      });
      await expect(writer.write([{ pointId: 'p', ts: 1, value: 1, quality: 'good' }])).rejects.toMatchObject({
        code: 'write_failed',
        statusCode: 503,
      });
      await sleep(1_600);
      expect(requests).toBe(1);
    } finally {
      server.close();
    }
  });
});

describe('store-and-forward through a TSDB outage', () => {
  it('stores every acknowledged reading exactly once after the store was down, and a replay changes nothing', async () => {
    const result = await runOutageScenario();
    // The outage really happened and the forwarder really had to hold readings back.
    expect(result.forwarder.failures).toBeGreaterThan(0);
    expect(result.maxLagReadings).toBeGreaterThan(0);
    expect(result.sent).toBeGreaterThan(0);

    expect(result).toMatchObject({
      stored: result.sent,
      lost: 0,
      duplicated: 0,
      wrong: 0,
      droppedReadings: 0,
      storedAfterReplay: result.sent,
      duplicatedAfterReplay: 0,
    });
    expect(result.forwarder.written).toBe(result.sent);
  }, 120_000);
});
