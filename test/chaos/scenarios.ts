import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BreachCount,
  checkBreaches,
  checkIncidentsAndOrders,
  countStoredReadings,
  type IncidentCount,
  type ReadingCount,
  type WorkOrderCount,
} from './checks.ts';
import { DoorFaults } from './door-faults.ts';
import { type LiveCount, LiveWatch } from './live-watch.ts';
import { ReadingLoad, type ReadingLoadTally } from './reading-load.ts';
import { type ChaosRole, type ChaosStack, MANAGER, ROLES } from './stack.ts';

/**
 * One fault under load, on a running ChaosStack: the load runs `leadS`, the fault lasts `faultS`
 * (a process killed with -9 stays dead that long, then is started again; a server is stopped that
 * long, then started on the same data and port), the load goes on `trailS` more. Meanwhile a door
 * is forced open every `faultEveryS`. Afterwards: readings in the store, incidents and work orders
 * in PostgreSQL, SLA breaches due by then, and every process healthy, the ones not killed being
 * the same processes as before.
 */
export const SCENARIOS = [
  'gateway-kill',
  'worker-kill',
  'api-kill',
  'redis-outage',
  'postgres-outage',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

const KILLS: Partial<Record<ScenarioName, ChaosRole>> = {
  'gateway-kill': 'gateway',
  'worker-kill': 'workers',
  'api-kill': 'api',
};

export interface ScenarioTiming {
  readonly ratePerSecond: number;
  readonly leadS: number;
  readonly faultS: number;
  readonly trailS: number;
  readonly faultEveryS: number;
  /** Longest wait for the checks to complete after the load stopped. */
  readonly settleTimeoutMs: number;
}

export const FULL: ScenarioTiming = {
  ratePerSecond: 5_000,
  leadS: 15,
  faultS: 60,
  trailS: 25,
  faultEveryS: 4,
  settleTimeoutMs: 120_000,
};

export const QUICK: ScenarioTiming = {
  ratePerSecond: 1_500,
  leadS: 4,
  faultS: 10,
  trailS: 5,
  faultEveryS: 2.5,
  settleTimeoutMs: 45_000,
};

/** The security contract's SLA in the chaos configuration: deadlines that fall due within a run. */
export const FULL_SLA = { acceptMinutes: 0.5, arriveMinutes: 1, resolveMinutes: 60 } as const;
export const QUICK_SLA = { acceptMinutes: 0.2, arriveMinutes: 0.35, resolveMinutes: 60 } as const;

export interface ScenarioResult {
  readonly name: ScenarioName;
  readonly timing: ScenarioTiming;
  readonly load: ReadingLoadTally;
  readonly readings: ReadingCount;
  readonly faultsInjected: number;
  readonly incidents: IncidentCount;
  readonly orders: WorkOrderCount;
  readonly breaches: BreachCount;
  /** Time from the end of the fault until every process answered /health with all dependencies up. */
  readonly recoveryMs: number;
  /** Time from the end of the fault until every load meter was connected again (-1: not by the end). */
  readonly metersBackMs: number;
  readonly health: Record<ChaosRole, string>;
  /** /health of each process halfway through the fault: proof that the fault happened. */
  readonly healthDuringFault: Record<ChaosRole, string>;
  /** Processes that are not the ones the scenario started with, other than the one it killed. */
  readonly replacedProcesses: readonly string[];
  readonly unexpectedExits: readonly string[];
  /** Jobs BullMQ gave up on: rule batches never evaluated, SLA checks never run. */
  readonly failedJobs: { readonly rules: number; readonly slaTimers: number };
  /** Orders the API lists to a facilities manager afterwards, of those expected. */
  readonly apiListed: number;
  /** A manager's live dashboard (socket.io): the orders dispatched while it could hear them. */
  readonly live: LiveCount;
  readonly durationMs: number;
}

export function passed(result: ScenarioResult): boolean {
  const { readings, incidents, orders, breaches } = result;
  return (
    readings.lost === 0 &&
    readings.duplicated === 0 &&
    incidents.lost === 0 &&
    incidents.duplicated === 0 &&
    orders.lost === 0 &&
    orders.duplicated === 0 &&
    orders.misrouted === 0 &&
    breaches.missed === 0 &&
    breaches.duplicated === 0 &&
    breaches.wrong === 0 &&
    result.faultsInjected === incidents.expected &&
    result.apiListed === orders.expected &&
    result.live.received === result.live.expected &&
    result.live.duplicated === 0 &&
    result.metersBackMs >= 0 &&
    result.failedJobs.rules === 0 &&
    result.failedJobs.slaTimers === 0 &&
    result.unexpectedExits.length === 0 &&
    result.replacedProcesses.length === 0 &&
    Object.values(result.health).every((status) => status === 'up')
  );
}

export async function runScenario(
  stack: ChaosStack,
  name: ScenarioName,
  timing: ScenarioTiming,
  log: (message: string) => void = () => undefined,
): Promise<ScenarioResult> {
  const feedS = timing.leadS + timing.faultS + timing.trailS;
  // Faults start a second in and stop early enough that their accept deadlines fall due soon after the feed.
  const faultCount = Math.floor((feedS - 2) / timing.faultEveryS);
  const doors = stack.takeDoors(faultCount);
  const pidsBefore = stack.pids();
  const exitsBefore = stack.unexpectedExits.length;
  const load = new ReadingLoad({
    brokerUrl: stack.mqttUrl,
    devices: stack.config.loadDevices,
    ratePerSecond: timing.ratePerSecond,
  });
  const faults = new DoorFaults({ brokerUrl: stack.mqttUrl, giveUpMs: (feedS + 60) * 1_000 });
  const live = await LiveWatch.connect(stack.process('api').url, MANAGER);
  await load.start();
  // The timeline counts from the first reading; the trail from the recovery (a restart takes seconds).
  const began = performance.now();
  log(`${name}: load of ${timing.ratePerSecond}/s from ${stack.config.loadDevices.length} meters started`);
  const injector = (async () => {
    for (const [i, door] of doors.entries()) {
      const at = 1_000 + i * timing.faultEveryS * 1_000;
      const wait = at - (performance.now() - began);
      if (wait > 0) await sleep(wait);
      faults.inject(door);
    }
  })();

  await sleep(Math.max(0, timing.leadS * 1_000 - (performance.now() - began)));
  const killed = KILLS[name];
  const faultBeganWall = Date.now();
  log(`${name}: fault begins after ${load.acknowledged} acknowledged readings`);
  if (killed) await stack.kill(killed);
  else if (name === 'redis-outage') await stack.redis.stop();
  else await stack.postgres.stop();
  await sleep((timing.faultS * 1_000) / 2);
  // Halfway: what the processes themselves report (a dependency down, a process not running).
  const healthProbe = stack.health();
  await sleep((timing.faultS * 1_000) / 2);
  const healthDuringFault = await healthProbe;
  if (killed) await stack.restart(killed);
  else if (name === 'redis-outage') await stack.redis.start();
  else await stack.postgres.start();
  const faultEnded = performance.now();
  log(`${name}: fault over, ${killed ? `steward ${killed} restarted` : 'server started again'}`);
  const recoveryMs = await waitHealthy(stack, timing.settleTimeoutMs).then(() =>
    Math.round(performance.now() - faultEnded),
  );
  log(`${name}: every process healthy ${recoveryMs} ms after the fault`);
  // The live client is back too (after an API restart it reconnects by itself).
  const liveDeadline = Date.now() + timing.settleTimeoutMs;
  while ((live.readyAt.at(-1) ?? 0) < faultBeganWall && killed === 'api' && Date.now() < liveDeadline)
    await sleep(100);
  const settledWall = Math.max(Date.now(), live.readyAt.at(-1) ?? 0);
  // The meters reconnect by themselves (scrypt logins: seconds for a hundred); the trail runs on all of them.
  const metersDeadline = Date.now() + timing.settleTimeoutMs;
  while (load.connected() < stack.config.loadDevices.length && Date.now() < metersDeadline) await sleep(100);
  const metersBackMs =
    load.connected() === stack.config.loadDevices.length ? Math.round(performance.now() - faultEnded) : -1;
  await sleep(timing.trailS * 1_000);
  const tally = await load.stop();
  await injector;
  await faults.settled();
  log(`${name}: load stopped: ${JSON.stringify(tally)}`);

  const readings = await countStoredReadings({
    victoria: stack.victoria,
    selector: 'reading_value{equipment=~"CX-EM-[0-9]+"}',
    sent: load.acknowledgedSamples(),
    fromTs: load.tsBase,
    toTs: load.lastTs,
    timeoutMs: timing.settleTimeoutMs,
  });
  log(`${name}: readings ${JSON.stringify(readings)}`);
  const injected = faults.acknowledged();
  const { incidents, orders, rows } = await checkIncidentsAndOrders({
    pool: stack.pool,
    faults: injected,
    timeoutMs: timing.settleTimeoutMs,
  });
  log(`${name}: incidents ${JSON.stringify(incidents)}, work orders ${JSON.stringify(orders)}`);
  // Let the last accept deadline pass before the breaches are counted.
  const lastDispatch = Math.max(0, ...rows.map((row) => row.dispatched_at?.getTime() ?? 0));
  const lastAccept = lastDispatch + stack.config.sla.acceptMinutes * 60_000;
  if (lastAccept > Date.now()) await sleep(lastAccept - Date.now() + 1_500);
  const breaches = await checkBreaches({
    pool: stack.pool,
    orders: rows,
    sla: stack.config.sla,
    graceMs: 1_500,
    timeoutMs: timing.settleTimeoutMs,
  });
  log(`${name}: SLA breaches ${JSON.stringify(breaches)}`);
  const apiListed = await listedOrders(stack, new Set(rows.map((row) => row.order_id)));
  const liveCount = live.count(rows, [
    [live.readyAt[0] ?? 0, faultBeganWall],
    [settledWall, Date.now()],
  ]);
  live.close();
  log(`${name}: live dashboard ${JSON.stringify(liveCount)}`);

  const pidsAfter = stack.pids();
  const replacedProcesses = ROLES.filter(
    (role) => role !== killed && pidsAfter[role] !== pidsBefore[role],
  ).map((role) => `steward ${role}: pid ${pidsBefore[role]} → ${pidsAfter[role]}`);
  return {
    name,
    timing,
    load: tally,
    readings,
    faultsInjected: faults.faults.length,
    incidents,
    orders,
    breaches,
    recoveryMs,
    metersBackMs,
    health: await stack.health(),
    healthDuringFault,
    replacedProcesses,
    unexpectedExits: stack.unexpectedExits.slice(exitsBefore),
    apiListed,
    live: liveCount,
    failedJobs: await stack.failedJobs(),
    durationMs: Math.round(performance.now() - began),
  };
}

async function waitHealthy(stack: ChaosStack, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await stack.health();
    if (Object.values(health).every((status) => status === 'up')) return;
    if (Date.now() > deadline) throw new Error(`processes did not recover: ${JSON.stringify(health)}`);
    await sleep(250);
  }
}

