import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { ConfigError, formatIssue } from '../../config/load/issues.ts';
import { loadConfig } from '../../config/load/load-config.ts';
import type { SiteModel } from '../../config/load/model.ts';
import { hashDeviceSecret, newDeviceSecret } from '../../gateway/broker/device-credentials.ts';
import { deadLetterKey, readDeadLetters } from '../../gateway/ingest/dead-letters.ts';
import { USER_ACTIONS, type UserAction, userCommand, userUsageProblem } from '../accounts/cli/user.ts';
import { formatDemoUsers } from '../accounts/index.ts';
import { checkCoverage } from '../calendar/coverage-check.ts';
import { ChineseWorkingCalendar } from '../calendar/working-calendar.ts';
import { syncRegistry } from '../registry/sync.ts';
import { ReportError, ReportRenderer, readReportSettings } from '../reports/index.ts';
import { closeMonthCommand } from '../scoring/cli/close.ts';
import { reportCommand } from '../scoring/cli/report.ts';
import { verifyAuditCommand } from '../scoring/cli/verify-audit.ts';
import { ScoringError } from '../scoring/domain/errors.ts';
import { ScoringStore } from '../scoring/store/scoring-store.ts';
import { parkedCommand, redispatchCommand } from '../workorders/cli/parked.ts';
import { composeWorkOrders } from '../workorders/compose.ts';
import { selectHistoriesAsOf } from '../workorders/store/histories.ts';
import { type Clock, OffsetClock, systemClock } from './clock.ts';
import { PostgresConnection, type SqlPool } from './connections/postgres.ts';
import { exitOnSignals, Lifecycle } from './lifecycle.ts';
import { createLogger } from './logger.ts';
import { migrate } from './migrations.ts';
import { composeProcess, ROLES, type Role } from './roles.ts';
import { readSettings, type Settings, SettingsError } from './settings.ts';

/** sysexits(3) EX_CONFIG: the configuration is wrong; restarting will not help. */
const EXIT_CONFIG = 78;
const EXIT_USAGE = 64;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string })
  .version;

