import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnnualEvaluation, QuarterlyBulletin } from '../../services/scoring/domain/index.ts';
import { ScoringStore } from '../../services/scoring/store/scoring-store.ts';
import type { WorkOrderDispatcher } from '../../services/workorders/dispatcher.ts';
import { actors, MINUTE, WorkOrderHarness } from '../../services/workorders/test-harness.ts';

/**
 * A year (2026) of two vendors on the sample site, on a simulated clock, through the real stores:
 * the lift contract's faults become work orders (some late, one long outage across a month end,
 * a repeat failure), inspections, a complaint, a commendation, surveys, leadership reviews and an
 * appeal; the outside-buildings property contract fails a rectification twice and falls short of
 * its committed satisfaction three quarters running. Every month is closed on the 1st at 08:00.
 * The expected figures below are worked out by hand from the sample schemes (config/sample/
 * scoring.yaml), not read back from the code.
 */

const HOUR = 60 * MINUTE;
/** An instant at the site (UTC+8) in 2026 (month 13 = January 2027). */
const at = (month: number, day: number, hour: number, minute = 0): number =>
  Date.UTC(2026, month - 1, day, hour - 8, minute);
const monthKey = (month: number): string => `2026-${String(month).padStart(2, '0')}`;

const LIFTS = 'lifts-2025';
const OUTSIDE = 'property-outside-2025';
const OTHERS = ['energy-epc-2025', 'property-compound-2025', 'security-2025'];
const manager = actors.manager;

