import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.ts';
import { isLabelKey } from './labels.ts';
import { scoreMonth } from './monthly.ts';
import { MonthlyScorecard } from './scorecard.ts';
import {
  appeal,
  award,
  breach,
  CONTRACT,
  complaint,
  DAY,
  HOUR,
  inspection,
  MARCH_END,
  MARCH_START,
  march,
  monthInputs,
  notice,
  SCHEME,
} from './test-scheme.ts';

const applied = (card: MonthlyScorecard) =>
  card.lines.map((line) => [line.id, line.points, line.appliedPoints]);

describe('a month with nothing to deduct', () => {
  it('scores the base, grades 优秀 and rewards 20% of the month’s deposit share', () => {
    const card = scoreMonth(SCHEME, CONTRACT, monthInputs());
    expect(card.period).toEqual({ key: '2026-03', startMs: MARCH_START, endMs: MARCH_END });
    expect(card).toMatchObject({
      total: 100,
      rawTotal: 100,
      deductions: 0,
      bonuses: 0,
      grade: 'excellent',
      lines: [],
    });
    // 1,200,000 yuan × 10% ÷ 12 = 10,000 yuan = 1,000,000 fen; 20% of it = 200,000 fen.
    expect(card.consequences).toEqual([
      {
        kind: 'deposit',
        labelKey: 'scoring.consequence.deposit.reward',
        period: '2026-03',
        score: 100,
        action: 'reward',
        minScore: 95,
        share: 0.2,
        baseFen: 1_000_000,
        amountFen: 200_000,
      },
    ]);
    expect(Value.Check(MonthlyScorecard, card)).toBe(true);
  });
});

describe('SLA breaches', () => {
  it('deduct by target and severity, with the order, leg, target and incidents as evidence', () => {
    const card = scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({
        automatic: {
          slaBreaches: [
            breach({
              orderId: '11',
              target: 'accept',
              severity: 'critical',
              deadlineMs: march(3),
              incidentIds: ['7', '5'],
            }),
            breach({ orderId: '12', target: 'arrive', severity: 'major', deadlineMs: march(4), leg: 1 }),
            breach({
              orderId: '13',
              target: 'resolve',
              severity: 'minor',
              deadlineMs: march(5),
              minutesOver: 12.3456,
            }),
          ],
        },
      }),
    );
    // accept critical 2 + arrive major 2 + resolve minor 1 = 5.
    expect(card.total).toBe(95);
    expect(applied(card)).toEqual([
      ['slaAccept:order:11:leg:0', 2, 2],
      ['slaArrive:order:12:leg:1', 2, 2],
      ['slaResolve:order:13:leg:0', 1, 1],
    ]);
    expect(card.lines[0]?.evidence).toEqual([
      { type: 'work_order', orderId: '11', leg: 0, target: 'accept' },
      { type: 'incident', incidentId: '5' },
      { type: 'incident', incidentId: '7' },
    ]);
    expect(card.lines[2]?.params).toMatchObject({
      severity: 'minor',
      minutesOver: 12.35,
      deadlineMs: march(5),
    });
    expect(card.lines[0]?.labelKey).toBe('scoring.item.slaAccept');
  });

  it('count only breaches of this contract whose deadline falls in the month', () => {
    const card = scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({
        automatic: {
          slaBreaches: [
            breach({ orderId: '1', target: 'accept', severity: 'major', deadlineMs: MARCH_START - 1 }),
            breach({ orderId: '2', target: 'accept', severity: 'major', deadlineMs: MARCH_START }),
            breach({ orderId: '3', target: 'accept', severity: 'major', deadlineMs: MARCH_END - 1 }),
            breach({ orderId: '4', target: 'accept', severity: 'major', deadlineMs: MARCH_END }),
            breach({
              orderId: '5',
              target: 'accept',
              severity: 'major',
              deadlineMs: march(9),
              contractId: 'other',
            }),
          ],
        },
      }),
    );
    expect(card.lines.map((line) => line.id)).toEqual(['slaAccept:order:2:leg:0', 'slaAccept:order:3:leg:0']);
    expect(card.total).toBe(98);
  });

  it('stop at the item’s cap: later lines are cut, partly or wholly, and the item says so', () => {
    const card = scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({
        automatic: {
          // Listed out of order: the scorecard orders them by deadline. Cap 3: 2, then 1 of 2, then 0.
          slaBreaches: [
            breach({ orderId: '23', target: 'accept', severity: 'critical', deadlineMs: march(20) }),
            breach({ orderId: '21', target: 'accept', severity: 'critical', deadlineMs: march(2) }),
            breach({ orderId: '22', target: 'accept', severity: 'critical', deadlineMs: march(10) }),
          ],
        },
      }),
    );
    expect(applied(card)).toEqual([
      ['slaAccept:order:21:leg:0', 2, 2],
      ['slaAccept:order:22:leg:0', 2, 1],
      ['slaAccept:order:23:leg:0', 2, 0],
    ]);
    expect(card.lines.map((line) => line.capped)).toEqual([false, true, true]);
    expect(card.items).toEqual([
      {
        item: 'slaAccept',
        kind: 'deduction',
        labelKey: 'scoring.item.slaAccept',
        occurrences: 3,
        points: 6,
        cap: 3,
        appliedPoints: 3,
        capped: true,
      },
    ]);
    expect(card.total).toBe(97);
  });

  it('an item without a cap deducts every occurrence', () => {
    const slaBreaches = Array.from({ length: 12 }, (_, i) =>
      breach({ orderId: String(100 + i), target: 'arrive', severity: 'critical', deadlineMs: march(1 + i) }),
    );
    const card = scoreMonth(SCHEME, CONTRACT, monthInputs({ automatic: { slaBreaches } }));
    // 12 × 3 = 36, no cap on arrive in the test scheme.
    expect(card.deductions).toBe(36);
    expect(card.total).toBe(64);
    expect(card.grade).toBe('fail');
  });
});

