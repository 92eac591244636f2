import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_PORTS, ROLES } from '../../../services/runtime/roles.ts';
import { SECRET_SETTINGS, Settings } from '../../../services/runtime/settings.ts';

/**
 * docker-compose.yml and the Dockerfile cannot be run on the development machine (no Docker
 * engine), so this is what keeps them from drifting away from the local stack
 * (services/stack/versions.env) and from the settings the app actually reads.
 */

const root = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

interface HealthCheck {
  test?: string | string[];
  disable?: boolean;
}
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  entrypoint?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: HealthCheck;
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: (string | number | { target?: number; published?: string | number })[];
  volumes?: (string | { type?: string; source?: string; target?: string; read_only?: boolean })[];
  secrets?: (string | { source: string; target?: string })[];
  networks?: string[] | Record<string, unknown>;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string; environment?: string }>;
  networks?: Record<string, { internal?: boolean } | null>;
}

function parseEnvFile(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    // Stricter than bash needs: no quotes, spaces or trailing comments, so that `source` in
    // bash and this parser can never read different values.
    const match = /^([A-Z][A-Z0-9_]*)=([^\s#'"]*)$/.exec(line);
    if (!match) throw new Error(`versions.env line ${index + 1} is not KEY=VALUE: ${raw}`);
    entries[match[1] as string] = match[2] as string;
  }
  return entries;
}

const versions = parseEnvFile(read('services/stack/versions.env'));
const version = (key: string): string => {
  const value = versions[key];
  if (value === undefined || value === '') throw new Error(`versions.env has no ${key}`);
  return value;
};

const compose = parse(read('docker-compose.yml'), { merge: true }) as Compose;
const services = Object.entries(compose.services);
const service = (name: string): Service => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

const APP_SERVICES = ['gateway', 'workers', 'api'] as const;
const APP_ENV = [
  'REDIS_URL',
  'DATABASE_URL',
  'TSDB_URL',
  'STEWARD_CONFIG_DIR',
  'STEWARD_HTTP_HOST',
  'STEWARD_HTTP_PORT',
  'LOG_LEVEL',
] as const;
const ENTRYPOINT = ['node', 'services/runtime/bin/steward.mjs'];

/** Splits `registry/name:tag@digest` into name and tag (a port in the registry host is not a tag). */
function imageRef(image: string): { name: string; tag: string | undefined } {
  const withoutDigest = image.split('@')[0] as string;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1
    ? { name: withoutDigest, tag: undefined }
    : { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
}

function environmentOf(svc: Service): Record<string, string> {
  const env: Record<string, string> = {};
  if (Array.isArray(svc.environment)) {
    for (const item of svc.environment) {
      const at = item.indexOf('=');
      if (at === -1) env[item] = '';
      else env[item.slice(0, at)] = item.slice(at + 1);
    }
  } else {
    for (const [key, value] of Object.entries(svc.environment ?? {})) env[key] = String(value ?? '');
  }
  return env;
}

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

interface Mount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** A service's mounts in one shape (short `source:target[:ro]` or long syntax). */
function mountsOf(svc: Service): Mount[] {
  return (svc.volumes ?? []).map((mount) => {
    if (typeof mount !== 'string') {
      return { source: mount.source ?? '', target: mount.target ?? '', readOnly: mount.read_only === true };
    }
    // The source may hold `${VAR:?message: with colons}`: split after the last interpolation.
    const closing = mount.lastIndexOf('}');
    const cut = mount.indexOf(':', closing + 1);
    const source = mount.slice(0, cut);
    const [target = '', mode] = mount.slice(cut + 1).split(':');
    return { source, target, readOnly: mode === 'ro' };
  });
}

const secretsOf = (svc: Service): string[] =>
  (svc.secrets ?? []).map((secret) => (typeof secret === 'string' ? secret : secret.source));

const networksOf = (svc: Service): string[] =>
  Array.isArray(svc.networks) ? svc.networks : Object.keys(svc.networks ?? {});

/** Whether a file path in a container lies in one of the service's mounts. */
const isMounted = (svc: Service, file: string): boolean =>
  mountsOf(svc).some((mount) => file.startsWith(`${mount.target}/`) || file === mount.target);

/** The instruction's JSON-array argument, e.g. ENTRYPOINT ["node", "x"]. */
function dockerfileExec(dockerfile: string, instruction: string): unknown {
  const lines = dockerfile.split('\n').filter((line) => line.startsWith(`${instruction} `));
  expect(lines, `exactly one ${instruction} in the Dockerfile`).toHaveLength(1);
  return JSON.parse((lines[0] as string).slice(instruction.length + 1));
}

/** Every string anywhere in the compose document, for secret scanning. */
function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...allStrings(inner)]);
  }
  return [];
}

