import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiHarness,
  CALLERS,
  type Caller,
  PASSWORD,
  type SignedIn,
} from '../../services/api/test-harness.ts';
import { T0 } from '../../services/workorders/test-harness.ts';
import { uniqueName } from '../helpers/stack.ts';

/**
 * Every route × every caller: allowed (the route's success status), forbidden (403), not found
 * (404: vendor B asking for vendor A's order), unauthenticated (401). Allowed cells run on a fresh
 * order in the state the action needs, so "allowed" means the action really happened. The table
 * must have exactly one row per registered /api route: a new route without a row fails here.
 */

type Outcome = 200 | 201 | 204 | 401 | 403 | 404 | 422;
type Expectation = Readonly<Record<Caller, Outcome>>;

interface Cell {
  readonly url: string;
  readonly body?: unknown;
  /** A session of its own (logout ends the one it is called with). */
  readonly token?: string;
}

interface Row {
  /** `METHOD /api/...` as fastify registered it. */
  readonly route: string;
  readonly expect: Expectation;
  /** A fresh target for an allowed cell. */
  readonly allowed: (caller: SignedIn) => Promise<Cell>;
  /** Any target for a refused cell (nothing changes). */
  readonly refused: () => Promise<Cell>;
}

const h = new ApiHarness();

/** Allowed for `roles` with `status`; 401 for anonymous; 404 for vendor B where vendor users are allowed (A's order); 403 otherwise. */
function only(status: Outcome, allowed: readonly SignedIn[], scoped = false): Expectation {
  const cells = {} as Record<Caller, Outcome>;
  for (const caller of CALLERS) {
    if (caller === 'anonymous') cells[caller] = 401;
    else if (allowed.includes(caller)) cells[caller] = status;
    else if (caller === 'vendorB' && scoped && allowed.includes('vendorA')) cells[caller] = 404;
    else cells[caller] = 403;
  }
  return cells;
}

const EVERYONE: readonly SignedIn[] = [
  'operator',
  'vendorA',
  'vendorB',
  'manager',
  'administrator',
  'auditor',
];
const CONTROL_ROOM_READERS: readonly SignedIn[] = ['operator', 'manager', 'administrator', 'auditor'];
const STAFF_AND_VENDOR_A: readonly SignedIn[] = [
  'operator',
  'vendorA',
  'manager',
  'administrator',
  'auditor',
];

/** A row for `POST /api/workorders/:orderId/<action>` on an order prepared by `state`. */
function orderAction(
  action: string,
  status: Outcome,
  allowed: readonly SignedIn[],
  state: () => Promise<string>,
  body?: unknown,
): Row {
  return {
    route: `POST /api/workorders/:orderId/${action}`,
    expect: only(status, allowed, true),
    allowed: async () => ({ url: `/api/workorders/${await state()}/${action}`, body }),
    refused: async () => ({ url: `/api/workorders/${await sharedOrder()}/${action}`, body }),
  };
}

let shared: string | undefined;
/** One dispatched order of vendor A for cells that must not change anything. */
async function sharedOrder(): Promise<string> {
  shared ??= await h.dispatched();
  return shared;
}

let sharedIncident: string | undefined;
async function anIncident(): Promise<string> {
  sharedIncident ??= await h.activeIncident();
  return sharedIncident;
}

const reason = { reason: '测试原因' };

// Vendor evaluation: September 2026 of vendor A's lift contract, closed with three major findings
// (three deduction lines to appeal), and the inputs' targets.
const LIFTS = 'lifts-2025';
const HOUR = 3_600_000;
const VENDOR_A_ACTOR = { role: 'vendor_user', userId: 'zhang.wei', vendorId: 'antu-lifts' } as const;
const MANAGER_ACTOR = { role: 'facilities_manager', userId: 'chen.jie' } as const;
/** 2026-09-15 10:00 at the site. */
const SEPTEMBER_15 = Date.UTC(2026, 8, 15, 2);