describe('repeat failures and orders left unresolved', () => {
  it('deducts a reopen in the month, and an order unresolved at the end only after the grace and outside a pause', () => {
    const card = scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({
        automatic: {
          repeatFailures: [
            {
              contractId: CONTRACT.id,
              orderId: '31',
              leg: 2,
              severity: 'major',
              category: 'facility_maintenance',
              buildingCode: '330302A001',
              incidentIds: ['9'],
              reopenedAtMs: march(12),
            },
            {
              contractId: CONTRACT.id,
              orderId: '32',
              leg: 1,
              severity: 'major',
              category: 'facility_maintenance',
              buildingCode: '330302A001',
              incidentIds: [],
              reopenedAtMs: MARCH_START - HOUR,
            },
          ],
          openAtPeriodEnd: [
            // Dispatched two days before the end: past the 1,440-minute grace.
            openOrder('41', MARCH_END - 2 * DAY, false),
            // Exactly at the grace: counts.
            openOrder('42', MARCH_END - DAY, false),
            // Two hours before the end: still within the grace.
            openOrder('43', MARCH_END - 2 * HOUR, false),
            // In an approved pause.
            openOrder('44', MARCH_END - 10 * DAY, true),
          ],
        },
      }),
    );
    expect(applied(card)).toEqual([
      ['repeatFailure:order:31:leg:2', 2, 2],
      ['unresolvedAtPeriodEnd:order:41:leg:0', 1.5, 1.5],
      ['unresolvedAtPeriodEnd:order:42:leg:0', 1.5, 1.5],
    ]);
    // 100 − 2 − 1.5 − 1.5 = 95.
    expect(card.total).toBe(95);
    expect(card.lines[1]?.params).toMatchObject({ openDays: 2 });
    expect(card.lines[1]?.occurredAtMs).toBe(MARCH_END - 1);
  });
});

function openOrder(orderId: string, legStartMs: number, paused: boolean) {
  return {
    contractId: CONTRACT.id,
    orderId,
    leg: 0,
    severity: 'major' as const,
    category: 'facility_maintenance' as const,
    buildingCode: '330302A001',
    incidentIds: [],
    legStartMs,
    paused,
  };
}

function down(
  equipmentId: string,
  orderId: string,
  fromMs: number,
  toMs: number,
  severity: 'critical' | 'major' | 'minor' = 'major',
) {
  return {
    contractId: CONTRACT.id,
    orderId,
    leg: 0,
    severity,
    category: 'lift_maintenance' as const,
    buildingCode: '330302A001',
    incidentIds: [`i${orderId}`],
    equipmentId,
    fromMs,
    toMs,
  };
}

