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
/** The sample site's energy performance contract. */
const EPC = 'energy-epc-2025';
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
