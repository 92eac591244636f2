import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { march } from '../../services/scoring/domain/test-scheme.ts';
import { ScoringStore } from '../../services/scoring/store/scoring-store.ts';
import { actors, MINUTE, WorkOrderHarness } from '../../services/workorders/test-harness.ts';

const DAY = 24 * 60 * MINUTE;
/** 2026-04-02 09:00 at the site: March has ended. */
const APRIL_2 = march(32, 9);
const LIFTS = 'lifts-2025';
const manager = actors.manager;

describe('scoring store: a month of the lift contract, closed, appealed, recomputed', () => {
  const h = new WorkOrderHarness();
  let scoring: ScoringStore;
  let orderId: string;
  let majorInspection: string;

  beforeAll(async () => {
    await h.open();
    scoring = new ScoringStore({ pool: h.db.pool, clock: h.clock, model: h.model, workOrders: h.store });

    // A lift fault on 10 March: dispatched at once (major: accept within 15 minutes, 24x7),
    // accepted after 20, on site after 30, cleared and resolved after an hour, verified.
    h.clock.set(march(10, 10));
    const incident = await h.fire('lift-fault', 'MB-LIFT-01');
    await h.dispatcher().drain();
    const [order] = await h.store.list({ incidentId: incident.id });
    if (!order) throw new Error('no order');
    orderId = order.id;
    h.clock.set(march(10, 10) + 20 * MINUTE);
    await h.service.accept(actors.lifts, orderId);
    h.clock.set(march(10, 10) + 30 * MINUTE);
    await h.service.arrive(actors.lifts, orderId);
    h.clock.set(march(10, 11));
    await h.clear('lift-fault', 'MB-LIFT-01');
    await h.service.resolve(actors.lifts, orderId, {
      cause: 'door operator fault',
      actionTaken: 'replaced the belt',
    });
    h.clock.set(march(10, 14));
    await h.service.verify(manager, orderId);

    h.clock.set(march(12, 15));
    const inspection = await scoring.recordInspection(manager, {
      contractId: LIFTS,
      kind: 'monthly_assessment',
      conductedAtMs: march(12, 14),
      findings: [
        { level: 'general', description: '机房未上锁', buildingCode: '330302A001' },
        {
          level: 'major',
          description: '维保记录缺失两次',
          attachments: [{ name: 'log.jpg', uri: 'https://files.example/log.jpg' }],
        },
      ],
    });
    majorInspection = inspection.id;
    h.clock.set(march(13, 9));
    const complaint = await scoring.recordComplaint(manager, {
      contractId: LIFTS,
      receivedAtMs: march(13, 8),
      channel: 'hotline',
      summary: '电梯异响',
      attachments: [{ name: '来电记录.pdf', uri: 'https://files.example/call.pdf' }],
    });
    h.clock.set(march(15, 9));
    await scoring.concludeComplaint(manager, {
      complaintId: complaint.id,
      result: 'verified',
      concludedAtMs: march(15, 9),
      finding: '现场核实，导轨缺油',
    });
    h.clock.set(march(20, 9));
    await scoring.recordCommendation(manager, {
      contractId: LIFTS,
      kind: 'commendation',
      awardedAtMs: march(20, 9),
      description: '办公厅来函表扬',
    });
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('refuses to close a month that has not ended, and inputs from people who may not record them', async () => {
    await expect(scoring.closeMonth(manager, '2026-03')).rejects.toMatchObject({ code: 'period_not_ended' });
    // The refusal wrote nothing, not even the scheme audit rows a close starts with.
    expect(await scoring.auditTrail('scheme:lift-standard')).toEqual([]);
    await expect(
      scoring.recordInspection(actors.lifts, {
        contractId: LIFTS,
        kind: 'spot_check',
        conductedAtMs: march(20),
        findings: [],
      }),
    ).rejects.toMatchObject({ code: 'not_allowed_for_role' });
    await expect(
      scoring.recordInspection(manager, {
        contractId: LIFTS,
        kind: 'spot_check',
        conductedAtMs: march(25),
        findings: [],
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('in the future') });
    const tomorrow = {
      contractId: LIFTS,
      conductedOn: '2026-03-21',
      distributed: 10,
      returned: 9,
      items: [
        { key: 'a', label: { 'zh-CN': '甲', en: 'A' }, counts: { excellent: 9, good: 0, fair: 0, poor: 0 } },
      ],
    };
    // The clock is 2026-03-20 in China: a survey of tomorrow is refused like any other future input.
    await expect(scoring.recordSurvey(manager, tomorrow)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('in the future'),
    });
    await expect(
      scoring.recordSurvey(manager, {
        contractId: LIFTS,
        conductedOn: '2026-03-01',
        distributed: 10,
        returned: 11,
        items: [
          {
            key: 'a',
            label: { 'zh-CN': '甲', en: 'A' },
            counts: { excellent: 1, good: 0, fair: 0, poor: 0 },
          },
        ],
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('closes March for every contract in force, with the lift contract’s deductions and evidence', async () => {
    h.clock.set(APRIL_2);
    const closed = await scoring.closeMonth(manager, '2026-03');
    expect(closed.map((s) => s.contractId)).toEqual([
      'energy-epc-2025',
      'lifts-2025',
      'property-compound-2025',
      'property-outside-2025',
      'security-2025',
    ]);
    const lifts = closed.find((s) => s.contractId === LIFTS);
    // lift-standard: accept 5 minutes late on a major order 1, a general finding 1, a major one 5,
    // a verified complaint 3, a commendation +1: 100 − 10 + 1 = 91, 优秀.
    expect(lifts?.scorecard).toMatchObject({
      total: 91,
      deductions: 10,
      bonuses: 1,
      grade: 'excellent',
      period: { key: '2026-03' },
    });
    expect(lifts?.scorecard.lines.map((l) => [l.id, l.appliedPoints])).toEqual([
      [`slaAccept:order:${orderId}:leg:0`, 1],
      [`inspectionGeneral:inspection:${majorInspection}:finding:0`, 1],
      [`inspectionMajor:inspection:${majorInspection}:finding:1`, 5],
      [expect.stringMatching(/^verifiedComplaint:complaint:\d+$/), 3],
      [expect.stringMatching(/^commendation:commendation:\d+$/), 1],
    ]);
    // The complaint as received is evidence of its verified line.
    expect(lifts?.scorecard.lines[3]?.evidence).toEqual([
      { type: 'complaint', complaintId: expect.stringMatching(/^\d+$/) },
      { type: 'attachment', name: '来电记录.pdf', uri: 'https://files.example/call.pdf' },
    ]);
    const accept = lifts?.scorecard.lines[0];
    expect(accept?.params).toMatchObject({ severity: 'major', minutesOver: 5 });
    expect(accept?.evidence).toEqual([
      { type: 'work_order', orderId, leg: 0, target: 'accept' },
      { type: 'incident', incidentId: expect.stringMatching(/^\d+$/) },
    ]);
    expect(lifts?.revision).toBe(1);
    expect(closed.filter((s) => s.contractId !== LIFTS).map((s) => s.scorecard.total)).toEqual([
      100, 100, 100, 100,
    ]);
    // Closing again returns what is stored.
    const again = await scoring.closeMonth(manager, '2026-03', [LIFTS]);
    expect(again[0]?.sha256).toBe(lifts?.sha256);
  });

  it('refuses inputs dated in the closed month, and takes those of the open one', async () => {
    await expect(
      scoring.recordInspection(manager, {
        contractId: LIFTS,
        kind: 'spot_check',
        conductedAtMs: march(25),
        findings: [],
      }),
    ).rejects.toMatchObject({ code: 'period_closed' });
    await expect(
      scoring.recordInspection(manager, {
        contractId: LIFTS,
        kind: 'daily_patrol',
        conductedAtMs: march(32, 8),
        findings: [],
      }),
    ).resolves.toMatchObject({ contractId: LIFTS });
  });

  it('recomputes the closed month to the same bytes, also after the work order moved on', async () => {
    h.clock.set(APRIL_2 + 60 * MINUTE);
    await h.service.close(manager, orderId);
    const result = await scoring.recompute(LIFTS, '2026-03');
    expect(result).toMatchObject({ identical: true, revision: 1 });
    expect(result.recomputedSha256).toBe(result.storedSha256);
  });

  it('takes a vendor’s appeal within the window, and the overturned deduction drops out in a new revision', async () => {
    const lineId = `inspectionMajor:inspection:${majorInspection}:finding:1`;
    h.clock.set(APRIL_2 + DAY);
    await expect(
      scoring.fileAppeal(actors.security, {
        contractId: LIFTS,
        month: '2026-03',
        lineId,
        statement: '不是我们的',
      }),
    ).rejects.toMatchObject({ code: 'not_own_contract' });
    await expect(
      scoring.fileAppeal(actors.lifts, {
        contractId: LIFTS,
        month: '2026-03',
        lineId: 'commendation:commendation:1',
        statement: '?',
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(not_a_deduction|line_not_found)$/) });
    const appeal = await scoring.fileAppeal(actors.lifts, {
      contractId: LIFTS,
      month: '2026-03',
      lineId,
      statement: '维保记录在纸质台账中，已补录系统',
    });
    await expect(
      scoring.fileAppeal(actors.lifts, {
        contractId: LIFTS,
        month: '2026-03',
        lineId,
        statement: '再次申诉',
      }),
    ).rejects.toMatchObject({ code: 'appeal_exists' });
    await expect(
      scoring.decideAppeal(actors.lifts, { appealId: appeal.id, outcome: 'overturned', reason: 'x' }),
    ).rejects.toMatchObject({
      code: 'not_allowed_for_role',
    });

    h.clock.set(APRIL_2 + 2 * DAY);
    const { scorecard } = await scoring.decideAppeal(manager, {
      appealId: appeal.id,
      outcome: 'overturned',
      reason: '台账核实，记录完整',
    });
    expect(scorecard.revision).toBe(2);
    expect(scorecard.scorecard.total).toBe(96);
    const line = scorecard.scorecard.lines.find((l) => l.id === lineId);
    expect(line).toMatchObject({
      status: 'overturned',
      points: 5,
      appliedPoints: 0,
      appeal: { id: appeal.id, state: 'overturned', reason: '台账核实，记录完整' },
    });
    await expect(
      scoring.decideAppeal(manager, { appealId: appeal.id, outcome: 'upheld', reason: 'y' }),
    ).rejects.toMatchObject({
      code: 'appeal_decided',
    });
    expect((await scoring.scorecard(LIFTS, '2026-03'))?.revision).toBe(2);
    expect((await scoring.scorecard(LIFTS, '2026-03', 1))?.scorecard.total).toBe(91);
    for (const revision of [1, 2]) {
      expect(await scoring.recompute(LIFTS, '2026-03', revision)).toMatchObject({
        identical: true,
      });
    }
  });

  it('closes the window the scheme’s seven days after publication', async () => {
    expect(await scoring.appealDeadline(LIFTS, '2026-03')).toBe(APRIL_2 + 7 * DAY);
    h.clock.set(APRIL_2 + 7 * DAY + 1);
    await expect(
      scoring.fileAppeal(actors.lifts, {
        contractId: LIFTS,
        month: '2026-03',
        lineId: `slaAccept:order:${orderId}:leg:0`,
        statement: '迟到是因为门禁',
      }),
    ).rejects.toMatchObject({ code: 'appeal_window_closed' });
  });

  it('keeps everything that changed a score in a chain that verifies', async () => {
    const trail = await scoring.auditTrail(`contract:${LIFTS}`);
    expect(trail.map((row) => row.kind)).toEqual([
      'inspection_recorded',
      'complaint_recorded',
      'complaint_concluded',
      'commendation_recorded',
      'month_closed',
      'inspection_recorded',
      'appeal_filed',
      'appeal_decided',
      'scorecard_revised',
    ]);
    expect(trail[1]?.body).toMatchObject({
      summary: '电梯异响',
      attachments: [{ name: '来电记录.pdf', uri: 'https://files.example/call.pdf' }],
    });
    expect(trail[4]?.body).toMatchObject({ month: '2026-03', revision: 1, total: 91 });
    expect(trail[7]?.actor).toEqual(manager);
    const schemes = await scoring.auditTrail('scheme:lift-standard');
    expect(schemes.map((row) => row.kind)).toEqual(['scheme_recorded']);
    const verdict = await scoring.verifyAudit();
    expect(verdict).toMatchObject({ ok: true });
    // 4 schemes, 5 closes, 4 + 1 inputs, appeal filed and decided, one revision.
    expect(verdict.ok && verdict.rows).toBe(4 + 5 + 5 + 3);
  });

  it('ranks the closed months in the quarterly bulletin and reports the office’s verification time', async () => {
    const bulletin = await scoring.quarterlyBulletin('2026-Q1');
    expect(bulletin.rows.map((r) => [r.rank, r.contract.id, r.average])).toEqual([
      [1, 'energy-epc-2025', 100],
      [1, 'property-compound-2025', 100],
      [1, 'property-outside-2025', 100],
      [1, 'security-2025', 100],
      [5, 'lifts-2025', 96],
    ]);
    expect(bulletin.rows[4]?.months).toEqual([
      { key: '2026-01', total: null, grade: null },
      { key: '2026-02', total: null, grade: null },
      { key: '2026-03', total: 96, grade: 'excellent' },
    ]);
    // Resolved 11:00, verified 14:00: three hours; one monthly assessment in the quarter.
    expect(bulletin.office.verification).toMatchObject({ checked: 1, meanHours: 3 });
    expect(bulletin.office.inspections).toMatchObject({ monthly_assessment: 1, total: 1 });
    expect(bulletin.office.complaints).toEqual({ received: 1, concluded: 1, meanDaysToConclude: 2.04 });
  });

  it('finds a stored scorecard edited behind the trigger’s back: anchors and recomputation both disagree', async () => {
    expect(await scoring.verifyScorecards()).toEqual([]);
    await h.db.pool.query('alter table scoring_scorecards disable trigger scoring_scorecards_append_only');
    await h.db.pool.query(
      `update scoring_scorecards set scorecard = replace(scorecard, '"total":96', '"total":99')
       where contract_id = $1 and month = '2026-03' and revision = 2`,
      [LIFTS],
    );
    await h.db.pool.query('alter table scoring_scorecards enable trigger scoring_scorecards_append_only');
    expect(await scoring.verifyScorecards()).toEqual([
      'lifts-2025 2026-03 revision 2: its text does not give its sha256',
    ]);
    expect(await scoring.recompute(LIFTS, '2026-03')).toMatchObject({
      revision: 2,
      identical: false,
    });
  });
});
