import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type ConnectionOptions, type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ResolvedEquipment, SiteModel } from '../../../config/load/model.ts';
import type { StreamingRule } from '../../../config/schema/rules.ts';
import {
  type HandoffWatermark,
  handoffKey,
  type ReadingBatchJob,
  readingQueueName,
  shardOf,
} from '../../../gateway/handoff/shards.ts';
import type { IncidentStore } from '../../incidents/index.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { Component } from '../../runtime/component.ts';
import { isPostgresUnavailable } from '../../runtime/connections/postgres-unavailable.ts';
import type { Logger } from '../../runtime/logger.ts';
import { sharedCounter, sharedGauge, sharedHistogram } from '../../runtime/metrics.ts';
import type { Condition, ConditionEvent, Evaluation, EvaluationContext } from '../conditions/index.ts';
import { fireInputOf } from '../fire-input.ts';
import {
  decodePairState,
  encodePairState,
  initialPairState,
  type PairConditions,
  type PairState,
  stepPair,
} from './pair-state.ts';
import { pairPlans } from './pairs.ts';
import { ShardLeases } from './shard-leases.ts';

export const DEFAULT_TICK_MS = 5_000;
/** Readings of one piece of equipment kept in memory as an incident's evidence. */
export const EVIDENCE_READINGS = 20;
/** Pairs written per fenced checkpoint call (Lua `unpack` has a stack limit). */
const CHECKPOINT_CHUNK = 500;
/** How long a batch held through a PostgreSQL outage waits between attempts: doubling up to the cap. */
const HOLD_FIRST_WAIT_MS = 250;
const HOLD_MAX_WAIT_MS = 5_000;

export const ruleStateKey = (prefix: string, site: string): string => `${prefix}:rules:${site}:state`;
export const stateField = (ruleId: string, equipmentId: string): string => `${ruleId}|${equipmentId}`;

/** Writes checkpoints only while this member holds the shard's lease. */
const FENCED_HSET = `if redis.call('get', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('hset', KEYS[2], unpack(ARGV, 2))
return 1`;

/** A job or checkpoint of a shard whose lease this process no longer holds. */
export class LeaseLostError extends Error {
  readonly code = 'lease_lost';
  constructor(shard: number) {
    super(`the lease of shard ${shard} is held by another worker`);
    this.name = 'LeaseLostError';
  }
}

export interface RuleWorkerOptions {
  /** The validated configuration: rules, equipment and points. */
  readonly model: SiteModel;
  /** The site whose queues this worker consumes; only that site's equipment is evaluated. */
  readonly site: string;
  /** For the state checkpoints and leases (an ioredis client; the process's shared connection fits). */
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
  /** This process's name among the site's workers; default host:pid:random. */
  readonly memberId?: string;
  /** Shard lease TTL; default 10 s (a dead worker's shards move after this long). */
  readonly leaseTtlMs?: number;
  /**
   * Evaluate ticks no later than the gateway's hand-off watermark, and not on a shard with an
   * older backlog (default true). Off only where no gateway runs (some tests).
   */
  readonly holdTicksForHandoff?: boolean;
  readonly metrics?: Registry;
}

interface Pair {
  readonly key: string;
  readonly rule: StreamingRule;
  readonly conditions: PairConditions;
  readonly equipment: ResolvedEquipment;
  readonly context: EvaluationContext;
  readonly shard: number;
  state: PairState;
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
  readonly transition: 'fire' | 'clear';
  readonly evaluation: Evaluation;
  readonly evidence: readonly CompactReading[];
}

interface Meters {
  readonly readings: Counter;
  readonly discarded: Counter<'reason'>;
  readonly transitions: Counter<'transition'>;
  readonly ticksHeld: Counter<'reason'>;
  readonly shardsOwned: Gauge;
  readonly horizonLag: Gauge;
  readonly evaluation: Histogram<'kind'>;
}

