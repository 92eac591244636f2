import { type ConnectionOptions, type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Value } from 'typebox/value';
import { selectEquipment } from '../../../config/load/check-rules.ts';
import type { ResolvedEquipment, SiteModel } from '../../../config/load/model.ts';
import type { StreamingRule } from '../../../config/schema/rules.ts';
import { type ReadingBatchJob, readingQueueName } from '../../../gateway/handoff/shards.ts';
import type { IncidentStore } from '../../incidents/index.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { Component } from '../../runtime/component.ts';
import type { Logger } from '../../runtime/logger.ts';
import {
  type Condition,
  type ConditionEvent,
  ConditionState,
  type Evaluation,
  type EvaluationContext,
  evaluate,
  initialState,
  isTimeDriven,
  missingPointFacts,
  pointsOf,
  STATE_VERSION,
  stateFits,
} from '../conditions/index.ts';
import { renderTitle } from './title.ts';

export const DEFAULT_TICK_MS = 5_000;
/** Readings of one piece of equipment kept in memory as an incident's evidence. */
export const EVIDENCE_READINGS = 20;

export const ruleStateKey = (prefix: string, site: string): string => `${prefix}:rules:${site}:state`;
export const stateField = (ruleId: string, equipmentId: string): string => `${ruleId}|${equipmentId}`;

export interface RuleWorkerOptions {
  /** The validated configuration: rules, equipment and points. */
  readonly model: SiteModel;
  /** The site whose queues this worker consumes; only that site's equipment is evaluated. */
  readonly site: string;
  /** For the state checkpoints (an ioredis client; the process's shared connection fits). */
  readonly redis: Redis;
  /**
   * Where the BullMQ workers connect: a Redis URL (the worker opens, and closes, its own client
   * with `maxRetriesPerRequest: null`, as BullMQ workers need), BullMQ connection options, or an
   * ioredis client made with `maxRetriesPerRequest: null` (then the caller closes it). BullMQ
   * duplicates a given client for each worker's blocking connection.
   */
  readonly connection: string | ConnectionOptions;
  /** The BullMQ and key prefix (`STEWARD_REDIS_PREFIX`), the same as the gateway's. */
  readonly prefix: string;
  /** The number of reading shards, the same as the gateway's. */
  readonly shards: number;
  readonly incidents: IncidentStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often time-driven conditions (`stale`) are evaluated; default 5000 ms. */
  readonly tickMs?: number;
}

interface Pair {
  readonly key: string;
  readonly rule: StreamingRule;
  readonly condition: Condition;
  readonly equipment: ResolvedEquipment;
  readonly context: EvaluationContext;
  state: ConditionState;
}

interface CompactReading {
  readonly p: string;
  readonly t: number;
  readonly v: number;
  readonly q?: 1;
}

/** A transition to hand to the incident store once a job's evaluations are done. */
interface Transition {
  readonly pair: Pair;
  readonly evaluation: Evaluation;
  readonly evidence: readonly CompactReading[];
}

/**
 * Runs the site's enabled streaming rules (rules with a `condition`) on the readings the gateway
 * puts on the sharded queues `readings.<site>.<shard>`, one BullMQ worker per shard with
 * concurrency 1, all in this process. Fires and clears become incidents; the condition states
 * are checkpointed to the hash `<prefix>:rules:<site>:state` before each job completes.
 *
 * `new RuleWorker({ model, site, redis, connection, prefix, shards, incidents, clock, logger,
 * tickMs? })`: the constructor only stores and indexes the configuration; `start()` loads the
 * checkpoints, starts the queue workers and the ticks; `stop()` lets the jobs in flight finish,
 * stops the ticks and writes a last checkpoint. See README.md.
 */
export class RuleWorker implements Component {
  readonly name = 'rule-worker';
  readonly #options: RuleWorkerOptions;
  readonly #logger: Logger;
  readonly #pairs = new Map<string, Pair>();
  /** Full point id → the pairs whose condition reads it. */
  readonly #routes = new Map<string, Pair[]>();
  readonly #timeDriven: Pair[] = [];
  readonly #evidence = new Map<string, CompactReading[]>();
  /** Pairs whose state changed since the last successful checkpoint. */
  readonly #dirty = new Set<string>();
  #workers: Worker[] = [];
  #ownConnection: Redis | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Jobs and ticks run one at a time, so a pair's transitions reach the store in order. */
  #lock: Promise<void> = Promise.resolve();
  #stopping = false;