const USAGE = `steward ${version}: facility monitoring and vendor supervision

usage:
  steward <role> [--port N] [--host ADDR] [--config DIR] [--demo [--clock-start INSTANT]]
      roles: gateway | workers | api | simulate | all (everything in one process)
      --clock-start (demo only): the platform's clock starts at this ISO 8601 instant with an
      offset, e.g. 2026-10-31T23:56:00+08:00, and runs at normal speed from there
  steward migrate [--config DIR]       apply database migrations and sync the configuration
  steward config check [--config DIR]  validate the configuration and print a summary
  steward device-secret <device>...    make a random password per device and its hash line
  steward user add <username> --role ROLE [--vendor ID] [--name TEXT] < password-file
                                       add a user (roles: administrator, facilities_manager,
                                       operator, auditor, vendor_user); the password on stdin
  steward user password <username> < password-file
                                       replace a user's password (its sessions end)
  steward user disable|enable <username>
                                       stop a user signing in (its sessions end) or allow it again
  steward user list [--vendor ID]      users with their status, live sessions and last login
  steward workorders parked [--all]   incident events the dispatcher parked after repeated failures
  steward workorders redispatch <event id>
                                       handle a parked event again once its cause is removed
  steward dead-letters [--limit N]     the newest refused messages and why (from Redis)
  steward scoring verify-audit         check the scoring audit's hash chain and scorecard anchors
  steward scoring close <YYYY-MM> [--contract ID]...
                                       close the month (月考核) of every contract in force, or those named
  steward scoring report <YYYY-MM|YYYY-Qn> --format csv|pdf --out DIR [--lang zh-CN|en]
                                       every closed scorecard of the month, or the quarter's bulletin
  steward --version | --help

environment: STEWARD_CONFIG_DIR, DATABASE_URL, REDIS_URL, TSDB_URL, STEWARD_HTTP_HOST,
  STEWARD_HTTP_PORT, STEWARD_REDIS_PREFIX, LOG_LEVEL (see README, "Configuration reference")
exit codes: 0 ok, 1 runtime failure, ${EXIT_USAGE} usage, ${EXIT_CONFIG} invalid configuration or settings`;

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      demo: { type: 'boolean', default: false },
      'clock-start': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
      limit: { type: 'string' },
      contract: { type: 'string', multiple: true },
      format: { type: 'string' },
      out: { type: 'string' },
      lang: { type: 'string' },
      role: { type: 'string' },
      vendor: { type: 'string' },
      name: { type: 'string' },
      all: { type: 'boolean', default: false },
    },
  });
  if (values.help) return print(USAGE);
  if (values.version) return print(version);

  const [command, subcommand] = positionals;
  let settings: Settings;
  try {
    settings = readSettings(
      values.config ? { ...process.env, STEWARD_CONFIG_DIR: values.config } : process.env,
    );
  } catch (error) {
    if (error instanceof SettingsError) return fail(error.message, EXIT_CONFIG);
    throw error;
  }

  if (command === 'config' && subcommand === 'check') return configCheck(settings);
  if (command === 'migrate') return migrateCommand(settings);
  if (command === 'device-secret') return deviceSecretCommand(positionals.slice(1));
  if (command === 'dead-letters') return deadLettersCommand(settings, Number(values.limit ?? 50));
  if (command === 'scoring' && subcommand === 'verify-audit')
    return withPostgres(settings, 'scoring', (pool) => verifyAuditCommand(pool, print));
  if (command === 'workorders' && (subcommand === 'parked' || subcommand === 'redispatch')) {
    const eventId = positionals[2];
    if (
      subcommand === 'redispatch' ? eventId === undefined || positionals.length > 3 : positionals.length > 2
    )
      return fail(
        'usage: steward workorders parked [--all] | steward workorders redispatch <event id>',
        EXIT_USAGE,
      );
    return withWorkOrders(settings, (parts) =>
      subcommand === 'parked'
        ? parkedCommand(parts.dispatcher, { all: values.all }, print)
        : redispatchCommand(parts.dispatcher, eventId as string, print, (line) =>
            process.stderr.write(`${line}\n`),
          ),
    );
  }
  if (command === 'user' && USER_ACTIONS.includes(subcommand as UserAction)) {
    const action = subcommand as UserAction;
    const username = positionals[2];
    if (action === 'list' ? positionals.length > 2 : username === undefined || positionals.length > 3)
      return fail(
        action === 'list'
          ? 'usage: steward user list [--vendor ID]'
          : `usage: steward user ${action} <username>${action === 'add' || action === 'password' ? ' … < password-file' : ''}`,
        EXIT_USAGE,
      );
    const model = loadOrReport(settings);
    if (typeof model === 'number') return model;
    const withPassword = action === 'add' || action === 'password';
    const input = {
      action,
      ...(username === undefined ? {} : { username }),
      ...(values.role === undefined ? {} : { role: values.role }),
      ...(values.vendor === undefined ? {} : { vendorId: values.vendor }),
      ...(values.name === undefined ? {} : { displayName: values.name }),
      ...(withPassword ? { stdin: process.stdin.isTTY ? '' : readFileSync(0, 'utf8') } : {}),
    } as const;
    const problem = userUsageProblem(input, model);
    if (problem) return fail(problem, EXIT_USAGE);
    return withPostgres(settings, 'accounts', (pool) => userCommand(pool, systemClock, input, print));
  }
  if (command === 'scoring' && subcommand === 'close') {
    const month = positionals[2];
    if (month === undefined || !MONTH.test(month) || positionals.length > 3)
      return fail(`usage: steward scoring close <YYYY-MM> [--contract ID]...`, EXIT_USAGE);
    const startedAtMs = systemClock.nowMs();
    return withScoring(settings, (store) =>
      closeMonthCommand(store, { month, contractIds: values.contract, startedAtMs }, (line) => print(line)),
    );
  }
  if (command === 'scoring' && subcommand === 'report') {
    const [period, extra] = positionals.slice(2);
    const { format, out, lang = 'zh-CN' } = values;
    if (
      period === undefined ||
      extra !== undefined ||
      !(MONTH.test(period) || QUARTER.test(period)) ||
      (format !== 'csv' && format !== 'pdf') ||
      out === undefined ||
      (lang !== 'zh-CN' && lang !== 'en')
    )
      return fail(
        'usage: steward scoring report <YYYY-MM|YYYY-Qn> --format csv|pdf --out DIR [--lang zh-CN|en]',
        EXIT_USAGE,
      );
    return withScoring(settings, async (store, model) =>
      reportCommand(
        store,
        ReportRenderer.fromSettings(readReportSettings(), systemClock),
        {
          period,
          format,
          outDir: out,
          locale: lang,
          model,
          generatedAt: systemClock.now(),
          progress: process.stderr,
        },
        (line) => print(line),
      ),
    );
  }
  if (command && (ROLES as readonly string[]).includes(command)) {
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
      return fail(`--port must be an integer from 0 to 65535, got ${values.port}`, EXIT_USAGE);
    }
    const clock = demoClock(values['clock-start'], values.demo);
    if (typeof clock === 'string') return fail(clock, EXIT_USAGE);
    return runRole(command as Role, settings, { port, host: values.host, demo: values.demo, clock });
  }
  return fail(command ? `unknown command ${command}\n\n${USAGE}` : USAGE, EXIT_USAGE);
}

