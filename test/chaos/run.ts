/**
 * `npm run chaos -- <name> [--quick]`: fault-tolerance scenarios under load, on loopback, bounded
 * in time, stopping by themselves, cleaning up their private servers and folders (on Ctrl-C too).
 * Each prints a table and, last, the line `sent=N stored=N lost=N duplicated=N` (readings); the
 * process scenarios print before it `incidents expected=N created=N lost=N duplicated=N` and
 * `workorders expected=N created=N lost=N duplicated=N sla_missed=N`. The exit status is 0 only
 * when nothing was lost or duplicated, no SLA breach whose deadline passed went unrecorded (or
 * was recorded twice), and every process recovered by itself. Short variants run in the test
 * suite (test/integration/gateway-store-outage.test.ts, test/integration/chaos-faults.test.ts).
 *
 *   tsdb-outage      the spool → forwarder → writer path at 5,000 readings/s while a private
 *                    VictoriaMetrics is stopped for 60 s and started again (--quick: 2,000/s, 10 s)
 *
 * The others run the real `steward gateway`, `steward workers` and `steward api` processes on
 * private servers (test/chaos/stack.ts: redis-server with AOF as deployed, VictoriaMetrics, a
 * PostgreSQL cluster of their own), 5,000 readings/s over MQTT QoS 1 from 100 load meters with
 * their own credentials, and a door forced open every 4 s on a door of its own, under a security
 * contract whose SLA is shortened to seconds (accept 30 s, arrive 60 s) so breaches fall due in
 * the run. The fault lasts 60 s (--quick: 1,500 readings/s, a door every 2.5 s, SLA 12 s / 21 s,
 * a 10 s fault):
 *
 *   gateway-kill     steward gateway killed with -9, restarted 60 s later (its spool survives)
 *   worker-kill      steward workers killed with -9, restarted 60 s later
 *   api-kill         steward api killed with -9, restarted 60 s later on the same port
 *   redis-outage     redis-server stopped (SIGTERM) for 60 s, started again on its data
 *   postgres-outage  PostgreSQL stopped (pg_ctl stop -m fast) for 60 s, started again
 *
 * Each takes about 2.5–3 minutes (--quick: under a minute). test/chaos/README.md describes the
 * steps, the checks and the figures measured on this machine.
 */
import { parseArgs } from 'node:util';
import { runOutageScenario } from '../../gateway/store/outage-scenario.ts';
import {
  FULL,
  FULL_SLA,
  formatResult,
  passed,
  QUICK,
  QUICK_SLA,
  runScenario,
  SCENARIOS,
  type ScenarioName,
} from './scenarios.ts';
import { ChaosStack } from './stack.ts';

const ALL = ['tsdb-outage', ...SCENARIOS] as const;

const { values, positionals } = parseArgs({
  options: { quick: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const name = positionals[0];
const quick = values.quick ?? false;
const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
};

if (name === 'tsdb-outage') {
  const result = await runOutageScenario({
    ratePerSecond: quick ? 2_000 : 5_000,
    outageSeconds: quick ? 10 : 60,
    log,
  });
  const rows: [string, string | number][] = [
    ['rate (readings/s)', quick ? 2_000 : 5_000],
    ['outage (ms)', result.outageMs],
    ['sent (acknowledged by the spool)', result.sent],
    ['stored', result.stored],
    ['lost', result.lost],
    ['duplicated', result.duplicated],
    ['wrong value', result.wrong],
    ['peak backlog (readings)', result.maxLagReadings],
    ['failed writes during the outage', result.forwarder.failures],
    ['catch-up after the feed ended (ms)', result.catchUpMs],
  ];
  for (const [label, value] of rows)
    process.stdout.write(`${label.padEnd(36)} ${String(value).padStart(12)}\n`);
  process.stdout.write(
    `sent=${result.sent} stored=${result.stored} lost=${result.lost} duplicated=${result.duplicated}\n`,
  );
  const ok =
    result.lost === 0 && result.duplicated === 0 && result.wrong === 0 && result.stored === result.sent;
  process.exit(ok ? 0 : 1);
} else if (name && (SCENARIOS as readonly string[]).includes(name)) {
  const stack = new ChaosStack({ loadDeviceCount: 100, sla: quick ? QUICK_SLA : FULL_SLA, log });
  // Ctrl-C (or a CI timeout's SIGTERM): stop the processes and servers, remove the folders.
  const interrupted = (signal: NodeJS.Signals): void => {
    log(`${signal}: cleaning up`);
    void stack.dispose().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let ok = false;
  try {
    await stack.start();
    const result = await runScenario(stack, name as ScenarioName, quick ? QUICK : FULL, log);
    process.stdout.write(formatResult(result));
    ok = passed(result);
  } catch (error) {
    log(`chaos ${name} failed: ${(error as Error).stack ?? String(error)}\n${stack.output()}`);
  } finally {
    await stack.dispose();
  }
  process.exit(ok ? 0 : 1);
} else {
  process.stderr.write(`usage: npm run chaos -- <${ALL.join('|')}> [--quick]\n`);
  process.exit(64);
}
