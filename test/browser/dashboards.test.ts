import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, monthAt } from '../../dashboards/src/views/scores/months.ts';
import { launchChromium, type SignedInPage, screenshot } from '../helpers/browser.ts';
import { DemoPages, type DemoProcess, startDemo } from '../helpers/demo-process.ts';
import type { TestDatabase } from '../helpers/stack.ts';
import type { RunningSteward } from '../helpers/steward-process.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The dashboards in Debian's Chromium against `steward all --demo` on the real stack, with the
 * simulated building: a door forced open in the simulator becomes an alarm the operator
 * acknowledges, a work order the security vendor sees arrive on its phone without a reload,
 * accepts, checks in on and resolves once the door is shut, and the manager verifies. Another
 * vendor opening that order by URL is refused. The manager records an inspection on last month's
 * preview, closes the month and drills down to the deduction's evidence; the vendor sees only its
 * own scorecard and disputes the deduction, and the manager overturns it into revision 2. The
 * manager also records a complaint and its verified conclusion through their forms, reads the
 * year's annual evaluation, and the vendor gets the quarterly bulletin only once its quarter is
 * closed. Screenshots go to test/artifacts/browser/.
 */

const DOOR = 'MB-DOOR-01';
const VENDOR = 'jindun-security';
const OTHER_VENDOR = 'antu-lifts';
/** The contracts of VENDOR and OTHER_VENDOR in the sample configuration. */
const CONTRACT = 'security-2025';
const OTHER_CONTRACT = 'lifts-2025';
/** The month the scoring steps close: the last one ended at the site. */
const LAST_MONTH = addMonths(monthAt(Date.now(), 'Asia/Shanghai'), -1);
const PHONE = { width: 390, height: 844 };
const WALL = { width: 1920, height: 1080 };

