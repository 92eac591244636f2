import type { PoolClient } from 'pg';
import type { SiteModel } from '../../../config/load/model.ts';
import type { Contract } from '../../../config/schema/contracts.ts';
import type { ScoringScheme } from '../../../config/schema/scoring.ts';
import { SiteZone } from '../../calendar/site-zone.ts';
import type { Clock } from '../../runtime/clock.ts';
import { inTransaction, type SqlPool } from '../../runtime/connections/postgres.ts';
import { SiteCalendars } from '../../workorders/calendars.ts';
import type { Actor } from '../../workorders/domain/types.ts';
import type { OrderHistory } from '../../workorders/store/histories.ts';
import { type AutomaticFacts, daysOf, type Period, ScoringError } from '../domain/index.ts';
import { automaticFacts } from '../facts/order-facts.ts';

/**
 * What every part of the scoring store shares: the pool, the clock, the site model and the work
 * orders' histories; transactions (PostgreSQL's refusals become stable codes), the per-contract
 * advisory lock, the contracts, schemes and time zones of the configuration, the automatic facts
 * of a period, and who may record inputs. Holds no scoring logic of its own.
 */

/** What scoring reads of the work orders: the work-order store's `historiesAsOf`. */
export interface WorkOrderHistories {
  historiesAsOf(fromMs: number, toMs: number): Promise<readonly OrderHistory[]>;
}

export interface ScoringStoreOptions {
  readonly pool: SqlPool;
  readonly clock: Clock;
  readonly model: Pick<SiteModel, 'contracts' | 'scoringSchemes' | 'buildings' | 'sites'>;
  readonly workOrders: WorkOrderHistories;
}

/** Who stamped a write, and when. */
export interface Stamp {
  readonly by: Actor;
  readonly atMs: number;
}

const MANAGERS: readonly Actor['role'][] = ['facilities_manager'];
/** Namespace of the per-contract advisory lock that orders inputs, closes and appeals of a contract. */
const CONTRACT_LOCK = 7_304_378;

export class StoreContext {
  readonly pool: SqlPool;
  readonly clock: Clock;
  readonly model: ScoringStoreOptions['model'];
  readonly workOrders: WorkOrderHistories;
  readonly calendars: SiteCalendars;
  readonly #zones = new Map<string, SiteZone>();

  constructor(options: ScoringStoreOptions) {
    this.pool = options.pool;
    this.clock = options.clock;
    this.model = options.model;
    this.workOrders = options.workOrders;
    this.calendars = new SiteCalendars(options.model);
  }

  async transaction<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.pool, work);
    } catch (error) {
      throw storeErrorOf(error);
    }
  }

  async lock(tx: PoolClient, contractId: string): Promise<void> {
    await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [CONTRACT_LOCK, contractId]);
  }

  async lockAll(tx: PoolClient, contractIds: readonly string[]): Promise<void> {
    // Every contract's lock, in id order (as any other multi-contract writer must take them).
    await tx.query(
      'select count(pg_advisory_xact_lock($1, hashtext(id))) from (select unnest($2::text[]) as id order by 1) ids',
      [CONTRACT_LOCK, [...contractIds].sort()],
    );
  }

  /** The automatic facts of a whole period, from the work orders' histories as of its end. */
  async factsOf(period: Period): Promise<AutomaticFacts> {
    return automaticFacts(
      await this.workOrders.historiesAsOf(period.startMs, period.endMs),
      period,
      this.calendars.forBuilding,
    );
  }

  contract(id: string): Contract {
    const contract = this.model.contracts.get(id);
    if (!contract) throw new ScoringError('unknown_contract', `no contract ${id} in the configuration`);
    return contract;
  }

  scheme(contract: Contract): ScoringScheme {
    const scheme = this.model.scoringSchemes.get(contract.scoringScheme);
    if (!scheme) throw new ScoringError('unknown_scheme', `no scoring scheme ${contract.scoringScheme}`);
    return scheme;
  }

  zoneOf(contract: Contract): SiteZone {
    const name = this.calendars.zoneOf(contract.scope.buildings[0] ?? '');
    let zone = this.#zones.get(name);
    if (!zone) {
      zone = new SiteZone(name);
      this.#zones.set(name, zone);
    }
    return zone;
  }

  defaultZone(): SiteZone {
    const first = [...this.model.contracts.values()][0];
    return first ? this.zoneOf(first) : new SiteZone(this.model.sites[0]?.timezone ?? 'Asia/Shanghai');
  }

  contractsInForce(month: string): Contract[] {
    const { first, last } = daysOf(month);
    return [...this.model.contracts.values()]
      .filter((c) => c.term.start <= last && c.term.end >= first)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  byZone(contracts: readonly Contract[]): Map<SiteZone, Contract[]> {
    const groups = new Map<SiteZone, Contract[]>();
    for (const contract of contracts) {
      const zone = this.zoneOf(contract);
      groups.set(zone, [...(groups.get(zone) ?? []), contract]);
    }
    return groups;
  }
}

/** Facilities managers record the evaluation's inputs and decide appeals. */
export function mayRecord(actor: Actor): void {
  if (!MANAGERS.includes(actor.role))
    throw new ScoringError('not_allowed_for_role', `a ${actor.role} cannot record evaluation inputs`);
}

export const subjectOf = (contractId: string): string => `contract:${contractId}`;
export const recordedOf = (stamp: Stamp) => ({
  recordedBy: stamp.by,
  recordedAtMs: stamp.atMs,
});

/** PostgreSQL's answers that callers can act on become stable codes. */
function storeErrorOf(error: unknown): unknown {
  if (error instanceof ScoringError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '23505')
    return new ScoringError('already_recorded', 'this was recorded already', { cause: error });
  if (code === '23503')
    return new ScoringError('not_found', 'a referenced row does not exist', { cause: error });
  if (code === '40001' || code === '40P01')
    return new ScoringError('conflict', 'a concurrent change won; read again and retry', { cause: error });
  return error;
}