/** An instant with its offset (or Z): a local time alone would depend on the host's zone. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The system clock, or with `--clock-start` (demo mode only) a clock from that instant; a string is the usage error. */
function demoClock(start: string | undefined, demo: boolean): Clock | string {
  if (start === undefined) return systemClock;
  if (!demo)
    return '--clock-start is for demo mode only (add --demo); a production process keeps the system clock';
  const ms = INSTANT.test(start) ? Date.parse(start) : Number.NaN;
  if (Number.isNaN(ms))
    return `--clock-start must be an ISO 8601 instant with an offset, e.g. 2026-10-31T23:56:00+08:00; got ${start}`;
  return new OffsetClock(ms);
}

function loadOrReport(settings: Settings): SiteModel | number {
  try {
    return loadConfig(path.resolve(settings.STEWARD_CONFIG_DIR));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.issues.map(formatIssue).join('\n')}\n`);
    return fail(`refusing to start: ${error.issues.length} configuration error(s)`, EXIT_CONFIG);
  }
}

function configCheck(settings: Settings): number {
  const model = loadOrReport(settings);
  if (typeof model === 'number') return model;
  const byClass = new Map<string, number>();
  for (const item of model.equipment.values()) byClass.set(item.class, (byClass.get(item.class) ?? 0) + 1);
  const lines = [
    `configuration ${settings.STEWARD_CONFIG_DIR} is valid (revision ${model.revision.slice(0, 12)})`,
    `  sites ${model.sites.length}, buildings ${model.buildings.size}, equipment ${model.equipment.size}, points ${model.points.size}`,
    `  vendors ${model.vendors.size}, contracts ${model.contracts.size}, rules ${model.rules.length}, scoring schemes ${model.scoringSchemes.size}`,
    ...[...byClass.entries()].sort().map(([name, count]) => `  ${name.padEnd(18)} ${count}`),
  ];
  return print(lines.join('\n'));
}

/** Runs a command with a connection to the configured database, waiting for it as roles do. */
async function withPostgres(
  settings: Settings,
  component: string,
  work: (pool: SqlPool) => Promise<number>,
): Promise<number> {
  const postgres = new PostgresConnection(settings.DATABASE_URL, {
    logger: createLogger(settings, component),
    startupTimeoutMs: settings.STEWARD_STARTUP_TIMEOUT_MS,
    clock: systemClock,
  });
  try {
    await postgres.start();
    return await work(postgres.pool);
  } finally {
    await postgres.stop();
  }
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const QUARTER = /^\d{4}-Q[1-4]$/;

/**
 * Runs a scoring command against the configured database: the store reads the work orders'
 * histories directly (no Redis). The store's refusals exit 1 with their code; report settings or
 * a missing or unusable font exit 78, like any other settings problem.
 */
async function withScoring(
  settings: Settings,
  work: (store: ScoringStore, model: SiteModel) => Promise<number>,
): Promise<number> {
  const model = loadOrReport(settings);
  if (typeof model === 'number') return model;
  return withPostgres(settings, 'scoring', async (pool) => {
    const store = new ScoringStore({
      pool,
      clock: systemClock,
      model,
      workOrders: { historiesAsOf: (fromMs, toMs) => selectHistoriesAsOf(pool, fromMs, toMs) },
    });
    try {
      return await work(store, model);
    } catch (error) {
      if (error instanceof ScoringError) return fail(`${error.code}: ${error.message}`, 1);
      if (
        error instanceof ReportError &&
        (error.code === 'font_missing' || error.code === 'font_invalid' || error.code === 'invalid_settings')
      )
        return fail(`${error.code}: ${error.message}`, EXIT_CONFIG);
      if (error instanceof ReportError) return fail(`${error.code}: ${error.message}`, 1);
      throw error;
    }
  });
}

/**
 * Runs a command with the work-order parts over the configured database and Redis (a change it
 * makes is published on Redis like the workers' own; their webhooks and SLA timers take it from
 * PostgreSQL). The dispatcher is not started: no cursor moves here.
 */
async function withWorkOrders(
  settings: Settings,
  work: (parts: ReturnType<typeof composeWorkOrders>) => Promise<number>,
): Promise<number> {
  const model = loadOrReport(settings);
  if (typeof model === 'number') return model;
  const redis = new Redis(settings.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return await withPostgres(settings, 'workorders', (pool) =>
      work(
        composeWorkOrders({
          model,
          pool,
          redis,
          redisUrl: settings.REDIS_URL,
          prefix: settings.STEWARD_REDIS_PREFIX,
          clock: systemClock,
          // The command prints its answer; the parts' info lines would interleave with it.
          logger: createLogger(
            { LOG_LEVEL: settings.LOG_LEVEL === 'info' ? 'warn' : settings.LOG_LEVEL },
            'workorders',
          ),
        }),
      ),
    );
  } finally {
    redis.disconnect();
  }
}

async function migrateCommand(settings: Settings): Promise<number> {
  const model = loadOrReport(settings);
  if (typeof model === 'number') return model;
  return withPostgres(settings, 'migrate', async (pool) => {
    const applied = await migrate(pool);
    const summary = await syncRegistry(pool, model);
    return print(
      [
        applied.length === 0
          ? 'schema is up to date'
          : `applied ${applied.map((m) => `${m.owner}/${m.name}`).join(', ')}`,
        `registry synced: ${summary.equipment} equipment, ${summary.points} points, ${summary.contracts} contracts (revision ${summary.revision.slice(0, 12)})`,
      ].join('\n'),
    );
  });
}

async function runRole(
  role: Role,
  settings: Settings,
  options: { port: number | undefined; host: string | undefined; demo: boolean; clock: Clock },
): Promise<number> {
  const { clock } = options;
  const model = loadOrReport(settings);
  if (typeof model === 'number') return model;
  const logger = createLogger(settings, role);
  // The holiday dataset is an npm package updated once a year; say so when it falls behind.
  const staleCalendar = checkCoverage(new ChineseWorkingCalendar().siteDate(clock.nowMs()));
  if (staleCalendar) logger.warn({ calendar: staleCalendar }, 'working calendar dataset needs an update');
  const composed = composeProcess({
    role,
    settings,
    model,
    logger,
    clock,
    version,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    demo: options.demo,
  });
  const lifecycle = new Lifecycle(composed.components, logger);
  exitOnSignals(lifecycle, logger, settings.STEWARD_SHUTDOWN_TIMEOUT_MS);
  try {
    await lifecycle.start();
  } catch (error) {
    return fail(`${role} failed to start: ${error instanceof Error ? error.message : String(error)}`, 1);
  }
  const url = `${composed.http.scheme}://${options.host ?? settings.STEWARD_HTTP_HOST}:${composed.http.port}`;
  logger.info({ url, points: model.points.size }, `${role} started`);
  if (options.demo) {
    print(
      [
        `steward ${role} is running (demo mode)`,
        ...(clock === systemClock ? [] : [`  clock    ${clock.now().toISOString()} (--clock-start)`]),
        `  health   ${url}/health`,
        `  metrics  ${url}/metrics`,
        ...(composed.demoUsers
          ? [
              `  dashboards ${url}/ (control room /control, vendor portal /vendor, manager /manager)`,
              `  api docs ${url}/docs`,
              formatDemoUsers(composed.demoUsers.users),
            ]
          : []),
        '  stop with Ctrl-C',
      ].join('\n'),
    );
  }
  // Keep running until a signal stops the lifecycle (exitOnSignals exits the process).
  return new Promise<number>(() => undefined);
}