let september: Promise<string[]> | undefined;
/** The deduction lines of September's closed lift scorecard. */
function closedSeptember(): Promise<string[]> {
  september ??= (async () => {
    const inspection = await h.scoring.recordInspection(MANAGER_ACTOR, {
      contractId: LIFTS,
      kind: 'spot_check',
      conductedAtMs: SEPTEMBER_15,
      findings: [1, 2, 3].map((n) => ({ level: 'major', description: `重大问题 ${n}` })),
    });
    await h.scoring.closeMonth(MANAGER_ACTOR, '2026-09');
    return [0, 1, 2].map((finding) => `inspectionMajor:inspection:${inspection.id}:finding:${finding}`);
  })();
  return september;
}

/** An appeal of vendor A on line `index` of September, filed through the store. */
async function appealOn(index: number): Promise<string> {
  const lineId = (await closedSeptember())[index] as string;
  const appeal = await h.scoring.fileAppeal(VENDOR_A_ACTOR, {
    contractId: LIFTS,
    month: '2026-09',
    lineId,
    statement: '当日电梯停电，无法维保',
  });
  return appeal.id;
}

let sharedAppeal: Promise<string> | undefined;
const anAppeal = (): Promise<string> => {
  sharedAppeal ??= appealOn(2);
  return sharedAppeal;
};

let thirdQuarter: Promise<void> | undefined;
/** 2026-Q3 closed for every contract in force: its bulletin is published to vendors. */
function closedThirdQuarter(): Promise<void> {
  thirdQuarter ??= (async () => {
    await closedSeptember();
    for (const month of ['2026-07', '2026-08']) await h.scoring.closeMonth(MANAGER_ACTOR, month);
  })();
  return thirdQuarter;
}

/** A published bulletin's read: every caller signed in (a vendor reads the whole ranking). */
function bulletinRead(route: string, url: string): Row {
  return {
    route,
    expect: only(200, EVERYONE),
    allowed: async () => {
      await closedThirdQuarter();
      return { url };
    },
    refused: async () => ({ url }),
  };
}

/** A manual input row: facilities managers only; `body` is made fresh for the allowed cell. */
function scoringInput(path: string, body: () => Promise<unknown>): Row {
  return {
    route: `POST /api/scoring/${path}`,
    expect: only(201, ['manager']),
    allowed: async () => ({ url: `/api/scoring/${path}`, body: await body() }),
    refused: async () => ({ url: `/api/scoring/${path}`, body: {} }),
  };
}

/** A read of vendor A's lift contract: staff and vendor A; vendor B gets 404. */
function liftRead(route: string, url: () => Promise<string>): Row {
  return {
    route,
    expect: only(200, STAFF_AND_VENDOR_A, true),
    allowed: async () => ({ url: await url() }),
    refused: async () => ({ url: await url() }),
  };
}

/** A read for staff only. */
function staffRead(route: string, url: () => Promise<string>): Row {
  return {
    route,
    expect: only(200, CONTROL_ROOM_READERS),
    allowed: async () => ({ url: await url() }),
    refused: async () => ({ url: await url() }),
  };
}

const inNovember = (): number => T0 - HOUR;
/** The sample site's energy performance contract. */
const EPC = 'energy-epc-2025';
const ADJUSTMENT = { fromDate: '2025-06-01', toDate: '2025-06-30', kwh: 1_200, reason: '新增数据机房负荷' };
const LAST_HOUR = `from=${new Date(T0 - 3_600_000).toISOString()}&to=${new Date(T0).toISOString()}`;