describe('dashboards in a real browser', () => {
  let demo: DemoProcess;
  let db: TestDatabase;
  let steward: RunningSteward;
  let browser: Browser;
  let pages: DemoPages;
  let operator: SignedInPage;
  let vendor: SignedInPage;
  let faultId: string;
  let orderId: string;
  let scorer: SignedInPage;

  const open = (username: string, viewport = WALL): Promise<SignedInPage> => pages.open(username, viewport);

  const incidentState = async (): Promise<string | undefined> => {
    const { rows } = await db.pool.query<{ state: string }>(
      `select state from incidents where rule_id = 'door-forced-open' and equipment_id = $1 order by id desc limit 1`,
      [DOOR],
    );
    return rows[0]?.state;
  };

  beforeAll(async () => {
    demo = await startDemo();
    ({ db, steward } = demo);
    browser = await launchChromium();
    pages = new DemoPages(browser, steward.url);
  }, 120_000);

  afterAll(async () => {
    await pages?.closeAll();
    await browser?.close();
    if (demo) expect(await demo.stop()).toBe(0);
  }, 60_000);

  it('shows the control room on a wall screen and the vendor portal on a phone, in Chinese', async () => {
    operator = await open('operator', WALL);
    await operator.page.waitForSelector('.campus .building[data-building="330302A001"]');
    // Live values arrive over the socket: the door's tile gets a status other than offline.
    await operator.page.waitForSelector(`.tile[data-equipment="${DOOR}"]:not([data-status="offline"])`, {
      timeout: 30_000,
    });
    expect(await operator.page.textContent('#campus-title')).toBe('园区概览');
    await screenshot(operator.page, 'control-room');

    vendor = await open(VENDOR, PHONE);
    await vendor.page.waitForSelector('.vendor-portal');
    expect(await vendor.page.locator('.order-card').count()).toBe(0);
    // A marker on the page: a reload would wipe it, so the order must arrive without one.
    await vendor.page.evaluate(() => {
      (globalThis as unknown as { marker: string }).marker = 'no reload';
    });
    await screenshot(vendor.page, 'vendor-portal-empty');
  }, 60_000);

  it('the operator sees a fault injected in the simulator appear as an alarm and acknowledges it', async () => {
    const injected = await fetch(`${steward.url}/simulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'door_forced_open', equipmentId: DOOR }),
    });
    expect(injected.status).toBe(201);
    faultId = ((await injected.json()) as { fault: { id: string } }).fault.id;

    const alarm = operator.page.locator(`li.alarm[data-rule="door-forced-open"][data-equipment="${DOOR}"]`);
    await alarm.waitFor({ timeout: 30_000 });
    expect(await alarm.getAttribute('class')).toContain('active');
    await operator.page.waitForSelector(`.tile[data-equipment="${DOOR}"][data-status="forced"]`, {
      timeout: 10_000,
    });
    await screenshot(operator.page, 'control-room-alarm');

    await alarm.getByRole('button', { name: '确认' }).click();
    await operator.page.waitForSelector(
      `li.alarm.acknowledged[data-rule="door-forced-open"][data-equipment="${DOOR}"]`,
      { timeout: 10_000 },
    );
    expect(await incidentState()).toBe('acknowledged');
    expect(await alarm.textContent()).toContain('已确认（operator）');
    expect(operator.problems).toEqual([]);
  }, 60_000);

  it('the vendor sees the new order arrive without reloading, accepts it, checks in and resolves it', async () => {
    const card = vendor.page.locator('.order-card').first();
    await card.waitFor({ timeout: 30_000 });
    expect(await vendor.page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe(
      'no reload',
    );
    orderId = (await card.getAttribute('data-order')) ?? '';
    expect(orderId).toMatch(/^\d+$/);
    expect(await card.getAttribute('data-state')).toBe('dispatched');
    // A live SLA countdown to the accept deadline.
    expect(await card.locator('.countdown').textContent()).toMatch(/^剩余 \d{2}:\d{2}/);
    await screenshot(vendor.page, 'vendor-portal-new-order');

    const cardOf = () => vendor.page.locator(`.order-card[data-order="${orderId}"]`);
    await cardOf().locator('button[data-action="accept"]').click();
    await vendor.page.waitForSelector(`.order-card[data-order="${orderId}"][data-state="accepted"]`);
    await cardOf().locator('button[data-action="arrive"]').click();
    await vendor.page.waitForSelector(`.order-card[data-order="${orderId}"][data-state="on_site"]`);

    // The door is shut again on site: the simulator's fault ends and the alarm clears.
    const cleared = await fetch(`${steward.url}/simulator/faults/${faultId}`, { method: 'DELETE' });
    expect(cleared.ok).toBe(true);
    await waitFor(
      async () => (await incidentState()) === 'cleared' || undefined,
      'the alarm to clear',
      30_000,
      250,
    );

    await cardOf().locator('button[data-action="resolve"]').click();
    await vendor.page.fill(`.order-card[data-order="${orderId}"] textarea[name=cause]`, '门禁控制器锁舌卡滞');
    await vendor.page.fill(
      `.order-card[data-order="${orderId}"] textarea[name=actionTaken]`,
      '更换锁舌并复位控制器',
    );
    await cardOf().locator('button[data-submit="resolve"]').click();
    await vendor.page.waitForSelector(`.order-card[data-order="${orderId}"][data-state="resolved"]`);
    const { rows } = await db.pool.query<{ state: string; vendor_id: string }>(
      'select state, vendor_id from work_orders where id = $1',
      [orderId],
    );
    expect(rows).toEqual([{ state: 'resolved', vendor_id: VENDOR }]);
    await screenshot(vendor.page, 'vendor-portal-resolved');
    expect(vendor.problems).toEqual([]);
  }, 90_000);

  it('the manager finds it in the verification queue and verifies it', async () => {
    const manager = await open('manager', WALL);
    await manager.page.waitForSelector('.manager');
    const queued = manager.page.locator(
      `[data-testid="verification-queue"] .order-card[data-order="${orderId}"]`,
    );
    await queued.waitFor({ timeout: 10_000 });
    await screenshot(manager.page, 'manager-verification-queue');
    await queued.locator('button[data-action="verify"]').click();
    await queued.waitFor({ state: 'detached', timeout: 10_000 });
    const { rows } = await db.pool.query<{ state: string }>('select state from work_orders where id = $1', [
      orderId,
    ]);
    expect(rows[0]?.state).toBe('verified');

    await manager.page.goto(`/orders/${orderId}`);
    await manager.page.waitForSelector(`.order-page[data-order="${orderId}"][data-state="verified"]`);
    const history = await manager.page
      .locator('.timeline li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-action')));
    expect(history).toEqual(expect.arrayContaining(['create', 'accept', 'arrive', 'resolve', 'verify']));
    await screenshot(manager.page, 'order-verified');
    expect(manager.problems).toEqual([]);
  }, 60_000);

  it('shows the manager the energy page: the contract, this month by sub-item and the monthly report', async () => {
    const manager = await open('manager', WALL);
    await manager.page.goto('/energy');
    await manager.page.waitForSelector('[data-testid="consumption"] tbody tr');
    // The demo's store holds no baseline year: the page says so rather than showing a made-up saving.
    // The demo writes the building's simulated past in the background: until it is in, the page
    // says the baseline or the reporting days lack data rather than showing a made-up saving.
    await manager.page.waitForSelector(
      '[data-testid="savings"], [data-testid="no-reporting-days"], .energy .error',
      { timeout: 30_000 },
    );
    const text = await manager.page.textContent('.energy');
    expect(text).toMatch(/基线期数据不足|节能率|尚无可比较/);
    const href = await manager.page.getAttribute('[data-testid="report-pdf"]', 'href');
    const pdf = await manager.page.request.get(href ?? '');
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await screenshot(manager.page, 'energy');
    expect(manager.problems.filter((problem) => !problem.includes('422'))).toEqual([]);
  }, 60_000);

  it('refuses another vendor who opens that order by URL, and shows nothing of it', async () => {
    const other = await open(OTHER_VENDOR, PHONE);
    await other.page.goto(`/orders/${orderId}`);
    await other.page.waitForSelector('[data-testid="order-not-found"]');
    expect(await other.page.textContent('[data-testid="order-not-found"]')).toContain(
      '工单不存在，或您无权查看',
    );
    expect(await other.page.locator('.order-page').count()).toBe(0);
    await screenshot(other.page, 'other-vendor-refused');
  }, 30_000);

  it("the manager records an inspection on last month's preview, closes the month and drills down to the evidence", async () => {
    scorer = await open('manager', WALL);
    const { page } = scorer;
    await page.goto('/scores');
    await page.waitForSelector(`[data-testid="scores"][data-month="${LAST_MONTH}"]`);
    // A fresh database: nothing of last month is closed, every contract in force is listed as such.
    const waiting = page.locator(`[data-testid="not-closed"] li[data-contract="${CONTRACT}"]`);
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain('尚未关账');
    expect(await page.locator('[data-testid="scores-empty"]').textContent()).toContain('尚无已关账');

    await waiting.getByRole('link').click();
    await page.waitForSelector(`.scorecard-page[data-contract="${CONTRACT}"][data-closed="false"]`);
    expect(await page.textContent('[data-testid="preview-note"]')).toContain('尚未关账');
    const form = page.locator('[data-testid="inspection-form"]');
    await form.locator('select[name=level]').selectOption('major');
    await form.locator('textarea[name=description]').fill('消防控制室无人值守');
    await form.locator('button[data-submit="inspection"]').click();
    const major = page.locator('[data-testid="lines"] tr[data-item="inspectionMajor"]');
    await major.waitFor({ timeout: 10_000 });
    expect(await major.textContent()).toContain('消防控制室无人值守');

    // A complaint through its form, then its investigation's conclusion with the evidence: verified,
    // it deducts, and the refreshed preview shows the new line.
    const inputs = page.locator('[data-testid="manager-inputs"]');
    await inputs.locator('button[data-input="complaint"]').click();
    const complaint = page.locator('[data-testid="complaint-form"]');
    await complaint.locator('select[name=channel]').selectOption('hotline');
    await complaint.locator('textarea[name=summary]').fill('夜间大门无人值守，访客直接进入');
    await complaint.locator('button[data-submit="complaint"]').click();
    const complaintId = await complaint.locator('[role="status"]').getAttribute('data-recorded');
    expect(complaintId).toMatch(/^\d+$/);
    expect(await page.locator('[data-testid="lines"] tr[data-item="verifiedComplaint"]').count()).toBe(0);
    await inputs.locator('button[data-input="conclusion"]').click();
    const conclusion = page.locator('[data-testid="conclusion-form"]');
    await conclusion
      .locator(`select[name=complaintId] option[value="${complaintId}"]`)
      .waitFor({ state: 'attached' });
    await conclusion.locator('select[name=complaintId]').selectOption(complaintId ?? '');
    await conclusion.locator('select[name=result]').selectOption('verified');
    await conclusion.locator('textarea[name=finding]').fill('调阅监控录像，值守人员离岗 40 分钟');
    await conclusion.locator('input[name=evidenceName]').fill('监控截图.png');
    await conclusion.locator('input[name=evidenceUri]').fill('https://files.example.gov.cn/scoring/cctv.png');
    await conclusion.locator('button[data-submit="conclusion"]').click();
    const verified = page.locator('[data-testid="lines"] tr[data-item="verifiedComplaint"]');
    await verified.waitFor({ timeout: 10_000 });
    expect(await verified.textContent()).toContain('夜间大门无人值守');
    expect(await verified.locator('li[data-evidence="attachment"]').textContent()).toContain('监控截图.png');
    // The form has nothing left to conclude.
    await page.waitForSelector('[data-testid="no-open-complaints"]');
    await screenshot(page, 'scorecard-preview-complaint');

    // A satisfaction survey: the response rate as it is typed, then the year's rates as scored.
    await inputs.locator('button[data-input="survey"]').click();
    const survey = page.locator('[data-testid="survey-form"]');
    await survey.locator('input[name=distributed]').fill('40');
    await survey.locator('input[name=returned]').fill('38');
    expect(await page.textContent('[data-testid="response-rate"]')).toContain('95%');
    await survey.locator('input[name=itemLabel]').fill('门岗值守');
    for (const [rating, count] of Object.entries({ excellent: '30', good: '6', fair: '2', poor: '0' }))
      await survey.locator(`input[name=count-${rating}]`).fill(count);
    await survey.locator('textarea[name=comments]').fill('夜间值守需加强');
    await survey.locator('input[name=evidenceName]').fill('问卷扫描件.pdf');
    await survey.locator('input[name=evidenceUri]').fill('https://files.example.gov.cn/scoring/survey.pdf');
    await survey.locator('button[data-submit="survey"]').click();
    // 优 and 较好 are the sample scheme's satisfied ratings: 36 of 38 answers.
    const surveyed = page.locator('[data-testid="year-figures"] tr[data-survey]');
    await surveyed.waitFor({ timeout: 10_000 });
    expect(await surveyed.locator('td[data-rate]').textContent()).toContain('94.74%');
    expect(await surveyed.locator('td[data-response-rate]').getAttribute('data-response-rate')).toBe('0.95');
    // Its evidence opens from the year's figures.
    const scan = surveyed.locator('td[data-survey-evidence] a');
    expect(await scan.textContent()).toBe('问卷扫描件.pdf');
    expect(await scan.getAttribute('href')).toBe('https://files.example.gov.cn/scoring/survey.pdf');
    await screenshot(page, 'scorecard-preview-survey');

    await page.getByRole('link', { name: '返回' }).click();
    await page.click('[data-testid="close-month"]');
    expect(await page.textContent('.close-month')).toContain('确认关账');
    await page.click('[data-testid="close-month-confirm"]');
    const row = page.locator(`[data-testid="scorecards"] tr[data-contract="${CONTRACT}"]`);
    await row.waitFor({ timeout: 15_000 });
    await page.waitForSelector('[data-testid="not-closed"]', { state: 'detached' });
    expect(await page.textContent('[data-testid="closed-note"]')).toMatch(/已关账：\d+ 份评分表/);
    // Ranked by score: the one deduction puts the security contract last, below a full score.
    const ranking = await page
      .locator('[data-testid="scorecards"] tbody tr')
      .evaluateAll((rows) => rows.map((tr) => tr.getAttribute('data-contract')));
    expect(ranking.length).toBeGreaterThan(1);
    expect(ranking.at(-1)).toBe(CONTRACT);
    expect(await row.locator('td[data-column="deductions"]').textContent()).toMatch(/^−\d/);
    await page.waitForSelector('.scores .chart canvas');
    await screenshot(page, 'scores');

    await row.getByRole('link', { name: CONTRACT }).click();
    await page.waitForSelector(`.scorecard-page[data-closed="true"][data-revision="1"]`);
    const line = page.locator('[data-testid="lines"] tr[data-item="inspectionMajor"]');
    expect(await line.getAttribute('data-status')).toBe('counted');
    // The evidence: the inspection record the API sent with the scorecard, and who recorded it.
    const evidence = line.locator('li[data-evidence="inspection"]');
    expect(await evidence.textContent()).toMatch(
      /检查记录 \d+ 第 1 项.*月度考核检查.*重大问题：消防控制室无人值守/,
    );
    expect(await page.locator('[data-testid="revisions"] tbody tr').count()).toBe(1);
    const pdf = await page.request.get(
      (await page.getAttribute('[data-testid="scorecard-pdf"]', 'href')) ?? '',
    );
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await screenshot(page, 'scorecard-drill-down');
    expect(scorer.problems).toEqual([]);
  }, 60_000);

  it('shows the vendor only its own scorecards and takes its dispute of the deduction', async () => {
    const { page } = vendor;
    await page.goto('/my-scores');
    await page.waitForSelector(`[data-testid="my-scores"] [data-testid="scorecards"] tr[data-contract]`);
    const contracts = await page
      .locator('[data-testid="scorecards"] tbody tr')
      .evaluateAll((rows) => rows.map((tr) => tr.getAttribute('data-contract')));
    expect(contracts).toEqual([CONTRACT]);
    expect(await page.textContent('main')).not.toContain(OTHER_CONTRACT);
    await screenshot(page, 'vendor-scores');

    await page.getByRole('link', { name: CONTRACT }).click();
    const line = page.locator('[data-testid="lines"] tr[data-item="inspectionMajor"]');
    await line.waitFor();
    await line.locator('button[data-dispute]').click();
    await page.fill(
      '[data-testid="dispute-form"] textarea[name=statement]',
      '当日值守人员在岗，有监控录像为证',
    );
    await page.click('[data-testid="dispute-form"] button[data-submit="appeal"]');
    await page.waitForSelector(
      '[data-testid="lines"] tr[data-item="inspectionMajor"][data-appeal="pending"]',
    );
    expect(await page.textContent('[data-testid="appeals"] li[data-state="pending"]')).toContain(
      '当日值守人员在岗',
    );
    expect(await line.locator('button[data-dispute]').count()).toBe(0);
    await screenshot(page, 'vendor-scorecard-appeal');

    // Another vendor's contract by URL: nothing but that there is nothing to see.
    await page.goto(`/scores/${OTHER_CONTRACT}/${LAST_MONTH}`);
    await page.waitForSelector('[data-testid="scorecard-not-found"]');
    expect(await page.locator('.scorecard-page').count()).toBe(0);
    expect(vendor.problems).toEqual([]);
  }, 30_000);

  it('the manager overturns the appeal and the next revision withdraws the deduction', async () => {
    const { page } = scorer;
    await page.reload();
    const pending = page.locator('[data-testid="appeals"] li[data-state="pending"]');
    await pending.waitFor();
    await pending.locator('textarea[name=reason]').fill('调阅监控录像，值守人员在岗');
    await pending.locator('button[data-decide="overturned"]').click();
    await page.waitForSelector('.scorecard-page[data-revision="2"]');
    const line = page.locator('[data-testid="lines"] tr[data-item="inspectionMajor"]');
    expect(await line.getAttribute('data-status')).toBe('overturned');
    expect(await line.getAttribute('data-appeal')).toBe('overturned');
    expect(await page.textContent('[data-testid="appeals"] li[data-state="overturned"]')).toContain(
      '调阅监控录像，值守人员在岗',
    );
    expect(await page.locator('[data-testid="revisions"] tbody tr').count()).toBe(2);
    await screenshot(page, 'scorecard-overturned');
    expect(scorer.problems).toEqual([]);
  }, 30_000);

  it('shows the manager the annual evaluation: levels with their weights, grade and consequences, listed only', async () => {
    const { page } = scorer;
    const year = LAST_MONTH.slice(0, 4);
    await page.goto(`/scores?month=${LAST_MONTH}`);
    await page.getByRole('link', { name: `${year} 年度考评` }).click();
    await page.waitForSelector(`[data-testid="annual"][data-year="${year}"]`);
    const section = page.locator(`.contract-year[data-contract="${CONTRACT}"]`);
    await section.waitFor({ timeout: 15_000 });
    expect(await page.locator(`[data-testid="annual-summary"] tr[data-contract="${CONTRACT}"]`).count()).toBe(
      1,
    );
    const levels = await section
      .locator('[data-testid="levels"] tbody tr')
      .evaluateAll((rows) => rows.map((tr) => tr.getAttribute('data-level')));
    expect(levels).toEqual(['dailyPatrols', 'monthlyAssessments', 'leadershipReview', 'satisfaction']);
    // Last month is closed: the monthly level has a score, and the year has a grade from it.
    expect(
      await section.locator('tr[data-level="monthlyAssessments"] td[data-score]').getAttribute('data-score'),
    ).toMatch(/^\d/);
    expect(await section.getAttribute('data-grade')).toMatch(/^(excellent|good|pass|fail)$/);
    expect(await section.locator('[data-testid="annual-result"]').textContent()).toContain('年度考评');
    expect(
      await section.locator('[data-testid="consequences"], [data-testid="consequences-none"]').count(),
    ).toBe(1);
    expect(await page.textContent('[data-testid="listed-not-applied"]')).toContain('系统不会自动');
    await screenshot(page, 'annual');
    expect(scorer.problems).toEqual([]);
  }, 60_000);

  it('offers the vendor the quarterly bulletin only once all three of its months are closed', async () => {
    const { page } = vendor;
    // Last month's quarter has months still open: not published, no link.
    await page.goto(`/my-scores?month=${LAST_MONTH}`);
    await page.waitForSelector('[data-testid="bulletin-not-published"]');
    expect(await page.locator('[data-testid="bulletin-pdf"]').count()).toBe(0);

    // The manager closes the last quarter that has ended, month by month.
    const current = monthAt(Date.now(), 'Asia/Shanghai');
    const quarterStart = addMonths(current, -((Number(current.slice(5, 7)) - 1) % 3));
    const ended = [-3, -2, -1].map((n) => addMonths(quarterStart, n));
    for (const month of ended) {
      const closed = await scorer.page.request.post(`/api/scoring/months/${month}/close`, { data: {} });
      expect(closed.status(), month).toBe(200);
    }

    await page.goto(`/my-scores?month=${ended[0]}`);
    const pdfLink = page.locator('[data-testid="bulletin-pdf"]');
    await pdfLink.waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="bulletin-not-published"]').count()).toBe(0);
    // The whole ranking as published: every contract, not only the vendor's own.
    const ranked = await page
      .locator('[data-testid="bulletin-ranking"] tbody tr')
      .evaluateAll((rows) => rows.map((tr) => tr.getAttribute('data-contract')));
    expect(ranked).toContain(CONTRACT);
    expect(ranked).toContain(OTHER_CONTRACT);
    const pdf = await page.request.get((await pdfLink.getAttribute('href')) ?? '');
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    const json = await page.request.get(
      (await page.getAttribute('[data-testid="bulletin-json"]', 'href')) ?? '',
    );
    expect(json.status()).toBe(200);
    await screenshot(page, 'vendor-bulletin');
    expect(vendor.problems).toEqual([]);
  }, 60_000);

  it('switches the whole interface to English', async () => {
    await operator.page.click('[data-testid="language"]');
    await operator.page.waitForSelector('text=Campus overview');
    expect(await operator.page.textContent('header.top nav')).toContain('Control room');
    await screenshot(operator.page, 'control-room-en');
  }, 30_000);
});
