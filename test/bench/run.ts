/**
 * Benchmarks: `npm run bench -- <name> [options]` (or `node test/bench/run.ts <name>`).
 * Each prints a table and, with --json, one JSON object on its last stdout line. Progress goes
 * to stderr. Exit code 0 when every phase ran (targets met or not: a benchmark reports),
 * 1 when a phase failed or a count was not exact, 64 on bad usage.
 *
 *   ingest [--json] [--quick] [--phases ceiling,gateway,packed,nodered,latency,opcua] [--window N]
 *          [--cpu-prof DIR]   CPU profiles of every process over each measured window (profiles
 *                             slow the figures down: read them for where the time goes, not for rates)
 *   alarm-latency [--json] [--quick]
 *                             publish of a violating reading → incident committed, under 10,000
 *                             readings/s of background load, and the rule workers' rate
 *   dashboard [--json] [--quick]
 *                             socket.io clients one `steward api` process keeps at the coalesced
 *                             live-value rate, the work-order list's latency under them, and a bare
 *                             socket.io server as the peer
 *   energy [--json] [--quick]
 *                             CalTRACK daily baselines for 1,000 meters × 365 days (fit_1000_meters_s),
 *                             against an exhaustive regression per candidate as the peer
 *   scoring [--json] [--quick]
 *                             a month of 50 contracts and 20,000 work orders closed into scorecards
 *                             (month_scoring_s), recomputed byte for byte; a naive SQL aggregation
 *                             of the same items as the peer
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  FULL_SIZES as ALARM_FULL,
  QUICK_SIZES as ALARM_QUICK,
  runAlarmLatencyBench,
} from './alarm-latency/alarm-bench.ts';
import { problems, render as renderAlarm, summary as summariseAlarm } from './alarm-latency/report.ts';
import { Teardown } from './alarm-latency/teardown.ts';
import {
  FULL_SIZES as DASHBOARD_FULL,
  QUICK_SIZES as DASHBOARD_QUICK,
  runDashboardBench,
} from './dashboard/dashboard-bench.ts';
import {
  problems as dashboardProblems,
  render as renderDashboard,
  summary as summariseDashboard,
} from './dashboard/report.ts';
import {
  FULL_SIZES as ENERGY_FULL,
  QUICK_SIZES as ENERGY_QUICK,
  runEnergyBench,
} from './energy/energy-bench.ts';
import {
  problems as energyProblems,
  render as renderEnergy,
  summary as summariseEnergy,
} from './energy/report.ts';
import { FULL_SIZES, PHASES, type PhaseName, QUICK_SIZES, runIngestBench } from './ingest/ingest-bench.ts';
import { render, summary } from './ingest/report.ts';
import {
  render as renderScoring,
  problems as scoringProblems,
  summary as summariseScoring,
} from './scoring/report.ts';
import {
  runScoringBench,
  FULL_SIZES as SCORING_FULL,
  QUICK_SIZES as SCORING_QUICK,
} from './scoring/scoring-bench.ts';

const USAGE = [
  `usage: npm run bench -- ingest [--json] [--quick] [--phases ${PHASES.join(',')}] [--window N] [--cpu-prof DIR]`,
  '       npm run bench -- alarm-latency [--json] [--quick]',
  '       npm run bench -- dashboard [--json] [--quick]',
  '       npm run bench -- scoring [--json] [--quick]',
  '       npm run bench -- energy [--json] [--quick]',
].join('\n');

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(64);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        phases: { type: 'string' },
        window: { type: 'string' },
        'cpu-prof': { type: 'string' },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();

const [name, ...rest] = positionals;
if (rest.length > 0) fail(`unexpected arguments: ${rest.join(' ')}`);
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function ingest(): Promise<number> {
  const phases = (values.phases ?? PHASES.join(',')).split(',').filter((p) => p !== '');
  const unknown = phases.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length > 0) fail(`unknown phases: ${unknown.join(', ')}`);
  const window = Number(values.window ?? '500');
  if (!Number.isInteger(window) || window < 1) fail('--window must be a positive integer');

  const profileDir = values['cpu-prof'] === undefined ? undefined : path.resolve(values['cpu-prof']);
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  // Exiting runs the exit hooks that stop VictoriaMetrics and remove temporary folders.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

  const report = await runIngestBench({
    sizes: values.quick ? QUICK_SIZES : FULL_SIZES,
    phases: phases as PhaseName[],
    quick: values.quick,
    window,
    log,
    ...(profileDir ? { profileDir } : {}),
  });
  process.stdout.write(`${render(report)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(summary(report))}\n`);

  const inexact =
    [report.ceiling, report.publishOnly, report.gateway, report.packed, report.nodeRed].some(
      (peer) => peer !== undefined && !peer.exact,
    ) ||
    (report.latency !== undefined &&
      !(report.latency.complete && report.latency.stored === report.latency.readingsExpected));
  return Object.keys(report.errors).length > 0 || inexact ? 1 : 0;
}

/**
 * For benchmarks with a database, Redis keys and child processes to remove: an interrupt undoes
 * them (bounded), then exits; the exit hook still kills the children if that takes too long.
 */
