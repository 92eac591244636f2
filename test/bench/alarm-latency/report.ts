import type { CpuSplit } from '../ingest/process-cpu.ts';
import type { AlarmReport } from './alarm-bench.ts';
import { PROBE_RULE } from './alarm-config.ts';
import type { Spread } from './latency-phase.ts';

/** The targets of the issue. */
export const TARGETS = { p99Ms: 200, p99StretchMs: 50 } as const;

const finite = (value: number | undefined): number | null =>
  value === undefined || !Number.isFinite(value) ? null : value;
const whole = (value: number | undefined): number | null => {
  const v = finite(value);
  return v === null ? null : Math.round(v);
};
const tenths = (value: number | undefined): number | null => {
  const v = finite(value);
  return v === null ? null : Math.round(v * 10) / 10;
};
const ratio = (a: number | undefined, b: number | undefined): number | null => {
  const x = finite(a);
  const y = finite(b);
  return x === null || y === null || y === 0 ? null : Math.round((x / y) * 100) / 100;
};

/** The headline drain (the gateway's full-load batch size) and the others. */
function drains(report: AlarmReport) {
  const [headline, ...others] = report.drains;
  return { headline, small: others[0] };
}

/** The gateway's full ingest rate measured in this run: the faster of its two message shapes. */
function gatewayFullRate(report: AlarmReport): number | undefined {
  const rates = [report.gateway?.perS, report.packed?.perS].filter(
    (rate): rate is number => rate !== undefined && Number.isFinite(rate),
  );
  return rates.length > 0 ? Math.max(...rates) : undefined;
}

/**
 * Everything that makes the figures untrustworthy: a probe without its incident, a count that
 * is not exact, a failed job, a refusal nobody caused on purpose. Any of them exits 1.
 */
export function problems(report: AlarmReport): string[] {
  const found: string[] = [];
  const l = report.latency;
  if (l) {
    if (l.arrived < l.probes)
      found.push(`${l.probes - l.arrived} of ${l.probes} probes' incidents never arrived`);
    if (l.warmupArrived < l.warmupProbes)
      found.push(`${l.warmupProbes - l.warmupArrived} warm-up probes' incidents never arrived`);
    for (const [kind, count] of Object.entries(l.kinds))
      if (kind !== 'fired') found.push(`${count} probes answered by '${kind}' instead of 'fired'`);
    if (l.underLoad < l.probes)
      found.push(`${l.probes - l.underLoad} probes went out after the background stopped`);
    if (l.floorLost > 0) found.push(`${l.floorLost} floor messages never came back`);
    for (const [name, figure] of [
      ['background', l.background],
      ['warm-up background', l.warmupBackground],
    ] as const)
      if (!figure.exact)
        found.push(
          `${name}: ${figure.stored} stored of ${figure.acked} acknowledged, ${figure.failed} failed`,
        );
    found.push(...l.incidentProblems);
    if (Object.values(l.rejections).some((count) => count > 0))
      found.push(`gateway refusals ${JSON.stringify(l.rejections)}, expected none`);
    if (l.failedJobs > 0) found.push(`${l.failedJobs} reading batches failed in the bench site's queues`);
  }
  for (const rate of [report.gateway, report.packed]) {
    if (!rate) continue;
    if (!rate.exact)
      found.push(
        `gateway burst (${rate.shape}): ${rate.stored} stored, ${rate.handedOff} handed off, of ${rate.readings} readings`,
      );
    if (rate.failedJobs > 0) found.push(`gateway burst (${rate.shape}): ${rate.failedJobs} failed jobs`);
  }
  if (report.sample && report.sample.refused > 0)
    found.push(`${report.sample.refused} simulated values refused by the gateway's normalisation`);
  for (const drain of report.drains) {
    const name = `drain (batches of ${drain.batchSize})`;
    if (drain.failedJobs > 0) found.push(`${name}: ${drain.failedJobs} failed jobs`);
    if (report.evaluator && drain.evaluated !== report.evaluator.routed)
      found.push(
        `${name}: the worker evaluated ${drain.evaluated} readings, ${report.evaluator.routed} are read by a rule`,
      );
    if (Object.keys(drain.discarded).length > 0)
      found.push(`${name}: discarded ${JSON.stringify(drain.discarded)}`);
  }
  if (report.benchDiscarded && Object.keys(report.benchDiscarded).length > 0)
    found.push(`bench site's workers discarded ${JSON.stringify(report.benchDiscarded)}`);
  return found;
}