const ROWS: readonly Row[] = [
  // Accounts.
  {
    route: 'POST /api/auth/login',
    // Public: whoever calls (signed in or not) gets a session for the credentials sent.
    expect: Object.fromEntries(CALLERS.map((caller) => [caller, 200])) as unknown as Expectation,
    allowed: async (caller) => ({
      url: '/api/auth/login',
      body: { username: h.users[caller].username, password: PASSWORD },
    }),
    refused: async () => ({
      url: '/api/auth/login',
      body: { username: h.users.operator.username, password: PASSWORD },
    }),
  },
  {
    route: 'POST /api/auth/logout',
    expect: only(204, EVERYONE),
    allowed: async (caller) => ({
      url: '/api/auth/logout',
      token: (await h.accounts.createSession(h.users[caller].id)).token,
    }),
    refused: async () => ({ url: '/api/auth/logout' }),
  },
  {
    route: 'GET /api/me',
    expect: only(200, EVERYONE),
    allowed: async () => ({ url: '/api/me' }),
    refused: async () => ({ url: '/api/me' }),
  },

  // Work orders: reads.
  {
    route: 'GET /api/workorders',
    expect: only(200, EVERYONE),
    allowed: async () => ({ url: '/api/workorders?states=dispatched&limit=5' }),
    refused: async () => ({ url: '/api/workorders' }),
  },
  {
    route: 'GET /api/workorders/performance',
    expect: only(200, EVERYONE),
    allowed: async () => ({
      url: `/api/workorders/performance?fromMs=${T0 - 86_400_000}&toMs=${T0 + 86_400_000}`,
    }),
    refused: async () => ({ url: `/api/workorders/performance?fromMs=${T0}&toMs=${T0 + 1}` }),
  },
  {
    route: 'GET /api/workorders/:orderId',
    expect: only(200, STAFF_AND_VENDOR_A, true),
    allowed: async () => ({ url: `/api/workorders/${await sharedOrder()}` }),
    refused: async () => ({ url: `/api/workorders/${await sharedOrder()}` }),
  },

  // Work orders: the vendor's actions.
  orderAction('accept', 200, ['vendorA'], () => h.dispatched()),
  orderAction('arrive', 200, ['vendorA'], () => h.accepted()),
  orderAction('reject', 200, ['vendorA'], () => h.dispatched(), reason),
  orderAction('request-pause', 200, ['vendorA'], () => h.accepted(), {
    pauseReason: 'awaiting_owner_approval',
    note: '报价待业主确认',
  }),
  orderAction('resume', 200, ['vendorA', 'manager'], () => h.paused(), {}),
  orderAction('resolve', 200, ['vendorA', 'manager'], () => h.onSite(), {
    cause: '门机皮带老化',
    actionTaken: '更换门机皮带并调试',
    reason: '现场确认',
  }),
  orderAction('notes', 201, ['vendorA'], () => h.dispatched(), {
    body: '已联系业主，明早到场',
    attachments: [{ name: 'plan.pdf', uri: 'https://files.example.gov.cn/wo/plan.pdf' }],
  }),

  // Work orders: supervision.
  orderAction('verify', 200, ['operator', 'manager'], () => h.resolved(), {}),
  orderAction('fail-verification', 200, ['operator', 'manager'], () => h.resolved(), reason),
  orderAction('comments', 201, ['operator', 'manager'], () => h.dispatched(), { body: '请尽快处理' }),
  orderAction('dispatch', 200, ['manager'], () => h.created(), { contractId: 'lifts-2025' }),
  orderAction('reassign', 200, ['manager'], () => h.dispatched(), { contractId: 'security-2025', ...reason }),
  orderAction('approve-pause', 200, ['manager'], () => h.pauseRequested(), {}),
  orderAction('deny-pause', 200, ['manager'], () => h.pauseRequested(), reason),
  orderAction('close', 200, ['manager'], () => h.verified(), {}),
  orderAction('reopen', 200, ['manager'], () => h.closed(), reason),
  orderAction('cancel', 200, ['manager', 'administrator'], () => h.dispatched(), reason),

  // Incidents.
  {
    route: 'GET /api/incidents',
    expect: only(200, CONTROL_ROOM_READERS),
    allowed: async () => ({ url: '/api/incidents?states=active&states=acknowledged' }),
    refused: async () => ({ url: '/api/incidents' }),
  },
  {
    route: 'GET /api/incidents/:incidentId',
    expect: only(200, CONTROL_ROOM_READERS),
    allowed: async () => ({ url: `/api/incidents/${await anIncident()}` }),
    refused: async () => ({ url: `/api/incidents/${await anIncident()}` }),
  },
  {
    route: 'POST /api/incidents/:incidentId/acknowledge',
    expect: only(200, ['operator', 'manager']),
    allowed: async () => ({ url: `/api/incidents/${await h.activeIncident()}/acknowledge` }),
    refused: async () => ({ url: `/api/incidents/${await anIncident()}/acknowledge` }),
  },
  {
    route: 'GET /api/workorders/breaches',
    expect: only(200, EVERYONE),
    allowed: async () => ({
      url: `/api/workorders/breaches?fromMs=${T0 - 86_400_000}&toMs=${T0 + 86_400_000}`,
    }),
    refused: async () => ({ url: `/api/workorders/breaches?fromMs=0&toMs=1` }),
  },
  // The site as the dashboards draw it.
  {
    route: 'GET /api/sites',
    expect: only(200, EVERYONE),
    allowed: async () => ({ url: '/api/sites' }),
    refused: async () => ({ url: '/api/sites' }),
  },
  {
    route: 'GET /api/equipment',
    expect: only(200, CONTROL_ROOM_READERS),
    allowed: async () => ({ url: '/api/equipment?site=admin-centre' }),
    refused: async () => ({ url: '/api/equipment' }),
  },
  {
    route: 'GET /api/points/:pointId/series',
    expect: only(200, CONTROL_ROOM_READERS),
    allowed: async () => ({ url: `/api/points/MB-EM-01000.power/series?${LAST_HOUR}` }),
    refused: async () => ({ url: `/api/points/MB-EM-01000.power/series?${LAST_HOUR}` }),
  },
  {
    route: 'GET /api/energy/today',
    expect: only(200, CONTROL_ROOM_READERS),
    allowed: async () => ({ url: '/api/energy/today' }),
    refused: async () => ({ url: '/api/energy/today' }),
  },
  {
    route: 'GET /api/energy/rollup',
    expect: only(200, CONTROL_ROOM_READERS),
    allowed: async () => ({ url: '/api/energy/rollup?fromDate=2026-11-01&toDate=2026-11-22' }),
    refused: async () => ({ url: '/api/energy/rollup?fromDate=2026-11-01&toDate=2026-11-22' }),
  },
  {
    route: 'GET /api/energy/contracts',
    // Vendor users get the list filtered to their own contracts (none, for vendors A and B).
    expect: only(200, EVERYONE),
    allowed: async () => ({ url: '/api/energy/contracts' }),
    refused: async () => ({ url: '/api/energy/contracts' }),
  },
  {
    route: 'GET /api/energy/contracts/:contractId/savings',
    // Access passes for staff and the service answers: this run's store holds no baseline year,
    // so 422 baseline_insufficient. Vendors A and B do not hold the contract: 404.
    expect: { ...only(422, CONTROL_ROOM_READERS), vendorA: 404, vendorB: 404 },
    allowed: async () => ({
      url: `/api/energy/contracts/${EPC}/savings?fromDate=2025-01-01&toDate=2025-03-31`,
    }),
    refused: async () => ({
      url: `/api/energy/contracts/${EPC}/savings?fromDate=2025-01-01&toDate=2025-03-31`,
    }),
  },
  {
    route: 'GET /api/energy/reports/monthly.csv',
    expect: only(200, CONTROL_ROOM_READERS),
    allowed: async () => ({ url: '/api/energy/reports/monthly.csv?month=2026-10' }),
    refused: async () => ({ url: '/api/energy/reports/monthly.csv?month=2026-10' }),
  },
  {
    route: 'GET /api/energy/contracts/:contractId/adjustments',
    expect: { ...only(200, CONTROL_ROOM_READERS), vendorA: 404, vendorB: 404 },
    allowed: async () => ({ url: `/api/energy/contracts/${EPC}/adjustments` }),
    refused: async () => ({ url: `/api/energy/contracts/${EPC}/adjustments` }),
  },
  {
    route: 'POST /api/energy/contracts/:contractId/adjustments',
    expect: only(201, ['manager']),
    allowed: async () => ({ url: `/api/energy/contracts/${EPC}/adjustments`, body: ADJUSTMENT }),
    refused: async () => ({ url: `/api/energy/contracts/${EPC}/adjustments`, body: ADJUSTMENT }),
  },
  {
    route: 'POST /api/energy/contracts/:contractId/baseline/freeze',
    // The manager passes access and the service answers: no baseline year in this run's store.
    expect: only(422, ['manager']),
    allowed: async () => ({ url: `/api/energy/contracts/${EPC}/baseline/freeze`, body: {} }),
    refused: async () => ({ url: `/api/energy/contracts/${EPC}/baseline/freeze`, body: {} }),
  },
  {
    route: 'GET /api/energy/reports/monthly.pdf',
    expect: only(200, CONTROL_ROOM_READERS),
    allowed: async () => ({ url: '/api/energy/reports/monthly.pdf?month=2026-10' }),
    refused: async () => ({ url: '/api/energy/reports/monthly.pdf?month=2026-10' }),
  },
  {
    route: 'GET /api/ingest/health',
    expect: only(200, CONTROL_ROOM_READERS),
    allowed: async () => ({ url: '/api/ingest/health' }),
    refused: async () => ({ url: '/api/ingest/health' }),
  },

  // Vendor evaluation: the office's inputs.
  scoringInput('inspections', async () => ({
    contractId: LIFTS,
    kind: 'daily_patrol',
    conductedAtMs: inNovember(),
    findings: [{ level: 'general', description: '机房未上锁' }],
  })),
  scoringInput('rectification-notices', async () => ({
    contractId: LIFTS,
    issuedAtMs: inNovember(),
    deadlineMs: T0 + 72 * HOUR,
    problem: '轿厢照明不足',
  })),
  scoringInput('rectification-outcomes', async () => {
    const notice = await h.scoring.issueRectification(MANAGER_ACTOR, {
      contractId: LIFTS,
      issuedAtMs: inNovember() - HOUR,
      deadlineMs: T0,
      problem: '井道清洁',
    });
    return { noticeId: notice.id, outcome: 'passed', checkedAtMs: inNovember(), note: '复查合格' };
  }),
  scoringInput('complaints', async () => ({
    contractId: LIFTS,
    receivedAtMs: inNovember(),
    channel: 'hotline',
    summary: '电梯异响',
  })),
  scoringInput('complaint-conclusions', async () => {
    const complaint = await h.scoring.recordComplaint(MANAGER_ACTOR, {
      contractId: LIFTS,
      receivedAtMs: inNovember() - HOUR,
      channel: 'online',
      summary: '电梯门夹人',
    });
    return {
      complaintId: complaint.id,
      result: 'unfounded',
      concludedAtMs: inNovember(),
      finding: '现场核实，门机防夹正常',
    };
  }),
  scoringInput('commendations', async () => ({
    contractId: LIFTS,
    kind: 'commendation',
    awardedAtMs: inNovember(),
    description: '办公厅来函表扬',
  })),
  scoringInput('surveys', async () => ({
    contractId: LIFTS,
    conductedOn: '2026-11-20',
    distributed: 40,
    returned: 39,
    items: [
      {
        key: 'lift.response',
        label: { 'zh-CN': '故障响应', en: 'Fault response' },
        counts: { excellent: 30, good: 8, fair: 1, poor: 0 },
      },
    ],
  })),
  scoringInput('leadership-reviews', async () => ({
    contractId: LIFTS,
    half: '2026-H2',
    score: 92,
    reviewedAtMs: inNovember(),
  })),
  staffRead('GET /api/scoring/contracts/:contractId/inputs', async () => {
    await closedSeptember();
    return `/api/scoring/contracts/${LIFTS}/inputs?period=2026-Q3`;
  }),

  // Vendor evaluation: scorecards.
  {
    route: 'GET /api/scoring/scorecards',
    // Vendor users get their own contracts' scorecards only.
    expect: only(200, EVERYONE),
    allowed: async () => {
      await closedSeptember();
      return { url: '/api/scoring/scorecards?month=2026-09' };
    },
    refused: async () => ({ url: '/api/scoring/scorecards?month=2026-09' }),
  },
  liftRead('GET /api/scoring/scorecards/:contractId/:month', async () => {
    await closedSeptember();
    return `/api/scoring/scorecards/${LIFTS}/2026-09`;
  }),
  liftRead('GET /api/scoring/scorecards/:contractId/:month/preview', async () => {
    return `/api/scoring/scorecards/${LIFTS}/2026-11/preview`;
  }),
  staffRead('GET /api/scoring/scorecards/:contractId/:month/recompute', async () => {
    await closedSeptember();
    return `/api/scoring/scorecards/${LIFTS}/2026-09/recompute`;
  }),
  {
    route: 'POST /api/scoring/months/:month/close',
    // The domain's closers (less `system`); closing again returns the stored scorecard.
    expect: only(200, ['manager', 'administrator']),
    allowed: async () => ({ url: '/api/scoring/months/2026-08/close', body: { contractIds: [LIFTS] } }),
    refused: async () => ({ url: '/api/scoring/months/2026-08/close', body: {} }),
  },

  // Vendor evaluation: appeals.
  {
    route: 'POST /api/scoring/appeals',
    // Vendor B appealing vendor A's deduction: 404, as for a contract that does not exist.
    expect: only(201, ['vendorA'], true),
    allowed: async () => ({
      url: '/api/scoring/appeals',
      body: {
        contractId: LIFTS,
        month: '2026-09',
        lineId: (await closedSeptember())[0],
        statement: '检查当日设备正在大修',
      },
    }),
    refused: async () => ({
      url: '/api/scoring/appeals',
      body: {
        contractId: LIFTS,
        month: '2026-09',
        lineId: (await closedSeptember())[0],
        statement: '检查当日设备正在大修',
      },
    }),
  },
  {
    route: 'POST /api/scoring/appeal-decisions',
    expect: only(201, ['manager']),
    allowed: async () => ({
      url: '/api/scoring/appeal-decisions',
      body: { appealId: await appealOn(1), outcome: 'upheld', reason: '停电记录不符' },
    }),
    refused: async () => ({
      url: '/api/scoring/appeal-decisions',
      body: { appealId: await anAppeal(), outcome: 'overturned', reason: '无' },
    }),
  },
  {
    route: 'GET /api/scoring/appeals',
    // Vendor users get their own contracts' appeals only.
    expect: only(200, EVERYONE),
    allowed: async () => {
      await anAppeal();
      return { url: '/api/scoring/appeals?state=pending' };
    },
    refused: async () => ({ url: '/api/scoring/appeals' }),
  },
  liftRead('GET /api/scoring/appeals/:appealId', async () => `/api/scoring/appeals/${await anAppeal()}`),

  // Vendor evaluation: quarter, year and reports.
  // 通报制: once the quarter's months are closed, vendors read the bulletin too (api-scoring tests
  // the refusal before).
  bulletinRead('GET /api/scoring/bulletins/:quarter', '/api/scoring/bulletins/2026-Q3'),
  liftRead('GET /api/scoring/evaluations/:contractId/:year', async () => {
    await closedSeptember();
    return `/api/scoring/evaluations/${LIFTS}/2026`;
  }),
  liftRead('GET /api/scoring/reports/scorecard.csv', async () => {
    await closedSeptember();
    return `/api/scoring/reports/scorecard.csv?contractId=${LIFTS}&month=2026-09`;
  }),
  liftRead('GET /api/scoring/reports/scorecard.pdf', async () => {
    await closedSeptember();
    return `/api/scoring/reports/scorecard.pdf?contractId=${LIFTS}&month=2026-09`;
  }),
  bulletinRead('GET /api/scoring/reports/bulletin.csv', '/api/scoring/reports/bulletin.csv?quarter=2026-Q3'),
  bulletinRead('GET /api/scoring/reports/bulletin.pdf', '/api/scoring/reports/bulletin.pdf?quarter=2026-Q3'),
];

