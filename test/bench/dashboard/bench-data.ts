import type pg from 'pg';
import type { SiteModel } from '../../../config/load/model.ts';
import { AccountStore } from '../../../services/accounts/index.ts';
import { systemClock } from '../../../services/runtime/clock.ts';
import { assignmentFor } from '../../../services/workorders/domain/index.ts';
import { SiteCalendars, WorkOrderStore } from '../../../services/workorders/index.ts';

/** The manager whose work-order list is timed; logs in through the API like a dashboard. */
export const MANAGER = { username: 'bench-manager', password: 'bench manager password 1' } as const;
const LIFT_CONTRACT = 'lifts-2025';
const SYSTEM = { role: 'system' } as const;

export interface BenchData {
  /** One session token per dashboard client, over `operators` operator accounts. */
  readonly tokens: readonly string[];
  readonly operators: number;
  readonly orders: number;
}

/**
 * What the API serves during the run, written through the services' own stores into the fresh
 * database (after `steward api` ran the migrations): operator accounts whose sessions are minted
 * with `createSession` (a control room has few accounts and many screens; thousands of logins
 * would only measure scrypt), the manager account, and work orders (half waiting in the office's
 * queue, half dispatched to the lift contract's vendor), spread over the sample's buildings.
 */
export async function writeBenchData(
  pool: pg.Pool,
  model: SiteModel,
  sizes: { sessions: number; operators: number; orders: number },
): Promise<BenchData> {
  const clock = systemClock;
  const accounts = new AccountStore({ pool, clock });
  await accounts.createUser({ ...MANAGER, displayName: 'Bench manager', role: 'facilities_manager' });
  const operators: { readonly id: string }[] = [];
  for (let n = 0; n < sizes.operators; n++)
    operators.push(
      await accounts.createUser({
        username: `bench-operator-${n}`,
        displayName: `Bench operator ${n}`,
        role: 'operator',
        password: 'bench operator password 1',
      }),
    );
  const tokens: string[] = [];
  for (let start = 0; start < sizes.sessions; start += 25) {
    const chunk = Array.from({ length: Math.min(25, sizes.sessions - start) }, (_, i) => start + i);
    const sessions = await Promise.all(
      chunk.map((n) =>
        accounts.createSession((operators[n % operators.length] as { readonly id: string }).id),
      ),
    );
    tokens.push(...sessions.map((session) => session.token));
  }

  const calendars = new SiteCalendars(model);
  const store = new WorkOrderStore({ pool, clock, calendarFor: calendars.forBuilding });
  const contract = model.contracts.get(LIFT_CONTRACT);
  if (!contract) throw new Error(`the sample has no contract ${LIFT_CONTRACT}`);
  const buildings = (model.sites[0]?.buildings ?? []).map((building) => building.code);
  for (let n = 0; n < sizes.orders; n++) {
    const buildingCode = buildings[n % buildings.length] as string;
    const dispatched = n % 2 === 1;
    const created = await store.create(
      {
        buildingCode,
        category: 'lift_maintenance',
        severity: n % 5 === 0 ? 'critical' : 'major',
        incidentIds: [],
        route: dispatched
          ? { kind: 'contract', contractId: contract.id, vendorId: contract.vendor, dispatch: 'immediate' }
          : { kind: 'office_queue', reason: 'no_covering_contract', contractIds: [] },
      },
      SYSTEM,
      clock.nowMs(),
    );
    if (dispatched)
      await store.apply(
        created.order.id,
        { type: 'dispatch', assignment: assignmentFor(contract, 'major', null) },
        SYSTEM,
        clock.nowMs(),
      );
  }
  return { tokens, operators: operators.length, orders: sizes.orders };
}
