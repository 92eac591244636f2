import { describe, expect, it } from 'vitest';
import { ChineseWorkingCalendar } from '../../calendar/working-calendar.ts';
import { ManualClock } from '../../runtime/clock.ts';
import { WorkOrderError } from './errors.ts';
import { createWorkOrder, transition } from './lifecycle.ts';
import { type SlaTarget, type SlaTargetStatus, slaStatus } from './sla.ts';
import type { Actor, Assignment, SlaTerms, TransitionRecord, WorkOrder, WorkOrderAction } from './types.ts';

const calendar = new ChineseWorkingCalendar(); // Asia/Shanghai, 08:30–12:00 and 13:30–17:30

/** An instant written as Beijing wall-clock time; expected deadlines are worked out by hand, not by the code. */
const beijing = (local: string): number => Date.parse(`${local}+08:00`);
const SECOND = 1000;

const vendor: Actor = { role: 'vendor_user', userId: 'wang.tech', vendorId: 'hengyuan-property' };
const manager: Actor = { role: 'facilities_manager', userId: 'li.manager' };
const system: Actor = { role: 'system' };

/** property-compound-2025, minor: 30 / 120 / 960 minutes on working hours. */
const MINOR_WORKING_HOURS: SlaTerms = {
  acceptMinutes: 30,
  arriveMinutes: 120,
  resolveMinutes: 960,
  clock: 'working_hours',
};
/** property-compound-2025, major: 15 / 60 / 480 minutes around the clock. */
const MAJOR_24X7: SlaTerms = { acceptMinutes: 15, arriveMinutes: 60, resolveMinutes: 480, clock: '24x7' };

const assignment = (sla: SlaTerms, vendorId = 'hengyuan-property'): Assignment => ({
  vendorId,
  contractId: `${vendorId}-contract`,
  sla,
});

/** One order driven through the state machine at instants read from a fake clock. */
class Story {
  readonly clock: ManualClock;
  order: WorkOrder;
  readonly records: TransitionRecord[] = [];

  constructor(dispatchedAt: string, sla: SlaTerms) {
    this.clock = new ManualClock(beijing(dispatchedAt));
    const created = createWorkOrder(
      {
        buildingCode: '330302A001',
        category: 'facility_maintenance',
        severity: sla === MAJOR_24X7 ? 'major' : 'minor',
        incidentIds: [],
        route: {
          kind: 'contract',
          contractId: 'property-compound-2025',
          vendorId: 'hengyuan-property',
          dispatch: 'immediate',
        },
      },
      system,
      this.clock.nowMs(),
    );
    if (!created.ok) throw created.error;
    this.order = created.order;
    this.records.push(created.record);
    this.do({ type: 'dispatch', assignment: assignment(sla) }, system);
  }

  /** Move the fake clock to a Beijing wall-clock time, or by an offset in ms. */
  at(local: string, offsetMs = 0): this {
    this.clock.set(beijing(local) + offsetMs);
    return this;
  }

  do(action: WorkOrderAction, actor: Actor): this {
    const result = transition(this.order, action, actor, this.clock.nowMs(), { incidentActive: false });
    if (!result.ok) throw result.error;
    this.order = result.order;
    this.records.push(result.record);
    return this;
  }

  accept(): this {
    return this.do({ type: 'accept' }, vendor);
  }

  arrive(): this {
    return this.do({ type: 'arrive' }, vendor);
  }

  resolve(): this {
    return this.do({ type: 'resolve' }, vendor);
  }

  pause(): this {
    return this.do(
      { type: 'request_pause', pauseReason: 'awaiting_parts', reason: '冷却塔风机轴承待到货' },
      vendor,
    ).do({ type: 'approve_pause' }, manager);
  }

  resume(): this {
    return this.do({ type: 'resume' }, vendor);
  }