describe('access matrix: every route × every caller', () => {
  beforeAll(async () => {
    // Limits out of the way: this test is about roles and scope, api-auth tests the limits.
    await h.open({
      rateLimits: {
        loginPerIp: { max: 10_000, windowMs: 60_000 },
        loginPerUsername: { max: 10_000, windowMs: 60_000 },
        writesPerUser: { max: 10_000, windowMs: 60_000 },
      },
      // Reads only this run's series: the shared store may hold a demo's history (a baseline year).
      telemetryLabels: { test_run: uniqueName('matrix') },
    });
    h.wo.clock.set(T0);
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('has exactly one row per registered /api route', () => {
    const rows = ROWS.map((row) => row.route);
    expect(new Set(rows).size).toBe(rows.length);
    expect([...rows].sort()).toEqual([...h.routes].sort());
  });

  for (const row of ROWS) {
    it(`${row.route}`, async () => {
      const [method, template] = row.route.split(' ') as ['GET' | 'POST', string];
      const answers: Record<string, unknown> = {};
      for (const caller of CALLERS) {
        const expected = row.expect[caller];
        const allowed = expected === 200 || expected === 201 || expected === 204;
        const cell = caller !== 'anonymous' && allowed ? await row.allowed(caller) : await row.refused();
        const response = await h.request(caller, {
          method,
          url: cell.url,
          ...(cell.body === undefined ? {} : { payload: cell.body as Record<string, unknown> }),
          ...(cell.token ? { token: cell.token } : {}),
        });
        answers[caller] =
          response.statusCode === expected ? expected : `${response.statusCode} ${response.body}`;
        if (!allowed && response.statusCode === expected) {
          const code = response.json<{ error: { code: string } }>().error.code;
          expect(code).toBe(
            {
              401: 'unauthenticated',
              403: 'forbidden',
              404: 'not_found',
              422: 'baseline_insufficient',
            }[expected as 401 | 403 | 404 | 422],
          );
        }
      }
      expect(answers, `${method} ${template}`).toEqual(row.expect);
    });
  }

  it("never lists another vendor's orders to a vendor user", async () => {
    const orderOfA = await sharedOrder();
    const orderOfB = await h.dispatched('security-2025');
    const listOf = async (caller: SignedIn) =>
      (await h.request(caller, { method: 'GET', url: '/api/workorders?limit=1000' })).json<{
        orders: { id: string; vendorId: string | null }[];
      }>().orders;
    const ofB = await listOf('vendorB');
    const ofA = await listOf('vendorA');
    expect(ofB.map((order) => order.id)).not.toContain(orderOfA);
    expect(ofB.map((order) => order.id)).toContain(orderOfB);
    expect(ofB.every((order) => order.vendorId === 'jindun-security')).toBe(true);
    expect(ofA.map((order) => order.id)).toContain(orderOfA);
    expect(ofA.every((order) => order.vendorId === 'antu-lifts')).toBe(true);
    // Asking for A's orders by filter still answers B's own.
    const filtered = await h.request('vendorB', {
      method: 'GET',
      url: '/api/workorders?vendorId=antu-lifts',
    });
    const orders = filtered.json<{ orders: { vendorId: string | null }[] }>().orders;
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.every((order) => order.vendorId === 'jindun-security')).toBe(true);
  });

  it('answers vendor B exactly as for an order that does not exist', async () => {
    const ofA = await h.request('vendorB', { method: 'GET', url: `/api/workorders/${await sharedOrder()}` });
    const missing = await h.request('vendorB', { method: 'GET', url: '/api/workorders/999999999' });
    expect(ofA.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    const shape = (body: string) => JSON.parse(body.replace(/\d+/g, 'N'));
    expect(shape(ofA.body)).toEqual(shape(missing.body));
  });
});