describe('equipment availability', () => {
  // March has 31 days = 744 hours; 99% allows 7.44 hours down.
  it('deducts for equipment down more than the target allows, with overlapping orders counted once', () => {
    const card = scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({
        automatic: {
          downtime: [
            // LIFT-1: 10:00–14:00 and 12:00–18:00 overlap → 8 hours: availability 736/744 = 0.98925 < 0.99.
            down('LIFT-1', '51', march(5, 10), march(5, 14)),
            down('LIFT-1', '52', march(5, 12), march(5, 18)),
            // LIFT-2: 7 hours: 737/744 = 0.99059 ≥ 0.99.
            down('LIFT-2', '53', march(6, 0), march(6, 7)),
            // LIFT-3: minor orders are not downtime; 20 hours of them deduct nothing.
            down('LIFT-3', '54', march(7, 0), march(7, 20), 'minor'),
            // LIFT-4: from February into March: only the 8 hours in March count.
            down('LIFT-4', '55', MARCH_START - 10 * HOUR, MARCH_START + 8 * HOUR),
          ],
        },
      }),
    );
    // Ordered by when each piece of equipment was last down: LIFT-4 on the 1st, LIFT-1 on the 5th.
    expect(applied(card)).toEqual([
      ['availability:equipment:LIFT-4', 4, 4],
      ['availability:equipment:LIFT-1', 4, 4],
    ]);
    const lift1 = card.lines[1];
    expect(lift1?.params).toEqual({
      equipmentId: 'LIFT-1',
      downMinutes: 480,
      availability: 0.9892,
      target: 0.99,
    });
    expect(lift1?.evidence).toEqual([
      { type: 'equipment', equipmentId: 'LIFT-1' },
      { type: 'work_order', orderId: '51', leg: 0 },
      { type: 'incident', incidentId: 'i51' },
      { type: 'work_order', orderId: '52', leg: 0 },
      { type: 'incident', incidentId: 'i52' },
    ]);
    expect(card.total).toBe(92);
  });

  it('is not scored when the scheme has no availability item', () => {
    const { availability: _, ...deductions } = SCHEME.deductions;
    const card = scoreMonth(
      { ...SCHEME, deductions },
      CONTRACT,
      monthInputs({ automatic: { downtime: [down('LIFT-1', '51', march(5, 0), march(6, 0))] } }),
    );
    expect(card.lines).toEqual([]);
  });
});