  /** A target's status at the fake clock's current instant. */
  status(target: SlaTarget, leg = 0): SlaTargetStatus {
    const found = slaStatus(this.records, calendar, this.clock.nowMs()).targets.find(
      (t) => t.leg === leg && t.target === target,
    );
    if (!found) throw new Error(`no ${target} target on leg ${leg}`);
    return found;
  }
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** −1 s, 0 and +1 s around a deadline: done before or at it is met, a second later is breached. */
const BOUNDARY = [
  ['one second before', -SECOND, 'met', 0],
  ['exactly at', 0, 'met', 0],
  ['one second after', SECOND, 'breached', 1 / 60],
] as const;

/** The same three instants for a target still open at `now`. */
const OPEN_BOUNDARY = [
  ['one second before', -SECOND, 'running', 0],
  ['exactly at', 0, 'running', 0],
  ['one second after', SECOND, 'breached', 1 / 60],
] as const;

describe('24x7 clock, no pause', () => {
  // Dispatched at 02:00 on National Day: the holiday and the night change nothing on this clock.
  const dispatched = '2025-10-01T02:00:00';

  it('counts accept, arrive and resolve from the dispatch', () => {
    const story = new Story(dispatched, MAJOR_24X7);
    expect(iso(story.status('accept').deadlineMs)).toBe(iso(beijing('2025-10-01T02:15:00')));
    expect(iso(story.status('arrive').deadlineMs)).toBe(iso(beijing('2025-10-01T03:00:00')));
    expect(iso(story.status('resolve').deadlineMs)).toBe(iso(beijing('2025-10-01T10:00:00')));
  });

  it.each(BOUNDARY)('arriving %s the deadline is %s', (_label, offsetMs, state, minutesOver) => {
    const story = new Story(dispatched, MAJOR_24X7).at('2025-10-01T02:05:00').accept();
    story.at('2025-10-01T03:00:00', offsetMs).arrive();
    expect(story.status('arrive')).toMatchObject({ state, completedAtMs: story.clock.nowMs() });
    expect(story.status('arrive').minutesOver).toBeCloseTo(minutesOver, 9);
  });

  it.each(OPEN_BOUNDARY)('not yet accepted %s the deadline: %s', (_label, offsetMs, state, minutesOver) => {
    const story = new Story(dispatched, MAJOR_24X7).at('2025-10-01T02:15:00', offsetMs);
    expect(story.status('accept').state).toBe(state);
    expect(story.status('accept').minutesOver).toBeCloseTo(minutesOver, 9);
  });
});

describe('working-hours clock across National Day and the adjusted working Saturday', () => {
  // Dispatched Tue 30 Sep 2025 17:00. Counted: 17:00–17:30 (30); 1–8 Oct are the National Day and
  // Mid-autumn holidays; Thu 9 and Fri 10 Oct are full days (450 each); Sat 11 Oct is worked (调休).
  // accept 30 → Tue 17:30; arrive 120 → 30 + 90 → Thu 9 Oct 10:00;
  // resolve 960 → 30 + 450 + 450 = 930, + 30 → Sat 11 Oct 09:00.
  const dispatched = '2025-09-30T17:00:00';

  it('puts each deadline where the working calendar says', () => {
    const story = new Story(dispatched, MINOR_WORKING_HOURS);
    expect(iso(story.status('accept').deadlineMs)).toBe(iso(beijing('2025-09-30T17:30:00')));
    expect(iso(story.status('arrive').deadlineMs)).toBe(iso(beijing('2025-10-09T10:00:00')));
    expect(iso(story.status('resolve').deadlineMs)).toBe(iso(beijing('2025-10-11T09:00:00')));
    expect(story.status('resolve').provisional).toBe(false);
  });

  it.each(BOUNDARY)(
    'accepting %s the deadline at the end of the working day is %s',
    (_label, offsetMs, state) => {
      const story = new Story(dispatched, MINOR_WORKING_HOURS).at('2025-09-30T17:30:00', offsetMs).accept();
      expect(story.status('accept').state).toBe(state);
      // After 17:30 no working time passes, so a second late is breached but 0 working minutes over.
      expect(story.status('accept').minutesOver).toBe(0);
    },
  );

  it('counts the minutes over in working time: a second into the next working day after the holiday', () => {
    const story = new Story(dispatched, MINOR_WORKING_HOURS).at('2025-10-09T08:30:00', SECOND).accept();
    expect(story.status('accept').state).toBe('breached');
    expect(story.status('accept').minutesOver).toBeCloseTo(1 / 60, 9);
  });

  it.each(BOUNDARY)(
    'arriving %s the deadline after the holiday is %s',
    (_label, offsetMs, state, minutesOver) => {
      const story = new Story(dispatched, MINOR_WORKING_HOURS).at('2025-09-30T17:10:00').accept();
      story.at('2025-10-09T10:00:00', offsetMs).arrive();
      expect(story.status('arrive').state).toBe(state);
      expect(story.status('arrive').minutesOver).toBeCloseTo(minutesOver, 9);
    },
  );

  it.each(BOUNDARY)(
    'resolving %s the deadline on the adjusted Saturday is %s',
    (_label, offsetMs, state, minutesOver) => {
      const story = new Story(dispatched, MINOR_WORKING_HOURS)
        .at('2025-09-30T17:10:00')
        .accept()
        .at('2025-10-09T09:40:00')
        .arrive();
      story.at('2025-10-11T09:00:00', offsetMs).resolve();
      expect(story.status('resolve').state).toBe(state);
      expect(story.status('resolve').minutesOver).toBeCloseTo(minutesOver, 9);
    },
  );

  it.each(OPEN_BOUNDARY)(
    'still unresolved %s the Saturday deadline: %s',
    (_label, offsetMs, state, minutesOver) => {
      const story = new Story(dispatched, MINOR_WORKING_HOURS)
        .at('2025-09-30T17:10:00')
        .accept()
        .at('2025-10-09T09:40:00')
        .arrive()
        .at('2025-10-11T09:00:00', offsetMs);
      expect(story.status('resolve').state).toBe(state);
      expect(story.status('resolve').minutesOver).toBeCloseTo(minutesOver, 9);
    },
  );
});

describe('working-hours clock with a pause across the same days', () => {
  // Dispatched Tue 30 Sep 17:00, accepted 17:10, on site Thu 9 Oct 09:40; pause asked 10:00,
  // approved 10:30, resumed Fri 10 Oct 13:30. Used before the pause: 30 + 120 (08:30–10:30) = 150.
  // Paused: 90 + 240 (Thu) + 210 (Fri morning) = 540. Left 810 from Fri 13:30: 240 → 570 left;
  // Sat 11 Oct (调休) 450 → 120 left; Sun 12 off; Mon 13 Oct 08:30 + 120 → 10:30.
  const story = (): Story =>
    new Story('2025-09-30T17:00:00', MINOR_WORKING_HOURS)
      .at('2025-09-30T17:10:00')
      .accept()
      .at('2025-10-09T09:40:00')
      .arrive()
      .at('2025-10-09T10:00:00')
      .do({ type: 'request_pause', pauseReason: 'awaiting_parts', reason: '冷却塔风机轴承待到货' }, vendor);

  it('keeps the clock running while the request waits for a manager', () => {
    const asked = story().at('2025-10-09T10:29:00');
    expect(asked.status('resolve')).toMatchObject({ state: 'running', usedMinutes: 149 });
    expect(iso(asked.status('resolve').deadlineMs)).toBe(iso(beijing('2025-10-11T09:00:00')));
  });

  it('holds the clock from the approval: paused, no deadline, 810 minutes left', () => {
    const paused = story()
      .at('2025-10-09T10:30:00')
      .do({ type: 'approve_pause' }, manager)
      .at('2025-10-10T11:00:00');
    expect(paused.status('resolve')).toMatchObject({
      state: 'paused',
      deadlineMs: null,
      usedMinutes: 150,
      remainingMinutes: 810,
    });
    expect(slaStatus(paused.records, calendar, paused.clock.nowMs()).nextCheckAtMs).toBeNull();
  });

  const resumed = (): Story =>
    story()
      .at('2025-10-09T10:30:00')
      .do({ type: 'approve_pause' }, manager)
      .at('2025-10-10T13:30:00')
      .resume();

  it('moves the deadline by the paused working time once resumed', () => {
    const s = resumed();
    expect(iso(s.status('resolve').deadlineMs)).toBe(iso(beijing('2025-10-13T10:30:00')));
    expect(s.status('resolve').pausedMinutes).toBe(540);
    // The arrive target was met before the pause and does not move.
    expect(s.status('arrive')).toMatchObject({ state: 'met', deadlineMs: beijing('2025-10-09T10:00:00') });
  });

  it.each(BOUNDARY)('resolving %s the moved deadline is %s', (_label, offsetMs, state, minutesOver) => {
    const s = resumed().at('2025-10-13T10:30:00', offsetMs).resolve();
    expect(s.status('resolve').state).toBe(state);
    expect(s.status('resolve').minutesOver).toBeCloseTo(minutesOver, 9);
  });

  it.each(OPEN_BOUNDARY)('still open %s the moved deadline: %s', (_label, offsetMs, state, minutesOver) => {
    const s = resumed().at('2025-10-13T10:30:00', offsetMs);
    expect(s.status('resolve').state).toBe(state);
    expect(s.status('resolve').minutesOver).toBeCloseTo(minutesOver, 9);
  });
});

describe('24x7 clock with a pause', () => {
  // Dispatched 10:00, accepted 10:05, on site 10:50; paused 11:20 (approved) to 13:20: the resolve
  // deadline moves from 18:00 by two hours to 20:00.
  const resumed = (): Story =>
    new Story('2025-10-01T10:00:00', MAJOR_24X7)
      .at('2025-10-01T10:05:00')
      .accept()
      .at('2025-10-01T10:50:00')
      .arrive()
      .at('2025-10-01T11:20:00')
      .pause()
      .at('2025-10-01T13:20:00')
      .resume();

  it.each(BOUNDARY)('resolving %s 20:00 is %s', (_label, offsetMs, state, minutesOver) => {
    const s = resumed().at('2025-10-01T20:00:00', offsetMs).resolve();
    expect(iso(s.status('resolve').deadlineMs)).toBe(iso(beijing('2025-10-01T20:00:00')));
    expect(s.status('resolve').state).toBe(state);
    expect(s.status('resolve').minutesOver).toBeCloseTo(minutesOver, 9);
  });

  it.each(OPEN_BOUNDARY)('still open %s 20:00: %s', (_label, offsetMs, state, minutesOver) => {
    const s = resumed().at('2025-10-01T20:00:00', offsetMs);
    expect(s.status('resolve').state).toBe(state);
    expect(s.status('resolve').minutesOver).toBeCloseTo(minutesOver, 9);
  });
});

describe('a pause at the deadline itself', () => {
  // Arrive deadline 11:00 (60 minutes from 10:00). The pause is asked from `accepted`.
  const accepted = (): Story =>
    new Story('2025-10-01T10:00:00', MAJOR_24X7)
      .at('2025-10-01T10:05:00')
      .accept()
      .at('2025-10-01T10:50:00')
      .do(
        { type: 'request_pause', pauseReason: 'awaiting_owner_approval', reason: '机房进入需审批' },
        vendor,
      );

  it('approved exactly at the deadline holds the clock before it breaches; after resume nothing is left', () => {
    const s = accepted()
      .at('2025-10-01T11:00:00')
      .do({ type: 'approve_pause' }, manager)
      .at('2025-10-01T12:00:00');
    expect(s.status('arrive')).toMatchObject({ state: 'paused', remainingMinutes: 0, minutesOver: 0 });
    s.resume();
    expect(s.status('arrive')).toMatchObject({
      state: 'running',
      deadlineMs: beijing('2025-10-01T12:00:00'),
    });
    s.at('2025-10-01T12:00:00', SECOND);
    expect(s.status('arrive').state).toBe('breached');
    expect(s.status('arrive').minutesOver).toBeCloseTo(1 / 60, 9);
  });

  it('approved a second after the deadline comes too late: the breach stays, the pause only stops it growing', () => {
    const s = accepted()
      .at('2025-10-01T11:00:00', SECOND)
      .do({ type: 'approve_pause' }, manager)
      .at('2025-10-01T12:00:00');
    expect(s.status('arrive')).toMatchObject({
      state: 'breached',
      deadlineMs: beijing('2025-10-01T11:00:00'),
    });
    expect(s.status('arrive').minutesOver).toBeCloseTo(1 / 60, 9);
    expect(s.status('arrive').pausedMinutes).toBeCloseTo(60 - 1 / 60, 9);
  });
});

describe('reassignment', () => {
  const other = assignment(MAJOR_24X7, 'jiahe-mep');
  const otherVendor: Actor = { role: 'vendor_user', userId: 'chen.tech', vendorId: 'jiahe-mep' };

  it('gives the new vendor its full time from the reassignment and keeps the old vendor’s breach', () => {
    // Old vendor: accept due 10:15, rejects at 10:20 (5 minutes late). New vendor from 10:30.
    const s = new Story('2025-10-01T10:00:00', MAJOR_24X7)
      .at('2025-10-01T10:20:00')
      .do({ type: 'reject', reason: '非我方维保范围' }, vendor)
      .at('2025-10-01T10:30:00')
      .do({ type: 'reassign', assignment: other, reason: '改派机电专业单位' }, manager);
    const report = slaStatus(s.records, calendar, beijing('2025-10-01T10:40:00'));
    const summary = report.targets.map((t) => [t.leg, t.vendorId, t.target, t.state, iso(t.deadlineMs)]);
    expect(summary).toEqual([
      [0, 'hengyuan-property', 'accept', 'breached', iso(beijing('2025-10-01T10:15:00'))],
      [0, 'hengyuan-property', 'arrive', 'withdrawn', iso(beijing('2025-10-01T11:00:00'))],
      [0, 'hengyuan-property', 'resolve', 'withdrawn', iso(beijing('2025-10-01T18:00:00'))],
      [1, 'jiahe-mep', 'accept', 'running', iso(beijing('2025-10-01T10:45:00'))],
      [1, 'jiahe-mep', 'arrive', 'running', iso(beijing('2025-10-01T11:30:00'))],
      [1, 'jiahe-mep', 'resolve', 'running', iso(beijing('2025-10-01T18:30:00'))],
    ]);
    // The old vendor's breach is final: measured up to its rejection, not growing afterwards.
    expect(report.targets[0]?.minutesOver).toBe(5);
    expect(report.targets[3]?.legCause).toBe('reassign');
    expect(report.nextCheckAtMs).toBe(beijing('2025-10-01T10:45:00') + 1);

    s.at('2025-10-01T10:45:00').do({ type: 'accept' }, otherVendor);
    expect(s.status('accept', 1).state).toBe('met');
  });

  it('leaves a vendor that accepted in time and then rejected without any breach', () => {
    const s = new Story('2025-10-01T10:00:00', MAJOR_24X7)
      .at('2025-10-01T10:10:00')
      .accept()
      .at('2025-10-01T10:40:00')
      .do({ type: 'reject', reason: '现场确认为供电问题' }, vendor);
    expect(s.status('accept').state).toBe('met');
    expect(s.status('arrive').state).toBe('withdrawn');
    expect(slaStatus(s.records, calendar, beijing('2025-10-02T10:00:00')).nextCheckAtMs).toBeNull();
  });
});

describe('returns to the same vendor', () => {
  it('starts a new leg at a failed verification; the first leg’s results stand', () => {
    const s = new Story('2025-10-01T10:00:00', MAJOR_24X7)
      .at('2025-10-01T10:05:00')
      .accept()
      .at('2025-10-01T10:45:00')
      .arrive()
      .at('2025-10-01T12:00:00')
      .resolve()
      .at('2025-10-01T14:00:00')
      .do({ type: 'fail_verification', reason: '水泵仍有异响' }, manager);
    const report = slaStatus(s.records, calendar, beijing('2025-10-01T14:05:00'));
    expect(report.targets.map((t) => [t.leg, t.legCause, t.target, t.state])).toEqual([
      [0, 'dispatch', 'accept', 'met'],
      [0, 'dispatch', 'arrive', 'met'],
      [0, 'dispatch', 'resolve', 'met'],
      [1, 'fail_verification', 'accept', 'running'],
      [1, 'fail_verification', 'arrive', 'running'],
      [1, 'fail_verification', 'resolve', 'running'],
    ]);
    expect(report.targets[3]?.deadlineMs).toBe(beijing('2025-10-01T14:15:00'));
  });
});

describe('the report as a whole', () => {
  it('flags a working-hours deadline in a year the holiday dataset does not cover as provisional', () => {
    const s = new Story('2027-03-01T09:00:00', MINOR_WORKING_HOURS);
    expect(s.status('resolve').provisional).toBe(true);
    expect(new Story('2027-03-01T09:00:00', MAJOR_24X7).status('resolve').provisional).toBe(false);
  });

  it('has nothing to report for an order not yet dispatched, or cancelled from the office queue', () => {
    const created = createWorkOrder(
      {
        buildingCode: '330302A004',
        category: 'energy_management',
        severity: 'major',
        incidentIds: ['7'],
        route: { kind: 'office_queue', reason: 'no_covering_contract', contractIds: [] },
      },
      system,
      0,
    );
    if (!created.ok) throw created.error;
    const cancelled = transition(
      created.order,
      { type: 'cancel', reason: '由后勤中心自行处理' },
      manager,
      1000,
    );
    if (!cancelled.ok) throw cancelled.error;
    expect(slaStatus([created.record, cancelled.record], calendar, 2000)).toEqual({
      targets: [],
      nextCheckAtMs: null,
    });
  });

  it('refuses a history out of order, a step before any dispatch, and a `now` before the last step', () => {
    const s = new Story('2025-10-01T10:00:00', MAJOR_24X7).at('2025-10-01T10:05:00').accept();
    const [create, dispatch, accept] = s.records as [TransitionRecord, TransitionRecord, TransitionRecord];
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
        return undefined;
      } catch (error) {
        return error instanceof WorkOrderError ? error.code : 'other';
      }
    };
    expect(
      code(() =>
        slaStatus([create, accept, { ...dispatch, atMs: accept.atMs + 1 }], calendar, accept.atMs + 2),
      ),
    ).toBe('invalid_timeline');
    expect(code(() => slaStatus([create, accept], calendar, accept.atMs))).toBe('invalid_timeline');
    expect(code(() => slaStatus(s.records, calendar, accept.atMs - 1))).toBe('invalid_timeline');
  });
});