describe('services/stack/versions.env', () => {
  it('is plain KEY=VALUE with every key the stack and the compose test need', () => {
    for (const key of [
      'STACK_REDIS_PORT',
      'STACK_POSTGRES_PORT',
      'STACK_TSDB_PORT',
      'STACK_PG_USER',
      'STACK_PG_PASSWORD',
      'STACK_PG_DB',
      'REDIS_VERSION',
      'POSTGRES_VERSION',
      'VICTORIAMETRICS_VERSION',
      'TSDB_RETENTION',
      'TSDB_DEDUP_INTERVAL',
    ]) {
      expect(version(key), key).toMatch(/^\S+$/);
    }
  });

  it('matches the defaults the app falls back to', () => {
    const defaultOf = (key: keyof typeof Settings.properties): unknown =>
      (Settings.properties[key] as { default?: unknown }).default;
    expect(defaultOf('REDIS_URL')).toBe(`redis://127.0.0.1:${version('STACK_REDIS_PORT')}`);
    expect(defaultOf('DATABASE_URL')).toBe(
      `postgres://${version('STACK_PG_USER')}:${version('STACK_PG_PASSWORD')}@127.0.0.1:${version('STACK_POSTGRES_PORT')}/${version('STACK_PG_DB')}`,
    );
    expect(defaultOf('TSDB_URL')).toBe(`http://127.0.0.1:${version('STACK_TSDB_PORT')}`);
  });

  it('drives the local VictoriaMetrics flags (stack.sh reads them from versions.env)', () => {
    const stack = read('services/stack/stack.sh');
    expect(stack).toContain('"-retentionPeriod=$TSDB_RETENTION"');
    expect(stack).toContain('"-dedup.minScrapeInterval=$TSDB_DEDUP_INTERVAL"');
  });
});