/**
 * Runs the site's enabled streaming rules (rules with a `condition`) on the readings the gateway
 * puts on the sharded queues `readings.<site>.<shard>`. The shards are shared by the site's
 * worker processes through leases (ShardLeases): each shard is consumed by one process at a
 * time, one job at a time, so its order is kept. Fires and clears become incidents; the pair
 * states are checkpointed to the hash `<prefix>:rules:<site>:state`, fenced on the shard's lease,
 * before each job completes, and loaded when a shard is taken over.
 *
 * `new RuleWorker(options)`: the constructor only indexes the configuration; `start()` joins the
 * site's workers and takes its shards; `stop()` lets the jobs in flight finish, checkpoints and
 * gives the shards back. See README.md.
 */
export class RuleWorker implements Component {
  readonly name = 'rule-worker';
  readonly #options: RuleWorkerOptions;
  readonly #logger: Logger;
  readonly #pairs = new Map<string, Pair>();
  /** Full point id → the pairs whose conditions read it. */
  readonly #routes = new Map<string, Pair[]>();
  readonly #byShard = new Map<number, Pair[]>();
  readonly #timeDrivenByShard = new Map<number, Pair[]>();
  readonly #evidence = new Map<string, CompactReading[]>();
  readonly #consumers = new Map<number, Worker<ReadingBatchJob>>();
  readonly #queues = new Map<number, Queue>();
  readonly #meters: Meters | undefined;
  #leases: ShardLeases | undefined;
  #bullConnection: ConnectionOptions | undefined;
  #ownConnection: Redis | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Jobs, ticks and hand-overs run one at a time, so a pair's transitions reach the store in order. */
  #lock: Promise<void> = Promise.resolve();
  #stopping = false;
  #warnedNoWatermark = false;

  constructor(options: RuleWorkerOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#meters = options.metrics ? metersIn(options.metrics) : undefined;
    this.#index();
  }