const spreadJson = (s: Spread | undefined) =>
  s ? { n: s.n, p50: tenths(s.p50), p90: tenths(s.p90), p99: tenths(s.p99), max: tenths(s.max) } : null;

/** The single JSON object printed last with --json. */
export function summary(report: AlarmReport): Record<string, unknown> {
  const l = report.latency;
  const { headline, small } = drains(report);
  const full = gatewayFullRate(report);
  const keepUp = headline && full !== undefined ? headline.perS >= full : null;
  const p99 = tenths(l?.alarm.p99);
  const found = problems(report);
  return {
    bench: 'alarm-latency',
    run_id: report.runId,
    quick: report.quick,
    machine: report.machine,
    redis_prefix: report.redisPrefix,
    database: report.database ?? null,
    p50_ms: tenths(l?.alarm.p50),
    p90_ms: tenths(l?.alarm.p90),
    p99_ms: p99,
    max_ms: tenths(l?.alarm.max),
    probes: l?.probes ?? 0,
    probes_arrived: l?.arrived ?? 0,
    floor_p50_ms: tenths(l?.floor.p50),
    floor_p99_ms: tenths(l?.floor.p99),
    p50_vs_floor: ratio(l?.alarm.p50, l?.floor.p50),
    p99_vs_floor: ratio(l?.alarm.p99, l?.floor.p99),
    background_target_per_s: l?.background.targetPerS ?? null,
    background_achieved_per_s: whole(l?.background.achievedPerS),
    rule_eval_readings_per_s: whole(headline?.perS),
    rule_eval_batch_size: headline?.batchSize ?? null,
    rule_eval_small_batch_readings_per_s: whole(small?.perS),
    rule_eval_small_batch_size: small?.batchSize ?? null,
    evaluator_readings_per_s: whole(report.evaluator?.readingsPerS),
    workers_vs_evaluator: ratio(headline?.perS, report.evaluator?.readingsPerS),
    gateway_readings_per_s: whole(report.gateway?.perS),
    gateway_packed_readings_per_s: whole(report.packed?.perS),
    gateway_full_readings_per_s: whole(full),
    workers_vs_gateway: ratio(headline?.perS, full),
    workers_keep_up: keepUp,
    spans_ms: l
      ? {
          puback: spreadJson(l.puback),
          job_added: spreadJson(l.toQueued),
          job_taken: spreadJson(l.toTaken),
          transaction_begins: spreadJson(l.toTransaction),
          incident_event: spreadJson(l.alarm),
          job_finished: spreadJson(l.toJobFinished),
          floor: spreadJson(l.floor),
        }
      : null,
    steps_ms: l
      ? Object.fromEntries(Object.entries(l.steps).map(([name, step]) => [name, spreadJson(step)]))
      : null,
    latency: l
      ? {
          rule: PROBE_RULE,
          warmup_probes: l.warmupProbes,
          probes_under_load: l.underLoad,
          traced: l.traced,
          kinds: l.kinds,
          background_seconds: tenths(l.background.seconds),
          background_stored: l.background.stored,
          background_acked: l.background.acked,
          floor_sent: l.floorSent,
          rejections: l.rejections,
          cpu_pct: l.cpu.cpuPct,
          bench_loop_delay_p99_ms: l.cpu.benchLoopDelayP99Ms,
        }
      : null,
    throughput: {
      gateway: report.gateway ? { ...rateJson(report.gateway), cpu_pct: report.gateway.cpu.cpuPct } : null,
      packed: report.packed ? { ...rateJson(report.packed), cpu_pct: report.packed.cpu.cpuPct } : null,
      drains: report.drains.map((d) => ({
        batch_size: d.batchSize,
        readings: d.readings,
        jobs: d.jobs,
        per_s: whole(d.perS),
        seconds: Math.round(d.seconds * 1_000) / 1_000,
        incidents: d.incidents,
        evaluated: d.evaluated,
        discarded: d.discarded,
        cpu_pct: d.cpu.cpuPct,
      })),
      sample: report.sample
        ? {
            readings: report.sample.readings,
            equipment: report.sample.equipment,
            rate_multiplier: tenths(report.sample.rateMultiplier),
            site_rate_per_s: tenths(report.sample.siteRatePerS),
          }
        : null,
      evaluator: report.evaluator
        ? {
            pairs: report.evaluator.pairs,
            routed: report.evaluator.routed,
            transitions: report.evaluator.transitions,
          }
        : null,
    },
    targets: {
      p99_ms: {
        target: TARGETS.p99Ms,
        stretch: TARGETS.p99StretchMs,
        met: p99 === null ? null : p99 <= TARGETS.p99Ms,
        stretch_met: p99 === null ? null : p99 <= TARGETS.p99StretchMs,
      },
      workers_keep_up: { met: keepUp },
    },
    bench_site_discarded: report.benchDiscarded ?? null,
    exact: found.length === 0,
    problems: found,
    errors: report.errors,
    seconds: report.seconds,
  };
}