describe('a year of vendor evaluation on a simulated clock', () => {
  const h = new WorkOrderHarness();
  let scoring: ScoringStore;
  let dispatcher: WorkOrderDispatcher;
  const liftOrders = new Map<string, string>();
  const notices: string[] = [];
  let aprilMajorLine = '';
  const bulletins = new Map<string, QuarterlyBulletin>();
  const evaluations = new Map<string, AnnualEvaluation>();

  /** A manual input entered a minute after what it records happened. */
  const asManager = async <T>(atMs: number, record: () => Promise<T>): Promise<T> => {
    h.clock.set(atMs + MINUTE);
    return record();
  };

  /**
   * A lift fault (rule lift-fault: major; lifts-2025 major: accept 15, arrive 120, resolve 480
   * minutes, 24x7): the vendor accepts and arrives after the given minutes; unless `resolve` is
   * null, the fault clears and the vendor resolves after `resolve` minutes, the manager verifies
   * and closes an hour later.
   */
  async function liftFault(
    name: string,
    equipment: string,
    startMs: number,
    plan: { accept: number; arrive: number; resolve: number | null },
  ): Promise<void> {
    h.clock.set(startMs);
    const incident = await h.fire('lift-fault', equipment);
    await dispatcher.drain();
    const [order] = await h.store.list({ incidentId: incident.id });
    if (!order) throw new Error(`no order for ${name}`);
    liftOrders.set(name, order.id);
    h.clock.set(startMs + plan.accept * MINUTE);
    await h.service.accept(actors.lifts, order.id);
    h.clock.set(startMs + plan.arrive * MINUTE);
    await h.service.arrive(actors.lifts, order.id);
    if (plan.resolve !== null) await finish(order.id, equipment, startMs + plan.resolve * MINUTE);
  }

  async function finish(orderId: string, equipment: string, resolveMs: number): Promise<void> {
    h.clock.set(resolveMs);
    await h.clear('lift-fault', equipment);
    await h.service.resolve(actors.lifts, orderId, { cause: '门机皮带老化', actionTaken: '更换皮带' });
    h.clock.set(resolveMs + HOUR);
    await h.service.verify(manager, orderId);
    await h.service.close(manager, orderId);
  }

  const clean = { accept: 5, arrive: 30, resolve: 60 };

  async function patrol(month: number, findings: { level: 'general' | 'major'; description: string }[]) {
    return asManager(at(month, 2, 9), () =>
      scoring.recordInspection(manager, {
        contractId: OUTSIDE,
        kind: 'daily_patrol',
        conductedAtMs: at(month, 2, 9),
        findings,
      }),
    );
  }

  async function survey(contractId: string, month: number, day: number, satisfied: number) {
    return asManager(at(month, day, 10), () =>
      scoring.recordSurvey(manager, {
        contractId,
        conductedOn: `${monthKey(month)}-${String(day).padStart(2, '0')}`,
        distributed: 100,
        returned: 96,
        items: [
          {
            key: 'service.overall',
            label: { 'zh-CN': '综合服务', en: 'Overall service' },
            counts: { excellent: satisfied - 20, good: 20, fair: 100 - satisfied, poor: 0 },
          },
        ],
        comments: ['希望响应更快'],
      }),
    );
  }

  async function review(contractId: string, half: string, score: number, atMs: number) {
    return asManager(atMs, () =>
      scoring.recordLeadershipReview(manager, { contractId, half, score, reviewedAtMs: atMs }),
    );
  }

  async function closeMonth(month: number): Promise<void> {
    h.clock.set(at(month + 1, 1, 8));
    await scoring.closeMonth(manager, monthKey(month));
  }

  beforeAll(async () => {
    await h.open();
    scoring = new ScoringStore({ pool: h.db.pool, clock: h.clock, model: h.model, workOrders: h.store });
    dispatcher = h.dispatcher();

    // January: accepted 5 minutes late (lift-standard slaAccept major: 1).
    await patrol(1, []);
    await liftFault('jan', 'MB-LIFT-01', at(1, 10, 10), { accept: 20, arrive: 40, resolve: 60 });
    await closeMonth(1);

    // February: a patrol finds a 一般问题 (1); its rectification notice fails (rectificationFailed 5)
    // and is re-issued.
    const febPatrol = await patrol(2, [{ level: 'general', description: '外立面玻璃未按标准清洁' }]);
    const n1 = await asManager(at(2, 3, 10), () =>
      scoring.issueRectification(manager, {
        contractId: OUTSIDE,
        issuedAtMs: at(2, 3, 10),
        deadlineMs: at(2, 8, 18),
        problem: '外立面玻璃清洁不达标',
        inspectionId: febPatrol.id,
        findingIndex: 0,
      }),
    );
    notices.push(n1.id);
    await liftFault('feb', 'MB-LIFT-01', at(2, 10, 10), clean);
    await asManager(at(2, 10, 16), () =>
      scoring.recordRectificationOutcome(manager, {
        noticeId: n1.id,
        outcome: 'failed',
        checkedAtMs: at(2, 10, 16),
        note: '复查仍有污渍',
      }),
    );
    const n2 = await asManager(at(2, 11, 10), () =>
      scoring.issueRectification(manager, {
        contractId: OUTSIDE,
        issuedAtMs: at(2, 11, 10),
        deadlineMs: at(2, 25, 18),
        problem: '外立面玻璃清洁不达标（再次整改）',
        followsNoticeId: n1.id,
      }),
    );
    notices.push(n2.id);
    await closeMonth(2);

    // March: the second rectification fails too (5, and 书面退出警告); a lift accepted late (1) and
    // down five hours: (744 − 5) / 744 = 99.33 % < 99.5 % (availability 4).
    await patrol(3, []);
    await asManager(at(3, 5, 10), () =>
      scoring.recordRectificationOutcome(manager, {
        noticeId: n2.id,
        outcome: 'failed',
        checkedAtMs: at(3, 5, 10),
        note: '再次整改无明显成效',
      }),
    );
    await liftFault('mar', 'MB-LIFT-01', at(3, 10, 10), { accept: 20, arrive: 40, resolve: 300 });
    await survey(OUTSIDE, 3, 20, 90);
    await closeMonth(3);

    // April: a monthly assessment finds a 重大问题 at the lift contractor (5); appealed in May.
    await patrol(4, []);
    await liftFault('apr', 'MB-LIFT-01', at(4, 10, 10), clean);
    const aprilInspection = await asManager(at(4, 15, 10), () =>
      scoring.recordInspection(manager, {
        contractId: LIFTS,
        kind: 'monthly_assessment',
        conductedAtMs: at(4, 15, 10),
        findings: [{ level: 'major', description: '轿厢应急电话无人应答' }],
      }),
    );
    aprilMajorLine = `inspectionMajor:inspection:${aprilInspection.id}:finding:0`;
    await closeMonth(4);

    // May: the appeal is upheld for the vendor (overturned); a spot check finds a 一般问题 (1) and a
    // commendation adds 1.
    await patrol(5, []);
    h.clock.set(at(5, 3, 10));
    const appeal = await scoring.fileAppeal(actors.lifts, {
      contractId: LIFTS,
      month: '2026-04',
      lineId: aprilMajorLine,
      statement: '应急电话当日因线路施工临时中断，已提供施工单',
    });
    h.clock.set(at(5, 5, 10));
    await scoring.decideAppeal(manager, {
      appealId: appeal.id,
      outcome: 'overturned',
      reason: '施工单属实，非维保原因',
    });
    await liftFault('may', 'MB-LIFT-01', at(5, 10, 10), clean);
    await asManager(at(5, 12, 10), () =>
      scoring.recordInspection(manager, {
        contractId: LIFTS,
        kind: 'spot_check',
        conductedAtMs: at(5, 12, 10),
        findings: [{ level: 'general', description: '机房温度记录未填写' }],
      }),
    );
    await asManager(at(5, 20, 10), () =>
      scoring.recordCommendation(manager, {
        contractId: LIFTS,
        kind: 'commendation',
        awardedAtMs: at(5, 20, 10),
        description: '困人救援及时，获办公厅表扬',
      }),
    );
    await closeMonth(5);

    // June: a verified complaint (3).
    await patrol(6, []);
    const complaint = await asManager(at(6, 5, 10), () =>
      scoring.recordComplaint(manager, {
        contractId: LIFTS,
        receivedAtMs: at(6, 5, 10),
        channel: 'hotline',
        summary: '东附楼电梯运行异响',
      }),
    );
    await asManager(at(6, 8, 10), () =>
      scoring.concludeComplaint(manager, {
        complaintId: complaint.id,
        result: 'verified',
        concludedAtMs: at(6, 8, 10),
        finding: '导轨润滑不足，属维保责任',
      }),
    );
    await liftFault('jun', 'MB-LIFT-01', at(6, 10, 10), clean);
    await survey(LIFTS, 6, 15, 97);
    await survey(OUTSIDE, 6, 20, 91);
    await closeMonth(6);

    // July: a second lift fails on the 30th and is not resolved by the month's end: resolve target
    // missed (2), unresolved at month end (2), down 38 hours: (744 − 38) / 744 = 94.89 % (4).
    await patrol(7, []);
    await review(LIFTS, '2026-H1', 92, at(7, 5, 10));
    await review(OUTSIDE, '2026-H1', 70, at(7, 5, 10));
    await liftFault('jul', 'MB-LIFT-01', at(7, 10, 10), clean);
    await liftFault('jul-outage', 'MB-LIFT-02', at(7, 30, 10), { accept: 5, arrive: 30, resolve: null });
    await closeMonth(7);

    // August: the outage ends at 09:00 on the 1st: nine more hours down, (744 − 9) / 744 = 98.79 % (4).
    await finish(liftOrders.get('jul-outage') as string, 'MB-LIFT-02', at(8, 1, 9));
    await patrol(8, []);
    await liftFault('aug', 'MB-LIFT-01', at(8, 10, 10), clean);
    await closeMonth(8);

    // September: the same fault comes back a day after the order was closed: reopened, 重复故障 (3).
    await patrol(9, []);
    await liftFault('sep', 'MB-LIFT-01', at(9, 10, 10), clean);
    await liftFault('sep-again', 'MB-LIFT-01', at(9, 11, 10), clean);
    await survey(OUTSIDE, 9, 20, 89);
    await closeMonth(9);

    for (const month of [10, 11, 12]) {
      await patrol(month, []);
      await liftFault(`m${month}`, 'MB-LIFT-01', at(month, 10, 10), clean);
      if (month === 12) {
        await survey(OUTSIDE, 12, 10, 95);
        await survey(LIFTS, 12, 15, 99);
        await review(LIFTS, '2026-H2', 94, at(12, 28, 10));
        await review(OUTSIDE, '2026-H2', 60, at(12, 28, 10));
      }
      await closeMonth(month);
    }

    for (const quarter of ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']) {
      bulletins.set(quarter, await scoring.quarterlyBulletin(quarter));
    }
    for (const contract of [LIFTS, OUTSIDE])
      evaluations.set(contract, await scoring.annualEvaluation(contract, '2026'));
  }, 180_000);
  afterAll(async () => {
    await h.dispose();
  });

  const totals = async (contractId: string): Promise<(number | undefined)[]> => {
    const result: (number | undefined)[] = [];
    for (let month = 1; month <= 12; month++)
      result.push((await scoring.scorecard(contractId, monthKey(month)))?.scorecard.total);
    return result;
  };

  it('scores every month of both vendors as worked out by hand, and the others at 100', async () => {
    expect(await totals(LIFTS)).toEqual([99, 100, 95, 100, 100, 97, 92, 96, 97, 100, 100, 100]);
    expect(await totals(OUTSIDE)).toEqual([100, 94, 95, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
    for (const contract of OTHERS) expect(await totals(contract)).toEqual(Array(12).fill(100));
  });

  it('traces each deduction of the hard months to its evidence', async () => {
    const march = (await scoring.scorecard(LIFTS, '2026-03'))?.scorecard;
    expect(
      march?.lines.map((l) => [l.item, l.appliedPoints, l.params.availability ?? l.params.minutesOver]),
    ).toEqual([
      ['slaAccept', 1, 5],
      ['availability', 4, 0.9933],
    ]);
    const july = (await scoring.scorecard(LIFTS, '2026-07'))?.scorecard;
    const outage = liftOrders.get('jul-outage');
    expect(july?.lines.map((l) => [l.id, l.appliedPoints])).toEqual([
      [`slaResolve:order:${outage}:leg:0`, 2],
      [`unresolvedAtPeriodEnd:order:${outage}:leg:0`, 2],
      ['availability:equipment:MB-LIFT-02', 4],
    ]);
    // Resolve due 18:00 on the 30th, still open at midnight on the 31st: 30 hours over.
    expect(july?.lines[0]?.params.minutesOver).toBe(1_800);
    expect(july?.lines[2]?.params).toMatchObject({ downMinutes: 38 * 60, availability: 0.9489 });
    expect(july?.lines[2]?.evidence).toEqual([
      { type: 'equipment', equipmentId: 'MB-LIFT-02' },
      { type: 'work_order', orderId: outage, leg: 0 },
      { type: 'incident', incidentId: expect.stringMatching(/^\d+$/) },
    ]);
    const august = (await scoring.scorecard(LIFTS, '2026-08'))?.scorecard;
    expect(august?.lines.map((l) => [l.id, l.params.downMinutes])).toEqual([
      ['availability:equipment:MB-LIFT-02', 540],
    ]);
    const september = (await scoring.scorecard(LIFTS, '2026-09'))?.scorecard;
    expect(september?.lines.map((l) => l.id)).toEqual([`repeatFailure:order:${liftOrders.get('sep')}:leg:1`]);
  });

  it('keeps April’s published score and shows the overturned deduction in its revision', async () => {
    expect((await scoring.scorecard(LIFTS, '2026-04', 1))?.scorecard.total).toBe(95);
    const revised = await scoring.scorecard(LIFTS, '2026-04');
    expect(revised?.revision).toBe(2);
    expect(revised?.scorecard.lines).toEqual([
      expect.objectContaining({
        id: aprilMajorLine,
        points: 5,
        appliedPoints: 0,
        status: 'overturned',
        appeal: expect.objectContaining({ state: 'overturned', reason: '施工单属实，非维保原因' }),
      }),
    ]);
  });

  it('lists the written exit warning in March, after the second failed rectification', async () => {
    const march = (await scoring.scorecard(OUTSIDE, '2026-03'))?.scorecard;
    expect(march?.consequences).toEqual([
      expect.objectContaining({ kind: 'deposit', action: 'reward' }),
      expect.objectContaining({ kind: 'exit_warning', noticeIds: notices, triggeredAtMs: at(3, 5, 10) }),
    ]);
    const february = (await scoring.scorecard(OUTSIDE, '2026-02'))?.scorecard;
    expect(february?.consequences.map((c) => c.kind)).toEqual(['deposit']);
  });

  it('ranks the vendors each quarter, criticising the warned one and recommending its termination in Q3', () => {
    const q1 = bulletins.get('2026-Q1');
    expect(q1?.rows.map((r) => [r.rank, r.contract.id, r.average, r.praised, r.criticised])).toEqual([
      [1, 'energy-epc-2025', 100, true, false],
      [1, 'property-compound-2025', 100, true, false],
      [1, 'security-2025', 100, true, false],
      // (99 + 100 + 95) / 3 = 98.
      [4, LIFTS, 98, true, false],
      // (100 + 94 + 95) / 3 = 96.33, an exit warning in March.
      [5, OUTSIDE, 96.33, false, true],
    ]);
    expect(q1?.rows[4]?.highlights).toEqual([
      expect.objectContaining({ item: 'rectificationFailed', occurrences: 2, appliedPoints: 10 }),
      expect.objectContaining({ item: 'inspectionGeneral', occurrences: 1, appliedPoints: 1 }),
    ]);
    // Three daily patrols in Q1; three lift orders each verified an hour after they were resolved.
    expect(q1?.office.inspections).toMatchObject({ daily_patrol: 3, total: 3 });
    expect(q1?.office.verification).toMatchObject({ checked: 3, meanHours: 1, maxHours: 1 });

    const q2 = bulletins.get('2026-Q2');
    expect(q2?.rows.find((r) => r.contract.id === OUTSIDE)?.consequences).toEqual([]);
    const q3 = bulletins.get('2026-Q3');
    // Lifts (92 + 96 + 97) / 3 = 95; the outside contract scores 100 but its satisfaction was
    // 90 %, 91 %, 89 % against a committed 92 %: three quarters in a row.
    expect(q3?.rows.map((r) => [r.rank, r.contract.id, r.average])).toEqual([
      [1, 'energy-epc-2025', 100],
      [1, 'property-compound-2025', 100],
      [1, OUTSIDE, 100],
      [1, 'security-2025', 100],
      [5, LIFTS, 95],
    ]);
    const outside = q3?.rows.find((r) => r.contract.id === OUTSIDE);
    expect(outside).toMatchObject({ praised: false, criticised: true });
    expect(outside?.consequences).toEqual([
      {
        kind: 'termination_recommended',
        labelKey: 'scoring.consequence.termination_recommended',
        basis: 'quarters',
        periods: [
          { key: '2026-Q1', satisfied: 90, answers: 100, rate: 0.9, committed: 0.92, below: true },
          { key: '2026-Q2', satisfied: 91, answers: 100, rate: 0.91, committed: 0.92, below: true },
          { key: '2026-Q3', satisfied: 89, answers: 100, rate: 0.89, committed: 0.92, below: true },
        ],
      },
    ]);
    expect(bulletins.get('2026-Q4')?.rows.find((r) => r.contract.id === OUTSIDE)?.consequences).toEqual([]);
  });

  it('grades the lift vendor 优秀 and puts it on the incentive list with a satisfaction reward', () => {
    const lifts = evaluations.get(LIFTS);
    // No daily patrols for lifts: weights 0.5, 0.15, 0.15 scaled by 1 / 0.8.
    // Months: 1,176 / 12 = 98; leadership (92 + 94) / 2 = 93; satisfaction 196 / 200 = 98 %.
    // (0.5 × 98 + 0.15 × 93 + 0.15 × 98) / 0.8 = 97.06.
    expect(lifts?.levels.map((l) => [l.level, l.score, l.effectiveWeight])).toEqual([
      ['dailyPatrols', null, 0],
      ['monthlyAssessments', 98, 0.625],
      ['leadershipReview', 93, 0.1875],
      ['satisfaction', 98, 0.1875],
    ]);
    expect(lifts).toMatchObject({ score: 97.06, grade: 'excellent' });
    // Deposit: 186,000 yuan × 5 % ÷ 12 = 77,500 fen a month; 20 % reward in the 11 months ≥ 95.
    expect(lifts?.deposit).toEqual({ deductedFen: 0, rewardedFen: 11 * 15_500 });
    expect(lifts?.consequences).toEqual([
      expect.objectContaining({
        kind: 'satisfaction_reward',
        rate: 0.98,
        minRate: 0.98,
        share: 0.1,
        amountFen: 93_000,
      }),
      expect.objectContaining({ kind: 'incentive_list', grade: 'excellent', staffBonusShare: 0.1 }),
    ]);
  });

  it('grades the outside-buildings vendor 良好 and lists it for risk, exit warning and termination', () => {
    const outside = evaluations.get(OUTSIDE);
    // Patrols 11 of 12 clean = 91.67; months 1,189 / 12 = 99.08; leadership (70 + 60) / 2 = 65;
    // satisfaction 365 / 400 = 91.25 %. 0.2 × 91.67 + 0.4 × 99.08 + 0.2 × 65 + 0.2 × 91.25 = 89.22.
    expect(outside?.levels.map((l) => l.score)).toEqual([91.67, 99.08, 65, 91.25]);
    expect(outside).toMatchObject({ score: 89.22, grade: 'good' });
    // 1,160,000 yuan × 8 % ÷ 12 = 773,333 fen a month; 20 % = 154,667 fen in the 11 months ≥ 95.
    expect(outside?.deposit).toEqual({ deductedFen: 0, rewardedFen: 11 * 154_667 });
    expect(outside?.consequences.map((c) => c.kind)).toEqual([
      'risk_list',
      'exit_warning',
      'termination_recommended',
    ]);
    expect(outside?.consequences[0]).toMatchObject({
      reasons: ['scoring.consequence.exit_warning', 'scoring.consequence.termination_recommended'],
    });
    expect(outside?.satisfaction.quarters.map((q) => [q.key, q.rate, q.below])).toEqual([
      ['2026-Q1', 0.9, true],
      ['2026-Q2', 0.91, true],
      ['2026-Q3', 0.89, true],
      ['2026-Q4', 0.95, false],
    ]);
  });

  it('recomputes every closed month to the same bytes and keeps an intact audit chain', async () => {
    for (let month = 1; month <= 12; month++) {
      const results = await scoring.recomputeMonth(monthKey(month));
      expect(results, monthKey(month)).toHaveLength(5);
      expect(
        results.filter((r) => !r.identical),
        monthKey(month),
      ).toEqual([]);
    }
    expect(await scoring.verifyAudit()).toMatchObject({ ok: true });
    expect(await scoring.verifyScorecards()).toEqual([]);
  });
});