function interruptibleTeardown(name: string): Teardown {
  const teardown = new Teardown();
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${name} bench: ${signal}, cleaning up …`);
      // The interrupted phases fail in all sorts of ways now; none of that may stop the clean-up.
      const note = (error: unknown): void =>
        log(`${name} bench: after ${signal}: ${error instanceof Error ? error.message : String(error)}`);
      process.on('unhandledRejection', note);
      process.on('uncaughtException', note);
      setTimeout(() => process.exit(130), 20_000).unref();
      void teardown.run().finally(() => process.exit(130));
    });
  return teardown;
}

function noIngestOptions(name: string): void {
  const given = (['phases', 'window', 'cpu-prof'] as const).filter((option) => values[option] !== undefined);
  if (given.length > 0) fail(`${name} takes no --${given.join(', --')}`);
}

async function alarmLatency(): Promise<number> {
  noIngestOptions('alarm-latency');
  const teardown = interruptibleTeardown('alarm');
  const report = await runAlarmLatencyBench({
    sizes: values.quick ? ALARM_QUICK : ALARM_FULL,
    quick: values.quick,
    log,
    teardown,
  });
  process.stdout.write(`${renderAlarm(report)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(summariseAlarm(report))}\n`);
  return Object.keys(report.errors).length > 0 || problems(report).length > 0 ? 1 : 0;
}

async function dashboard(): Promise<number> {
  noIngestOptions('dashboard');
  const teardown = interruptibleTeardown('dashboard');
  const report = await runDashboardBench({
    sizes: values.quick ? DASHBOARD_QUICK : DASHBOARD_FULL,
    quick: values.quick,
    log,
    teardown,
  });
  process.stdout.write(`${renderDashboard(report)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(summariseDashboard(report))}\n`);
  return Object.keys(report.errors).length > 0 || dashboardProblems(report).length > 0 ? 1 : 0;
}

async function energy(): Promise<number> {
  noIngestOptions('energy');
  const report = await runEnergyBench({
    sizes: values.quick ? ENERGY_QUICK : ENERGY_FULL,
    quick: values.quick,
    log,
  });
  process.stdout.write(`${renderEnergy(report)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(summariseEnergy(report))}\n`);
  return Object.keys(report.errors).length > 0 || energyProblems(report).length > 0 ? 1 : 0;
}

async function scoring(): Promise<number> {
  noIngestOptions('scoring');
  const teardown = interruptibleTeardown('scoring');
  const report = await runScoringBench({
    sizes: values.quick ? SCORING_QUICK : SCORING_FULL,
    quick: values.quick,
    log,
    teardown,
  });
  process.stdout.write(`${renderScoring(report)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(summariseScoring(report))}\n`);
  return Object.keys(report.errors).length > 0 || scoringProblems(report).length > 0 ? 1 : 0;
}

if (name === 'ingest') process.exit(await ingest());
else if (name === 'alarm-latency') process.exit(await alarmLatency());
else if (name === 'dashboard') process.exit(await dashboard());
else if (name === 'scoring') process.exit(await scoring());
else if (name === 'energy') process.exit(await energy());
else fail(name ? `unknown benchmark ${name}` : 'which benchmark?');