/** The expected orders a facilities manager finds through the API's work-order list. */
async function listedOrders(stack: ChaosStack, expected: ReadonlySet<string>): Promise<number> {
  const api = stack.process('api').url;
  const login = await fetch(`${api}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(MANAGER),
  });
  if (!login.ok) throw new Error(`the API refused the manager's login: HTTP ${login.status}`);
  const { token } = (await login.json()) as { token: string };
  const list = await fetch(`${api}/api/workorders?limit=1000`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!list.ok) throw new Error(`the API's work-order list answered HTTP ${list.status}`);
  const { orders } = (await list.json()) as { orders: { id: string | number }[] };
  return orders.filter((order) => expected.has(String(order.id))).length;
}

/** The report: one row per figure, then the incident, work-order and reading lines. */
export function formatResult(result: ScenarioResult): string {
  const { readings, incidents, orders, breaches, load, timing } = result;
  const rows: [string, string | number][] = [
    ['scenario', result.name],
    ['rate (readings/s)', timing.ratePerSecond],
    ['fault (s)', timing.faultS],
    ['published', load.published],
    ['sent (acknowledged by the broker)', readings.sent],
    ['skipped while the broker was away', load.skippedOffline],
    ['never acknowledged', load.unacknowledged],
    ['publisher reconnects', load.reconnects],
    ['stored', readings.stored],
    ['lost', readings.lost],
    ['duplicated', readings.duplicated],
    ['stored, never acknowledged', readings.storedUnacknowledged],
    ['store caught up after the load (ms)', readings.catchUpMs],
    ['door faults injected', result.faultsInjected],
    ['incidents expected / created', `${incidents.expected} / ${incidents.created}`],
    ['work orders expected / created', `${orders.expected} / ${orders.created}`],
    ['work orders to the wrong vendor', orders.misrouted],
    ['work orders listed by the API', result.apiListed],
    [
      'live dashboard: heard / expected, dup.',
      `${result.live.received} / ${result.live.expected}, ${result.live.duplicated}`,
    ],
    ['live dashboard reconnects', result.live.reconnects],
    [
      'jobs failed for good: rules / SLA timers',
      `${result.failedJobs.rules} / ${result.failedJobs.slaTimers}`,
    ],
    ['SLA breaches due / recorded', `${breaches.due} / ${breaches.recorded}`],
    ['SLA breaches missed / wrong', `${breaches.missed} / ${breaches.wrong}`],
    ['longest breach detection delay (ms)', breaches.maxDetectionDelayMs],
    ['recovered, all healthy after (ms)', result.recoveryMs],
    ['all meters connected again after (ms)', result.metersBackMs],
    [
      'health during the fault',
      Object.entries(result.healthDuringFault)
        .map(([role, status]) => `${role} ${status}`)
        .join(', '),
    ],
    [
      'health after',
      Object.entries(result.health)
        .map(([role, status]) => `${role} ${status}`)
        .join(', '),
    ],
    ['processes replaced / crashed', `${result.replacedProcesses.length} / ${result.unexpectedExits.length}`],
    ['duration (s)', (result.durationMs / 1_000).toFixed(1)],
  ];
  const lines = rows.map(([label, value]) => `${label.padEnd(38)} ${String(value).padStart(24)}`);
  for (const line of [...result.replacedProcesses, ...result.unexpectedExits]) lines.push(`  ${line}`);
  lines.push(
    `incidents expected=${incidents.expected} created=${incidents.created} lost=${incidents.lost} duplicated=${incidents.duplicated}`,
    `workorders expected=${orders.expected} created=${orders.created} lost=${orders.lost} duplicated=${orders.duplicated} sla_missed=${breaches.missed}`,
    `sent=${readings.sent} stored=${readings.stored} lost=${readings.lost} duplicated=${readings.duplicated}`,
  );
  return `${lines.join('\n')}\n`;
}
