/**
 * The outage scenario at length: `STEWARD_OUTAGE_RATE=2000 STEWARD_OUTAGE_SECONDS=60
 * node gateway/store/bench-outage.ts [--json]`. Prints what was sent and stored, how far the
 * spool fell behind and how long the catch-up took; exits 1 if anything was lost or duplicated.
 */
import { runOutageScenario } from './outage-scenario.ts';

const result = await runOutageScenario({
  log: (message) => console.log(`${new Date().toISOString()} ${message}`),
});
const rows: [string, string | number][] = [
  ['sent (acknowledged)', result.sent],
  ['stored', result.stored],
  ['lost', result.lost],
  ['duplicated', result.duplicated],
  ['wrong value', result.wrong],
  ['stored after replay', result.storedAfterReplay],
  ['duplicated after replay', result.duplicatedAfterReplay],
  ['outage (ms)', result.outageMs],
  ['peak lag (readings)', result.maxLagReadings],
  ['failed writes during outage', result.forwarder.failures],
  ['catch-up after feeding ended (ms)', result.catchUpMs],
];
for (const [label, value] of rows) console.log(`${label.padEnd(36)} ${String(value).padStart(12)}`);
if (process.argv.includes('--json')) console.log(JSON.stringify({ bench: 'outage', ...result }));
const ok =
  result.lost === 0 && result.duplicated === 0 && result.wrong === 0 && result.stored === result.sent;
process.exitCode = ok && result.storedAfterReplay === result.sent ? 0 : 1;
