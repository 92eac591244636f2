/**
 * Shared by the API integration tests (not used by production code): the work-order harness (a
 * fresh database with the sample registry, a private Redis prefix, the real incident and
 * work-order stores on one manual clock), the accounts' tables and store, one user and session
 * per kind of caller, and a fastify instance with `registerApi`, driven through `inject`.
 */
import Fastify, { type FastifyInstance, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import type { Severity } from '../../config/schema/common.ts';
import { stackSettings } from '../../test/helpers/stack.ts';
import { AccountStore } from '../accounts/index.ts';
import type { AccountRole } from '../accounts/principal.ts';
import { EnergyRecordsStore, EnergyService, VictoriaReadingSource } from '../energy/index.ts';
import { ReportRenderer, readReportSettings } from '../reports/index.ts';
import { ScoringStore } from '../scoring/index.ts';
import { assignmentFor, type Route } from '../workorders/domain/index.ts';
import { actors, WorkOrderHarness } from '../workorders/test-harness.ts';
import type { RateLimits } from './rate-limits.ts';
import { registerApi } from './register.ts';
import { VictoriaTelemetry } from './telemetry.ts';

/** Everyone the access rules tell apart. Vendor A holds the lift contract, vendor B the security one. */
export const CALLERS = [
  'anonymous',
  'operator',
  'vendorA',
  'vendorB',
  'manager',
  'administrator',
  'auditor',
] as const;
export type Caller = (typeof CALLERS)[number];
export type SignedIn = Exclude<Caller, 'anonymous'>;

export const VENDOR_A = 'antu-lifts';
export const VENDOR_B = 'jindun-security';
const CONTRACT_A = 'lifts-2025';

export const PASSWORD = 'correct horse battery staple';

const ACCOUNTS: Readonly<Record<SignedIn, { username: string; role: AccountRole; vendorId?: string }>> = {
  operator: { username: 'control-room-1', role: 'operator' },
  vendorA: { username: 'zhang.wei', role: 'vendor_user', vendorId: VENDOR_A },
  vendorB: { username: 'li.na', role: 'vendor_user', vendorId: VENDOR_B },
  manager: { username: 'chen.jie', role: 'facilities_manager' },
  administrator: { username: 'root', role: 'administrator' },
  auditor: { username: 'audit-1', role: 'auditor' },
};

export interface CallerAccount {
  readonly id: string;
  readonly username: string;
  token: string;
}

export class ApiHarness {
  readonly wo = new WorkOrderHarness();
  /** Every route registered under /api, as `METHOD url`. */
  readonly routes: string[] = [];
  readonly users = {} as Record<SignedIn, CallerAccount>;
  app!: FastifyInstance;
  energyRecords!: EnergyRecordsStore;
  accounts!: AccountStore;
  /** Vendor scoring over the harness's database, clock, model and work orders. */
  scoring!: ScoringStore;

  /**
   * `telemetryLabels`: label matchers every time-series query adds, so a test reads only the
   * series it wrote (tagged the same way).
   */
  async open(
    options: { rateLimits?: Partial<RateLimits>; telemetryLabels?: Record<string, string> } = {},
  ): Promise<this> {
    await this.wo.open();
    // The work-order harness ran every migration, the accounts' included (MIGRATION_SOURCES).
    this.accounts = new AccountStore({ pool: this.wo.db.pool, clock: this.wo.clock });
    for (const [caller, spec] of Object.entries(ACCOUNTS) as [SignedIn, (typeof ACCOUNTS)[SignedIn]][]) {
      const user = await this.accounts.createUser({
        ...spec,
        displayName: spec.username,
        password: PASSWORD,
      });
      const { token } = await this.accounts.createSession(user.id);
      this.users[caller] = { id: user.id, username: user.username, token };
    }
    this.scoring = new ScoringStore({
      pool: this.wo.db.pool,
      clock: this.wo.clock,
      model: this.wo.model,
      workOrders: this.wo.store,
    });
    this.app = Fastify();
    this.app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method !== 'HEAD' && route.url.startsWith('/api')) this.routes.push(`${method} ${route.url}`);
      }
    });
    this.energyRecords = new EnergyRecordsStore({ pool: this.wo.db.pool });
    registerApi(this.app, {
      accounts: this.accounts,
      workOrders: this.wo.service,
      incidents: this.wo.incidents,
      clock: this.wo.clock,
      energy: new EnergyService({
        model: this.wo.model,
        source: new VictoriaReadingSource({
          url: stackSettings.TSDB_URL,
          ...(options.telemetryLabels ? { extraLabels: options.telemetryLabels } : {}),
        }),
        clock: this.wo.clock,
        records: this.energyRecords,
      }),
      energyRecords: this.energyRecords,
      reports: ReportRenderer.fromSettings(readReportSettings(), this.wo.clock),
      scoring: this.scoring,
      site: {
        model: this.wo.model,
        telemetry: new VictoriaTelemetry(stackSettings.TSDB_URL, {
          ...(options.telemetryLabels ? { extraLabels: options.telemetryLabels } : {}),
        }),
        redis: this.wo.redis,
        redisPrefix: this.wo.prefix,
      },
      redis: this.wo.redis,
      redisPrefix: this.wo.prefix,
      version: 'test',
      ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    });
    await this.app.ready();
    return this;
  }

  /** A request as `caller` (bearer token), or without credentials. */
  request(caller: Caller, options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse> {
    const { token, ...rest } = options;
    const bearer = token ?? (caller === 'anonymous' ? undefined : this.users[caller].token);
    const headers = { ...rest.headers, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) };
    return this.app.inject({ ...rest, headers });
  }

  // Orders of vendor A (the lift contract) in a given state, made through the real store and service.

  async created(route: Route = { kind: 'office_queue', reason: 'no_covering_contract', contractIds: [] }) {
    const created = await this.wo.store.create(
      {
        buildingCode: '330302A001',
        category: 'lift_maintenance',
        severity: SEVERITY,
        incidentIds: [],
        route,
      },
      actors.system,
      this.wo.clock.nowMs(),
    );
    return created.order.id;
  }

  /** Dispatched to the vendor of `contractId` (vendor A's lift contract by default). */
  async dispatched(contractId: string = CONTRACT_A): Promise<string> {
    const contract = this.wo.model.contracts.get(contractId);
    if (!contract) throw new Error(`the sample has no contract ${contractId}`);
    const id = await this.created({
      kind: 'contract',
      contractId,
      vendorId: contract.vendor,
      dispatch: 'immediate',
    });
    await this.wo.store.apply(
      id,
      { type: 'dispatch', assignment: assignmentFor(contract, SEVERITY, null) },
      actors.system,
      this.wo.clock.nowMs(),
    );
    return id;
  }

  async accepted(): Promise<string> {
    const id = await this.dispatched();
    await this.wo.service.accept(actors.lifts, id);
    return id;
  }

  async onSite(): Promise<string> {
    const id = await this.accepted();
    await this.wo.service.arrive(actors.lifts, id);
    return id;
  }

  async pauseRequested(): Promise<string> {
    const id = await this.accepted();
    await this.wo.service.requestPause(actors.lifts, id, {
      pauseReason: 'awaiting_parts',
      note: '等待门机皮带到货',
    });
    return id;
  }

  async paused(): Promise<string> {
    const id = await this.pauseRequested();
    await this.wo.service.approvePause(actors.manager, id);
    return id;
  }

  async resolved(): Promise<string> {
    const id = await this.onSite();
    await this.wo.service.resolve(actors.lifts, id, { cause: '门机皮带老化', actionTaken: '更换皮带' });
    return id;
  }

  async verified(): Promise<string> {
    const id = await this.resolved();
    await this.wo.service.verify(actors.operator, id);
    return id;
  }

  async closed(): Promise<string> {
    const id = await this.verified();
    await this.wo.service.close(actors.manager, id);
    return id;
  }

  /** An active incident on a lift, closing whatever was open on it first. */
  async activeIncident(): Promise<string> {
    const [open] = await this.wo.incidents.openIncidents({ ruleId: 'lift-fault', equipmentId: 'MB-LIFT-03' });
    if (open) await this.wo.incidents.close(open.id, 'test');
    this.wo.clock.advance(1_000);
    return (await this.wo.fire('lift-fault', 'MB-LIFT-03')).id;
  }

  async dispose(): Promise<void> {
    await this.app?.close();
    await this.wo.dispose();
  }
}

const SEVERITY: Severity = 'major';