async function deviceSecretCommand(devices: readonly string[]): Promise<number> {
  if (devices.length === 0) return fail('name at least one device id', EXIT_USAGE);
  const lines = [
    '# give each password to its device; put the lines in device-credentials.yaml under devices:',
  ];
  for (const device of devices) {
    const password = newDeviceSecret();
    lines.push(
      `  - { device: ${device}, secret: '${await hashDeviceSecret(password)}' }  # password: ${password}`,
    );
  }
  return print(lines.join('\n'));
}

async function deadLettersCommand(settings: Settings, limit: number): Promise<number> {
  if (!(Number.isInteger(limit) && limit > 0)) return fail('--limit must be a positive integer', EXIT_USAGE);
  const model = loadOrReport(settings);
  if (typeof model === 'number') return model;
  const site = settings.STEWARD_SITE ?? model.sites[0]?.id ?? '';
  const redis = new Redis(settings.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const letters = await readDeadLetters(redis, deadLetterKey(settings.STEWARD_REDIS_PREFIX, site), limit);
    if (letters.length === 0) return print(`no dead letters for site ${site}`);
    return print(
      letters
        .map(
          (l) =>
            `${new Date(l.at).toISOString()}  ${l.code.padEnd(20)} ${l.source}  ${l.device ?? l.pointId ?? ''}  ${l.topic ?? ''}  ${l.detail}`,
        )
        .join('\n'),
    );
  } catch (error) {
    return fail(`cannot read dead letters: ${error instanceof Error ? error.message : String(error)}`, 1);
  } finally {
    redis.disconnect();
  }
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

function fail(text: string, code: number): number {
  process.stderr.write(`steward: ${text}\n`);
  return code;
}