describe('inspections, complaints and rectification', () => {
  it('deducts each finding by level, a complaint verified in the month and a failed rectification', () => {
    const card = scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({
        inspections: [
          inspection('61', march(3), ['general', 'major', 'general']),
          inspection('62', march(4), []),
          inspection('63', MARCH_END + HOUR, ['major']),
        ],
        complaints: [
          complaint('71', march(2), 'verified'),
          complaint('72', march(2), 'unfounded'),
          // Received in March, concluded in April: April's.
          complaint('73', march(30), 'verified', MARCH_END + 2 * HOUR),
          complaint('74', march(10), null),
        ],
        rectifications: [
          notice('81', march(1), 'failed', march(8)),
          notice('82', march(1), 'passed', march(8)),
        ],
      }),
    );
    expect(applied(card)).toEqual([
      ['inspectionGeneral:inspection:61:finding:0', 1, 1],
      ['inspectionGeneral:inspection:61:finding:2', 1, 1],
      ['inspectionMajor:inspection:61:finding:1', 5, 5],
      ['verifiedComplaint:complaint:71', 3, 3],
      ['rectificationFailed:notice:81', 5, 5],
    ]);
    // 100 − 1 − 1 − 5 − 3 − 5 = 85: 良好, the deposit kept in full.
    expect(card.total).toBe(85);
    expect(card.grade).toBe('good');
    expect(card.lines[2]?.evidence).toEqual([{ type: 'inspection', inspectionId: '61', finding: 1 }]);
    expect(card.consequences[0]).toMatchObject({ action: 'release', amountFen: 0 });
  });

  it('lists the evidence of the complaint as received and of the notice as served before their follow-up’s', () => {
    const letter = { name: '来信.pdf', uri: 'https://files.example/letter.pdf' };
    const photo = { name: 'site.jpg', uri: 'https://files.example/site.jpg', sha256: 'a'.repeat(64) };
    const report = { name: '调查报告.pdf', uri: 'https://files.example/report.pdf' };
    const served = complaint('71', march(2), 'verified');
    const failed = notice('81', march(1), 'failed', march(8));
    if (!served.conclusion || !failed.outcome) throw new Error('fixtures changed');
    const card = scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({
        complaints: [
          {
            ...served,
            attachments: [letter, photo],
            // The conclusion repeats the photo: listed once.
            conclusion: { ...served.conclusion, attachments: [photo, report] },
          },
        ],
        rectifications: [{ ...failed, attachments: [photo], outcome: { ...failed.outcome } }],
      }),
    );
    expect(card.lines.map((line) => [line.id, line.evidence])).toEqual([
      [
        'verifiedComplaint:complaint:71',
        [
          { type: 'complaint', complaintId: '71' },
          { type: 'attachment', ...letter },
          { type: 'attachment', ...photo },
          { type: 'attachment', ...report },
        ],
      ],
      [
        'rectificationFailed:notice:81',
        [
          { type: 'rectification_notice', noticeId: '81' },
          { type: 'attachment', ...photo },
        ],
      ],
    ]);
    expect(Value.Check(MonthlyScorecard, card)).toBe(true);
  });

  it('gives the same bytes for a complaint and a notice without evidence as before they could carry any', () => {
    const inputs = monthInputs({
      complaints: [complaint('71', march(2), 'verified')],
      rectifications: [notice('81', march(1), 'failed', march(8))],
    });
    const card = scoreMonth(SCHEME, CONTRACT, inputs);
    expect(card.lines.map((line) => line.evidence)).toEqual([
      [{ type: 'complaint', complaintId: '71' }],
      [{ type: 'rectification_notice', noticeId: '81' }],
    ]);
    expect(canonicalJson(card)).not.toContain('attachment');
  });
});

describe('bonuses', () => {
  it('applies each item’s cap, then the cap on all bonuses, in scorecard order', () => {
    const card = scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({
        inspections: [inspection('90', march(1), ['major', 'major'])],
        commendations: [
          award('91', 'commendation', march(2)),
          award('92', 'commendation', march(3)),
          award('93', 'commendation', march(4)),
          award('94', 'innovation', march(5)),
          award('95', 'promoted_practice', march(6)),
        ],
      }),
    );
    // Commendations 1 + 1 (item cap 2, the third cut), innovation 2 → 4 = the bonus cap; the
    // promoted practice's 3 are cut entirely. 100 − 10 + 4 = 94.
    expect(applied(card).slice(2)).toEqual([
      ['commendation:commendation:91', 1, 1],
      ['commendation:commendation:92', 1, 1],
      ['commendation:commendation:93', 1, 0],
      ['innovation:commendation:94', 2, 2],
      ['promotedPractice:commendation:95', 3, 0],
    ]);
    expect(card).toMatchObject({ deductions: 10, bonuses: 4, bonusCap: 4, total: 94 });
    expect(card.items.find((item) => item.item === 'promotedPractice')).toMatchObject({
      points: 3,
      appliedPoints: 0,
      capped: true,
      cap: null,
    });
  });
});

