import { percentile } from './api-probes.ts';
import type { ApiFigure, DashboardReport } from './dashboard-bench.ts';
import { CRITERIA, type RampResult, type StepResult } from './ramp.ts';

/** The target: clients one API process keeps at the coalesced rate. */
export const TARGET_CLIENTS = 2_000;

const tenths = (value: number | undefined): number | null =>
  value === undefined || !Number.isFinite(value) ? null : Math.round(value * 10) / 10;
const fmt = (value: number | undefined, digits = 1): string =>
  value === undefined || !Number.isFinite(value)
    ? '—'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * What makes the figures untrustworthy (exit 1): a client that was refused or never ready, a
 * snapshot that was not the whole site, the stream failing to publish, a request of the timed
 * list that failed. A step failing its criteria is a figure, not a problem.
 */
export function problems(report: DashboardReport): string[] {
  const found: string[] = [];
  for (const result of [report.steward, report.peer]) {
    if (!result) continue;
    for (const step of result.steps) {
      const name = `${result.target}, ${step.clients} clients`;
      if (Object.keys(step.connectFailed).length > 0)
        found.push(`${name}: handshakes failed ${JSON.stringify(step.connectFailed)}`);
      if (
        step.connected > 0 &&
        (step.snapshotValues.min !== report.points || step.snapshotValues.max !== report.points)
      )
        found.push(
          `${name}: snapshots had ${step.snapshotValues.min}–${step.snapshotValues.max} values, the site has ${report.points}`,
        );
      if (Object.keys(step.unexpected).length > 0)
        found.push(`${name}: unexpected events ${JSON.stringify(step.unexpected)}`);
    }
  }
  if (report.stream && report.stream.failures > 0)
    found.push(`the live stream failed to publish ${report.stream.failures} times`);
  for (const api of [report.apiIdle, report.apiLoaded]) {
    if (api && Object.keys(api.failures).length > 0)
      found.push(`work-order list with ${api.clients} clients: failures ${JSON.stringify(api.failures)}`);
    if (api && api.orders <= 0)
      found.push(`work-order list with ${api.clients} clients: no orders in the answer`);
  }
  return found;
}

function stepRow(target: string, step: StepResult): string {
  return [
    target,
    step.clients.toLocaleString('en-US'),
    step.connected.toLocaleString('en-US'),
    fmt(step.lagP99Ms),
    fmt(step.lagMaxMs, 0),
    `${fmt(step.rateShare * 100)} %`,
    `${step.batchesMin} / ${fmt(step.batchesExpected)}`,
    fmt(step.valuesPerClientPerS, 0),
    `${step.connected - step.trickleIncomplete} / ${step.connected} (${step.trickleExpected} events)`,
    `${fmt(step.deliveryP50Ms, 0)} / ${fmt(step.deliveryP99Ms, 0)}`,
    `${step.cpuPct.server} / ${step.cpuPct.clients} / ${step.cpuPct.others}`,
    step.passed ? 'ok' : `FAIL: ${step.reasons.join('; ')}`,
  ].join(' | ');
}

function apiRow(label: string, api: ApiFigure | undefined): string {
  if (!api) return `${label} | — | — | — | — | — | —`;
  return [
    label,
    api.clients.toLocaleString('en-US'),
    api.requests.toLocaleString('en-US'),
    fmt(api.requests / api.seconds, 0),
    `${fmt(percentile(api.latenciesMs, 50))} / ${fmt(percentile(api.latenciesMs, 99))} / ${fmt(api.latenciesMs.at(-1))}`,
    fmt(api.lagP99Ms),
    `${api.orders} orders, ${fmt(api.bytes / 1024, 0)} KiB`,
  ].join(' | ');
}

const sustainedText = (ramp: RampResult | undefined): string =>
  ramp
    ? `${ramp.sustained.toLocaleString('en-US')}${ramp.limitFound ? '' : ' (every step passed: the cap, not the limit)'}`
    : '—';