function rateJson(rate: NonNullable<AlarmReport['gateway']>) {
  return {
    per_s: whole(rate.perS),
    handoff_per_s: whole(rate.handoffPerS),
    messages_acked: rate.messagesAcked,
    readings: rate.readings,
    stored: rate.stored,
    handed_off: rate.handedOff,
  };
}

const number = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** First column and `leftFrom` onwards left-aligned (text), the columns between right-aligned (figures). */
function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  leftFrom = header.length,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        i === 0 || i >= leftFrom ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function cpuText(cpu: CpuSplit): string {
  return Object.entries(cpu.cpuPct)
    .map(([label, pct]) => `${label === 'self' ? 'bench' : label} ${Number.isFinite(pct) ? pct : '?'}`)
    .join(' · ');
}

/** The human-readable tables. */
export function render(report: AlarmReport): string {
  const m = report.machine;
  const l = report.latency;
  const { headline, small } = drains(report);
  const full = gatewayFullRate(report);
  const out: string[] = [
    `Alarm latency benchmark, run ${report.runId}${report.quick ? ' (--quick)' : ''}: ${m.cpus} CPUs (${m.cpuModel}), ` +
      `${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`,
    `\`steward gateway\` and \`steward workers\` as processes (bench site, ${report.shards} rule shards), a private VictoriaMetrics, the ` +
      "stack's Redis (own key prefix) and PostgreSQL (fresh database). Load: 4 MQTT.js QoS 1 publishers in a child " +
      'process; probes, floor and incident listener in the bench process.',
    '',
  ];
  if (l) {
    const b = l.background;
    out.push(
      `Background: ${number(b.targetPerS)} readings/s target, ${number(b.achievedPerS)}/s achieved for ${number(b.seconds, 1)} s ` +
        `(1 reading per message on 4 meters × 10 points; the workers evaluate every \`power\` reading against the stale rule ` +
        `\`meter-offline\`); ${number(b.stored)} of ${number(b.acked)} stored.`,
      `Probes: ${l.probes} violating readings (\`${PROBE_RULE}\`: trapped_passenger = 1, each on a lift of its own, so each ` +
        `opens a new incident), one every ${report.sizes.probeSpacingMs} ms ± 25 %, after ${l.warmupProbes} warm-up probes; ` +
        `${l.arrived}/${l.probes} incidents arrived (${Object.entries(l.kinds)
          .map(([kind, n]) => `${n} ${kind}`)
          .join(', ')}), ${l.underLoad} published under load.`,
      '',
    );
    const row = (name: string, s: Spread, step?: Spread): string[] => [
      name,
      number(s.p50, 1),
      number(s.p90, 1),
      number(s.p99, 1),
      number(s.max, 1),
      step ? number(step.p50, 1) : '',
      step ? number(step.p99, 1) : '',
    ];
    out.push(
      table(
        ['span from the probe’s publish (ms)', 'p50', 'p90', 'p99', 'max', 'step p50', 'step p99'],
        [
          row('→ PUBACK: the reading is in the gateway’s spool', l.puback, l.steps.puback),
          row('→ its job added to the rule queue (gateway clock)', l.toQueued, l.steps.job_added),
          row('→ a worker took the job (BullMQ processedOn)', l.toTaken, l.steps.job_taken),
          row('→ incident transaction begins (created_at)', l.toTransaction, l.steps.transaction_begins),
          row('→ incident event received: committed, then published', l.alarm, l.steps.incident_event),
          row('→ job finished (states checkpointed)', l.toJobFinished),
          row('peer: raw aedes round trip, same machine load', l.floor),
          [
            'alarm ÷ broker round trip',
            `${number(ratio(l.alarm.p50, l.floor.p50), 1)} ×`,
            `${number(ratio(l.alarm.p90, l.floor.p90), 1)} ×`,
            `${number(ratio(l.alarm.p99, l.floor.p99), 1)} ×`,
            '',
            '',
            '',
          ],
        ],
      ),
      `Job rows: the ${l.traced} probes whose BullMQ job was found; times from other processes have 1 ms resolution. ` +
        'Step: per probe, from the row above (percentiles of the differences, so they do not add up). ' +
        'The event arrives after the commit, so "event received" is an upper bound of publish → incident row committed.',
      `CPU % of one core over the window: ${cpuText(l.cpu)} (others: Redis, PostgreSQL and the rest of the machine); ` +
        `bench event-loop delay p99 ${number(l.cpu.benchLoopDelayP99Ms, 1)} ms (it timestamps arrivals, floor and alarm alike)`,
      '',
    );
  }
  const rows: string[][] = [];
  for (const rate of [report.gateway, report.packed]) {
    if (!rate) continue;
    rows.push([
      `gateway, ${rate.shape === 'points' ? '1 reading' : '10 readings'}/message, stored`,
      number(rate.perS),
      `${number(rate.stored)}/${number(rate.readings)} stored; to rule queues ${number(rate.handoffPerS)}/s; CPU ${cpuText(rate.cpu)}`,
    ]);
  }
  for (const drain of report.drains) {
    rows.push([
      `rule workers, sample site's rules, hand-off batches of ${number(drain.batchSize)}`,
      number(drain.perS),
      `${number(drain.readings)} readings (${number(drain.evaluated)} evaluated) in ${number(drain.jobs)} jobs, ` +
        `${number(drain.seconds, 3)} s, ${drain.incidents} incidents; CPU ${cpuText(drain.cpu)}`,
    ]);
  }
  const e = report.evaluator;
  if (e)
    rows.push([
      'peer: evaluator alone, in-process, same readings',
      number(e.readingsPerS),
      `${e.pairs} pairs, ${number((e.routed / e.readings) * 100)} % of readings read by a rule, ${e.transitions} transitions`,
    ]);
  if (rows.length > 0) out.push(table(['throughput', 'readings/s', 'detail'], rows, 2));
  const s = report.sample;
  if (s)
    out.push(
      `Sample readings: ${number(s.readings)} of the sample site (${s.equipment} pieces of equipment) from the simulator's ` +
        `building model over ${number(report.sizes.evalSpanMs / 1_000)} s of site time, every device reporting ` +
        `${number(s.rateMultiplier, 1)}× faster than configured (the site sends ${number(s.siteRatePerS, 1)} readings/s), ` +
        "normalised by the gateway's code, queued by its hand-off (RuleQueueSink) into paused queues, then drained.",
    );
  out.push('');
  const verdict = (v: boolean | null | undefined) =>
    v === null || v === undefined ? 'not measured' : v ? 'met' : 'SHORT';
  const p99 = finite(l?.alarm.p99);
  const keepUp = headline && full !== undefined ? headline.perS >= full : null;
  out.push(
    table(
      ['target', 'measured', 'verdict'],
      [
        [
          `p99 publish → incident committed ≤ ${TARGETS.p99Ms} ms`,
          `${number(p99)} ms`,
          verdict(p99 === null ? null : p99 <= TARGETS.p99Ms),
        ],
        [
          `  stretch: ≤ ${TARGETS.p99StretchMs} ms`,
          '',
          verdict(p99 === null ? null : p99 <= TARGETS.p99StretchMs),
        ],
        [
          "workers keep up with the gateway's full rate",
          `${number(headline?.perS)} vs ${number(full)}/s (${number(ratio(headline?.perS, full), 1)} ×)`,
          verdict(keepUp),
        ],
        ...(small
          ? [
              [
                `  with ${number(small.batchSize)}-reading batches (as at 10,000/s)`,
                `${number(small.perS)} vs ${number(full)}/s`,
                verdict(full === undefined ? null : small.perS >= full),
              ],
            ]
          : []),
      ],
    ),
  );
  for (const problem of problems(report)) out.push(`NOT EXACT: ${problem}`);
  for (const [phase, error] of Object.entries(report.errors)) out.push(`FAILED ${phase}: ${error}`);
  out.push(`total ${number(report.seconds, 1)} s`);
  return out.join('\n');
}