  /** The (rule, equipment) pairs this worker evaluates, as `<ruleId>|<equipmentId>`. */
  get pairs(): readonly string[] {
    return [...this.#pairs.keys()];
  }

  /** The shards this process holds right now. */
  ownedShards(): number[] {
    return this.#leases?.owned() ?? [];
  }

  /** Revisits the shard assignment now instead of at the next lease round (tests, hand-over). */
  async rebalance(): Promise<void> {
    await this.#leases?.rebalance();
  }

  #index(): void {
    const { model, site, shards } = this.#options;
    for (const plan of pairPlans(model, site)) {
      const { rule, equipment, conditions, context } = plan;
      if (plan.missing.length > 0) {
        this.#logger.warn(
          { ruleId: rule.id, equipmentId: equipment.id, missing: plan.missing },
          'rule skipped for this equipment: points missing',
        );
        continue;
      }
      const pair: Pair = {
        key: stateField(rule.id, equipment.id),
        rule,
        conditions,
        equipment,
        context,
        shard: shardOf(equipment.id, shards),
        state: initialPairState(conditions),
      };
      this.#pairs.set(pair.key, pair);
      for (const pointKey of plan.keys) push(this.#routes, `${equipment.id}.${pointKey}`, pair);
      push(this.#byShard, pair.shard, pair);
      if (plan.timeDriven) push(this.#timeDrivenByShard, pair.shard, pair);
    }
  }

  async start(): Promise<void> {
    this.#stopping = false;
    const { connection, redis, prefix, site, shards } = this.#options;
    if (typeof connection === 'string') {
      this.#ownConnection = new Redis(connection, { maxRetriesPerRequest: null });
      this.#ownConnection.on('error', (error: Error) =>
        this.#logger.warn({ err: error }, 'rule queue connection error'),
      );
      this.#bullConnection = this.#ownConnection;
    } else {
      this.#bullConnection = connection;
    }
    this.#leases = new ShardLeases({
      redis,
      prefix,
      site,
      shards,
      memberId: this.#options.memberId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      ...(this.#options.leaseTtlMs === undefined ? {} : { ttlMs: this.#options.leaseTtlMs }),
      logger: this.#logger,
      onAcquire: (shard) => this.#acquire(shard),
      onRelease: (shard) => this.#release(shard),
      onLost: (shard) => this.#lost(shard),
    });
    await this.#leases.start();
    const tickMs = this.#options.tickMs ?? DEFAULT_TICK_MS;
    if (this.#timeDrivenByShard.size > 0) {
      this.#timer = setInterval(() => {
        void this.tick().catch((error: unknown) => this.#logger.error({ err: error }, 'rule tick failed'));
      }, tickMs);
      this.#timer.unref();
    }
    this.#logger.info(
      { pairs: this.#pairs.size, shards, owned: this.#leases.owned(), member: this.#leases.memberId },
      'rule worker started',
    );
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    // Gives every shard back: each consumer finishes its job in flight, then its pairs are checkpointed.
    await this.#leases?.stop();
    this.#leases = undefined;
    if (this.#ownConnection) {
      if (this.#ownConnection.status === 'ready') await this.#ownConnection.quit();
      else this.#ownConnection.disconnect();
      this.#ownConnection = undefined;
    }
  }

  /** Evaluates the time-driven conditions of the owned shards now (the timer calls this). */
  tick(): Promise<void> {
    return this.#exclusive(() => this.#tick());
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(task);
    this.#lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** A shard taken over: its states come from the checkpoints, then its queue is consumed. */
  async #acquire(shard: number): Promise<void> {
    await this.#exclusive(() => this.#loadShard(shard));
    const { prefix, site } = this.#options;
    const connection = this.#bullConnection as ConnectionOptions;
    const queue = new Queue(readingQueueName(site, shard), { connection, prefix });
    queue.on('error', (error) => this.#logger.warn({ err: error, shard }, 'rule queue error'));
    this.#queues.set(shard, queue);
    const worker = new Worker<ReadingBatchJob>(
      readingQueueName(site, shard),
      (job) => this.#exclusive(() => this.#processJob(job, shard)),
      { connection, prefix, concurrency: 1 },
    );
    worker.on('error', (error) => this.#logger.warn({ err: error, shard }, 'rule queue worker error'));
    worker.on('failed', (job, error) =>
      this.#logger.error({ err: error, jobId: job?.id, shard }, 'reading batch failed'),
    );
    this.#consumers.set(shard, worker);
    await worker.waitUntilReady();
    this.#meters?.shardsOwned.inc();
  }

  /** A shard given back: the job in flight finishes, then the shard's states are checkpointed. */
  async #release(shard: number): Promise<void> {
    await this.#consumers.get(shard)?.close();
    this.#consumers.delete(shard);
    await this.#queues.get(shard)?.close();
    this.#queues.delete(shard);
    await this.#exclusive(() => this.#write(shard, this.#byShard.get(shard) ?? []));
    this.#meters?.shardsOwned.dec();
  }

  /** A lease found taken: stop at once; the new owner has the checkpoints, ours would be stale. */
  async #lost(shard: number): Promise<void> {
    const worker = this.#consumers.get(shard);
    this.#consumers.delete(shard);
    const queue = this.#queues.get(shard);
    this.#queues.delete(shard);
    await Promise.allSettled([worker?.close(true), queue?.close()]);
    this.#meters?.shardsOwned.dec();
  }

  async #loadShard(shard: number): Promise<void> {
    const pairs = this.#byShard.get(shard) ?? [];
    if (pairs.length === 0) return;
    const { redis, prefix, site } = this.#options;
    const stored = await redis.hmget(ruleStateKey(prefix, site), ...pairs.map((pair) => pair.key));
    const reset: Pair[] = [];
    let restored = 0;
    pairs.forEach((pair, i) => {
      const json = stored[i];
      const state = json == null ? undefined : decodePairState(json, pair.conditions);
      if (state) {
        pair.state = state;
        restored++;
      } else {
        pair.state = initialPairState(pair.conditions);
        if (json != null) {
          this.#logger.warn(
            { ruleId: pair.rule.id, equipmentId: pair.equipment.id },
            'rule state checkpoint does not fit the condition; starting fresh',
          );
          reset.push(pair);
        }
      }
      // Evidence from an earlier spell of ownership would be out of date.
      this.#evidence.delete(pair.equipment.id);
    });
    await this.#write(shard, reset);
    this.#logger.info({ shard, pairs: pairs.length, restored }, 'rule states loaded');
  }

  /**
   * Evaluates a batch on copies of the states; the new states replace the old ones only once
   * every incident change and the checkpoint succeeded. A failed job therefore leaves nothing
   * half-applied, and its redelivery evaluates the same readings again.
   */
  async #processJob(job: Job<ReadingBatchJob>, shard: number): Promise<void> {
    if (!this.#leases?.owns(shard)) throw new LeaseLostError(shard);
    // Elapsed processing time, not domain time: measured on the monotonic clock, not the injected one.
    const started = performance.now();
    const next = new Map<Pair, PairState>();
    const transitions: Transition[] = [];
    let routed = 0;
    for (const reading of job.data.readings) {
      const pairs = this.#routes.get(reading.p);
      if (!pairs) continue;
      routed++;
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
        const step = stepPair(pair.conditions, next.get(pair) ?? pair.state, event, pair.context);
        next.set(pair, step.state);
        if (step.transition && step.evaluation) {
          transitions.push({
            pair,
            transition: step.transition,
            evaluation: step.evaluation,
            evidence: [...evidence],
          });
        }
        const discarded = step.evaluation?.discarded;
        if (discarded !== undefined && discarded !== 'unrelated')
          this.#meters?.discarded.inc({ reason: discarded });
      }
    }
    this.#meters?.readings.inc(routed);
    await this.#applyHolding(shard, next, transitions);
    this.#meters?.evaluation.observe({ kind: 'readings' }, (performance.now() - started) / 1000);
  }

  async #tick(): Promise<void> {
    if (this.#stopping || !this.#leases) return;
    const horizon = await this.#tickHorizon();
    if (horizon === undefined) return;
    for (const shard of this.#leases.owned()) {
      const pairs = this.#timeDrivenByShard.get(shard);
      if (!pairs) continue;
      if (await this.#hasBacklogBefore(shard, horizon.at)) {
        this.#meters?.ticksHeld.inc({ reason: 'backlog' });
        continue;
      }
      const started = performance.now();
      const event: ConditionEvent = { kind: 'tick', now: horizon.w };
      const next = new Map<Pair, PairState>();
      const transitions: Transition[] = [];
      for (const pair of pairs) {
        const step = stepPair(pair.conditions, pair.state, event, pair.context);
        next.set(pair, step.state);
        if (step.transition && step.evaluation) {
          transitions.push({
            pair,
            transition: step.transition,
            evaluation: step.evaluation,
            evidence: [...(this.#evidence.get(pair.equipment.id) ?? [])],
          });
        }
      }
      await this.#apply(shard, next, transitions);
      this.#meters?.evaluation.observe({ kind: 'tick' }, (performance.now() - started) / 1000);
    }
  }

  /**
   * The time ticks evaluate at: the clock, held back to the gateway's hand-off watermark so that
   * readings still on their way (a spool replay, a queue backlog) are not taken for silence.
   */
  async #tickHorizon(): Promise<HandoffWatermark | undefined> {
    const { clock, redis, prefix, site } = this.#options;
    const now = clock.nowMs();
    if (this.#options.holdTicksForHandoff === false) return { w: now, at: Number.POSITIVE_INFINITY };
    const raw = await redis.get(handoffKey(prefix, site));
    let mark: HandoffWatermark | undefined;
    try {
      mark = raw === null ? undefined : (JSON.parse(raw) as HandoffWatermark);
    } catch {
      mark = undefined;
    }
    if (!mark || !Number.isFinite(mark.w) || !Number.isFinite(mark.at)) {
      this.#meters?.ticksHeld.inc({ reason: 'no_watermark' });
      if (!this.#warnedNoWatermark) {
        this.#logger.warn({ site }, 'no hand-off watermark from the gateway yet; stale rules wait for it');
        this.#warnedNoWatermark = true;
      }
      return undefined;
    }
    this.#warnedNoWatermark = false;
    this.#meters?.horizonLag.set(Math.max(0, now - mark.w) / 1000);
    return { w: Math.min(now, mark.w), at: mark.at };
  }

  /** Whether the shard's queue holds a job added at or before `at` (not evaluated yet). */
  async #hasBacklogBefore(shard: number, at: number): Promise<boolean> {
    if (!Number.isFinite(at)) return false;
    const queue = this.#queues.get(shard);
    if (!queue) return true;
    const ids = await queue.getRanges(['active', 'wait', 'prioritized', 'delayed'], 0, 0, true);
    if (ids.length === 0) return false;
    const { redis, prefix, site } = this.#options;
    const name = readingQueueName(site, shard);
    const stamps = await Promise.all(ids.map((id) => redis.hget(`${prefix}:${name}:${id}`, 'timestamp')));
    return stamps.some((stamp) => stamp !== null && Number(stamp) <= at);
  }

  /**
   * #apply for a reading batch, held through a PostgreSQL outage: the job stays active (BullMQ
   * renews its lock) and is applied again once the server answers, instead of failing into the
   * queue's bounded retries. Those give up after about a minute of backoff, and a batch they give
   * up on is never evaluated: an outage longer than that lost the incidents its readings carried
   * (`npm run chaos -- postgres-outage` with an 80 s outage lost 4 of 25 forced doors). Holding
   * also keeps the shard's order: later batches wait instead of overtaking this one and making
   * its readings out of order. Any other failure, a lost lease or a stop fails the job as before.
   * Re-applying is safe: incidents are idempotent by (rule, equipment, at).
   */
  async #applyHolding(
    shard: number,
    next: Map<Pair, PairState>,
    transitions: readonly Transition[],
  ): Promise<void> {
    let waitMs = HOLD_FIRST_WAIT_MS;
    let heldSince: number | undefined;
    for (;;) {
      try {
        await this.#apply(shard, next, transitions);
        if (heldSince !== undefined)
          this.#logger.info(
            { shard, heldMs: Math.round(performance.now() - heldSince) },
            'PostgreSQL is back; the held reading batch is applied',
          );
        return;
      } catch (error) {
        if (!isPostgresUnavailable(error) || this.#stopping || !this.#leases?.owns(shard)) throw error;
        if (heldSince === undefined) {
          heldSince = performance.now();
          this.#logger.warn(
            { err: error, shard },
            'PostgreSQL unavailable; holding the reading batch until it is back',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        waitMs = Math.min(HOLD_MAX_WAIT_MS, waitMs * 2);
      }
    }
  }

  async #apply(shard: number, next: Map<Pair, PairState>, transitions: readonly Transition[]): Promise<void> {
    for (const transition of transitions) await this.#record(transition);
    const changed = [...next.entries()].filter(([pair, state]) => state !== pair.state);
    await this.#write(
      shard,
      changed.map(([pair]) => pair),
      next,
    );
    for (const [pair, state] of changed) pair.state = state;
  }

  /** Checkpoints pairs of one shard (their next states where given), only under the shard's lease. */
  async #write(shard: number, pairs: readonly Pair[], next?: Map<Pair, PairState>): Promise<void> {
    if (pairs.length === 0) return;
    const leases = this.#leases;
    if (!leases) throw new LeaseLostError(shard);
    const { redis, prefix, site } = this.#options;
    for (let from = 0; from < pairs.length; from += CHECKPOINT_CHUNK) {
      const fields: string[] = [];
      for (const pair of pairs.slice(from, from + CHECKPOINT_CHUNK)) {
        fields.push(pair.key, encodePairState(next?.get(pair) ?? pair.state));
      }
      const written = await redis.eval(
        FENCED_HSET,
        2,
        leases.leaseKeyOf(shard),
        ruleStateKey(prefix, site),
        leases.memberId,
        ...fields,
      );
      if (written !== 1) throw new LeaseLostError(shard);
    }
  }

  async #record({ pair, transition, evaluation, evidence }: Transition): Promise<void> {
    const { rule, equipment } = pair;
    const at = new Date(evaluation.at ?? this.#options.clock.nowMs());
    this.#meters?.transitions.inc({ transition });
    if (transition === 'fire') {
      const condition = pair.conditions.condition;
      const peakIs = peakDirection(condition);
      const result = await this.#options.incidents.recordFire(
        fireInputOf(this.#options.model, rule, equipment, {
          at,
          value: evaluation.value ?? Number.NaN,
          unit: unitOf(condition, equipment),
          ...(evaluation.peak === undefined ? {} : { peak: evaluation.peak }),
          ...(peakIs ? { peakIs } : {}),
          evidence: {
            ...(evaluation.since === undefined ? {} : { since: new Date(evaluation.since).toISOString() }),
            readings: evidence.map((reading) => ({
              point: reading.p,
              ts: new Date(reading.t).toISOString(),
              value: reading.v,
              ...(reading.q === 1 ? { quality: 'uncertain' } : {}),
            })),
          },
        }),
      );
      // The reading that decided it, by the key it has from the device on (point and timestamp:
      // the spool, the rule queue, the store's sample and the incident's evidence all carry it).
      const trigger = evidence.find((reading) => reading.t === at.getTime());
      this.#logger.info(
        {
          ruleId: rule.id,
          equipmentId: equipment.id,
          at,
          ...(trigger ? { reading: `${trigger.p}@${at.toISOString()}` } : {}),
          outcome: result.outcome,
          incidentId: result.incident.id,
        },
        'rule fired',
      );
    } else {
      const result = await this.#options.incidents.recordClear({
        ruleId: rule.id,
        equipmentId: equipment.id,
        at,
        ...(evaluation.value === undefined ? {} : { value: evaluation.value }),
        ...(evaluation.peak === undefined ? {} : { peak: evaluation.peak }),
      });
      this.#logger.info(
        {
          ruleId: rule.id,
          equipmentId: equipment.id,
          at,
          outcome: result.outcome,
          ...(result.incident ? { incidentId: result.incident.id } : {}),
        },
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

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function metersIn(registry: Registry): Meters {
  return {
    readings: sharedCounter(registry, {
      name: 'steward_rule_readings_total',
      help: 'Readings the rule workers evaluated (readings of points no rule reads are not counted)',
    }),
    discarded: sharedCounter(registry, {
      name: 'steward_rule_discarded_total',
      help: 'Readings a condition set aside, by reason (out_of_order, duplicate, invalid)',
      labelNames: ['reason'],
    }),
    transitions: sharedCounter(registry, {
      name: 'steward_rule_transitions_total',
      help: 'Rule fires and clears handed to the incident store',
      labelNames: ['transition'],
    }),
    ticksHeld: sharedCounter(registry, {
      name: 'steward_rule_ticks_held_total',
      help: 'Stale-detection ticks held back: no hand-off watermark yet, or a shard backlog older than it',
      labelNames: ['reason'],
    }),
    shardsOwned: sharedGauge(registry, {
      name: 'steward_rule_shards_owned',
      help: 'Reading shards this process holds the lease of',
    }),
    horizonLag: sharedGauge(registry, {
      name: 'steward_rule_tick_horizon_lag_seconds',
      help: 'How far the gateway hand-off watermark trails the clock',
    }),
    evaluation: sharedHistogram(registry, {
      name: 'steward_rule_evaluation_seconds',
      help: 'Time to evaluate one reading batch (kind readings) or one shard tick (kind tick), incident writes and the state checkpoint included',
      labelNames: ['kind'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
  };
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