  constructor(options: RuleWorkerOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#index();
  }

  /** The (rule, equipment) pairs this worker evaluates, as `<ruleId>|<equipmentId>`. */
  get pairs(): readonly string[] {
    return [...this.#pairs.keys()];
  }

  #index(): void {
    const { model, site } = this.#options;
    const siteEquipment = [...model.equipment.values()].filter((item) => item.siteId === site);
    for (const rule of model.rules) {
      if (!('condition' in rule) || rule.enabled === false) continue;
      const keys = pointsOf(rule.condition);
      for (const equipment of selectEquipment(rule.selector, siteEquipment)) {
        const context: EvaluationContext = {
          points: Object.fromEntries(
            equipment.points.map((point) => [point.key, { intervalS: point.intervalS }]),
          ),
        };
        const missing = missingPointFacts(rule.condition, context);
        const absent = keys.filter((key) => !equipment.points.some((point) => point.key === key));
        if (missing.length > 0 || absent.length > 0) {
          this.#logger.warn(
            { ruleId: rule.id, equipmentId: equipment.id, missing: [...missing, ...absent] },
            'rule skipped for this equipment: points missing',
          );
          continue;
        }
        const key = stateField(rule.id, equipment.id);
        const pair: Pair = {
          key,
          rule,
          condition: rule.condition,
          equipment,
          context,
          state: initialState(rule.condition),
        };
        this.#pairs.set(key, pair);
        for (const pointKey of keys) {
          const pointId = `${equipment.id}.${pointKey}`;
          const list = this.#routes.get(pointId) ?? [];
          list.push(pair);
          this.#routes.set(pointId, list);
        }
        if (isTimeDriven(rule.condition)) this.#timeDriven.push(pair);
      }
    }
  }

  async start(): Promise<void> {
    this.#stopping = false;
    await this.#loadStates();
    const { connection, prefix, site, shards } = this.#options;
    let bullConnection: ConnectionOptions;
    if (typeof connection === 'string') {
      this.#ownConnection = new Redis(connection, { maxRetriesPerRequest: null });
      this.#ownConnection.on('error', (error: Error) =>
        this.#logger.warn({ err: error }, 'rule queue connection error'),
      );
      bullConnection = this.#ownConnection;
    } else {
      bullConnection = connection;
    }
    for (let shard = 0; shard < shards; shard++) {
      const worker = new Worker<ReadingBatchJob>(
        readingQueueName(site, shard),
        (job) => this.#exclusive(() => this.#processJob(job)),
        { connection: bullConnection, prefix, concurrency: 1 },
      );
      worker.on('error', (error) => this.#logger.warn({ err: error, shard }, 'rule queue worker error'));
      worker.on('failed', (job, error) =>
        this.#logger.error({ err: error, jobId: job?.id, shard }, 'reading batch failed'),
      );
      this.#workers.push(worker);
    }
    await Promise.all(this.#workers.map((worker) => worker.waitUntilReady()));
    const tickMs = this.#options.tickMs ?? DEFAULT_TICK_MS;
    if (this.#timeDriven.length > 0) {
      this.#timer = setInterval(() => {
        void this.#exclusive(() => this.#tick()).catch((error: unknown) =>
          this.#logger.error({ err: error }, 'rule tick failed'),
        );
      }, tickMs);
      this.#timer.unref();
    }
    this.#logger.info(
      { pairs: this.#pairs.size, timeDriven: this.#timeDriven.length, shards },
      'rule worker started',
    );
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    // close() waits for the job in flight to finish (and checkpoint) before it resolves.
    await Promise.all(this.#workers.map((worker) => worker.close()));
    this.#workers = [];
    await this.#exclusive(async () => {
      try {
        await this.#checkpoint(this.#pairs.values());
      } catch (error) {
        this.#logger.error({ err: error }, 'final rule state checkpoint failed');
      }
    });
    if (this.#ownConnection) {
      if (this.#ownConnection.status === 'ready') await this.#ownConnection.quit();
      else this.#ownConnection.disconnect();
      this.#ownConnection = undefined;
    }
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(task);
    this.#lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async #loadStates(): Promise<void> {
    const { redis, prefix, site } = this.#options;
    const stored = await redis.hgetall(ruleStateKey(prefix, site));
    let restored = 0;
    for (const [field, json] of Object.entries(stored)) {
      const pair = this.#pairs.get(field);
      if (!pair) continue; // a rule or equipment that is gone or disabled
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
      } catch {
        parsed = undefined;
      }
      const envelope = parsed as { v?: unknown; state?: unknown } | undefined;
      if (
        envelope?.v === STATE_VERSION &&
        Value.Check(ConditionState, envelope.state) &&
        stateFits(pair.condition, envelope.state as ConditionState)
      ) {
        pair.state = envelope.state as ConditionState;
        restored++;
      } else {
        this.#logger.warn(
          { ruleId: pair.rule.id, equipmentId: pair.equipment.id },
          'rule state checkpoint does not fit the condition; starting fresh',
        );
        pair.state = initialState(pair.condition);
        this.#dirty.add(pair.key);
      }
    }
    this.#logger.info({ restored }, 'rule states loaded');
  }

  /**
   * Evaluates a batch on copies of the states; the new states replace the old ones only once
   * every incident change and the checkpoint succeeded. A failed job therefore leaves nothing
   * half-applied, and its redelivery evaluates the same readings again.
   */
  async #processJob(job: Job<ReadingBatchJob>): Promise<void> {
    const next = new Map<Pair, ConditionState>();
    const transitions: Transition[] = [];
    for (const reading of job.data.readings) {
      const pairs = this.#routes.get(reading.p);
      if (!pairs) continue;
      const evidence = this.#remember(pairs[0]?.equipment.id ?? '', reading);
      const event: ConditionEvent = {
        kind: 'reading',
        reading: {
          pointId: reading.p,
          ts: reading.t,
          value: reading.v,
          quality: reading.q === 1 ? 'uncertain' : 'good',
        },
      };
      for (const pair of pairs) {
        const evaluation = evaluate(pair.condition, next.get(pair) ?? pair.state, event, pair.context);
        next.set(pair, evaluation.state);
        if (evaluation.transition) transitions.push({ pair, evaluation, evidence: [...evidence] });
      }
    }
    await this.#apply(next, transitions);
  }

  async #tick(): Promise<void> {
    if (this.#stopping) return;
    const event: ConditionEvent = { kind: 'tick', now: this.#options.clock.nowMs() };
    const next = new Map<Pair, ConditionState>();
    const transitions: Transition[] = [];
    for (const pair of this.#timeDriven) {
      const evaluation = evaluate(pair.condition, pair.state, event, pair.context);
      next.set(pair, evaluation.state);
      if (evaluation.transition) {
        transitions.push({
          pair,
          evaluation,
          evidence: [...(this.#evidence.get(pair.equipment.id) ?? [])],
        });
      }
    }
    await this.#apply(next, transitions);
  }

  async #apply(next: Map<Pair, ConditionState>, transitions: readonly Transition[]): Promise<void> {
    for (const transition of transitions) await this.#record(transition);
    const changed = [...next.entries()].filter(([pair, state]) => state !== pair.state);
    const toWrite = [
      ...changed.map(([pair, state]) => ({ pair, state })),
      ...[...this.#dirty]
        .map((key) => this.#pairs.get(key))
        .filter((pair): pair is Pair => pair !== undefined && !next.has(pair))
        .map((pair) => ({ pair, state: pair.state })),
    ];
    await this.#write(toWrite);
    for (const [pair, state] of changed) pair.state = state;
    this.#dirty.clear();
  }

  async #checkpoint(pairs: Iterable<Pair>): Promise<void> {
    await this.#write([...pairs].map((pair) => ({ pair, state: pair.state })));
    this.#dirty.clear();
  }

  async #write(entries: readonly { pair: Pair; state: ConditionState }[]): Promise<void> {
    if (entries.length === 0) return;
    const { redis, prefix, site } = this.#options;
    const fields: string[] = [];
    for (const { pair, state } of entries) {
      fields.push(pair.key, JSON.stringify({ v: STATE_VERSION, state }));
    }
    await redis.hset(ruleStateKey(prefix, site), ...fields);
  }

  async #record({ pair, evaluation, evidence }: Transition): Promise<void> {
    const { rule, equipment } = pair;
    const at = new Date(evaluation.at ?? this.#options.clock.nowMs());
    if (evaluation.transition === 'fire') {
      const value = evaluation.value ?? Number.NaN;
      const building = this.#options.model.buildings.get(equipment.buildingCode);
      const title = renderTitle(rule.title, {
        equipment: equipment.name,
        building: building?.name ?? { 'zh-CN': equipment.buildingCode, en: equipment.buildingCode },
        ...(evaluation.value === undefined ? {} : { value: evaluation.value }),
        unit: unitOf(pair.condition, equipment),
      });
      const peakIs = peakDirection(pair.condition);
      const result = await this.#options.incidents.recordFire({
        ruleId: rule.id,
        ruleVersion: rule.version,
        equipmentId: equipment.id,
        buildingCode: equipment.buildingCode,
        category: rule.category,
        severity: rule.severity,
        title,
        at,
        value,
        ...(evaluation.peak === undefined ? {} : { peak: evaluation.peak }),
        ...(peakIs ? { peakIs } : {}),
        evidence: {
          ruleId: rule.id,
          ruleVersion: rule.version,
          ...(evaluation.since === undefined ? {} : { since: new Date(evaluation.since).toISOString() }),
          readings: evidence.map((reading) => ({
            point: reading.p,
            ts: new Date(reading.t).toISOString(),
            value: reading.v,
            ...(reading.q === 1 ? { quality: 'uncertain' } : {}),
          })),
        },
        ...(rule.reactivationWindowS === undefined ? {} : { reactivationWindowS: rule.reactivationWindowS }),
      });
      this.#logger.info(
        { ruleId: rule.id, equipmentId: equipment.id, at, outcome: result.outcome },
        'rule fired',
      );
    } else if (evaluation.transition === 'clear') {
      const result = await this.#options.incidents.recordClear({
        ruleId: rule.id,
        equipmentId: equipment.id,
        at,
        ...(evaluation.value === undefined ? {} : { value: evaluation.value }),
        ...(evaluation.peak === undefined ? {} : { peak: evaluation.peak }),
      });
      this.#logger.info(
        { ruleId: rule.id, equipmentId: equipment.id, at, outcome: result.outcome },
        'rule cleared',
      );
    }
  }

  /** Appends a reading to its equipment's evidence and returns the (bounded) list. */
  #remember(equipmentId: string, reading: CompactReading): readonly CompactReading[] {
    const list = this.#evidence.get(equipmentId) ?? [];
    list.push(
      reading.q === 1
        ? { p: reading.p, t: reading.t, v: reading.v, q: 1 }
        : { p: reading.p, t: reading.t, v: reading.v },
    );
    if (list.length > EVIDENCE_READINGS) list.splice(0, list.length - EVIDENCE_READINGS);
    this.#evidence.set(equipmentId, list);
    return list;
  }
}

/** The unit of the condition's value: that of its first point, per minute for a rate, seconds for stale. */
function unitOf(condition: Condition, equipment: ResolvedEquipment): string {
  if (condition.type === 'composite') {
    const first = ('all' in condition ? condition.all : condition.any)[0] as Condition | undefined;
    return first ? unitOf(first, equipment) : '';
  }
  if (condition.type === 'stale') return 's';
  const unit = equipment.points.find((point) => point.key === condition.point)?.canonicalUnit ?? '';
  return condition.type === 'rate_of_change' ? `${unit}/min` : unit;
}

/** `lowest` for a `below` threshold (peaks are minima); the store's default otherwise. */
function peakDirection(condition: Condition): 'lowest' | undefined {
  if (condition.type === 'composite') {
    const first = ('all' in condition ? condition.all : condition.any)[0] as Condition | undefined;
    return first ? peakDirection(first) : undefined;
  }
  return condition.type === 'threshold' && 'op' in condition && condition.op === 'below'
    ? 'lowest'
    : undefined;
}
