import { type ConnectionOptions, type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type Counter, type Gauge, Registry } from 'prom-client';
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { selectEquipment } from '../../../config/load/check-rules.ts';
import type { ResolvedEquipment, ResolvedPoint, SiteModel } from '../../../config/load/model.ts';
import type { ScheduledRule } from '../../../config/schema/rules.ts';
import type { WorkingCalendar } from '../../calendar/working-calendar.ts';
import type { ClearOutcome, FireOutcome, IncidentStore } from '../../incidents/index.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { Component } from '../../runtime/component.ts';
import type { Logger } from '../../runtime/logger.ts';
import { reportQueueDepth, sharedCounter, sharedGauge } from '../../runtime/metrics.ts';
import { fireInputOf } from '../fire-input.ts';
import { evaluateAfterHours } from './after-hours.ts';
import type { CheckResult, Verdict } from './check-result.ts';
import { evaluateDataGap } from './data-gap.ts';
import { type BaselineProvider, evaluateEnergyAboveBaseline, noBaselines } from './energy-baseline.ts';
import { ScheduledRuleError } from './errors.ts';
import { SitePeriods } from './periods.ts';
import { type SampleSource, VictoriaSampleSource } from './samples.ts';

/** How long after a window's end its readings are taken as stored (the gateway's spool and forwarder). */
export const DEFAULT_SETTLE_MS = 5 * 60_000;
/** Attempts of a job whose query failed (BullMQ retries with exponential backoff from 30 s). */
export const DEFAULT_JOB_ATTEMPTS = 5;

export const scheduledQueueName = (site: string): string => `rules-scheduled.${site}`;

/** The data of a scheduled job (the scheduler's template, or a job added by hand). */
export const ScheduledJob = Type.Object({ ruleId: Type.String({ minLength: 1 }) });
export type ScheduledJob = Static<typeof ScheduledJob>;

export type ScheduledCheckType = ScheduledRule['scheduled']['type'];

/** The part of the incident store the runner uses. */
export type IncidentRecorder = Pick<IncidentStore, 'recordFire' | 'recordClear'>;

export interface ScheduledRuleRunnerOptions {
  /** The validated configuration: rules, equipment, points and buildings. */
  readonly model: SiteModel;
  /** The site whose scheduled rules this runner evaluates; only its equipment is selected. */
  readonly site: string;
  /**
   * Where the BullMQ queue and worker connect: a Redis URL (the runner opens, and closes, its own
   * client with `maxRetriesPerRequest: null`), BullMQ connection options, or such an ioredis client.
   */
  readonly connection: string | ConnectionOptions;
  /** The BullMQ prefix (`STEWARD_REDIS_PREFIX`). */
  readonly prefix: string;
  readonly incidents: IncidentRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The site's working calendar (its zone and working hours): off-hours spans, local days and windows. */
  readonly calendar: WorkingCalendar;
  /** VictoriaMetrics (`TSDB_URL`), read through `/api/v1/export`. */
  readonly tsdbUrl: string;
  /** Replaces the VictoriaMetrics reader made from `tsdbUrl` (other stores, tests). */
  readonly samples?: SampleSource;
  /** Baselines of `energy_above_baseline`; default `noBaselines` (every evaluation is `no_baseline`). */
  readonly baselines?: BaselineProvider;
  /** Where the counters go; default a registry of its own. */
  readonly metrics?: Registry;
  /** Default `DEFAULT_SETTLE_MS`. */
  readonly settleMs?: number;
  /** Default `DEFAULT_JOB_ATTEMPTS`. */
  readonly jobAttempts?: number;
}

/** A (rule, equipment) pair with the point its check reads. */
interface Target {
  readonly rule: ScheduledRule;
  readonly equipment: ResolvedEquipment;
  readonly point: ResolvedPoint;
}

