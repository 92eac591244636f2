import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScorecardDetail } from '../../services/api/scoring-schemas.ts';
import { ApiHarness, type Caller } from '../../services/api/test-harness.ts';
import { decodePng, inkedPixels } from '../../services/reports/testing/png.ts';
import { pdfText, renderPagePng } from '../../services/reports/testing/poppler.ts';
import type { MonthlyScorecard } from '../../services/scoring/index.ts';

/**
 * A month of vendor A's lift contract through the API, as the manager and the vendor live it: an
 * inspection finds a 重大问题, the preview shows its deduction with the evidence, the manager closes
 * October, the vendor sees its own scorecard only and appeals, the manager overturns the appeal
 * and the next revision withdraws the line; the scorecard's PDF renders with its Chinese labels
 * and its CSV opens in a spreadsheet. Then the refusals a client meets, as their codes.
 */

const LIFTS = 'lifts-2025';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** October 2026, day `day` at `hour` o'clock at the site (UTC+8). */
const october = (day: number, hour = 10): number => Date.UTC(2026, 9, day, hour - 8);
const november = (day: number, hour = 10): number => Date.UTC(2026, 10, day, hour - 8);
const january = (day: number, hour = 10): number => Date.UTC(2027, 0, day, hour - 8);

const h = new ApiHarness();
const dir = mkdtempSync(path.join(tmpdir(), 'scoring-api-'));

const get = (caller: Caller, url: string) => h.request(caller, { method: 'GET', url });
const post = (caller: Caller, url: string, payload: Record<string, unknown>) =>
  h.request(caller, { method: 'POST', url, payload });
const codeOf = (response: { json: <T>() => T }) => response.json<{ error: { code: string } }>().error.code;
/** Moves the clock by weeks: the sessions signed in at the start would have expired, so sign in again. */
async function moveClock(ms: number): Promise<void> {
  h.wo.clock.set(ms);
  for (const account of Object.values(h.users))
    account.token = (await h.accounts.createSession(account.id)).token;
}

