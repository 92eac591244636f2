import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { resolveSecret, SecretError } from './secrets.ts';
import { httpsMaterial, mqttTlsMaterial, TlsFileError } from './tls.ts';

/**
 * Process settings come from the environment (12-factor; docker-compose sets them), validated
 * once at start. Defaults point at the project-private local stack (services/stack/versions.env).
 */
export const Settings = Type.Object({
  STEWARD_CONFIG_DIR: Type.String({ default: 'config/sample', minLength: 1 }),
  DATABASE_URL: Type.String({
    default: 'postgres://steward:steward@127.0.0.1:5440/steward',
    pattern: '^postgres(ql)?://',
  }),
  /**
   * The password of DATABASE_URL's user, given apart from the URL (any characters: it is
   * percent-encoded into the URL here), so one secret file can serve PostgreSQL and the app.
   */
  DATABASE_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6390', pattern: '^rediss?://' }),
  TSDB_URL: Type.String({ default: 'http://127.0.0.1:8438', pattern: '^https?://' }),
  /** InfluxDB v2 token and org/bucket: VictoriaMetrics ignores them, InfluxDB 2.x/3.x needs them. */
  TSDB_TOKEN: Type.String({ default: '' }),
  TSDB_ORG: Type.String({ default: 'steward' }),
  TSDB_BUCKET: Type.String({ default: 'steward' }),
  STEWARD_HTTP_HOST: Type.String({ default: '127.0.0.1' }),
  /** HTTPS on the HTTP port: the PEM certificate chain and its key (both or neither). */
  STEWARD_TLS_CERT_FILE: Type.Optional(Type.String({ minLength: 1 })),
  STEWARD_TLS_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** Unset: the role's default port (api and all 8080, gateway 8081, workers 8082, simulate 8083). */
  STEWARD_HTTP_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_535 })),
  /** Prefix of every Redis key and queue, so several deployments or test files share one Redis. */
  STEWARD_REDIS_PREFIX: Type.String({ default: 'steward', pattern: '^[A-Za-z0-9_:-]+$' }),
  /** How long a graceful shutdown may take before the process exits anyway. */
  STEWARD_SHUTDOWN_TIMEOUT_MS: Type.Integer({ default: 15_000, minimum: 100 }),
  /** How long a role waits for PostgreSQL at start before giving up. */
  STEWARD_STARTUP_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 0 }),
  /** Which site of the configuration this gateway serves (one gateway per site); default the first. */
  STEWARD_SITE: Type.Optional(Type.String({ minLength: 1 })),
  STEWARD_MQTT_HOST: Type.Optional(Type.String({ minLength: 1 })),
  STEWARD_MQTT_PORT: Type.Integer({ default: 1883, minimum: 0, maximum: 65_535 }),
  /** MQTT over WebSocket for devices behind HTTP proxies; 0 picks a free port. */
  STEWARD_MQTT_WS_PORT: Type.Integer({ default: 9001, minimum: 0, maximum: 65_535 }),
  /** MQTT over TLS, listening when its certificate and key are set; 0 picks a free port. */
  STEWARD_MQTT_TLS_PORT: Type.Integer({ default: 8883, minimum: 0, maximum: 65_535 }),
  STEWARD_MQTT_TLS_CERT_FILE: Type.Optional(Type.String({ minLength: 1 })),
  STEWARD_MQTT_TLS_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** Set: devices on the TLS listener must also present a client certificate signed by this CA. */
  STEWARD_MQTT_TLS_CA_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** Larger payloads are refused with PAYLOAD_TOO_LARGE (and dead-lettered). */
  STEWARD_MAX_PAYLOAD_BYTES: Type.Integer({ default: 65_536, minimum: 64 }),
  /** Connections announcing larger MQTT packets are dropped before the packet is read. */
  STEWARD_MAX_PACKET_BYTES: Type.Integer({ default: 262_144, minimum: 1_024 }),
  /** `source` keeps device timestamps (within 5 minutes ahead of the gateway clock); `gateway` stamps on receipt. */
  STEWARD_TIMESTAMP_POLICY: Type.Enum(['source', 'gateway'], { default: 'source' }),
  /** The gateway's write-ahead spool; a volume in containers. */
  STEWARD_SPOOL_DIR: Type.String({ default: '.stack/spool', minLength: 1 }),
  STEWARD_SPOOL_MAX_BYTES: Type.Integer({ default: 1_073_741_824, minimum: 1_048_576 }),
  /** fsync period of the spool; 0 syncs before every acknowledgement (slowest, survives power loss). */
  STEWARD_SPOOL_FSYNC_MS: Type.Integer({ default: 200, minimum: 0 }),
  /** Number of reading queues the rule workers share (shards by equipment). */
  STEWARD_RULE_SHARDS: Type.Integer({ default: 8, minimum: 1, maximum: 1_024 }),
  /** Broker the simulated devices publish to; default the gateway's embedded broker on this host. */
  STEWARD_SIM_MQTT_URL: Type.Optional(Type.String({ pattern: '^(mqtts?|wss?)://' })),
  /** Simulated devices report this many times faster than their configured interval (demo default 20). */
  STEWARD_SIM_RATE: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10_000 })),
  STEWARD_SIM_SEED: Type.Integer({ default: 1 }),
  /**
   * When the workers close the previous month (月考核) for every contract: a cron pattern (5 fields,
   * or 6 with seconds) in the site's time zone, or `off` to close months by hand only.
   */
  STEWARD_SCORING_CLOSE_PATTERN: Type.String({
    default: '0 8 1 * *',
    pattern: '^(off|\\S+(\\s+\\S+){4,5})$',
  }),
  /**
   * The reverse proxies in front of the HTTP port whose `X-Forwarded-For` is believed (the client
   * address in logins' audit and rate limits): a comma-separated list of addresses or CIDR ranges,
   * or a number of hops. Unset: none (behind a proxy every client then looks like the proxy).
   */
  STEWARD_TRUST_PROXY: Type.Optional(
    Type.String({ pattern: '^(\\d{1,2}|[0-9a-fA-F.:/]+(\\s*,\\s*[0-9a-fA-F.:/]+)*)$' }),
  ),
  /**
   * Set: `GET /metrics` answers only requests with `Authorization: Bearer <token>` (vmagent's
   * `bearer_token_file`), and `GET /health` without it gives its status code and `status` only.
   */
  STEWARD_METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
});
export type Settings = Static<typeof Settings>;

