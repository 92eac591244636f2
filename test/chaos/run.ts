/**
 * `npm run chaos -- <name> [--quick]`: fault-tolerance scenarios under load, on loopback, bounded
 * in time, stopping by themselves. Each prints a table and, last, one line
 * `sent=N stored=N lost=N duplicated=N`; the exit status is 0 only when nothing was lost or
 * duplicated. Short variants of the same scenarios run in the test suite.
 *
 *   tsdb-outage   the spool → forwarder → writer path at 5,000 readings/s while a private
 *                 VictoriaMetrics is stopped for 60 s and started again (--quick: 2,000/s, 10 s)
 *
 * Not built yet (issue 9): gateway-kill, worker-kill, api-kill, redis-outage, postgres-outage as
 * commands; their single-fault tests are test/integration/gateway-kill.test.ts,
 * rule-worker-kill.test.ts, live-redis-outage.test.ts and scale-out.test.ts.
 */
import { parseArgs } from 'node:util';
import { runOutageScenario } from '../../gateway/store/outage-scenario.ts';

const SCENARIOS = ['tsdb-outage'] as const;
const PLANNED = ['gateway-kill', 'worker-kill', 'api-kill', 'redis-outage', 'postgres-outage'];

const { values, positionals } = parseArgs({
  options: { quick: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const name = positionals[0];
const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
};

if (name === 'tsdb-outage') {
  const result = await runOutageScenario({
    ratePerSecond: values.quick ? 2_000 : 5_000,
    outageSeconds: values.quick ? 10 : 60,
    log,
  });
  const rows: [string, string | number][] = [
    ['rate (readings/s)', values.quick ? 2_000 : 5_000],
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
} else if (name && PLANNED.includes(name)) {
  process.stderr.write(`chaos ${name} is not built yet (issue 9); built: ${SCENARIOS.join(', ')}\n`);
  process.exit(64);
} else {
  process.stderr.write(`usage: npm run chaos -- <${SCENARIOS.join('|')}> [--quick]\n`);
  process.exit(64);
}
