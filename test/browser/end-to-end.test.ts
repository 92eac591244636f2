import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, monthAt } from '../../dashboards/src/views/scores/months.ts';
import { verifyWebhook, type WebhookPayload } from '../../services/notifications/index.ts';
import { launchChromium, type SignedInPage, screenshot } from '../helpers/browser.ts';
import { DemoPages, type DemoProcess, startDemo } from '../helpers/demo-process.ts';
import { stackSettings, type TestDatabase } from '../helpers/stack.ts';
import type { RunningSteward } from '../helpers/steward-process.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Issue 9, point 1: the chain from a sensor to a vendor's score, on the real stack (PostgreSQL,
 * Redis, VictoriaMetrics) and the simulated building, every link asserted:
 *
 *   a fault injected in the simulator (a forced door) → the reading stored in VictoriaMetrics →
 *   an incident whose trigger is that reading → a work order for the contract's vendor →
 *   the vendor notified (a signed webhook, and its portal without a reload) → the accept
 *   deadline passes: an SLA breach recorded once → the deduction on the month's preview →
 *   the month ends, the manager closes it in the browser → the monthly scorecard (revision 1,
 *   98 points) → its drill-down links the deduction to the work order, whose page shows the breach.
 *
 * Waiting a month is not an option, so the platform runs on the demo clock
 * (`all --demo --clock-start`), started LEAD_S seconds before the end of last month at the site:
 * the fault, the breach and the month end then happen within a few minutes of real time. The
 * security contract's accept time is cut to one minute in this test's copy of the configuration.
 */

const ZONE = 'Asia/Shanghai';
const DOOR = 'MB-DOOR-03';
const RULE = 'door-forced-open';
const VENDOR = 'jindun-security';
const CONTRACT = 'security-2025';
const SECRET = 'e2e-webhook-secret-jindun';
/** The month the scenario happens in: last month at the site, on a fresh database. */
const MONTH = addMonths(monthAt(Date.now(), ZONE), -1);
/** Its end: the first instant of the next month at the site (UTC+8, no daylight saving). */
const MONTH_END_MS = Date.parse(`${addMonths(MONTH, 1)}-01T00:00:00+08:00`);
/** The demo clock starts this long before the month ends: start-up, the fault, one minute to breach. */
const LEAD_S = 150;
/** The fault must be in before this, or the breach (a minute later, seen within seconds) could fall in the next month. */
const LATEST_FAULT_MS = MONTH_END_MS - 70_000;
const PHONE = { width: 390, height: 844 };
const WALL = { width: 1920, height: 1080 };

interface Received {
  readonly payload: WebhookPayload;
  readonly verified: boolean;
}

