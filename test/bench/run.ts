/**
 * Benchmarks: `npm run bench -- <name> [options]` (or `node test/bench/run.ts <name>`).
 * Each prints a table and, with --json, one JSON object on its last stdout line. Progress goes
 * to stderr. Exit code 0 when every phase ran (targets met or not: a benchmark reports),
 * 1 when a phase failed or a count was not exact, 64 on bad usage.
 *
 *   ingest [--json] [--quick] [--phases ceiling,gateway,packed,nodered,latency,opcua] [--window N]
 *          [--cpu-prof DIR]   CPU profiles of every process over each measured window (profiles
 *                             slow the figures down: read them for where the time goes, not for rates)
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FULL_SIZES, PHASES, type PhaseName, QUICK_SIZES, runIngestBench } from './ingest/ingest-bench.ts';
import { render, summary } from './ingest/report.ts';

const USAGE = `usage: npm run bench -- ingest [--json] [--quick] [--phases ${PHASES.join(',')}] [--window N] [--cpu-prof DIR]`;

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
        phases: { type: 'string', default: PHASES.join(',') },
        window: { type: 'string', default: '500' },
        'cpu-prof': { type: 'string' },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();

const [name, ...rest] = positionals;
if (name !== 'ingest' || rest.length > 0) fail(name ? `unknown benchmark ${name}` : 'which benchmark?');
const phases = values.phases.split(',').filter((p) => p !== '');
const unknown = phases.filter((p) => !(PHASES as readonly string[]).includes(p));
if (unknown.length > 0) fail(`unknown phases: ${unknown.join(', ')}`);
const window = Number(values.window);
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
  log: (line) => process.stderr.write(`${line}\n`),
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
process.exit(Object.keys(report.errors).length > 0 || inexact ? 1 : 0);
