import type { PoolClient } from 'pg';
import { Value } from 'typebox/value';
import { LocalizedText, SERVICE_CATEGORIES, SEVERITIES } from '../../config/schema/common.ts';
import type { Clock } from '../runtime/clock.ts';
import { inTransaction, type SqlPool } from '../runtime/connections/postgres.ts';
import { IncidentError } from './errors.ts';
import type { ChangePublisher, IncidentChange } from './publisher.ts';
import {
  insertEvent,
  returningIncident,
  selectEvents,
  selectIncident,
  selectOpenForUpdate,
  toIncident,
} from './rows.ts';
import { decideClear, decideFire, mergePeak, PERSON_TRANSITIONS } from './transitions.ts';
import type {
  ClearInput,
  ClearOutcome,
  FireInput,
  FireOutcome,
  Incident,
  IncidentEvent,
  IncidentFilter,
} from './types.ts';

export const DEFAULT_REACTIVATION_WINDOW_S = 30 * 60;

/** Fires and clears come from the rule workers; this actor names them in the history. */
export const RULES_ACTOR = 'rules';

export interface IncidentStoreOptions {
  readonly pool: SqlPool;
  readonly clock: Clock;
  readonly changes: ChangePublisher;
  readonly defaultReactivationWindowS?: number;
}

/**
 * The incidents' tables and their state machine. Every change runs in one transaction that
 * first takes a transaction-scoped advisory lock on (rule, equipment), so concurrent workers on
 * the same pair queue behind each other; changes are published after the commit.
 */
export class IncidentStore {
  readonly #pool: SqlPool;
  readonly #clock: Clock;
  readonly #changes: ChangePublisher;
  readonly #defaultWindowS: number;

  constructor(options: IncidentStoreOptions) {
    this.#pool = options.pool;
    this.#clock = options.clock;
    this.#changes = options.changes;
    this.#defaultWindowS = options.defaultReactivationWindowS ?? DEFAULT_REACTIVATION_WINDOW_S;
  }