describe('vendor evaluation through the API', () => {
  let inspectionId: string;
  let majorLine: string;
  let generalLine: string;
  let appealId: string;

  beforeAll(async () => {
    await h.open();
  });
  afterAll(async () => {
    await h.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records an inspection with a 重大问题, and the preview shows its deduction with the evidence', async () => {
    h.wo.clock.set(october(20, 15));
    const recorded = await post('manager', '/api/scoring/inspections', {
      contractId: LIFTS,
      kind: 'monthly_assessment',
      conductedAtMs: october(20, 9),
      summary: '十月月度考核',
      findings: [
        {
          level: 'major',
          description: '维保记录缺失两次',
          buildingCode: '330302A001',
          attachments: [{ name: '维保记录.jpg', uri: 'https://files.example.gov.cn/scoring/log.jpg' }],
        },
        { level: 'general', description: '机房未上锁' },
      ],
    });
    expect(recorded.statusCode).toBe(201);
    const inspection = recorded.json<{ id: string; recordedBy: { userId: string } }>();
    inspectionId = inspection.id;
    expect(inspection.recordedBy.userId).toBe('chen.jie');
    majorLine = `inspectionMajor:inspection:${inspectionId}:finding:0`;
    generalLine = `inspectionGeneral:inspection:${inspectionId}:finding:1`;

    const preview = await get('manager', `/api/scoring/scorecards/${LIFTS}/2026-10/preview`);
    expect(preview.statusCode).toBe(200);
    const body = preview.json<{ closed: boolean; scorecard: MonthlyScorecard }>();
    expect(body.closed).toBe(false);
    // lift-standard: a major finding 5, a general one 1.
    expect(body.scorecard.total).toBe(94);
    const major = body.scorecard.lines.find((line) => line.id === majorLine);
    expect(major).toMatchObject({
      kind: 'deduction',
      item: 'inspectionMajor',
      points: 5,
      appliedPoints: 5,
      evidence: [
        { type: 'inspection', inspectionId, finding: 0 },
        { type: 'attachment', name: '维保记录.jpg', uri: 'https://files.example.gov.cn/scoring/log.jpg' },
      ],
      params: { description: '维保记录缺失两次', inspectionKind: 'monthly_assessment' },
    });
    // The vendor previews its own running month too; another vendor cannot.
    expect((await get('vendorA', `/api/scoring/scorecards/${LIFTS}/2026-10/preview`)).statusCode).toBe(200);
    expect((await get('vendorB', `/api/scoring/scorecards/${LIFTS}/2026-10/preview`)).statusCode).toBe(404);
  });

  it('refuses to close a month that has not ended, then closes October for every contract in force', async () => {
    const early = await post('manager', '/api/scoring/months/2026-10/close', {});
    expect(early.statusCode).toBe(409);
    expect(codeOf(early)).toBe('period_not_ended');

    h.wo.clock.set(november(2, 9));
    const closed = await post('manager', '/api/scoring/months/2026-10/close', {});
    expect(closed.statusCode).toBe(200);
    const { scorecards } = closed.json<{
      scorecards: { contractId: string; total: number; revision: number }[];
    }>();
    expect(scorecards.map((card) => card.contractId)).toEqual([
      'energy-epc-2025',
      'lifts-2025',
      'property-compound-2025',
      'property-outside-2025',
      'security-2025',
    ]);
    expect(scorecards.find((card) => card.contractId === LIFTS)).toMatchObject({ total: 94, revision: 1 });
    // Closed means closed: an inspection dated in October is refused now.
    const late = await post('manager', '/api/scoring/inspections', {
      contractId: LIFTS,
      kind: 'spot_check',
      conductedAtMs: october(30),
      findings: [],
    });
    expect(late.statusCode).toBe(409);
    expect(codeOf(late)).toBe('period_closed');
  });

  it("shows a vendor only its own scorecard, with every line's evidence records", async () => {
    const ofA = await get('vendorA', '/api/scoring/scorecards?month=2026-10');
    expect(ofA.json<{ scorecards: { contractId: string }[] }>().scorecards.map((c) => c.contractId)).toEqual([
      LIFTS,
    ]);
    const ofB = await get('vendorB', '/api/scoring/scorecards?month=2026-10');
    expect(ofB.json<{ scorecards: { contractId: string }[] }>().scorecards.map((c) => c.contractId)).toEqual([
      'security-2025',
    ]);
    const staff = await get('auditor', '/api/scoring/scorecards?month=2026-10');
    expect(staff.json<{ scorecards: unknown[] }>().scorecards).toHaveLength(5);

    const detail = await get('vendorA', `/api/scoring/scorecards/${LIFTS}/2026-10`);
    expect(detail.statusCode).toBe(200);
    const card = detail.json<ScorecardDetail>();
    expect(card.summary).toMatchObject({
      revision: 1,
      total: 94,
      appealDeadlineMs: november(2, 9) + 7 * DAY,
    });
    expect(card.evidence.inspections.map((record) => record.id)).toEqual([inspectionId]);
    expect(card.evidence.inspections[0]?.findings[0]?.description).toBe('维保记录缺失两次');

    const foreign = await get('vendorB', `/api/scoring/scorecards/${LIFTS}/2026-10`);
    const missing = await get('vendorB', '/api/scoring/scorecards/no-such-contract/2026-10');
    expect([foreign.statusCode, codeOf(foreign)]).toEqual([404, 'not_found']);
    expect([missing.statusCode, codeOf(missing)]).toEqual([404, 'not_found']);
  });

  it('takes the vendor’s appeal; the manager overturns it and the next revision withdraws the line', async () => {
    h.wo.clock.set(november(3, 11));
    const filed = await post('vendorA', '/api/scoring/appeals', {
      contractId: LIFTS,
      month: '2026-10',
      lineId: majorLine,
      statement: '维保记录已在纸质台账中登记，附扫描件',
      attachments: [{ name: '台账扫描件.pdf', uri: 'https://files.example.gov.cn/scoring/ledger.pdf' }],
    });
    expect(filed.statusCode).toBe(201);
    appealId = filed.json<{ id: string }>().id;
    // Once per line; another vendor cannot appeal A's deductions.
    const again = await post('vendorA', '/api/scoring/appeals', {
      contractId: LIFTS,
      month: '2026-10',
      lineId: majorLine,
      statement: '再次申诉',
    });
    expect([again.statusCode, codeOf(again)]).toEqual([409, 'appeal_exists']);
    const foreign = await post('vendorB', '/api/scoring/appeals', {
      contractId: LIFTS,
      month: '2026-10',
      lineId: generalLine,
      statement: '代为申诉',
    });
    expect([foreign.statusCode, codeOf(foreign)]).toEqual([404, 'not_found']);

    const pending = await get('manager', '/api/scoring/appeals?state=pending');
    expect(pending.json<{ appeals: { id: string }[] }>().appeals.map((a) => a.id)).toEqual([appealId]);
    expect((await get('vendorB', `/api/scoring/appeals/${appealId}`)).statusCode).toBe(404);

    h.wo.clock.set(november(4, 16));
    const decided = await post('manager', '/api/scoring/appeal-decisions', {
      appealId,
      outcome: 'overturned',
      reason: '纸质台账记录完整，扣分撤销',
    });
    expect(decided.statusCode).toBe(201);
    expect(decided.json()).toMatchObject({
      appeal: { id: appealId, decision: { outcome: 'overturned', reason: '纸质台账记录完整，扣分撤销' } },
      scorecard: { revision: 2, reason: 'appeal_decision', total: 99 },
    });
    const twice = await post('manager', '/api/scoring/appeal-decisions', {
      appealId,
      outcome: 'upheld',
      reason: '改判',
    });
    expect([twice.statusCode, codeOf(twice)]).toEqual([409, 'appeal_decided']);
    expect(
      (await get('manager', '/api/scoring/appeals?state=pending')).json<{ appeals: unknown[] }>().appeals,
    ).toEqual([]);

    const detail = (await get('vendorA', `/api/scoring/scorecards/${LIFTS}/2026-10`)).json<ScorecardDetail>();
    expect(detail.revisions.map((r) => [r.revision, r.reason, r.total])).toEqual([
      [1, 'close', 94],
      [2, 'appeal_decision', 99],
    ]);
    const line = detail.scorecard.lines.find((candidate) => candidate.id === majorLine);
    expect(line).toMatchObject({
      status: 'overturned',
      appliedPoints: 0,
      appeal: { id: appealId, state: 'overturned', reason: '纸质台账记录完整，扣分撤销' },
    });
    expect(detail.appeals.map((appeal) => appeal.statement)).toEqual([
      '维保记录已在纸质台账中登记，附扫描件',
    ]);
    // Revision 1 is still there as published.
    const first = (
      await get('auditor', `/api/scoring/scorecards/${LIFTS}/2026-10?revision=1`)
    ).json<ScorecardDetail>();
    expect(first.scorecard.total).toBe(94);
    // And the stored revision recomputes to the same bytes.
    const recomputed = await get('auditor', `/api/scoring/scorecards/${LIFTS}/2026-10/recompute`);
    expect(recomputed.json()).toMatchObject({ revision: 2, identical: true });
  });

  it('closes the appeal window after the scheme’s 7 days', async () => {
    h.wo.clock.set(november(9, 10));
    const late = await post('vendorA', '/api/scoring/appeals', {
      contractId: LIFTS,
      month: '2026-10',
      lineId: generalLine,
      statement: '机房门锁损坏已报修',
    });
    expect([late.statusCode, codeOf(late)]).toEqual([409, 'appeal_window_closed']);
  });

  it('answers the scorecard as a PDF that opens and renders, with its Chinese labels and chart', async () => {
    const response = await get(
      'vendorA',
      `/api/scoring/reports/scorecard.pdf?contractId=${LIFTS}&month=2026-10`,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toContain('scorecard-lifts-2025-2026-10.pdf');
    const file = path.join(dir, 'scorecard.pdf');
    writeFileSync(file, response.rawPayload);
    const png = decodePng(await renderPagePng(file, 1, 50, dir));
    expect(inkedPixels(png)).toBeGreaterThan(1_000);
    const text = await pdfText(file);
    for (const label of [
      '月度考核评分表',
      '2026年10月',
      '电梯维保标段',
      '2026年各月得分',
      '检查发现重大问题',
      '申诉成立',
    ])
      expect(text).toContain(label);
    expect(
      (await get('vendorB', `/api/scoring/reports/scorecard.pdf?contractId=${LIFTS}&month=2026-10`))
        .statusCode,
    ).toBe(404);
  });

  it('answers the scorecard’s lines as CSV with a byte-order mark, the withdrawn deduction at 0', async () => {
    const response = await get(
      'manager',
      `/api/scoring/reports/scorecard.csv?contractId=${LIFTS}&month=2026-10`,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const records = response.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(records[0]).toBe('序号,时间,考核项目,情况说明,依据,分值,实扣/实加,状态');
    const major = records.find((record) => record.includes('检查发现重大问题'));
    expect(major?.split(',').slice(5, 7)).toEqual(['-5', '0']);
    const english = await get(
      'manager',
      `/api/scoring/reports/scorecard.csv?contractId=${LIFTS}&month=2026-10&lang=en`,
    );
    expect(english.body.split('\r\n')[0]).toBe('\uFEFFNo.,Time,Item,Details,Evidence,Points,Applied,Status');
  });

  it('ranks the quarter in a bulletin (PDF and CSV) for staff, and gives the vendor its annual evaluation', async () => {
    const bulletin = await get('manager', '/api/scoring/bulletins/2026-Q4');
    expect(bulletin.statusCode).toBe(200);
    expect(bulletin.json<{ rows: { contract: { id: string } }[] }>().rows).toHaveLength(5);
    const pdf = await get('manager', '/api/scoring/reports/bulletin.pdf?quarter=2026-Q4');
    expect(pdf.statusCode).toBe(200);
    const file = path.join(dir, 'bulletin.pdf');
    writeFileSync(file, pdf.rawPayload);
    expect(inkedPixels(decodePng(await renderPagePng(file, 1, 50, dir)))).toBeGreaterThan(1_000);
    const text = await pdfText(file);
    for (const label of ['季度考核通报', '2026年第4季度', '各合同季度平均分', '电梯维保标段'])
      expect(text).toContain(label);
    const csv = await get('auditor', '/api/scoring/reports/bulletin.csv?quarter=2026-Q4');
    expect(csv.body.startsWith('\uFEFF排名,服务单位,标段,合同,10月,11月,12月,季度平均分')).toBe(true);
    // 通报制: the quarter's draft (only October closed) is not published to vendors yet.
    const draft = await get('vendorA', '/api/scoring/bulletins/2026-Q4');
    expect([draft.statusCode, codeOf(draft)]).toEqual([403, 'bulletin_not_published']);

    const evaluation = await get('vendorA', `/api/scoring/evaluations/${LIFTS}/2026`);
    expect(evaluation.statusCode).toBe(200);
    expect(evaluation.json()).toMatchObject({
      format: 'steward.evaluation.year.v1',
      contract: { id: LIFTS },
    });
    expect((await get('vendorB', `/api/scoring/evaluations/${LIFTS}/2026`)).statusCode).toBe(404);
  });

  it('lists a contract’s inputs of a period for staff, and answers bad input as 400', async () => {
    const inputs = await get('auditor', `/api/scoring/contracts/${LIFTS}/inputs?period=2026-10`);
    expect(inputs.statusCode).toBe(200);
    expect(inputs.json<{ inspections: { id: string }[] }>().inspections.map((i) => i.id)).toEqual([
      inspectionId,
    ]);
    const invalid = await post('manager', '/api/scoring/inspections', {
      contractId: LIFTS,
      kind: 'walkabout',
      conductedAtMs: november(9, 9),
      findings: [],
    });
    expect([invalid.statusCode, codeOf(invalid)]).toEqual([400, 'invalid_input']);
    const future = await post('manager', '/api/scoring/inspections', {
      contractId: LIFTS,
      kind: 'spot_check',
      conductedAtMs: november(12),
      findings: [],
    });
    expect([future.statusCode, codeOf(future)]).toEqual([400, 'invalid_input']);
    const unknown = await post('manager', '/api/scoring/inspections', {
      contractId: 'no-such-contract',
      kind: 'spot_check',
      conductedAtMs: november(9, 9),
      findings: [],
    });
    expect([unknown.statusCode, codeOf(unknown)]).toEqual([404, 'not_found']);
  });
  it('publishes the quarterly bulletin to vendors once all three of its months are closed', async () => {
    const reads = [
      '/api/scoring/bulletins/2026-Q4',
      '/api/scoring/reports/bulletin.csv?quarter=2026-Q4',
      '/api/scoring/reports/bulletin.pdf?quarter=2026-Q4',
    ];
    const answers = async (caller: Caller) =>
      Promise.all(
        reads.map(async (url) => {
          const response = await get(caller, url);
          return response.statusCode === 200 ? 200 : `${response.statusCode} ${codeOf(response)}`;
        }),
      );
    // November closed too: December is still open, so the quarter is still a draft for vendors.
    await moveClock(Date.UTC(2026, 11, 1, 1));
    expect((await post('manager', '/api/scoring/months/2026-11/close', {})).statusCode).toBe(200);
    for (const vendor of ['vendorA', 'vendorB'] as const)
      expect(await answers(vendor)).toEqual(Array(3).fill('403 bulletin_not_published'));
    // Staff read the draft at any time.
    expect(await answers('auditor')).toEqual([200, 200, 200]);

    await moveClock(Date.UTC(2027, 0, 4, 1));
    expect((await post('manager', '/api/scoring/months/2026-12/close', {})).statusCode).toBe(200);
    for (const vendor of ['vendorA', 'vendorB'] as const)
      expect(await answers(vendor)).toEqual([200, 200, 200]);
    // Every vendor reads the whole ranking as published, the same one staff read.
    const published = await get('vendorB', '/api/scoring/bulletins/2026-Q4');
    const ranking = (response: typeof published) =>
      response
        .json<{ rows: { rank: number; contract: { id: string }; average: number }[] }>()
        .rows.map((row) => [row.rank, row.contract.id, row.average]);
    expect(ranking(published)).toHaveLength(5);
    expect(ranking(published)).toEqual(ranking(await get('manager', '/api/scoring/bulletins/2026-Q4')));
    const csv = await get('vendorA', '/api/scoring/reports/bulletin.csv?quarter=2026-Q4');
    expect(csv.body.startsWith('\uFEFF排名,服务单位,标段,合同,10月,11月,12月,季度平均分')).toBe(true);
    // A quarter no contract has closed a month of is not published either.
    const future = await get('vendorA', '/api/scoring/bulletins/2027-Q1');
    expect([future.statusCode, codeOf(future)]).toEqual([403, 'bulletin_not_published']);
  });

  it('keeps the evidence of a complaint received, a notice issued, a survey and a leadership review, and shows it on the scorecard', async () => {
    const letter = { name: '投诉来信.pdf', uri: 'https://files.example.gov.cn/scoring/letter.pdf' };
    const report = { name: '调查报告.pdf', uri: 'https://files.example.gov.cn/scoring/report.pdf' };
    const served = {
      name: '整改通知书.pdf',
      uri: 'https://files.example.gov.cn/scoring/notice.pdf',
      sha256: 'b'.repeat(64),
    };
    const sheets = { name: '问卷汇总表.xlsx', uri: 'https://files.example.gov.cn/scoring/survey.xlsx' };
    const minutes = { name: '考核会议纪要.pdf', uri: 'https://files.example.gov.cn/scoring/minutes.pdf' };
    await moveClock(january(20, 15));

    const complaint = await post('manager', '/api/scoring/complaints', {
      contractId: LIFTS,
      receivedAtMs: january(12),
      channel: 'written',
      summary: '电梯轿厢照明损坏',
      attachments: [letter],
    });
    expect(complaint.statusCode).toBe(201);
    const complaintId = complaint.json<{ id: string }>().id;
    expect(complaint.json()).toMatchObject({ attachments: [letter], recordedBy: { userId: 'chen.jie' } });
    // An empty list is no evidence: the record has no field at all, like one recorded before.
    const bare = await post('manager', '/api/scoring/complaints', {
      contractId: LIFTS,
      receivedAtMs: january(13),
      channel: 'hotline',
      summary: '按钮失灵',
      attachments: [],
    });
    expect(bare.statusCode).toBe(201);
    expect(bare.json()).not.toHaveProperty('attachments');
    const badUri = await post('manager', '/api/scoring/complaints', {
      contractId: LIFTS,
      receivedAtMs: january(13),
      channel: 'hotline',
      summary: '按钮失灵',
      attachments: [{ name: 'x', uri: 'not a uri' }],
    });
    expect([badUri.statusCode, codeOf(badUri)]).toEqual([400, 'invalid_input']);
    expect(
      (
        await post('manager', '/api/scoring/complaint-conclusions', {
          complaintId,
          result: 'verified',
          concludedAtMs: january(15),
          finding: '现场核实属实',
          attachments: [report],
        })
      ).statusCode,
    ).toBe(201);

    const notice = await post('manager', '/api/scoring/rectification-notices', {
      contractId: LIFTS,
      issuedAtMs: january(5),
      deadlineMs: january(10),
      problem: '机房消防器材过期',
      attachments: [served],
    });
    expect(notice.statusCode).toBe(201);
    const noticeId = notice.json<{ id: string }>().id;
    expect(notice.json()).toMatchObject({ attachments: [served], outcome: null });
    const checked = await post('manager', '/api/scoring/rectification-outcomes', {
      noticeId,
      outcome: 'failed',
      checkedAtMs: january(11),
      note: '逾期未整改',
    });
    expect(checked.json()).toMatchObject({ attachments: [served], outcome: { outcome: 'failed' } });

    const survey = await post('manager', '/api/scoring/surveys', {
      contractId: LIFTS,
      conductedOn: '2027-01-18',
      distributed: 40,
      returned: 39,
      items: [
        {
          key: 'lift.comfort',
          label: { 'zh-CN': '乘梯舒适', en: 'Ride comfort' },
          counts: { excellent: 30, good: 8, fair: 1, poor: 0 },
        },
      ],
      attachments: [sheets],
    });
    expect(survey.statusCode).toBe(201);
    expect(survey.json()).toMatchObject({ attachments: [sheets] });
    const review = await post('manager', '/api/scoring/leadership-reviews', {
      contractId: LIFTS,
      half: '2026-H2',
      score: 92,
      reviewedAtMs: january(19),
      attachments: [minutes],
    });
    expect(review.statusCode).toBe(201);
    expect(review.json()).toMatchObject({ attachments: [minutes] });

    // Staff read them back with the contract's inputs.
    const inputs = (await get('auditor', `/api/scoring/contracts/${LIFTS}/inputs?period=2027-01`)).json<{
      complaints: { id: string; attachments?: unknown }[];
      rectifications: { id: string; attachments?: unknown }[];
      surveys: { attachments?: unknown }[];
    }>();
    expect(inputs.complaints.map((c) => [c.id, c.attachments])).toEqual([
      [complaintId, [letter]],
      [bare.json<{ id: string }>().id, undefined],
    ]);
    expect(inputs.rectifications.map((n) => [n.id, n.attachments])).toEqual([[noticeId, [served]]]);
    expect(inputs.surveys.map((s) => s.attachments)).toEqual([[sheets]]);
    const half = (await get('auditor', `/api/scoring/contracts/${LIFTS}/inputs?period=2026-H2`)).json<{
      leadershipReviews: { attachments?: unknown }[];
    }>();
    expect(half.leadershipReviews.map((r) => r.attachments)).toEqual([[minutes]]);

    // January closed: the verified complaint's and the failed check's lines carry the evidence of
    // the complaint as received and of the notice as served, and the records the vendor opens do too.
    await moveClock(Date.UTC(2027, 1, 2, 1));
    expect(
      (await post('manager', '/api/scoring/months/2027-01/close', { contractIds: [LIFTS] })).statusCode,
    ).toBe(200);
    const detail = (await get('vendorA', `/api/scoring/scorecards/${LIFTS}/2027-01`)).json<ScorecardDetail>();
    const evidenceOf = (id: string) => detail.scorecard.lines.find((line) => line.id === id)?.evidence;
    expect(evidenceOf(`verifiedComplaint:complaint:${complaintId}`)).toEqual([
      { type: 'complaint', complaintId },
      { type: 'attachment', ...letter },
      { type: 'attachment', ...report },
    ]);
    expect(evidenceOf(`rectificationFailed:notice:${noticeId}`)).toEqual([
      { type: 'rectification_notice', noticeId },
      { type: 'attachment', ...served },
    ]);
    expect(detail.evidence.complaints.map((c) => [c.id, c.attachments, c.conclusion?.attachments])).toEqual([
      [complaintId, [letter], [report]],
    ]);
    expect(detail.evidence.rectifications.map((n) => [n.id, n.attachments])).toEqual([[noticeId, [served]]]);
    const recomputed = await get('auditor', `/api/scoring/scorecards/${LIFTS}/2027-01/recompute`);
    expect(recomputed.json()).toMatchObject({ revision: 1, identical: true });
  });
});