describe('docker-compose.yml', () => {
  it('pins every image to an explicit tag, never latest', () => {
    expect(services.length).toBeGreaterThan(0);
    for (const [name, svc] of services) {
      expect(svc.image, `${name}: image`).toBeTypeOf('string');
      const { tag } = imageRef(svc.image as string);
      expect(tag, `${name}: ${svc.image} has no tag`).toBeDefined();
      expect(tag, `${name}: ${svc.image}`).not.toBe('latest');
      expect(tag, `${name}: ${svc.image} uses interpolation`).not.toContain('$');
    }
  });

  it('runs the Redis version of versions.env', () => {
    const { name, tag } = imageRef(service('redis').image ?? '');
    expect(name).toBe('redis');
    const redis = version('REDIS_VERSION');
    expect(tag === redis || tag?.startsWith(`${redis}-`), `redis:${tag} vs ${redis}`).toBe(true);
  });

  it('runs the PostgreSQL major of versions.env, pinned to a minor', () => {
    const { name, tag } = imageRef(service('postgres').image ?? '');
    expect(name).toBe('postgres');
    expect(tag).toMatch(new RegExp(`^${version('POSTGRES_VERSION')}\\.\\d+(-[a-z0-9]+)?$`));
  });

  it('runs the VictoriaMetrics version of versions.env with its retention and de-duplication', () => {
    const vm = service('victoriametrics');
    const { name, tag } = imageRef(vm.image ?? '');
    expect(name).toBe('victoriametrics/victoria-metrics');
    expect(tag).toBe(`v${version('VICTORIAMETRICS_VERSION')}`);
    const flags = asList(vm.command);
    expect(flags).toContain(`-retentionPeriod=${version('TSDB_RETENTION')}`);
    expect(flags).toContain(`-dedup.minScrapeInterval=${version('TSDB_DEDUP_INTERVAL')}`);
    const dataPath = flags.find((flag) => flag.startsWith('-storageDataPath='))?.split('=')[1];
    expect(dataPath, '-storageDataPath').toBeDefined();
    expect(
      (vm.volumes ?? []).some((volume) => typeof volume === 'string' && volume.endsWith(`:${dataPath}`)),
      'VictoriaMetrics storage on a volume',
    ).toBe(true);
  });

  it('gives every service a health check', () => {
    for (const [name, svc] of services) {
      const test = asList(svc.healthcheck?.test);
      expect(svc.healthcheck?.disable, `${name}: healthcheck disabled`).not.toBe(true);
      expect(test.length, `${name}: healthcheck.test`).toBeGreaterThan(0);
      expect(test[0], `${name}: healthcheck.test`).not.toBe('NONE');
    }
  });

  it('keeps data in named volumes; folders of the host are mounted read-only', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const name of ['redis', 'postgres', 'victoriametrics', 'gateway', 'vmagent', 'grafana']) {
      const named = mountsOf(service(name)).filter((mount) => declared.includes(mount.source));
      expect(named.length, `${name}: a named volume for its data`).toBeGreaterThan(0);
    }
    for (const [name, svc] of services) {
      for (const mount of mountsOf(svc)) {
        if (declared.includes(mount.source)) continue;
        expect(mount.readOnly, `${name}: ${mount.source} is not a named volume, so read-only`).toBe(true);
      }
    }
  });

  for (const role of APP_SERVICES) {
    describe(`app service ${role}`, () => {
      const svc = service(role);
      const env = environmentOf(svc);

      it('is built from the one Dockerfile and runs its entrypoint with the role', () => {
        const build = typeof svc.build === 'string' ? { context: svc.build } : (svc.build ?? {});
        expect(build.context).toBe('.');
        expect(build.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
        expect(svc.entrypoint, 'must not override the Dockerfile ENTRYPOINT').toBeUndefined();
        expect(asList(svc.command)).toEqual([role]);
        expect(ROLES).toContain(role);
      });

      it('uses the environment names the app reads', () => {
        for (const key of APP_ENV) {
          expect(Object.keys(Settings.properties), `${key} is a setting`).toContain(key);
          expect(env[key], `${role}: ${key}`).toBeTruthy();
        }
        expect(env.STEWARD_HTTP_HOST).toBe('0.0.0.0');
        expect(Number(env.STEWARD_HTTP_PORT)).toBe(DEFAULT_PORTS[role]);
        expect(new URL(env.REDIS_URL as string).host).toBe('redis:6379');
        expect(env.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
        expect(new URL(env.TSDB_URL as string).host).toBe('victoriametrics:8428');
      });

      it('checks GET /health on its own HTTP port', () => {
        const test = asList(svc.healthcheck?.test).join(' ');
        expect(test).toContain('/health');
        expect(test).toContain('STEWARD_HTTP_PORT');
      });

      it('starts only once its servers are healthy', () => {
        const dependsOn = svc.depends_on;
        expect(Array.isArray(dependsOn), 'depends_on with conditions, not a list').toBe(false);
        for (const server of ['redis', 'postgres', 'victoriametrics']) {
          expect((dependsOn as Record<string, { condition?: string }>)[server]?.condition, server).toBe(
            'service_healthy',
          );
        }
      });
    });
  }

  it('publishes the API on 8080 and MQTT on 1883 and 8883 from the gateway', () => {
    const published = (name: string): string[] => (service(name).ports ?? []).map((port) => String(port));
    expect(published('api')).toContain('8080:8080');
    expect(published('gateway')).toEqual(expect.arrayContaining(['1883:1883', '8883:8883']));
  });

  it('keeps the gateway spool on its volume and listens for devices on the published ports', () => {
    const gateway = service('gateway');
    const env = environmentOf(gateway);
    const spoolMount = (gateway.volumes ?? [])
      .map((mount) => (typeof mount === 'string' ? mount.split(':')[1] : mount.target))
      .find((target) => target === env.STEWARD_SPOOL_DIR);
    expect(spoolMount).toBe('/var/lib/steward/spool');
    const published = (gateway.ports ?? []).map((port) => String(port));
    expect(published).toContain(`${env.STEWARD_MQTT_PORT}:${env.STEWARD_MQTT_PORT}`);
    expect(published).toContain(`${env.STEWARD_MQTT_WS_PORT}:${env.STEWARD_MQTT_WS_PORT}`);
    expect(env.STEWARD_MQTT_HOST).toBe('0.0.0.0');
  });

  it('holds no literal password', () => {
    const text = read('docker-compose.yml');
    for (const [name, svc] of services) {
      for (const [key, value] of Object.entries(environmentOf(svc))) {
        if (!/PASSWORD|SECRET|TOKEN/i.test(key)) continue;
        // A file holding the secret (checked below: a declared compose secret).
        if (/_FILE$/.test(key) && value.startsWith('/run/secrets/')) continue;
        // A reference without a default: `${VAR}` or `${VAR:?message}`, never `${VAR:-literal}`.
        expect(value, `${name}: ${key}`).toMatch(/^\$\{[A-Z_][A-Z0-9_]*(:?\?[^}]*)?\}$/);
      }
    }
    for (const value of allStrings(parse(text, { merge: true }))) {
      for (const match of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^@\s]+)@/gi)) {
        expect(match[1], `credentials in ${value}`).toMatch(/^\$\{[A-Z_][A-Z0-9_]*(:?\?[^}]*)?\}$/);
      }
    }
    expect(text).not.toContain(`:${version('STACK_PG_PASSWORD')}@`);
  });

  it('reads every secret from a file: declared, given to the services that name it, from STEWARD_SECRETS_DIR', () => {
    const declared = compose.secrets ?? {};
    expect(Object.keys(declared).sort()).toEqual([
      'grafana_admin_password',
      'metrics_token',
      'postgres_password',
    ]);
    for (const [name, secret] of Object.entries(declared)) {
      expect(secret.file, `secret ${name}`).toBe(`\${STEWARD_SECRETS_DIR:-./deploy/secrets}/${name}`);
    }
    for (const [name, svc] of services) {
      for (const [key, value] of Object.entries(environmentOf(svc))) {
        if (!value.startsWith('/run/secrets/')) continue;
        const secret = value.slice('/run/secrets/'.length);
        expect(Object.keys(declared), `${name}: ${key}`).toContain(secret);
        expect(secretsOf(svc), `${name}: ${key} needs the secret ${secret}`).toContain(secret);
      }
    }
    // The app and PostgreSQL read the one password file; the app's URL holds no password.
    for (const role of APP_SERVICES) {
      const env = environmentOf(service(role));
      expect(env.DATABASE_PASSWORD_FILE, role).toBe('/run/secrets/postgres_password');
      expect(SECRET_SETTINGS).toContain('DATABASE_PASSWORD');
      expect(new URL(env.DATABASE_URL as string).password, role).toBe('');
    }
    expect(environmentOf(service('postgres')).POSTGRES_PASSWORD_FILE).toBe('/run/secrets/postgres_password');
    expect(environmentOf(service('postgres')).POSTGRES_PASSWORD).toBeUndefined();
    // Every role's /metrics needs the token vmagent reads from the same secret, for every steward job.
    for (const role of APP_SERVICES) {
      expect(environmentOf(service(role)).STEWARD_METRICS_TOKEN_FILE, role).toBe(
        '/run/secrets/metrics_token',
      );
      expect(SECRET_SETTINGS).toContain('STEWARD_METRICS_TOKEN');
    }
    expect(secretsOf(service('vmagent'))).toContain('metrics_token');
    const scrape = parse(read('deploy/monitoring/scrape.yml')) as {
      scrape_configs: { job_name: string; bearer_token_file?: string }[];
    };
    const stewardJobs = scrape.scrape_configs.filter((job) => job.job_name.startsWith('steward-'));
    expect(stewardJobs.map((job) => job.job_name).sort()).toEqual([
      'steward-api',
      'steward-gateway',
      'steward-workers',
    ]);
    for (const job of stewardJobs)
      expect(job.bearer_token_file, job.job_name).toBe('/run/secrets/metrics_token');
    // deploy/init-secrets.sh makes exactly the declared files.
    const script = read('deploy/init-secrets.sh');
    for (const name of Object.keys(declared)) expect(script).toContain(`make_secret ${name}\n`);
  });

  it('serves HTTPS on the API and MQTT over TLS on the gateway, from files of a mounted folder', () => {
    const api = service('api');
    const apiEnv = environmentOf(api);
    const gateway = service('gateway');
    const gatewayEnv = environmentOf(gateway);
    const settingNames = Object.keys(Settings.properties);
    const tlsFiles: [Service, string, string | undefined][] = [
      [api, 'STEWARD_TLS_CERT_FILE', apiEnv.STEWARD_TLS_CERT_FILE],
      [api, 'STEWARD_TLS_KEY_FILE', apiEnv.STEWARD_TLS_KEY_FILE],
      [gateway, 'STEWARD_MQTT_TLS_CERT_FILE', gatewayEnv.STEWARD_MQTT_TLS_CERT_FILE],
      [gateway, 'STEWARD_MQTT_TLS_KEY_FILE', gatewayEnv.STEWARD_MQTT_TLS_KEY_FILE],
    ];
    for (const [svc, key, file] of tlsFiles) {
      expect(settingNames, key).toContain(key);
      expect(file, key).toMatch(/^\/etc\/steward\/tls\/[a-z-]+\.(pem|key)$/);
      expect(isMounted(svc, file as string), `${key}=${file} is in a mounted folder`).toBe(true);
    }
    expect(mountsOf(api).find((m) => m.target === '/etc/steward/tls')?.source).toBe(
      `\${STEWARD_TLS_DIR:-./deploy/tls}`,
    );
    // The optional device CA is empty (unset) unless the operator names it.
    expect(gatewayEnv.STEWARD_MQTT_TLS_CA_FILE).toBe(`\${STEWARD_MQTT_DEVICE_CA_FILE:-}`);
    expect(gatewayEnv.STEWARD_MQTT_TLS_PORT).toBe('8883');
    expect((gateway.ports ?? []).map(String)).toContain('8883:8883');
    for (const file of ['api.pem', 'api.key', 'mqtt.pem', 'mqtt.key', 'ca.pem']) {
      expect(read('deploy/tls/README.md'), file).toContain(`\`${file}\``);
    }
    // Nothing but the README and .gitignore of deploy/tls and deploy/secrets is ever committed.
    for (const folder of ['deploy/tls', 'deploy/secrets']) {
      expect(read(`${folder}/.gitignore`).split('\n')).toEqual(['*', '!.gitignore', '!README.md', '']);
    }
  });

  it('runs no demo: no --demo, no simulator, and the site configuration mounted from the operator', () => {
    for (const [name, svc] of services) {
      const command = asList(svc.command);
      expect(command, name).not.toContain('--demo');
      expect(command, name).not.toContain('all');
      expect(command, name).not.toContain('simulate');
      for (const key of Object.keys(environmentOf(svc))) expect(key, name).not.toMatch(/^STEWARD_SIM_/);
    }
    for (const role of APP_SERVICES) {
      const svc = service(role);
      const configDir = environmentOf(svc).STEWARD_CONFIG_DIR as string;
      const mount = mountsOf(svc).find((m) => m.target === configDir);
      expect(mount?.source, `${role}: configuration mounted from STEWARD_SITE_CONFIG`).toMatch(
        /^\$\{STEWARD_SITE_CONFIG:\?[^}]+\}$/,
      );
      expect(mount?.readOnly).toBe(true);
    }
  });

  it('keeps the servers on an internal network, unpublished', () => {
    expect(compose.networks?.backend?.internal).toBe(true);
    for (const name of ['redis', 'postgres', 'victoriametrics', 'vmagent']) {
      expect(networksOf(service(name)), name).toEqual(['backend']);
      expect(service(name).ports ?? [], name).toEqual([]);
    }
    for (const role of APP_SERVICES) expect(networksOf(service(role)), role).toContain('backend');
    // Grafana: the operators' loopback only.
    expect((service('grafana').ports ?? []).map(String)).toEqual(['127.0.0.1:3000:3000']);
  });

  it('scrapes every role with vmagent of the VictoriaMetrics version into VictoriaMetrics, and provisions Grafana', () => {
    const vmagent = service('vmagent');
    const { name, tag } = imageRef(vmagent.image ?? '');
    expect(name).toBe('victoriametrics/vmagent');
    expect(tag).toBe(`v${version('VICTORIAMETRICS_VERSION')}`);
    const flags = asList(vmagent.command);
    expect(flags).toContain('-remoteWrite.url=http://victoriametrics:8428/api/v1/write');
    const config = flags.find((flag) => flag.startsWith('-promscrape.config='))?.split('=')[1];
    const configMount = mountsOf(vmagent).find((mount) => mount.target === config);
    expect(configMount?.source).toBe('./deploy/monitoring/scrape.yml');
    expect(existsSync(new URL('deploy/monitoring/scrape.yml', root))).toBe(true);
    expect(environmentOf(vmagent).STEWARD_PUBLIC_HOST).toMatch(/^\$\{STEWARD_PUBLIC_HOST:\?[^}]+\}$/);

    const grafana = service('grafana');
    expect(imageRef(grafana.image ?? '').name).toBe('grafana/grafana-oss');
    for (const folder of [
      './deploy/grafana/provisioning/datasources',
      './deploy/grafana/provisioning/dashboards',
      './deploy/grafana/dashboards',
    ]) {
      const mount = mountsOf(grafana).find((m) => m.source === folder);
      expect(mount, folder).toBeDefined();
      expect(existsSync(new URL(folder, root)), folder).toBe(true);
    }
    expect(environmentOf(grafana).GF_SECURITY_ADMIN_PASSWORD__FILE).toBe(
      '/run/secrets/grafana_admin_password',
    );
    expect(environmentOf(grafana).GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds on Node 24 bookworm-slim with production dependencies only', () => {
    expect(dockerfile).toMatch(/^FROM node:24-bookworm-slim$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('builds the dashboards in a stage of their own and ships only dashboards/dist', () => {
    expect(dockerfile).toMatch(/^FROM node:24-bookworm-slim AS dashboards$/m);
    expect(dockerfile).toMatch(/^RUN npm run build:dashboards$/m);
    expect(dockerfile).toMatch(/^COPY --from=dashboards \S+\/dashboards\/dist dashboards\/dist$/m);
    expect(dockerfile).not.toMatch(/^COPY dashboards\/ dashboards\/$(?![\s\S]*^FROM )/m);
    expect(JSON.parse(read('package.json')).scripts['build:dashboards']).toMatch(/^vite build/);
  });

  it('runs the steward command as a non-root user', () => {
    expect(dockerfileExec(dockerfile, 'ENTRYPOINT')).toEqual(ENTRYPOINT);
    expect(dockerfileExec(dockerfile, 'CMD')).toEqual(['all']);
    expect(existsSync(new URL(ENTRYPOINT[1] as string, root))).toBe(true);
    const users = dockerfile.split('\n').filter((line) => line.startsWith('USER '));
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^USER (root|0)(:|$)/);
  });

  it('exposes the API and MQTT ports', () => {
    const exposed = dockerfile
      .split('\n')
      .filter((line) => line.startsWith('EXPOSE '))
      .flatMap((line) => line.slice('EXPOSE '.length).trim().split(/\s+/));
    expect(exposed).toEqual(expect.arrayContaining(['8080', '1883']));
  });

  it('keeps local state out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', '.stack', '.git']) expect(ignored).toContain(entry);
  });
});

// The compose plugin is absent on the development machine (`docker compose version` fails: the
// docker CLI exists but without the plugin, and no engine runs), so the real parser only runs
// where it is installed, e.g. on a deployment host or a CI that has it.
const composeAvailable = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;

describe('docker compose config', () => {
  it.skipIf(!composeAvailable)('accepts the file', () => {
    const secrets = mkdtempSync(path.join(tmpdir(), 'steward-compose-'));
    mkdirSync(path.join(secrets, 'site'));
    for (const name of Object.keys(compose.secrets ?? {})) writeFileSync(path.join(secrets, name), 'dummy');
    try {
      const result = spawnSync('docker', ['compose', '-f', 'docker-compose.yml', 'config', '-q'], {
        cwd: fileURLToPath(root),
        encoding: 'utf8',
        env: {
          ...process.env,
          STEWARD_SECRETS_DIR: secrets,
          STEWARD_SITE_CONFIG: fileURLToPath(new URL('config/sample', root)),
          STEWARD_PUBLIC_HOST: 'steward.example.test',
        },
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(secrets, { recursive: true, force: true });
    }
  });
});
