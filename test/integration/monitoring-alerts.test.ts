import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PrivateVictoria } from '../../gateway/store/private-victoria.ts';
import { runCommand } from '../helpers/run-command.ts';

/**
 * The compose deployment's alerting rules (deploy/monitoring/alerts.yml), evaluated by the real
 * vmalert (Debian's, the version the compose file pins) in replay mode over two hours of
 * synthetic scrapes written into a private VictoriaMetrics. Healthy processes and one faulty
 * process per alert are scraped side by side; rules are evaluated from minute 60, and each fault
 * starts at minute 80. Every alert must
 * fire for its own fault, no earlier than the fault plus the rule's `for`, and nothing else may
 * fire: healthy figures must stay quiet.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const RULES = path.join(root, 'deploy/monitoring/alerts.yml');
const VMALERT = '/usr/bin/vmalert';
const STEP_S = 15; // vmagent's scrape_interval (deploy/monitoring/scrape.yml)
const SPAN_MIN = 120;
/** Evaluation starts once every healthy series has an hour behind it, as in steady operation. */
const REPLAY_FROM_MIN = 60;
const ONSET_MIN = 80;

type Labels = Readonly<Record<string, string>>;
/** A series' value at `t` seconds after the start, or undefined for no sample then. */
type Sample = (t: number) => number | undefined;
interface Series {
  readonly name: string;
  readonly labels: Labels;
  readonly value: Sample;
}

const onset = ONSET_MIN * 60;
const before =
  (healthy: number, faulty: number): Sample =>
  (t) =>
    t < onset ? healthy : faulty;
/** A counter growing at `rate` per second, then at `after` per second from the onset. */
const counter =
  (rate: number, after = rate): Sample =>
  (t) =>
    t < onset ? rate * t : rate * onset + after * (t - onset);
const constant =
  (value: number): Sample =>
  () =>
    value;

const gw = (instance: string) => ({ job: 'steward-gateway', instance });
const wk = (instance: string) => ({ job: 'steward-workers', instance });
const api = (instance: string) => ({ job: 'steward-api', instance });

/** Rule evaluation time buckets: all under 0.1 s, or (slow) between 1 and 5 s from the onset. */
function evaluationHistogram(labels: Labels, slowFromOnset: boolean): Series[] {
  const perSecond = 10;
  const fast = (t: number) => perSecond * (slowFromOnset ? Math.min(t, onset) : t);
  const all = counter(perSecond);
  return [
    { le: '0.1', value: fast },
    { le: '1', value: fast },
    { le: '5', value: all },
    { le: '+Inf', value: all },
  ].map(({ le, value }) => ({
    name: 'steward_rule_evaluation_seconds_bucket',
    labels: { ...labels, le },
    value,
  }));
}

const healthy: Series[] = [
  ...[gw('healthy-gw'), wk('healthy-workers'), api('healthy-api')].flatMap((labels) => [
    { name: 'up', labels, value: constant(1) },
    { name: 'nodejs_eventloop_lag_p99_seconds', labels, value: constant(0.02) },
    { name: 'steward_dependency_up', labels: { ...labels, dependency: 'redis' }, value: constant(1) },
  ]),
  {
    name: 'steward_gateway_readings_total',
    labels: { ...gw('healthy-gw'), source: 'mqtt' },
    value: counter(100),
  },
  {
    name: 'steward_spool_lag_readings',
    labels: { ...gw('healthy-gw'), consumer: 'tsdb' },
    value: constant(50),
  },
  {
    name: 'steward_spool_dropped_readings_total',
    labels: { ...gw('healthy-gw'), consumer: 'tsdb' },
    value: constant(0),
  },
  {
    name: 'steward_gateway_rejections_total',
    labels: { ...gw('healthy-gw'), code: 'UNKNOWN_DEVICE' },
    value: counter(0.1),
  },
  {
    name: 'steward_mqtt_refused_total',
    labels: { ...gw('healthy-gw'), reason: 'AUTH_FAILED' },
    value: counter(0.01),
  },
  {
    name: 'steward_queue_jobs',
    labels: { ...wk('healthy-workers'), queue: 'readings.site-a.0', state: 'wait' },
    value: constant(10),
  },
  {
    name: 'steward_queue_jobs',
    labels: { ...wk('healthy-workers'), queue: 'webhooks', state: 'failed' },
    value: constant(3),
  },
  ...evaluationHistogram({ ...wk('healthy-workers'), kind: 'readings' }, false),
  { name: 'steward_work_order_dispatcher_parked_total', labels: wk('healthy-workers'), value: constant(0) },
  {
    name: 'steward_webhook_deliveries_total',
    labels: { ...wk('healthy-workers'), vendor: 'vendor-ok', outcome: 'delivered' },
    value: counter(0.01),
  },
  {
    name: 'steward_webhook_deliveries_total',
    labels: { ...wk('healthy-workers'), vendor: 'vendor-ok', outcome: 'failed' },
    value: constant(2),
  },
];

