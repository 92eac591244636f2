import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_PORTS } from '../../../services/runtime/roles.ts';

/**
 * The monitoring that docker-compose.yml deploys (vmagent's scrape configuration, Grafana's
 * provisioning and dashboard) cannot be run here either; this keeps it pointing at what the code
 * really serves: the roles' ports and the metric names the code registers.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

interface Panel {
  readonly title: string;
  readonly type: string;
  readonly targets?: readonly { readonly expr: string; readonly datasource?: { readonly uid?: string } }[];
}
const dashboard = JSON.parse(read('deploy/grafana/dashboards/steward.json')) as {
  uid: string;
  panels: Panel[];
};
const queries = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel, target })),
);

/** Every TypeScript source of the running code (tests excluded), concatenated. */
function sources(): string {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(relative);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        texts.push(read(relative));
      }
    }
  };
  walk('gateway');
  walk('services');
  return texts.join('\n');
}

const code = sources();
const defaults = new Registry();
collectDefaultMetrics({ register: defaults });
const defaultNames = new Set(defaults.getMetricsAsArray().map((metric) => metric.name));

/** The steward, nodejs and process metrics a query names that no code registers. */
function unregisteredMetrics(expr: string): string[] {
  return [...expr.matchAll(/\b(?:steward|nodejs|process)_[a-z0-9_]+/g)]
    .map(([name]) => name)
    .filter((name) => {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      return !(
        [name, base].some((candidate) => code.includes(`'${candidate}'`)) ||
        defaultNames.has(name) ||
        defaultNames.has(base)
      );
    });
}

describe('deploy/grafana/dashboards/steward.json', () => {
  it('queries only metrics the code registers (a renamed metric fails here, not on a blank panel)', async () => {
    expect(queries.length).toBeGreaterThan(20);
    for (const { panel, target } of queries) {
      for (const name of unregisteredMetrics(target.expr))
        expect.fail(`${panel.title}: ${name} is registered nowhere`);
    }
  });

  it('shows every figure issue 9 asks of the roles', () => {
    const all = queries.map(({ target }) => target.expr).join('\n');
    for (const metric of [
      'steward_gateway_readings_total', // ingest rate
      'steward_gateway_rejections_total', // rejects by code
      'steward_spool_lag_readings', // spool depth
      'steward_queue_jobs', // queue depths
      'steward_rule_evaluation_seconds_bucket', // rule evaluation time
      'steward_work_order_breaches_recorded_total', // SLA breaches
      'steward_webhook_deliveries_total', // webhook failures
      'steward_live_clients', // socket.io clients
    ]) {
      expect(all, metric).toContain(metric);
    }
    expect(all).toMatch(/sum by \(code\) \(rate\(steward_gateway_rejections_total/);
  });

  it('reads the provisioned VictoriaMetrics data source', () => {
    const provisioning = parse(read('deploy/grafana/provisioning/datasources/victoriametrics.yml')) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    const [source] = provisioning.datasources;
    expect(source).toMatchObject({ type: 'prometheus', url: 'http://victoriametrics:8428' });
    for (const { panel, target } of queries) expect(target.datasource?.uid, panel.title).toBe(source?.uid);
  });

  it('is loaded from the folder docker-compose.yml mounts into Grafana', () => {
    const provider = parse(read('deploy/grafana/provisioning/dashboards/steward.yml')) as {
      providers: { options: { path: string } }[];
    };
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { volumes?: string[] }>;
    };
    expect(compose.services.grafana?.volumes).toContain(
      `./deploy/grafana/dashboards:${provider.providers[0]?.options.path}:ro`,
    );
  });
});

describe('deploy/monitoring/scrape.yml', () => {
  interface Job {
    job_name: string;
    scheme?: string;
    tls_config?: { ca_file?: string; server_name?: string };
    dns_sd_configs?: { names: string[]; type: string; port: number }[];
    static_configs?: { targets: string[] }[];
  }
  const scrape = parse(read('deploy/monitoring/scrape.yml')) as { scrape_configs: Job[] };
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string> }>;
  };

  it('scrapes every role on the HTTP port compose gives it, over HTTPS where the role has a certificate', () => {
    for (const role of ['gateway', 'workers', 'api'] as const) {
      const env = compose.services[role]?.environment ?? {};
      const job = scrape.scrape_configs.find((candidate) => candidate.job_name === `steward-${role}`);
      expect(job, role).toBeDefined();
      expect(job?.dns_sd_configs?.[0]).toEqual({
        names: [role],
        type: 'A',
        port: Number(env.STEWARD_HTTP_PORT),
      });
      expect(Number(env.STEWARD_HTTP_PORT)).toBe(DEFAULT_PORTS[role]);
      expect(job?.scheme ?? 'http', role).toBe(env.STEWARD_TLS_CERT_FILE ? 'https' : 'http');
    }
  });

  it("checks the API's certificate against its public name and the mounted CA", () => {
    const api = scrape.scrape_configs.find((job) => job.job_name === 'steward-api');
    expect(api?.tls_config).toEqual({
      ca_file: '/etc/steward/tls/ca.pem',
      server_name: '%{STEWARD_PUBLIC_HOST}',
    });
    expect(api?.tls_config).not.toHaveProperty('insecure_skip_verify');
  });
});