/** The human-readable report (stdout). */
export function render(report: DashboardReport): string {
  const { machine, sizes } = report;
  const lines = [
    `dashboard benchmark, run ${report.runId}${report.quick ? ' (quick)' : ''}, ${report.seconds} s`,
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.platform}`,
    `stream: ${report.points} points each changing every second (gateway frames every 250 ms), an incident or work-order change every ${sizes.trickleEveryMs} ms; ` +
      `clients in ${sizes.fleetChildren} processes, steps held ${sizes.holdMs / 1_000} s after ${sizes.settleMs / 1_000} s`,
    `pass: event-loop delay p99 < ${CRITERIA.lagP99Ms} ms (10 ms resolution included) and every client ≥ ${CRITERIA.rateShare * 100} % of the promised batches (less ${CRITERIA.edgeBatches} for the window's edges), none dropped, every trickle event to every client`,
    '',
    'server | clients | connected | loop p99 ms | loop max ms | batches received | min client / promised | values/client/s | got every event | event delivery p50 / p99 ms | CPU % server / clients / others | step',
    '--- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | ---',
  ];
  for (const ramp of [report.steward, report.peer])
    for (const step of ramp?.steps ?? []) lines.push(stepRow(ramp?.target ?? '', step));
  lines.push(
    '',
    `clients sustained: steward api ${sustainedText(report.steward)}, bare socket.io ${sustainedText(report.peer)}` +
      (report.steward && report.peer && report.peer.sustained > 0
        ? ` (${fmt((report.steward.sustained / report.peer.sustained) * 100, 0)} % of the peer)`
        : '') +
      `; target ≥ ${TARGET_CLIENTS.toLocaleString('en-US')}: ${report.steward ? (report.steward.sustained >= TARGET_CLIENTS ? 'met' : 'SHORT') : '—'}`,
    '',
    `GET /api/workorders as a facilities manager, ${sizes.apiConcurrency} in flight, ${sizes.apiSeconds} s:`,
    'load | clients | requests | per s | latency p50 / p99 / max ms | loop p99 ms | answer',
    '--- | --: | --: | --: | --: | --: | ---',
    apiRow('no clients', report.apiIdle),
    apiRow('sustained clients', report.apiLoaded),
  );
  const found = problems(report);
  if (found.length > 0) lines.push('', 'PROBLEMS:', ...found.map((p) => `  ${p}`));
  if (Object.keys(report.errors).length > 0)
    lines.push('', 'ERRORS:', ...Object.entries(report.errors).map(([k, v]) => `  ${k}: ${v}`));
  return lines.join('\n');
}

const stepJson = (step: StepResult) => ({
  clients: step.clients,
  connected: step.connected,
  lag_p99_ms: tenths(step.lagP99Ms),
  lag_max_ms: tenths(step.lagMaxMs),
  batches_share: tenths(step.rateShare * 100),
  batches_min: step.batchesMin,
  batches_expected: tenths(step.batchesExpected),
  clients_below_rate: step.clientsBelowRate,
  values_per_client_per_s: tenths(step.valuesPerClientPerS),
  trickle_expected: step.trickleExpected,
  trickle_incomplete: step.trickleIncomplete,
  delivery_p50_ms: tenths(step.deliveryP50Ms),
  delivery_p99_ms: tenths(step.deliveryP99Ms),
  snapshot_values: step.snapshotValues,
  cpu_pct: step.cpuPct,
  passed: step.passed,
  reasons: step.reasons,
});

const apiJson = (api: ApiFigure | undefined) =>
  api
    ? {
        clients: api.clients,
        requests: api.requests,
        per_s: tenths(api.requests / api.seconds),
        p50_ms: tenths(percentile(api.latenciesMs, 50)),
        p99_ms: tenths(percentile(api.latenciesMs, 99)),
        max_ms: tenths(api.latenciesMs.at(-1)),
        loop_p99_ms: tenths(api.lagP99Ms),
        orders: api.orders,
        failures: api.failures,
      }
    : null;

/** The single JSON object printed last with --json. */
export function summary(report: DashboardReport): Record<string, unknown> {
  const steward = report.steward;
  const peer = report.peer;
  const loaded = report.apiLoaded;
  return {
    bench: 'dashboard',
    run_id: report.runId,
    quick: report.quick,
    machine: report.machine,
    redis_prefix: report.redisPrefix,
    database: report.database ?? null,
    points: report.points,
    clients_sustained: steward?.sustained ?? null,
    clients_limit_found: steward?.limitFound ?? null,
    target_clients: TARGET_CLIENTS,
    target_met: steward ? steward.sustained >= TARGET_CLIENTS : null,
    peer_clients_sustained: peer?.sustained ?? null,
    peer_limit_found: peer?.limitFound ?? null,
    clients_vs_peer:
      steward && peer && peer.sustained > 0
        ? Math.round((steward.sustained / peer.sustained) * 100) / 100
        : null,
    api_p50_ms: tenths(loaded ? percentile(loaded.latenciesMs, 50) : undefined),
    api_p99_ms: tenths(loaded ? percentile(loaded.latenciesMs, 99) : undefined),
    api_clients: loaded?.clients ?? null,
    api_idle_p50_ms: tenths(report.apiIdle ? percentile(report.apiIdle.latenciesMs, 50) : undefined),
    api_idle_p99_ms: tenths(report.apiIdle ? percentile(report.apiIdle.latenciesMs, 99) : undefined),
    api: { idle: apiJson(report.apiIdle), loaded: apiJson(loaded) },
    steps: { steward: steward?.steps.map(stepJson) ?? [], peer: peer?.steps.map(stepJson) ?? [] },
    stream: report.stream ?? null,
    problems: problems(report),
    errors: report.errors,
    seconds: report.seconds,
  };
}