interface Fault {
  readonly alert: string;
  /** The labels that tell this alert apart from any other firing of the same rule. */
  readonly identity: Labels;
  readonly series: Series[];
}

const faults: Fault[] = [
  {
    alert: 'StewardProcessDown',
    identity: { instance: 'down-gw' },
    series: [{ name: 'up', labels: gw('down-gw'), value: before(1, 0) }],
  },
  {
    alert: 'StewardDependencyDown',
    identity: { instance: 'dep-workers', dependency: 'postgres' },
    series: [
      {
        name: 'steward_dependency_up',
        labels: { ...wk('dep-workers'), dependency: 'postgres' },
        value: before(1, 0),
      },
    ],
  },
  {
    alert: 'StewardEventLoopLag',
    identity: { instance: 'lag-api' },
    series: [{ name: 'nodejs_eventloop_lag_p99_seconds', labels: api('lag-api'), value: before(0.02, 0.9) }],
  },
  {
    alert: 'StewardIngestStopped',
    identity: { instance: 'silent-gw' },
    series: [
      {
        name: 'steward_gateway_readings_total',
        labels: { ...gw('silent-gw'), source: 'mqtt' },
        value: counter(100, 0),
      },
    ],
  },
  {
    alert: 'StewardSpoolBacklog',
    identity: { instance: 'behind-gw', consumer: 'tsdb' },
    series: [
      {
        name: 'steward_spool_lag_readings',
        labels: { ...gw('behind-gw'), consumer: 'tsdb' },
        value: before(50, 50_000),
      },
    ],
  },
  {
    alert: 'StewardSpoolDroppedReadings',
    identity: { instance: 'full-gw', consumer: 'tsdb' },
    series: [
      {
        name: 'steward_spool_dropped_readings_total',
        labels: { ...gw('full-gw'), consumer: 'tsdb' },
        value: before(0, 100),
      },
    ],
  },
  {
    alert: 'StewardRejectionsBurst',
    identity: { instance: 'noisy-gw', code: 'MALFORMED_PAYLOAD' },
    series: [
      {
        name: 'steward_gateway_rejections_total',
        labels: { ...gw('noisy-gw'), code: 'MALFORMED_PAYLOAD' },
        value: counter(0, 5),
      },
    ],
  },
  {
    alert: 'StewardMqttRefusedBurst',
    identity: { instance: 'guess-gw', reason: 'AUTH_FAILED' },
    series: [
      {
        name: 'steward_mqtt_refused_total',
        labels: { ...gw('guess-gw'), reason: 'AUTH_FAILED' },
        value: counter(0.01, 2),
      },
    ],
  },
  {
    alert: 'StewardReadingQueueBacklog',
    identity: { queue: 'readings.site-b.3' },
    series: [
      {
        name: 'steward_queue_jobs',
        labels: { ...wk('backlog-workers'), queue: 'readings.site-b.3', state: 'wait' },
        value: before(10, 5_000),
      },
    ],
  },
  {
    alert: 'StewardQueueJobsFailing',
    identity: { queue: 'webhooks-b' },
    series: [
      {
        name: 'steward_queue_jobs',
        labels: { ...wk('failing-workers'), queue: 'webhooks-b', state: 'failed' },
        value: before(3, 8),
      },
    ],
  },
  {
    alert: 'StewardRuleEvaluationSlow',
    identity: { kind: 'tick' },
    series: evaluationHistogram({ ...wk('slow-workers'), kind: 'tick' }, true),
  },
  {
    alert: 'StewardIncidentEventParked',
    identity: { instance: 'parked-workers' },
    series: [
      {
        name: 'steward_work_order_dispatcher_parked_total',
        labels: wk('parked-workers'),
        value: before(0, 1),
      },
    ],
  },
  {
    alert: 'StewardWebhookFailed',
    identity: { vendor: 'vendor-x' },
    series: [
      {
        name: 'steward_webhook_deliveries_total',
        labels: { ...wk('webhook-workers'), vendor: 'vendor-x', outcome: 'failed' },
        value: before(0, 1),
      },
    ],
  },
  {
    alert: 'StewardControlRoomDisconnected',
    identity: {},
    series: [
      {
        name: 'steward_live_clients',
        labels: { ...api('healthy-api'), role: 'operator' },
        value: before(2, 0),
      },
    ],
  },
];

