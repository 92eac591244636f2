import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../services/runtime/free-port.ts';
import { repoRoot } from './config-fixture.ts';
import { waitFor } from './wait.ts';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of a test's own: initdb into a temporary folder, pg_ctl on a free loopback
 * port, for tests that stop the server (which would break every other test on the shared stack).
 * Debian's binaries (/usr/lib/postgresql/<POSTGRES_VERSION of services/stack/versions.env>/bin)
 * refuse to run as root, so under root they run as the `postgres` OS user, as services/stack does.
 * Loopback connections are trusted: the cluster lives only as long as the test.
 */
export class PrivatePostgres {
  readonly port: number;
  readonly #home: string;
  readonly #bin: string;
  #running = false;
  readonly #killOnExit = (): void => {
    // Synchronous last resort (Ctrl-C of a chaos command): an immediate shutdown, then the folder.
    try {
      if (this.#running) this.#pgCtlSync(['stop', '-m', 'immediate']);
    } catch {
      // already gone
    }
    rmSync(this.#home, { recursive: true, force: true });
  };

  private constructor(port: number, home: string, bin: string) {
    this.port = port;
    this.#home = home;
    this.#bin = bin;
  }

  get dataDir(): string {
    return path.join(this.#home, 'data');
  }

  /** The superuser's URL for database `database`. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async start(): Promise<PrivatePostgres> {
    const bin = `/usr/lib/postgresql/${postgresVersion()}/bin`;
    // In the system temp folder, not under the caller's (0700) work folder the postgres user cannot reach.
    const home = mkdtempSync(path.join(tmpdir(), 'steward-pg-'));
    const server = new PrivatePostgres(await freePort(), home, bin);
    process.once('exit', server.#killOnExit);
    try {
      if (asRoot()) chownSync(home, ...postgresIds());
      await server.#as(path.join(bin, 'initdb'), [
        '-D',
        server.dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--no-locale',
        '--no-sync',
      ]);
      const conf = [
        "listen_addresses = '127.0.0.1'",
        `port = ${server.port}`,
        "unix_socket_directories = ''",
        'max_connections = 100',
        // A throw-away cluster: durability against power loss buys nothing here.
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
      ].join('\n');
      const confFile = path.join(server.dataDir, 'steward-private.conf');
      writeFileSync(confFile, `${conf}\n`);
      if (asRoot()) chownSync(confFile, ...postgresIds());
      writeFileSync(path.join(server.dataDir, 'postgresql.conf'), `\ninclude 'steward-private.conf'\n`, {
        flag: 'a',
      });
      await server.start();
      return server;
    } catch (error) {
      await server.dispose();
      throw error;
    }
  }

  /** Starts the cluster (again, on the same data and port) and waits until it takes queries. */
  async start(): Promise<void> {
    await this.#pgCtl(['start', '-w', '-t', '60', '-l', path.join(this.#home, 'postgres.log')]);
    this.#running = true;
    const probe = async (): Promise<true | undefined> => {
      const client = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 1_000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } catch {
        return undefined;
      } finally {
        await client.end().catch(() => undefined);
      }
    };
    await waitFor(probe, `PostgreSQL on port ${this.port}`, 30_000, 100);
  }

  /** An orderly stop (`pg_ctl stop -m fast`): sessions are terminated, the server goes away. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    await this.#pgCtl(['stop', '-m', 'fast', '-w', '-t', '60']);
    this.#running = false;
  }

  async createDatabase(name: string): Promise<string> {
    const client = new pg.Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`create database ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /** Stops the cluster and removes its folder. */
  async dispose(): Promise<void> {
    try {
      await this.stop();
    } catch {
      if (this.#running) await this.#pgCtl(['stop', '-m', 'immediate']).catch(() => undefined);
    }
    this.#running = false;
    process.removeListener('exit', this.#killOnExit);
    rmSync(this.#home, { recursive: true, force: true });
  }

  /** The server's log, for failure messages. */
  async log(): Promise<string> {
    return readFile(path.join(this.#home, 'postgres.log'), 'utf8').catch(() => '');
  }

  #pgCtl(args: readonly string[]): Promise<unknown> {
    return this.#as(path.join(this.#bin, 'pg_ctl'), ['-D', this.dataDir, ...args]);
  }

  #pgCtlSync(args: readonly string[]): void {
    const [command, commandArgs] = asPostgres(path.join(this.#bin, 'pg_ctl'), ['-D', this.dataDir, ...args]);
    execFileSync(command, commandArgs, { stdio: 'ignore', cwd: '/' });
  }

  async #as(binary: string, args: readonly string[]): Promise<void> {
    const [command, commandArgs] = asPostgres(binary, args);
    try {
      // cwd /: the caller's folder may be unreadable to the postgres user.
      await run(command, commandArgs, { cwd: '/' });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`${path.basename(binary)} ${args.join(' ')} failed:\n${stdout}${stderr}`, {
        cause: error,
      });
    }
  }
}

const asRoot = (): boolean => process.getuid?.() === 0;

function asPostgres(binary: string, args: readonly string[]): [string, string[]] {
  return asRoot() ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, [...args]];
}

function postgresIds(): [number, number] {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return [uid, gid];
}

function postgresVersion(): string {
  const env = readFileSync(path.join(repoRoot, 'services', 'stack', 'versions.env'), 'utf8');
  const match = /^POSTGRES_VERSION=(\d+)$/m.exec(env);
  if (!match?.[1]) throw new Error('POSTGRES_VERSION missing from services/stack/versions.env');
  return match[1];
}
