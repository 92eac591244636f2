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

describe('deploy/grafana/dashboards/steward.json', () => {
  const code = sources();
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  const defaultNames = new Set(defaults.getMetricsAsArray().map((metric) => metric.name));

  it('queries only metrics the code registers (a renamed metric fails here, not on a blank panel)', async () => {
    expect(queries.length).toBeGreaterThan(20);
    for (const { panel, target } of queries) {
      for (const [name] of target.expr.matchAll(/\b(?:steward|nodejs|process)_[a-z0-9_]+/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        const known =
          [name, base].some((candidate) => code.includes(`'${candidate}'`)) ||
          defaultNames.has(name) ||
          defaultNames.has(base);
        expect(known, `${panel.title}: ${name} is registered nowhere`).toBe(true);
      }
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