describe('deploy/monitoring/alerts.yml', () => {
  interface AlertRule {
    alert: string;
    expr: string;
    for?: string;
    labels?: { severity?: string };
    annotations?: { summary?: string; summary_en?: string };
  }
  const groups = (
    parse(read('deploy/monitoring/alerts.yml')) as { groups: { name: string; rules: AlertRule[] }[] }
  ).groups;
  const rules = groups.flatMap((group) => group.rules);
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, { command?: string[]; volumes?: string[] }>;
  };

  it('alerts only on metrics the code registers', () => {
    expect(rules.length).toBeGreaterThan(10);
    for (const rule of rules) {
      expect(unregisteredMetrics(rule.expr), rule.alert).toEqual([]);
    }
  });

  it('gives every alert a severity and a summary in Chinese and English', () => {
    for (const rule of rules) {
      expect(rule.labels?.severity, rule.alert).toMatch(/^(critical|warning)$/);
      expect(rule.annotations?.summary, rule.alert).toMatch(/[\u4e00-\u9fff]/);
      expect(rule.annotations?.summary_en, rule.alert).toMatch(/^[\x20-\x7e]+$/);
    }
    expect(new Set(rules.map((rule) => rule.alert)).size).toBe(rules.length);
  });

  it('alerts on the figures the operations table says to watch', () => {
    const all = rules.map((rule) => rule.expr).join('\n');
    for (const metric of [
      'steward_gateway_readings_total',
      'steward_gateway_rejections_total',
      'steward_spool_lag_readings',
      'steward_spool_dropped_readings_total',
      'steward_queue_jobs',
      'steward_rule_evaluation_seconds_bucket',
      'steward_webhook_deliveries_total',
      'steward_live_clients',
      'steward_dependency_up',
      'steward_work_order_dispatcher_parked_total',
    ])
      expect(all, metric).toContain(metric);
  });

  it('is accepted by vmalert (dry run, expressions checked by its MetricsQL parser)', () => {
    const result = spawnSync('/usr/bin/vmalert', ['-dryRun', '-rule=deploy/monitoring/alerts.yml'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/\b(error|fatal)\b/i);
  });

  it('is what compose mounts into vmalert, which notifies the Alertmanager compose runs', () => {
    const vmalert = compose.services.vmalert;
    expect(vmalert?.volumes).toContain('./deploy/monitoring/alerts.yml:/etc/vmalert/alerts.yml:ro');
    expect(vmalert?.command).toContain('-rule=/etc/vmalert/alerts.yml');
    expect(vmalert?.command).toContain('-notifier.url=http://alertmanager:9093');
    // The replay test evaluates at this interval too.
    for (const group of groups) expect(group, group.name).toMatchObject({ interval: '30s' });
    expect(compose.services.alertmanager?.volumes).toContain(
      './deploy/monitoring/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro',
    );
    const alertmanager = parse(read('deploy/monitoring/alertmanager.yml')) as {
      route: { receiver: string };
      receivers: { name: string }[];
    };
    expect(alertmanager.receivers.map((receiver) => receiver.name)).toContain(alertmanager.route.receiver);
  });
});