interface Rule {
  readonly alert: string;
  readonly for?: string;
}
const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (group) => group.rules,
);
const forMinutes = (rule: Rule | undefined): number => {
  const match = /^(\d+)m$/.exec(rule?.for ?? '0m');
  if (!match) throw new Error(`for: ${rule?.for} is not in minutes`);
  return Number(match[1]);
};

function exposition(series: readonly Series[], startMs: number): string {
  const lines: string[] = [];
  for (const { name, labels, value } of series) {
    const selector = Object.entries(labels)
      .map(([key, text]) => `${key}="${text}"`)
      .join(',');
    for (let t = 0; t <= SPAN_MIN * 60; t += STEP_S) {
      const v = value(t);
      if (v !== undefined) lines.push(`${name}{${selector}} ${v} ${startMs + t * 1000}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('alerting rules (deploy/monitoring/alerts.yml) replayed by vmalert', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'steward-alerts-'));
  const victoria = new PrivateVictoria({
    dataDir: path.join(dir, 'victoria'),
    extraFlags: ['-search.disableCache'],
  });
  // Whole minutes, three hours back: every sample is well behind VictoriaMetrics' search latency offset.
  const startMs = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;
  let firing: { alertname: string; labels: Labels; firstMs: number }[] = [];

  beforeAll(async () => {
    if (!existsSync(VMALERT)) throw new Error(`${VMALERT} missing: apt-get install -y victoria-metrics`);
    await victoria.start();
    const body = exposition([...healthy, ...faults.flatMap((fault) => fault.series)], startMs);
    const imported = await fetch(`${victoria.url}/api/v1/import/prometheus`, { method: 'POST', body });
    expect(imported.status).toBe(204);
    await victoria.forceFlush();

    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const replay = await runCommand(
      VMALERT,
      [
        `-rule=${RULES}`,
        `-datasource.url=${victoria.url}`,
        `-remoteWrite.url=${victoria.url}`,
        // Range queries step by the groups' interval; the default (5m) would skip most evaluations.
        '-datasource.queryStep=30s',
        `-replay.timeFrom=${iso(startMs + REPLAY_FROM_MIN * 60_000)}`,
        `-replay.timeTo=${iso(startMs + SPAN_MIN * 60_000)}`,
        '-replay.disableProgressBar',
        '-replay.rulesDelay=0s',
        '-loggerLevel=WARN',
      ],
      120_000,
    );
    expect(replay.code, replay.stderr + replay.stdout).toBe(0);
    await victoria.forceFlush();
    firing = (await victoria.exportSeries('ALERTS{alertstate="firing"}')).map((series) => {
      const { alertname = '', ...labels } = series.metric;
      return { alertname, labels, firstMs: Math.min(...series.timestamps) };
    });
  }, 180_000);

  afterAll(async () => {
    await victoria.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has a fault case for every rule in the file', () => {
    expect(faults.map((fault) => fault.alert).sort()).toEqual(rules.map((rule) => rule.alert).sort());
  });

  it.each(faults.map((fault) => [fault.alert, fault] as const))(
    '%s fires for its fault, not before the fault has lasted its `for`',
    (_name, fault) => {
      const mine = firing.filter(
        (alert) =>
          alert.alertname === fault.alert &&
          Object.entries(fault.identity).every(([key, value]) => alert.labels[key] === value),
      );
      expect(mine, JSON.stringify(firing.filter((alert) => alert.alertname === fault.alert))).toHaveLength(1);
      const rule = rules.find((candidate) => candidate.alert === fault.alert);
      const earliest = startMs + (ONSET_MIN + forMinutes(rule)) * 60_000;
      expect(mine[0]?.firstMs).toBeGreaterThanOrEqual(earliest);
      // And within 20 minutes after that: the windows (rate over 5m, min over 10m…) delay it no more.
      expect(mine[0]?.firstMs).toBeLessThanOrEqual(earliest + 20 * 60_000);
      expect(mine[0]?.labels.severity).toMatch(/^(critical|warning)$/);
    },
  );

  it('fires nothing else: no alert for a healthy process, none for a fault but its own', () => {
    const expected = faults.map((fault) => ({ alertname: fault.alert, ...fault.identity }));
    const unexpected = firing.filter(
      (alert) =>
        !expected.some(
          ({ alertname, ...identity }) =>
            alertname === alert.alertname &&
            Object.entries(identity).every(([key, value]) => alert.labels[key] === value),
        ),
    );
    expect(unexpected).toEqual([]);
    expect(
      firing.some((alert) => Object.values(alert.labels).some((value) => value.startsWith('healthy-'))),
    ).toBe(false);
  });
});