export class SettingsError extends Error {
  readonly code = 'SETTINGS_INVALID';
}

/**
 * Settings that may instead be read from a file named by `<NAME>_FILE` (docker secrets, a
 * mounted volume): the file's content, trailing newline removed, is the value.
 */
export const SECRET_SETTINGS = [
  'DATABASE_URL',
  'DATABASE_PASSWORD',
  'REDIS_URL',
  'TSDB_TOKEN',
  'STEWARD_METRICS_TOKEN',
] as const;

/**
 * Reads settings from an environment; empty variables count as unset. Secrets may come from
 * files (SECRET_SETTINGS), TLS files are read and checked now. Throws SettingsError listing
 * every problem as `environment: NAME: message`.
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(Settings.properties)) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    raw[key] = isNumericSetting(key) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  for (const key of SECRET_SETTINGS) {
    const fileKey = `${key}_FILE`;
    const file = env[fileKey];
    if (file === undefined || file === '') continue;
    if (raw[key] !== undefined) {
      problems.push(`${fileKey}: set either ${key} or ${fileKey}, not both`);
      continue;
    }
    try {
      raw[key] = resolveSecret(`file:${file}`, env);
    } catch (error) {
      if (!(error instanceof SecretError)) throw error;
      problems.push(`${fileKey}: ${error.message}`);
    }
  }
  const withDefaults = Value.Default(Settings, raw) as Settings;
  for (const error of Value.Errors(Settings, withDefaults)) {
    problems.push(`${error.instancePath.slice(1) || '(root)'}: ${error.message}`);
  }
  problems.push(...checkTlsFiles(withDefaults));
  if (problems.length === 0) problems.push(...withPassword(withDefaults));
  if (problems.length > 0) {
    throw new SettingsError(
      `invalid settings:\n${problems.map((line) => `environment: ${line}`).join('\n')}`,
    );
  }
  return withDefaults;
}

function checkTlsFiles(settings: Settings): string[] {
  const problems: string[] = [];
  for (const read of [httpsMaterial, mqttTlsMaterial]) {
    try {
      read(settings);
    } catch (error) {
      if (!(error instanceof TlsFileError)) throw error;
      problems.push(error.message);
    }
  }
  return problems;
}

/** Puts DATABASE_PASSWORD into DATABASE_URL (in place); the problems found, if any. */
function withPassword(settings: Settings): string[] {
  const password = settings.DATABASE_PASSWORD;
  if (password === undefined) return [];
  let url: URL;
  try {
    url = new URL(settings.DATABASE_URL);
  } catch {
    return ['DATABASE_URL: not a URL the password could be added to'];
  }
  if (url.password !== '') return ['DATABASE_PASSWORD: DATABASE_URL already holds a password; give it once'];
  if (url.username === '') return ['DATABASE_PASSWORD: DATABASE_URL names no user for the password'];
  url.password = encodeURIComponent(password);
  settings.DATABASE_URL = url.href;
  return [];
}

function isNumericSetting(key: string): boolean {
  const schema = (Settings.properties as Record<string, { type?: string }>)[key];
  return schema?.type === 'integer' || schema?.type === 'number';
}