  async recordFire(input: FireInput): Promise<{ incident: Incident; outcome: FireOutcome }> {
    checkFire(input);
    const windowS = input.reactivationWindowS ?? this.#defaultWindowS;
    const peak = input.peak ?? input.value;
    const key = deliveryKey('fire', input.ruleId, input.equipmentId, input.at);
    const detail = { value: input.value, peak, ruleVersion: input.ruleVersion, evidence: input.evidence };
    const result = await this.#transaction(input.ruleId, input.equipmentId, async (client, now) => {
      const earlier = await incidentOfDelivery(client, key);
      if (earlier) return { incident: earlier, outcome: 'duplicate' as const, changes: [] };
      const open = await selectOpenForUpdate(client, input.ruleId, input.equipmentId);
      const decision = decideFire(open, input.at, open?.reactivationWindowS ?? windowS);
      const changes: IncidentChange[] = [];
      const event = (incident: Incident, kind: 'fired' | 'refired' | 'reactivated') =>
        insertEvent(client, {
          incidentId: incident.id,
          at: input.at,
          kind,
          actor: RULES_ACTOR,
          detail,
          deliveryKey: key,
          recordedAt: now,
        }).then(() => changes.push({ kind, at: input.at, actor: RULES_ACTOR, incident }));

      if (decision.action === 'stale' && open)
        return { incident: open, outcome: 'duplicate' as const, changes };
      if ((decision.action === 'refire' || decision.action === 'reactivate') && open) {
        const reactivate = decision.action === 'reactivate';
        const incident = await returningIncident(
          client,
          `update incidents set
             occurrences = occurrences + 1,
             first_seen = least(first_seen, $2),
             last_seen = greatest(last_seen, $2),
             peak_value = $3,
             reactivation_window_s = $4,
             state = case when $5 then 'active' else state end,
             activated_at = case when $5 then $2 else activated_at end,
             cleared_at = case when $5 then null else cleared_at end,
             acknowledged_at = case when $5 then null else acknowledged_at end,
             acknowledged_by = case when $5 then null else acknowledged_by end
           where id = $1 returning *`,
          [open.id, input.at, mergePeak(open.peakValue, peak, input.peakIs), windowS, reactivate],
        );
        await event(incident, reactivate ? 'reactivated' : 'refired');
        return { incident, outcome: reactivate ? ('reactivated' as const) : ('refired' as const), changes };
      }
      if (decision.action === 'close_and_open' && open) {
        const closedAt = windowEnd(open);
        const closed = await this.#closeRow(client, open.id, closedAt, RULES_ACTOR, now, {
          reason: 'reactivation_window_passed',
        });
        changes.push({ kind: 'closed', at: closedAt, actor: RULES_ACTOR, incident: closed });
      }
      const incident = await returningIncident(
        client,
        `insert into incidents (rule_id, rule_version, equipment_id, building_code, category, severity,
           state, title, first_seen, last_seen, activated_at, occurrences, trigger_value, peak_value,
           evidence, reactivation_window_s, created_at)
         values ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $8, $8, 1, $9, $10, $11, $12, $13)
         returning *`,
        [
          input.ruleId,
          input.ruleVersion,
          input.equipmentId,
          input.buildingCode,
          input.category,
          input.severity,
          JSON.stringify(input.title),
          input.at,
          input.value,
          peak,
          JSON.stringify({ ruleVersion: input.ruleVersion, ...input.evidence }),
          windowS,
          now,
        ],
      );
      await event(incident, 'fired');
      return { incident, outcome: 'opened' as const, changes };
    });
    await this.#changes.publish(result.changes);
    return { incident: result.incident, outcome: result.outcome };
  }

  async recordClear(input: ClearInput): Promise<{ incident: Incident | null; outcome: ClearOutcome }> {
    if (!isInstant(input.at)) throw new IncidentError('INVALID_INPUT', 'at: must be a valid Date');
    const key = deliveryKey('clear', input.ruleId, input.equipmentId, input.at);
    const result = await this.#transaction(input.ruleId, input.equipmentId, async (client, now) => {
      const earlier = await incidentOfDelivery(client, key);
      if (earlier) return { incident: earlier, outcome: 'duplicate' as const, changes: [] };
      const open = await selectOpenForUpdate(client, input.ruleId, input.equipmentId);
      const decision = decideClear(open, input.at);
      if (!open || decision === 'nothing_open') {
        return { incident: null, outcome: 'no_open_incident' as const, changes: [] };
      }
      if (decision !== 'clear') return { incident: open, outcome: 'duplicate' as const, changes: [] };
      const incident = await returningIncident(
        client,
        `update incidents set state = 'cleared', cleared_at = $2 where id = $1 returning *`,
        [open.id, input.at],
      );
      const detail: Record<string, unknown> = {};
      if (input.value !== undefined) detail.value = input.value;
      if (input.peak !== undefined) detail.peak = input.peak;
      await insertEvent(client, {
        incidentId: incident.id,
        at: input.at,
        kind: 'cleared',
        actor: RULES_ACTOR,
        detail,
        deliveryKey: key,
        recordedAt: now,
      });
      const change: IncidentChange = { kind: 'cleared', at: input.at, actor: RULES_ACTOR, incident };
      return { incident, outcome: 'cleared' as const, changes: [change] };
    });
    await this.#changes.publish(result.changes);
    return { incident: result.incident, outcome: result.outcome };
  }

  /** A person takes responsibility for an active incident. */
  acknowledge(incidentId: string, actor: string): Promise<Incident> {
    return this.#personAction(incidentId, actor, 'acknowledge', async (client, now) =>
      returningIncident(
        client,
        `update incidents set state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3
         where id = $1 returning *`,
        [incidentId, now, actor],
      ),
    );
  }

  /** A person closes an open incident, whatever its state; a new fire then opens a new row. */
  close(incidentId: string, actor: string, reason?: string): Promise<Incident> {
    return this.#personAction(incidentId, actor, 'close', (client, now) =>
      this.#closeRow(client, incidentId, now, actor, now, reason === undefined ? {} : { reason }),
    );
  }

  /**
   * Closes cleared incidents whose reactivation window has passed by the clock. The scheduler
   * of the rules issue runs it; until then a later fire closes them on its way (see recordFire).
   */
  async closeExpired(): Promise<Incident[]> {
    const now = this.#clock.now();
    const { rows } = await this.#pool.query<{ id: string; rule_id: string; equipment_id: string }>(
      `select id, rule_id, equipment_id from incidents
       where state = 'cleared' and cleared_at + make_interval(secs => reactivation_window_s) < $1`,
      [now],
    );
    const closed: Incident[] = [];
    for (const row of rows) {
      const result = await this.#transaction(row.rule_id, row.equipment_id, async (client, now) => {
        const current = await selectIncident(client, row.id, true);
        if (current?.state !== 'cleared') return { changes: [] };
        const closedAt = windowEnd(current);
        if (closedAt.getTime() >= now.getTime()) return { changes: [] };
        const incident = await this.#closeRow(client, row.id, closedAt, RULES_ACTOR, now, {
          reason: 'reactivation_window_passed',
        });
        return { changes: [{ kind: 'closed' as const, at: closedAt, actor: RULES_ACTOR, incident }] };
      });
      await this.#changes.publish(result.changes);
      closed.push(...result.changes.map((change) => change.incident));
    }
    return closed;
  }

  async getIncident(incidentId: string): Promise<{ incident: Incident; events: IncidentEvent[] }> {
    const incident = await selectIncident(this.#pool, incidentId);
    if (!incident) throw notFound(incidentId);
    return { incident, events: await selectEvents(this.#pool, incidentId) };
  }

  async openIncidents(filter: IncidentFilter = {}): Promise<Incident[]> {
    const where = [`state <> 'closed'`];
    const params: unknown[] = [];
    const add = (column: string, value: unknown, operator = '=') => {
      params.push(value);
      where.push(`${column} ${operator} $${params.length}`);
    };
    if (filter.buildingCode !== undefined) add('building_code', filter.buildingCode);
    if (filter.category !== undefined) add('category', filter.category);
    if (filter.ruleId !== undefined) add('rule_id', filter.ruleId);
    if (filter.equipmentId !== undefined) add('equipment_id', filter.equipmentId);
    if (filter.states !== undefined) {
      params.push(filter.states);
      where.push(`state = any($${params.length}::text[])`);
    }
    params.push(Math.max(1, Math.min(filter.limit ?? 500, 10_000)));
    const { rows } = await this.#pool.query(
      `select * from incidents where ${where.join(' and ')} order by last_seen desc, id desc limit $${params.length}`,
      params,
    );
    return rows.map(toIncident);
  }

  async #personAction(
    incidentId: string,
    actor: string,
    action: 'acknowledge' | 'close',
    apply: (client: PoolClient, now: Date) => Promise<Incident>,
  ): Promise<Incident> {
    if (actor.trim() === '') throw new IncidentError('INVALID_INPUT', 'actor: must not be empty');
    const found = await selectIncident(this.#pool, incidentId);
    if (!found) throw notFound(incidentId);
    const result = await this.#transaction(found.ruleId, found.equipmentId, async (client, now) => {
      const current = await selectIncident(client, incidentId, true);
      if (!current) throw notFound(incidentId);
      if (!PERSON_TRANSITIONS[action].includes(current.state)) {
        throw new IncidentError(
          'INVALID_TRANSITION',
          `incident ${incidentId} is ${current.state}; cannot ${action} it`,
        );
      }
      const incident = await apply(client, now);
      if (action === 'acknowledge') {
        await insertEvent(client, {
          incidentId,
          at: now,
          kind: 'acknowledged',
          actor,
          detail: {},
          deliveryKey: null,
          recordedAt: now,
        });
      }
      const kind = action === 'acknowledge' ? ('acknowledged' as const) : ('closed' as const);
      return { incident, changes: [{ kind, at: now, actor, incident }] };
    });
    await this.#changes.publish(result.changes);
    return result.incident;
  }

  /** Closes a row and records the event; the caller holds the pair's lock. */
  async #closeRow(
    client: PoolClient,
    incidentId: string,
    at: Date,
    actor: string,
    now: Date,
    detail: Record<string, unknown>,
  ): Promise<Incident> {
    const incident = await returningIncident(
      client,
      `update incidents set state = 'closed', closed_at = $2, closed_by = $3 where id = $1 returning *`,
      [incidentId, at, actor],
    );
    await insertEvent(client, {
      incidentId,
      at,
      kind: 'closed',
      actor,
      detail,
      deliveryKey: null,
      recordedAt: now,
    });
    return incident;
  }

  #transaction<T extends { changes: readonly IncidentChange[] }>(
    ruleId: string,
    equipmentId: string,
    work: (client: PoolClient, now: Date) => Promise<T>,
  ): Promise<T> {
    return inTransaction(this.#pool, async (client) => {
      // Serialises every writer of this (rule, equipment) until commit, including the case where
      // no row exists yet and `for update` would have nothing to lock. A hash collision between
      // two pairs only makes them wait for each other.
      await client.query('select pg_advisory_xact_lock(hashtext($1), hashtext($2))', [ruleId, equipmentId]);
      return work(client, this.#clock.now());
    });
  }
}