/** What one evaluation concluded for one piece of equipment, and what the incident store said. */
export interface ScheduledOutcome {
  readonly ruleId: string;
  readonly equipmentId: string;
  readonly pointId: string;
  readonly check: ScheduledCheckType;
  /** The end of the evaluation window the evaluation belongs to. */
  readonly windowEnd: Date;
  /** `failed` when the store could not be read or the incident not recorded (`error` says why). */
  readonly verdict: Verdict | 'failed';
  /** The instant a fire or clear is recorded at (the end of the period looked at). */
  readonly at?: Date;
  readonly value?: number;
  /** The incident store's answer to the fire or clear. */
  readonly recorded?: FireOutcome | ClearOutcome;
  readonly facts?: Readonly<Record<string, unknown>>;
  readonly error?: { readonly code: string; readonly message: string };
}

const MINUTE_MS = 60_000;

/**
 * Runs the site's enabled scheduled rules (rules with `scheduled` and `everyS`): one BullMQ job
 * scheduler per rule on the queue `rules-scheduled.<site>`, whose jobs a BullMQ worker
 * (concurrency 1) evaluates against the stored readings of every selected piece of equipment.
 * Fires and clears become incidents, recorded at the end of the period looked at, so a job run
 * twice (redelivery, a second process) records `duplicate`s. See README.md.
 *
 * The constructor only indexes the configuration; `start()` upserts the schedulers (and removes
 * those of rules that are gone or disabled) and starts the worker; `stop()` lets the job in
 * flight finish and closes the queue. `evaluateNow(ruleId?)` evaluates directly, without a job.
 */
export class ScheduledRuleRunner implements Component {
  readonly name = 'scheduled-rules';
  readonly #options: ScheduledRuleRunnerOptions;
  readonly #logger: Logger;
  readonly #periods: SitePeriods;
  readonly #samples: SampleSource;
  readonly #baselines: BaselineProvider;
  readonly #settleMs: number;
  /** Enabled scheduled rules of the site that select at least one usable piece of equipment. */
  readonly #rules = new Map<string, { readonly rule: ScheduledRule; readonly targets: readonly Target[] }>();
  readonly #noBaselineLogged = new Set<string>();
  readonly #evaluations: Counter<'rule' | 'verdict'>;
  readonly #errors: Counter<'rule' | 'code'>;
  readonly #lastSuccess: Gauge<'rule'>;
  #queue: Queue<ScheduledJob> | undefined;
  #worker: Worker<ScheduledJob> | undefined;
  #ownConnection: Redis | undefined;
  /** Jobs and direct evaluations run one at a time in this process. */
  #lock: Promise<void> = Promise.resolve();

  constructor(options: ScheduledRuleRunnerOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#periods = new SitePeriods(options.calendar);
    this.#samples = options.samples ?? new VictoriaSampleSource({ url: options.tsdbUrl });
    this.#baselines = options.baselines ?? noBaselines;
    this.#settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    const registry = options.metrics ?? new Registry();
    this.#evaluations = sharedCounter(registry, {
      name: 'steward_scheduled_rule_evaluations_total',
      help: 'Scheduled rule evaluations per piece of equipment, by verdict (fire, clear, no_data, incomplete, no_baseline, failed)',
      labelNames: ['rule', 'verdict'],
    });
    this.#errors = sharedCounter(registry, {
      name: 'steward_scheduled_rule_errors_total',
      help: 'Scheduled rule evaluations that failed, by error code',
      labelNames: ['rule', 'code'],
    });
    this.#lastSuccess = sharedGauge(registry, {
      name: 'steward_scheduled_rule_last_success_seconds',
      help: 'When a scheduled rule last evaluated all its equipment without an error (clock time, s since 1970)',
      labelNames: ['rule'],
    });
    // The schedulers' next jobs wait as delayed jobs: `steward_queue_jobs{queue="rules-scheduled.<site>"}`.
    if (options.metrics) reportQueueDepth(options.metrics, () => (this.#queue ? [this.#queue] : []));
    this.#index();
  }

  /** The enabled scheduled rules this runner schedules, with the equipment each evaluates. */
  get rules(): ReadonlyMap<string, readonly string[]> {
    return new Map([...this.#rules].map(([id, { targets }]) => [id, targets.map((t) => t.equipment.id)]));
  }

  #index(): void {
    const { model, site } = this.#options;
    const siteEquipment = [...model.equipment.values()].filter((item) => item.siteId === site);
    for (const rule of model.rules) {
      if (!('scheduled' in rule) || rule.enabled === false) continue;
      const targets: Target[] = [];
      for (const equipment of selectEquipment(rule.selector, siteEquipment)) {
        const point = equipment.points.find((candidate) => candidate.key === rule.scheduled.point);
        if (!point) {
          this.#logger.warn(
            { ruleId: rule.id, equipmentId: equipment.id, point: rule.scheduled.point },
            'scheduled rule skipped for this equipment: point missing',
          );
          continue;
        }
        if (rule.scheduled.type !== 'data_gap' && point.canonicalUnit !== 'kWh') {
          this.#logger.warn(
            { ruleId: rule.id, pointId: point.id, unit: point.canonicalUnit },
            'scheduled rule skipped for this equipment: the point is not electrical energy (kWh)',
          );
          continue;
        }
        targets.push({ rule, equipment, point });
      }
      if (targets.length > 0) this.#rules.set(rule.id, { rule, targets });
    }
  }

  async start(): Promise<void> {
    const { connection, prefix, site } = this.#options;
    let bullConnection: ConnectionOptions;
    if (typeof connection === 'string') {
      this.#ownConnection = new Redis(connection, { maxRetriesPerRequest: null });
      this.#ownConnection.on('error', (error: Error) =>
        this.#logger.warn({ err: error }, 'scheduled rule queue connection error'),
      );
      bullConnection = this.#ownConnection;
    } else {
      bullConnection = connection;
    }
    const queueName = scheduledQueueName(site);
    this.#queue = new Queue<ScheduledJob>(queueName, { connection: bullConnection, prefix });
    this.#queue.on('error', (error) => this.#logger.warn({ err: error }, 'scheduled rule queue error'));
    await this.#syncSchedulers(this.#queue);
    this.#worker = new Worker<ScheduledJob>(
      queueName,
      (job) => this.#exclusive(() => this.#processJob(job)),
      { connection: bullConnection, prefix, concurrency: 1 },
    );
    this.#worker.on('error', (error) => this.#logger.warn({ err: error }, 'scheduled rule worker error'));
    this.#worker.on('failed', (job, error) =>
      this.#logger.error(
        { err: error, jobId: job?.id, ruleId: job?.data.ruleId, attempts: job?.attemptsMade },
        'scheduled rule job failed',
      ),
    );
    await this.#worker.waitUntilReady();
    this.#logger.info({ rules: [...this.#rules.keys()], queue: queueName }, 'scheduled rule runner started');
  }

  async stop(): Promise<void> {
    // close() waits for the job in flight to finish before it resolves.
    await this.#worker?.close();
    this.#worker = undefined;
    await this.#queue?.close();
    this.#queue = undefined;
    if (this.#ownConnection) {
      if (this.#ownConnection.status === 'ready') await this.#ownConnection.quit();
      else this.#ownConnection.disconnect();
      this.#ownConnection = undefined;
    }
  }

  /**
   * Evaluates one rule (or every rule) now, at `clock.nowMs()`, records the fires and clears, and
   * returns one outcome per piece of equipment. Failures are outcomes (`verdict: 'failed'`), not
   * exceptions; an unknown rule id throws `unknown_rule`.
   */
  evaluateNow(ruleId?: string): Promise<ScheduledOutcome[]> {
    if (ruleId !== undefined && !this.#rules.has(ruleId)) {
      return Promise.reject(
        new ScheduledRuleError('unknown_rule', `${ruleId} is not an enabled scheduled rule of this site`),
      );
    }
    const ids = ruleId === undefined ? [...this.#rules.keys()] : [ruleId];
    return this.#exclusive(async () => {
      const outcomes: ScheduledOutcome[] = [];
      for (const id of ids) outcomes.push(...(await this.#evaluateRule(id)));
      return outcomes;
    });
  }

  /**
   * One scheduler per rule, id = rule id, every `everyS`, aligned so that its jobs run `settleMs`
   * after each window's end. Upserting is idempotent, so every process of the site may do it.
   */
  async #syncSchedulers(queue: Queue<ScheduledJob>): Promise<void> {
    const now = this.#options.clock.nowMs();
    const existing = await queue.getJobSchedulers(0, -1);
    for (const scheduler of existing) {
      if (this.#rules.has(scheduler.key)) continue;
      await queue.removeJobScheduler(scheduler.key);
      this.#logger.info({ ruleId: scheduler.key }, 'scheduler of a rule that is gone or disabled removed');
    }
    for (const { rule } of this.#rules.values()) {
      const everyMs = rule.everyS * 1000;
      await queue.upsertJobScheduler(
        rule.id,
        { every: everyMs, offset: this.#periods.schedulerOffset(now, everyMs, this.#settleMs) },
        {
          name: rule.id,
          data: { ruleId: rule.id },
          opts: {
            attempts: this.#options.jobAttempts ?? DEFAULT_JOB_ATTEMPTS,
            backoff: { type: 'exponential', delay: 30_000 },
            removeOnComplete: { count: 100 },
            removeOnFail: { count: 500 },
          },
        },
      );
    }
  }

  async #processJob(job: Job<ScheduledJob>): Promise<Record<string, number>> {
    if (!Value.Check(ScheduledJob, job.data)) {
      this.#logger.warn({ jobId: job.id }, 'scheduled rule job without a rule id dropped');
      return {};
    }
    const { ruleId } = job.data;
    if (!this.#rules.has(ruleId)) {
      // A scheduler another process made from another configuration; retrying would not help.
      this.#logger.warn({ jobId: job.id, ruleId }, 'scheduled rule job for a rule this runner does not have');
      return {};
    }
    const outcomes = await this.#evaluateRule(ruleId);
    const failed = outcomes.filter((outcome) => outcome.verdict === 'failed');
    if (failed.length > 0) {
      throw new ScheduledRuleError(
        'evaluation_failed',
        `${ruleId}: ${failed.length} of ${outcomes.length} evaluations failed (${failed
          .map((outcome) => `${outcome.equipmentId}: ${outcome.error?.code}`)
          .join(', ')})`,
      );
    }
    const counts: Record<string, number> = {};
    for (const outcome of outcomes) counts[outcome.verdict] = (counts[outcome.verdict] ?? 0) + 1;
    return counts;
  }

  async #evaluateRule(ruleId: string): Promise<ScheduledOutcome[]> {
    const entry = this.#rules.get(ruleId);
    if (!entry) return [];
    const nowMs = this.#options.clock.nowMs();
    const windowEnd = this.#periods.windowEnd(nowMs, entry.rule.everyS * 1000, this.#settleMs);
    const outcomes: ScheduledOutcome[] = [];
    for (const target of entry.targets) {
      const outcome = await this.#evaluateTarget(target, nowMs, windowEnd);
      this.#evaluations.inc({ rule: ruleId, verdict: outcome.verdict });
      if (outcome.error) this.#errors.inc({ rule: ruleId, code: outcome.error.code });
      outcomes.push(outcome);
    }
    if (outcomes.every((outcome) => outcome.verdict !== 'failed')) {
      this.#lastSuccess.set({ rule: ruleId }, nowMs / 1000);
    }
    if (
      outcomes.some((outcome) => outcome.verdict === 'no_baseline') &&
      !this.#noBaselineLogged.has(ruleId)
    ) {
      this.#noBaselineLogged.add(ruleId);
      this.#logger.info({ ruleId }, 'no energy baseline yet: energy_above_baseline records nothing');
    }
    return outcomes;
  }

  async #evaluateTarget(target: Target, nowMs: number, windowEndMs: number): Promise<ScheduledOutcome> {
    const { rule, equipment, point } = target;
    const base = {
      ruleId: rule.id,
      equipmentId: equipment.id,
      pointId: point.id,
      check: rule.scheduled.type,
      windowEnd: new Date(windowEndMs),
    };
    try {
      const result = await this.#check(target, nowMs, windowEndMs);
      const outcome = {
        ...base,
        verdict: result.verdict,
        at: new Date(result.at),
        ...(result.value === undefined ? {} : { value: result.value }),
        facts: result.facts,
      };
      if (result.verdict === 'fire') return { ...outcome, recorded: await this.#recordFire(target, result) };
      if (result.verdict === 'clear')
        return { ...outcome, recorded: await this.#recordClear(target, result) };
      return outcome;
    } catch (error) {
      const code = error instanceof ScheduledRuleError ? error.code : errorCode(error);
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.warn(
        { err: error, ruleId: rule.id, equipmentId: equipment.id },
        'scheduled evaluation failed',
      );
      return { ...base, verdict: 'failed', error: { code, message } };
    }
  }

  /** Reads what the rule's check needs for one piece of equipment and evaluates it. */
  async #check(target: Target, nowMs: number, windowEndMs: number): Promise<CheckResult> {
    const { rule, point } = target;
    const intervalMs = point.intervalS * 1000;
    // Samples this far outside a period still bracket its edges; fewer in a row are a gap.
    const bracketMs = Math.max(15 * MINUTE_MS, 2 * intervalMs);
    const maxSampleGapMs = Math.max(5 * MINUTE_MS, 5 * intervalMs);
    const check = rule.scheduled;
    switch (check.type) {
      case 'after_hours_consumption': {
        const span = this.#periods.lastOffHoursSpanBefore(windowEndMs);
        const samples = await this.#samples.samples(
          point.id,
          span.fromMs - bracketMs,
          Math.min(span.toMs + bracketMs, nowMs),
        );
        return evaluateAfterHours({ samples, span, limitKwh: check.limitKwh, maxSampleGapMs });
      }
      case 'data_gap': {
        const everyMs = rule.everyS * 1000;
        const window = { fromMs: windowEndMs - everyMs, toMs: windowEndMs };
        const samples = await this.#samples.samples(
          point.id,
          window.fromMs - check.maxGapS * 1000,
          window.toMs,
        );
        return evaluateDataGap({ timestamps: samples.map((s) => s.ts), window, maxGapS: check.maxGapS });
      }
      case 'energy_above_baseline': {
        const day = this.#periods.dayBefore(windowEndMs);
        let expectedKwh: number | undefined;
        try {
          expectedKwh = await this.#baselines.expectedKwh(point.id, day.date);
        } catch (error) {
          throw new ScheduledRuleError(
            'baseline_failed',
            `baseline of ${point.id} for ${day.date} failed: ${(error as Error).message}`,
            undefined,
            { cause: error },
          );
        }
        // No baseline, no query: the verdict is no_baseline whatever the meter says.
        const samples =
          expectedKwh === undefined
            ? []
            : await this.#samples.samples(
                point.id,
                day.fromMs - bracketMs,
                Math.min(day.toMs + bracketMs, nowMs),
              );
        return evaluateEnergyAboveBaseline({
          samples,
          day,
          expectedKwh,
          margin: check.margin,
          maxSampleGapMs,
        });
      }
    }
  }

  async #recordFire(target: Target, result: CheckResult): Promise<FireOutcome> {
    const { rule, equipment, point } = target;
    const value = result.value ?? Number.NaN;
    const at = new Date(result.at);
    const { outcome } = await this.#options.incidents.recordFire(
      fireInputOf(this.#options.model, rule, equipment, {
        at,
        value,
        unit: rule.scheduled.type === 'data_gap' ? 's' : point.canonicalUnit,
        evidence: { check: rule.scheduled.type, pointId: point.id, ...result.facts },
      }),
    );
    this.#logger.info(
      { ruleId: rule.id, equipmentId: equipment.id, at, value, outcome },
      'scheduled rule fired',
    );
    return outcome;
  }

  async #recordClear(target: Target, result: CheckResult): Promise<ClearOutcome> {
    const { rule, equipment } = target;
    const at = new Date(result.at);
    const { outcome } = await this.#options.incidents.recordClear({
      ruleId: rule.id,
      equipmentId: equipment.id,
      at,
      ...(result.value === undefined ? {} : { value: result.value }),
    });
    if (outcome === 'cleared') {
      this.#logger.info({ ruleId: rule.id, equipmentId: equipment.id, at }, 'scheduled rule cleared');
    }
    return outcome;
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(task);
    this.#lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/** A stable code for errors from elsewhere: their own `code` (IncidentError, pg's SQLSTATE) or `internal`. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.length > 0 ? code : 'internal';
}