describe('end to end: a forced door to a deduction on the monthly scorecard', () => {
  let demo: DemoProcess;
  let db: TestDatabase;
  let steward: RunningSteward;
  let browser: Browser;
  let pages: DemoPages;
  let receiver: Server;
  /** Platform time minus system time: the demo clock's offset, read from the process. */
  let offsetMs = 0;
  const platformNow = (): number => Date.now() + offsetMs;
  const hooks: Received[] = [];
  let vendor: SignedInPage;
  let faultAtMs = 0;
  let incidentId = '';
  let orderId = '';

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        // The platform signs with its own (demo) clock: check the timestamp against that.
        const check = verifyWebhook({ secret: SECRET, headers: request.headers, body, nowMs: platformNow() });
        hooks.push({ payload: JSON.parse(body.toString()) as WebhookPayload, verified: check.ok });
        response.writeHead(check.ok ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/${VENDOR}`;

    const clockStartMs = MONTH_END_MS - LEAD_S * 1000;
    demo = await startDemo({
      edit: (fixture) => {
        fixture.edit('vendors.yaml', (d) => {
          const index = (d.toJS().vendors as { id: string }[]).findIndex((v) => v.id === VENDOR);
          d.setIn(['vendors', index, 'webhook'], { url: hookUrl, secret: 'env:E2E_WEBHOOK_SECRET' });
        });
        fixture.edit('contracts.yaml', (d) => {
          const index = (d.toJS().contracts as { id: string }[]).findIndex((c) => c.id === CONTRACT);
          d.setIn(['contracts', index, 'sla', 'major', 'acceptMinutes'], 1);
        });
      },
      env: { E2E_WEBHOOK_SECRET: SECRET },
      args: ['--clock-start', new Date(clockStartMs).toISOString()],
    });
    ({ db, steward } = demo);
    // The process made its clock after it started: learn the offset from the clock itself,
    // bracketed by two system readings.
    const asked = Date.now();
    const health = (await (await fetch(`${steward.url}/health`)).json()) as { nowMs: number };
    offsetMs = health.nowMs - (asked + Date.now()) / 2;
    expect(Math.abs(health.nowMs - clockStartMs)).toBeLessThan(120_000);
    browser = await launchChromium();
    pages = new DemoPages(browser, steward.url);
  }, 150_000);

  afterAll(async () => {
    await pages?.closeAll();
    await browser?.close();
    if (demo) expect(await demo.stop()).toBe(0);
    await new Promise((resolve) => receiver?.close(resolve));
  }, 60_000);

  it('a fault injected in the simulator is stored as a reading and becomes an incident with that reading as its trigger', async () => {
    vendor = await pages.open(VENDOR, PHONE);
    await vendor.page.waitForSelector('.vendor-portal');
    await vendor.page.evaluate(() => {
      (globalThis as unknown as { marker: string }).marker = 'no reload';
    });

    const before = platformNow();
    expect(
      before,
      `the platform took too long to start: the fault must be in before ${new Date(LATEST_FAULT_MS).toISOString()}`,
    ).toBeLessThan(LATEST_FAULT_MS);
    const injected = await fetch(`${steward.url}/simulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'door_forced_open', equipmentId: DOOR }),
    });
    expect(injected.status).toBe(201);
    const fault = ((await injected.json()) as { fault: { startedAt: string } }).fault;
    faultAtMs = Date.parse(fault.startedAt);
    // The simulator runs on the platform's clock, not the system's.
    expect(faultAtMs).toBeGreaterThanOrEqual(before - 1_000);
    expect(faultAtMs).toBeLessThan(MONTH_END_MS);

    const incident = await waitFor(
      async () =>
        (
          await db.pool.query<{ id: string; state: string; first_seen: Date; trigger_value: number }>(
            'select id, state, first_seen, trigger_value from incidents where rule_id = $1 and equipment_id = $2',
            [RULE, DOOR],
          )
        ).rows[0],
      'the incident',
      30_000,
      250,
    );
    incidentId = incident.id;
    expect(incident.state).toBe('active');
    expect(incident.trigger_value).toBe(1);
    expect(incident.first_seen.getTime()).toBeGreaterThanOrEqual(faultAtMs);

    // The reading that fired it is in the store, at the incident's first_seen instant.
    const stored = await waitFor(
      async () => {
        await fetch(`${stackSettings.TSDB_URL}/internal/force_flush`);
        const url = new URL('/api/v1/export', stackSettings.TSDB_URL);
        url.searchParams.set('match[]', `reading_value{point="${DOOR}.forced_open"}`);
        url.searchParams.set('start', String(Math.floor(faultAtMs / 1000) - 1));
        url.searchParams.set('end', String(Math.ceil(faultAtMs / 1000) + 120));
        const text = await (await fetch(url)).text();
        const samples = text
          .split('\n')
          .filter(Boolean)
          .flatMap((line) => {
            const series = JSON.parse(line) as { values: number[]; timestamps: number[] };
            return series.timestamps.map((ts, i) => ({ ts, value: series.values[i] }));
          });
        return samples.some((s) => s.ts === incident.first_seen.getTime() && s.value === 1) || undefined;
      },
      'the triggering reading in VictoriaMetrics',
      30_000,
      500,
    );
    expect(stored).toBe(true);
  }, 90_000);

  it('the incident becomes a work order for the contract’s vendor, who is notified by a signed webhook and on its portal', async () => {
    const order = await waitFor(
      async () => {
        const { rows } = await db.pool.query<{
          id: string;
          vendor_id: string;
          contract_id: string;
          state: string;
        }>(
          `select o.id, o.vendor_id, o.contract_id, o.state from work_orders o
             join work_order_incidents l on l.order_id = o.id where l.incident_id = $1`,
          [incidentId],
        );
        return rows.length > 0 ? rows : undefined;
      },
      'the work order',
      30_000,
      250,
    );
    expect(order).toHaveLength(1);
    expect(order?.[0]).toMatchObject({ vendor_id: VENDOR, contract_id: CONTRACT, state: 'dispatched' });
    orderId = order?.[0]?.id ?? '';

    const hook = await waitFor(
      async () =>
        hooks.find((h) => h.payload.workOrder.id === orderId && h.payload.event === 'workorder.dispatch'),
      'the dispatch webhook',
      30_000,
      250,
    );
    expect(hook.verified).toBe(true);
    expect(hook.payload).toMatchObject({
      vendorId: VENDOR,
      workOrder: { state: 'dispatched', assignedToYou: true },
    });
    expect(hooks.every((h) => h.verified)).toBe(true);

    const card = vendor.page.locator(`.order-card[data-order="${orderId}"]`);
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getAttribute('data-state')).toBe('dispatched');
    expect(await vendor.page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe(
      'no reload',
    );
    await screenshot(vendor.page, 'e2e-vendor-order');
  }, 60_000);

  it('the accept deadline passes: the breach is recorded once and deducted on the month’s preview', async () => {
    const breach = await waitFor(
      async () =>
        (
          await db.pool.query<{ target: string; deadline: Date; detected_at: Date; n: string }>(
            `select target, deadline, detected_at, count(*) over () as n from sla_events where order_id = $1`,
            [orderId],
          )
        ).rows[0],
      'the accept breach',
      120_000,
      500,
    );
    expect(breach).toMatchObject({ target: 'accept', n: '1' });
    // Inside the month, and detected within seconds of the deadline (on the platform's clock).
    expect(breach.deadline.getTime()).toBeLessThan(MONTH_END_MS);
    expect(breach.detected_at.getTime() - breach.deadline.getTime()).toBeLessThan(5_000);

    const manager = await pages.open('manager', WALL);
    const preview = await manager.page.request.get(`/api/scoring/scorecards/${CONTRACT}/${MONTH}/preview`);
    expect(preview.status()).toBe(200);
    const body = (await preview.json()) as {
      scorecard: {
        total: number;
        lines: { item: string; points: number; evidence: { type: string; orderId?: string }[] }[];
      };
    };
    const line = body.scorecard.lines.find((l) => l.item === 'slaAccept');
    expect(line?.evidence).toContainEqual(expect.objectContaining({ type: 'work_order', orderId }));
    expect(body.scorecard.total).toBe(98);
  }, 150_000);

  it(
    'after the month ends the manager closes it, and the scorecard drills down to the order and its breach',
    async () => {
      await waitFor(
        async () => platformNow() > MONTH_END_MS + 2_000 || undefined,
        'the month to end on the platform’s clock',
        LEAD_S * 1000,
        1_000,
      );
      const manager = await pages.open('manager', WALL);
      const { page } = manager;
      await page.goto(`/scores?month=${MONTH}`);
      await page.waitForSelector(`[data-testid="scores"][data-month="${MONTH}"]`);
      await page.waitForSelector(`[data-testid="not-closed"] li[data-contract="${CONTRACT}"]`);
      await page.click('[data-testid="close-month"]');
      await page.click('[data-testid="close-month-confirm"]');
      const row = page.locator(`[data-testid="scorecards"] tr[data-contract="${CONTRACT}"]`);
      await row.waitFor({ timeout: 20_000 });
      await screenshot(page, 'e2e-scores');

      await row.getByRole('link', { name: CONTRACT }).click();
      await page.waitForSelector(`.scorecard-page[data-closed="true"][data-revision="1"]`);
      const line = page.locator('[data-testid="lines"] tr[data-item="slaAccept"]');
      expect(await line.getAttribute('data-status')).toBe('counted');
      const evidence = line.locator('li[data-evidence="work_order"] a');
      expect(await evidence.getAttribute('href')).toBe(`/orders/${orderId}`);
      await screenshot(page, 'e2e-scorecard');

      const { rows } = await db.pool.query<{ total: string; revision: number }>(
        `select total::text as total, revision from scoring_scorecards
        where contract_id = $1 and month = $2`,
        [CONTRACT, MONTH],
      );
      expect(rows).toEqual([{ total: '98', revision: 1 }]);

      await evidence.click();
      await page.waitForSelector(`.order-page[data-order="${orderId}"]`);
      expect(await page.textContent('.order-page')).toContain('SLA 违约');
      await screenshot(page, 'e2e-order');
      expect(manager.problems).toEqual([]);
    },
    LEAD_S * 1000 + 60_000,
  );
});