async function incidentOfDelivery(client: PoolClient, key: string): Promise<Incident | undefined> {
  const { rows } = await client.query<{ incident_id: string }>(
    'select incident_id from incident_events where delivery_key = $1',
    [key],
  );
  const id = rows[0]?.incident_id;
  return id === undefined ? undefined : selectIncident(client, id);
}

/** Same rule, equipment and instant: the same message, however often it is delivered. */
const deliveryKey = (kind: 'fire' | 'clear', ruleId: string, equipmentId: string, at: Date): string =>
  `${kind}:${ruleId}:${equipmentId}:${at.toISOString()}`;

/** When a cleared incident's reactivation window ends: the moment it closes by itself. */
const windowEnd = (incident: Incident): Date =>
  new Date((incident.clearedAt ?? incident.lastSeen).getTime() + incident.reactivationWindowS * 1000);

const isInstant = (at: unknown): at is Date => at instanceof Date && Number.isFinite(at.getTime());

const notFound = (incidentId: string): IncidentError =>
  new IncidentError('INCIDENT_NOT_FOUND', `incident ${incidentId} does not exist`);

function checkFire(input: FireInput): void {
  const problems: string[] = [];
  if (!isInstant(input.at)) problems.push('at: must be a valid Date');
  if (!Number.isFinite(input.value)) problems.push('value: must be a finite number');
  if (input.peak !== undefined && !Number.isFinite(input.peak))
    problems.push('peak: must be a finite number');
  if (!Number.isInteger(input.ruleVersion) || input.ruleVersion < 1)
    problems.push('ruleVersion: must be ≥ 1');
  if (!Value.Check(LocalizedText, input.title)) problems.push('title: must be { zh-CN, en }');
  if (!(SEVERITIES as readonly string[]).includes(input.severity)) problems.push('severity: unknown');
  if (!(SERVICE_CATEGORIES as readonly string[]).includes(input.category)) problems.push('category: unknown');
  const windowS = input.reactivationWindowS;
  if (windowS !== undefined && !(Number.isInteger(windowS) && windowS >= 0)) {
    problems.push('reactivationWindowS: must be a whole number ≥ 0');
  }
  if (problems.length > 0) throw new IncidentError('INVALID_INPUT', problems.join('; '));
}