describe('floor, grades and deposit bands', () => {
  it('never goes below the floor, and says the floor was applied', () => {
    const inspections = Array.from({ length: 8 }, (_, i) =>
      inspection(String(200 + i), march(i + 1), ['major', 'major']),
    );
    const complaints = Array.from({ length: 6 }, (_, i) =>
      complaint(String(300 + i), march(i + 1), 'verified'),
    );
    const card = scoreMonth(
      { ...SCHEME, deductions: { ...SCHEME.deductions, inspectionMajor: { points: 10 } } },
      CONTRACT,
      monthInputs({ inspections, complaints }),
    );
    // 16 major findings × 10 = 160, complaints 6 × 3 = 18 (cap 15): 100 − 175 = −75 → 0.
    expect(card).toMatchObject({
      deductions: 175,
      rawTotal: -75,
      total: 0,
      floorApplied: true,
      grade: 'fail',
    });
    // The lowest band: the whole month's share withheld.
    expect(card.consequences[0]).toMatchObject({ action: 'deduct', share: 1, amountFen: 1_000_000 });
  });

  it.each([
    // [general findings at 1 (cap 20), warnings accepted late at 0.25 (cap raised to 10), major
    // findings at 5, total, grade, band action, amount in fen (the month's share is 1,000,000)]
    [0, 0, 0, 100, 'excellent', 'reward', 200_000],
    [5, 0, 0, 95, 'excellent', 'reward', 200_000],
    [5, 1, 0, 94.75, 'excellent', 'release', 0],
    [10, 0, 0, 90, 'excellent', 'release', 0],
    [10, 1, 0, 89.75, 'good', 'release', 0],
    [20, 0, 0, 80, 'good', 'release', 0],
    [20, 1, 0, 79.75, 'pass', 'deduct', 300_000],
    [20, 40, 0, 70, 'pass', 'deduct', 300_000],
    [20, 44, 0, 70, 'pass', 'deduct', 300_000],
    [20, 4, 2, 69, 'fail', 'deduct', 1_000_000],
  ] as const)(
    '%i general findings, %i late warnings, %i major findings: %d, %s, deposit %s %i fen',
    (general, late, major, total, grade, action, amountFen) => {
      const scheme = {
        ...SCHEME,
        deductions: {
          ...SCHEME.deductions,
          slaAccept: { points: { ...SCHEME.deductions.slaAccept.points }, cap: 10 },
        },
      };
      const card = scoreMonth(
        scheme,
        CONTRACT,
        monthInputs({
          inspections: [
            inspection('1', march(1), [...Array(general).fill('general'), ...Array(major).fill('major')]),
          ],
          automatic: {
            slaBreaches: Array.from({ length: late }, (_, i) =>
              breach({
                orderId: String(i + 1),
                target: 'accept',
                severity: 'warning',
                deadlineMs: march(2) + i * HOUR,
              }),
            ),
          },
        }),
      );
      expect(card.total).toBe(total);
      expect(card.grade).toBe(grade);
      expect(card.gradeLabelKey).toBe(`scoring.grade.${grade}`);
      expect(card.consequences[0]).toMatchObject({ action, amountFen });
    },
  );
});

describe('appeals', () => {
  const inputs = (appeals: ReturnType<typeof appeal>[]) =>
    monthInputs({
      automatic: {
        slaBreaches: [
          breach({ orderId: '21', target: 'accept', severity: 'critical', deadlineMs: march(2) }),
          breach({ orderId: '22', target: 'accept', severity: 'critical', deadlineMs: march(10) }),
        ],
      },
      inspections: [inspection('61', march(3), ['major'])],
      appeals,
    });

  it('a pending or upheld appeal shows on its line and changes nothing', () => {
    const before = scoreMonth(SCHEME, CONTRACT, inputs([]));
    const card = scoreMonth(
      SCHEME,
      CONTRACT,
      inputs([
        appeal('1', 'inspectionMajor:inspection:61:finding:0', null),
        appeal('2', 'slaAccept:order:21:leg:0', 'upheld'),
      ]),
    );
    // accept: 2 + 1 (cap 3), major finding 5 → 92.
    expect(before.total).toBe(92);
    expect(card.total).toBe(92);
    const major = card.lines.find((line) => line.item === 'inspectionMajor');
    expect(major?.appeal).toEqual({
      id: '1',
      state: 'pending',
      labelKey: 'scoring.appeal.pending',
      filedAtMs: MARCH_END + DAY,
      decidedAtMs: null,
      reason: null,
    });
    expect(card.lines[0]?.appeal).toMatchObject({ state: 'upheld', reason: 'checked the access log' });
    expect(card.appeals).toEqual({ pending: 1, upheld: 1, overturned: 0 });
  });

  it('an overturned deduction stays listed with nothing applied, and frees its share of the cap', () => {
    const card = scoreMonth(
      SCHEME,
      CONTRACT,
      inputs([
        appeal('3', 'slaAccept:order:21:leg:0', 'overturned'),
        appeal('4', 'inspectionMajor:inspection:61:finding:0', 'overturned'),
      ]),
    );
    expect(applied(card)).toEqual([
      ['slaAccept:order:21:leg:0', 2, 0],
      // Was cut to 1 by the cap; with the first withdrawn it counts in full.
      ['slaAccept:order:22:leg:0', 2, 2],
      ['inspectionMajor:inspection:61:finding:0', 5, 0],
    ]);
    expect(card.lines.map((line) => line.status)).toEqual(['overturned', 'counted', 'overturned']);
    expect(card.lines[0]?.capped).toBe(false);
    // 100 − 2 = 98.
    expect(card.total).toBe(98);
    expect(card.items).toEqual([
      expect.objectContaining({
        item: 'slaAccept',
        occurrences: 1,
        points: 2,
        appliedPoints: 2,
        capped: false,
      }),
      expect.objectContaining({ item: 'inspectionMajor', occurrences: 0, points: 0, appliedPoints: 0 }),
    ]);
  });
});

