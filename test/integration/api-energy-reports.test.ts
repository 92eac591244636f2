import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PointIndex } from '../../gateway/ingest/point-index.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { InfluxLineWriter } from '../../gateway/store/tsdb-writer.ts';
import { ApiHarness } from '../../services/api/test-harness.ts';
import { decodePng, inkedPixels } from '../../services/reports/testing/png.ts';
import { pdfText, renderPagePng } from '../../services/reports/testing/poppler.ts';
import { stackSettings, uniqueName } from '../helpers/stack.ts';

/**
 * The monthly energy report through the API, from registers stored in the real VictoriaMetrics:
 * the CSV opens in a spreadsheet (BOM, the Chinese labels, the month's figure), and the PDF opens
 * and renders (page 1 converted to PNG has ink; its text has the title, the buildings and the
 * contract section).
 */

const MIN = 60_000;
const run = uniqueName('report');
const h = new ApiHarness();
const dir = mkdtempSync(path.join(tmpdir(), 'energy-report-'));
// October 2026 in Asia/Shanghai: 1 October 00:00 (UTC+8) to 1 November 00:00.
const OCT_FROM = Date.UTC(2026, 8, 30, 16);
const OCT_TO = Date.UTC(2026, 9, 31, 16);

describe('monthly energy report through the API', () => {
  beforeAll(async () => {
    await h.open({ telemetryLabels: { test_run: run } });
    const index = new PointIndex(h.wo.model);
    const writer = new InfluxLineWriter({
      url: stackSettings.TSDB_URL,
      token: stackSettings.TSDB_TOKEN,
      org: stackSettings.TSDB_ORG,
      bucket: stackSettings.TSDB_BUCKET,
      tagsFor: (pointId) => {
        const tags = index.get(pointId)?.tags;
        return tags ? { ...tags, test_run: run } : undefined;
      },
    });
    // The main building's lighting feeder, every 15 minutes through October at 10 kWh a quarter hour.
    const readings: Reading[] = [];
    let value = 50_000;
    for (let ts = OCT_FROM - 15 * MIN; ts <= OCT_TO + 15 * MIN; ts += 15 * MIN) {
      readings.push({ pointId: 'MB-EM-01A00.energy', ts, value, quality: 'good' });
      value += 10;
    }
    await writer.write(readings);
    expect((await fetch(`${stackSettings.TSDB_URL}/internal/force_flush`)).ok).toBe(true);
  });
  afterAll(async () => {
    await h.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the CSV with a byte-order mark, Chinese labels and the month measured', async () => {
    const response = await h.request('manager', {
      method: 'GET',
      url: '/api/energy/reports/monthly.csv?month=2026-10',
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const text = response.body;
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).toContain('月度能耗报表');
    // 31 days × 96 quarter hours × 10 kWh.
    const lighting = text.split('\r\n').find((line) => line.includes('主楼') && line.includes('01A00'));
    expect(lighting?.split(',')[4]).toBe(String(31 * 96 * 10));
  });

  it('answers a PDF that opens and renders, with the title, the buildings and the contract section', async () => {
    const response = await h.request('manager', {
      method: 'GET',
      url: '/api/energy/reports/monthly.pdf?month=2026-10',
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const file = path.join(dir, 'monthly.pdf');
    writeFileSync(file, response.rawPayload);
    const png = decodePng(await renderPagePng(file, 1, 50, dir));
    expect(inkedPixels(png)).toBeGreaterThan(1_000);
    const text = await pdfText(file);
    expect(text).toContain('月度能耗报表');
    expect(text).toContain('主楼');
    expect(text).toContain('合同能源管理');
  });

  it('records a non-routine adjustment with its author, and a correction that supersedes it, both kept', async () => {
    const url = '/api/energy/contracts/energy-epc-2025/adjustments';
    const body = { fromDate: '2025-06-01', toDate: '2025-06-30', kwh: 1_200, reason: '新增数据机房负荷' };
    const first = await h.request('manager', { method: 'POST', url, payload: body });
    expect(first.statusCode).toBe(201);
    const recorded = first.json<{ id: string; author: string; superseded: boolean }>();
    expect(recorded).toMatchObject({ author: h.users.manager.username, superseded: false });
    const correction = await h.request('manager', {
      method: 'POST',
      url,
      payload: { ...body, kwh: 900, reason: '按实测负荷更正', supersedes: recorded.id },
    });
    expect(correction.statusCode).toBe(201);
    const list = await h.request('auditor', { method: 'GET', url });
    const adjustments = list.json<{
      adjustments: { id: string; kwh: number; superseded: boolean; supersedes: string | null }[];
    }>().adjustments;
    expect(adjustments).toEqual([
      expect.objectContaining({ id: recorded.id, kwh: 1_200, superseded: true, supersedes: null }),
      expect.objectContaining({ kwh: 900, superseded: false, supersedes: recorded.id }),
    ]);
    // The same adjustment cannot be corrected twice, and a range must run forwards.
    const again = await h.request('manager', {
      method: 'POST',
      url,
      payload: { ...body, supersedes: recorded.id },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('invalid_adjustment');
    const backwards = await h.request('manager', {
      method: 'POST',
      url,
      payload: { ...body, fromDate: '2025-07-01' },
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json<{ error: { code: string } }>().error.code).toBe('invalid_adjustment');
  });

  it('refuses a month that is not one', async () => {
    const response = await h.request('manager', {
      method: 'GET',
      url: '/api/energy/reports/monthly.pdf?month=2026-13',
    });
    expect(response.statusCode).toBe(400);
  });
});