describe('exit warnings in the monthly scorecard', () => {
  it('lists a written exit warning when the second failure in a chain is checked in the month', () => {
    const card = scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({
        rectifications: [
          notice('81', MARCH_START - 20 * DAY, 'failed', MARCH_START - 10 * DAY),
          notice('82', MARCH_START - 9 * DAY, 'failed', march(4), '81'),
        ],
      }),
    );
    expect(card.consequences.slice(1)).toEqual([
      {
        kind: 'exit_warning',
        labelKey: 'scoring.consequence.exit_warning',
        noticeIds: ['81', '82'],
        triggeredAtMs: march(4),
        evidence: [
          { type: 'rectification_notice', noticeId: '81' },
          { type: 'rectification_notice', noticeId: '82' },
        ],
      },
    ]);
    // The second failure itself is deducted in March; the first was February's.
    expect(card.lines.map((line) => line.id)).toEqual(['rectificationFailed:notice:82']);
  });
});

describe('determinism', () => {
  it('gives byte-identical canonical JSON for the same facts in any order', () => {
    const slaBreaches = [
      breach({
        orderId: '1',
        target: 'accept',
        severity: 'major',
        deadlineMs: march(3),
        incidentIds: ['3', '1'],
      }),
      breach({ orderId: '2', target: 'resolve', severity: 'critical', deadlineMs: march(3) }),
      breach({ orderId: '3', target: 'accept', severity: 'major', deadlineMs: march(3) }),
    ];
    const inspections = [
      inspection('5', march(9), ['general']),
      inspection('4', march(9), ['general', 'major']),
    ];
    const commendations = [award('8', 'innovation', march(2)), award('7', 'commendation', march(2))];
    const a = scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({ automatic: { slaBreaches }, inspections, commendations }),
    );
    const b = scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({
        automatic: { slaBreaches: [...slaBreaches].reverse() },
        inspections: [...inspections].reverse(),
        commendations: [...commendations].reverse(),
      }),
    );
    expect(canonicalJson(b)).toBe(canonicalJson(a));
    // Same deadline: ordered by line id.
    expect(a.lines.slice(0, 2).map((line) => line.id)).toEqual([
      'slaAccept:order:1:leg:0',
      'slaAccept:order:3:leg:0',
    ]);
  });

  it('carries only catalogue labels and matches the published schema', () => {
    const card = scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({
        automatic: {
          slaBreaches: [breach({ orderId: '1', target: 'arrive', severity: 'major', deadlineMs: march(3) })],
        },
        inspections: [inspection('4', march(9), ['general', 'major'])],
        complaints: [complaint('5', march(3), 'verified')],
        commendations: [award('7', 'promoted_practice', march(2))],
        appeals: [appeal('9', 'slaArrive:order:1:leg:0', 'upheld')],
      }),
    );
    expect(Value.Check(MonthlyScorecard, card)).toBe(true);
    const keys = [
      card.gradeLabelKey,
      ...card.items.map((item) => item.labelKey),
      ...card.lines.flatMap((line) => [line.labelKey, ...(line.appeal ? [line.appeal.labelKey] : [])]),
      ...card.consequences.map((c) => c.labelKey),
    ];
    expect(keys.filter((key) => !isLabelKey(key))).toEqual([]);
  });
});
