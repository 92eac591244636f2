import type { PoolClient } from 'pg';
import { Value } from 'typebox/value';
import type { Clock } from '../runtime/clock.ts';
import { inTransaction, type SqlPool } from '../runtime/connections/postgres.ts';
import { AccountError } from './errors.ts';
import { activeLockUntil, afterFailure, DEFAULT_LOCKOUT, type LockoutPolicy } from './lockout.ts';
import {
  DecoyHash,
  hashPassword,
  needsRehash,
  PASSWORD_SCRYPT,
  passwordProblem,
  type ScryptParameters,
  verifyPassword,
} from './passwords.ts';
import type { Authenticator, Principal } from './principal.ts';
import { newSessionToken, sessionTokenHash } from './tokens.ts';
import {
  type Account,
  type AccountSummary,
  type LoginEvent,
  type LoginOutcome,
  type LoginResult,
  type NewSession,
  NewUserInput,
} from './types.ts';

/** A working shift and a half: a control-room operator logs in once per shift. */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60_000;

export interface AccountStoreOptions {
  readonly pool: SqlPool;
  /** Session start and expiry, lockout windows, login event times. */
  readonly clock: Clock;
  readonly sessionTtlMs?: number;
  readonly lockout?: LockoutPolicy;
  /** Only tests lower these (hashes stay verifiable whatever the current parameters are). */
  readonly scrypt?: ScryptParameters;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Account['role'];
  vendor_id: string | null;
  password_hash: string;
  failed_attempts: number;
  locked_until: Date | null;
  disabled: boolean;
  created_at: Date;
}

const toAccount = (row: UserRow): Account => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  role: row.role,
  vendorId: row.vendor_id,
  disabled: row.disabled,
  createdAtMs: row.created_at.getTime(),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Users, sessions and login attempts in PostgreSQL (`migrations/001_accounts.sql`), and the
 * `Authenticator` the HTTP routes and the live socket server check tokens with.
 */
export class AccountStore implements Authenticator {
  readonly #pool: SqlPool;
  readonly #clock: Clock;
  readonly #sessionTtlMs: number;
  readonly #lockout: LockoutPolicy;
  readonly #scrypt: ScryptParameters;
  readonly #decoy: DecoyHash;

  constructor(options: AccountStoreOptions) {
    this.#pool = options.pool;
    this.#clock = options.clock;
    this.#sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.#lockout = options.lockout ?? DEFAULT_LOCKOUT;
    this.#scrypt = options.scrypt ?? PASSWORD_SCRYPT;
    this.#decoy = new DecoyHash(this.#scrypt);
  }

  get sessionTtlMs(): number {
    return this.#sessionTtlMs;
  }

  // Users.

  /** A new user with its password; `username_taken` or `invalid_input` otherwise. */
  async createUser(input: NewUserInput): Promise<Account> {
    if (!Value.Check(NewUserInput, input)) throw invalidInput(NewUserInput, input);
    if ((input.role === 'vendor_user') !== (input.vendorId !== undefined)) {
      throw new AccountError('invalid_input', 'vendorId: required for a vendor user and only for one');
    }
    const problem = passwordProblem(input.password);
    if (problem) throw new AccountError('invalid_input', problem);
    const hash = await hashPassword(input.password, this.#scrypt);
    try {
      const { rows } = await this.#pool.query<UserRow>(
        `insert into users (username, display_name, role, vendor_id, password_hash, created_at)
         values ($1, $2, $3, $4, $5, $6) returning *`,
        [input.username, input.displayName, input.role, input.vendorId ?? null, hash, this.#clock.now()],
      );
      return toAccount(firstRow(rows));
    } catch (error) {
      throw fromPostgres(error, input);
    }
  }

  async getUser(userId: string): Promise<Account | undefined> {
    if (!UUID.test(userId)) return undefined;
    const { rows } = await this.#pool.query<UserRow>('select * from users where id = $1', [userId]);
    return rows[0] && toAccount(rows[0]);
  }

  async findUser(username: string): Promise<Account | undefined> {
    const row = await selectByUsername(this.#pool, username);
    return row && toAccount(row);
  }

  /**
   * Replaces the password and lifts any lockout. Every session of the user ends unless
   * `revokeSessions: false` (demo seeding keeps them).
   */
  async setPassword(
    userId: string,
    password: string,
    options: { revokeSessions?: boolean } = {},
  ): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new AccountError('invalid_input', problem);
    const hash = await hashPassword(password, this.#scrypt);
    await this.#transaction(async (client) => {
      const { rowCount } = await client.query(
        `update users set password_hash = $2, failed_attempts = 0, locked_until = null where id = $1`,
        [checkedId(userId), hash],
      );
      if (rowCount === 0) throw new AccountError('not_found', `user ${userId} does not exist`);
      if (options.revokeSessions !== false) await revokeAll(client, userId, this.#clock.now());
    });
  }

  /** A disabled user cannot log in, and its sessions end at once; how many sessions ended. */
  async setDisabled(userId: string, disabled: boolean): Promise<number> {
    return this.#transaction(async (client) => {
      const { rowCount } = await client.query('update users set disabled = $2 where id = $1', [
        checkedId(userId),
        disabled,
      ]);
      if (rowCount === 0) throw new AccountError('not_found', `user ${userId} does not exist`);
      return disabled ? revokeAll(client, userId, this.#clock.now()) : 0;
    });
  }

  /**
   * Every user (or a vendor's), by username, with its lock, last successful login and live
   * sessions: what an administrator reviews when a vendor's staff change or a contract ends.
   */
  async listUsers(filter: { vendorId?: string } = {}): Promise<AccountSummary[]> {
    const now = this.#clock.now();
    const { rows } = await this.#pool.query<UserRow & { last_login: Date | null; live_sessions: string }>(
      `select u.*,
         (select max(e.at) from login_events e where e.user_id = u.id and e.outcome = 'success') as last_login,
         (select count(*) from sessions s
           where s.user_id = u.id and s.revoked_at is null and s.expires_at > $2) as live_sessions
       from users u
       where $1::text is null or u.vendor_id = $1
       order by lower(u.username)`,
      [filter.vendorId ?? null, now],
    );
    return rows.map((row) => ({
      ...toAccount(row),
      lockedUntilMs: activeLockUntil(lockState(row), now.getTime()),
      lastLoginMs: row.last_login?.getTime() ?? null,
      liveSessions: Number(row.live_sessions),
    }));
  }

  // Logins.

  /**
   * Checks a username and password, applies the lockout (DEFAULT_LOCKOUT: 5 failures, then 15
   * minutes) and records the attempt in `login_events`. An unknown username costs the same scrypt
   * as a known one and answers the same `invalid_credentials`, as do disabled accounts.
   */
  async verifyLogin(attempt: { username: string; password: string; ip?: string }): Promise<LoginResult> {
    const { username, password } = attempt;
    const ip = attempt.ip ?? null;
    const user = await selectByUsername(this.#pool, username);
    if (!user) {
      await this.#decoy.verify(password);
      await this.#recordLogin(this.#pool, username, null, 'unknown_user', ip);
      return { ok: false, reason: 'invalid_credentials' };
    }
    const lockedUntil = activeLockUntil(lockState(user), this.#clock.nowMs());
    if (lockedUntil !== null) {
      await this.#recordLogin(this.#pool, username, user.id, 'locked', ip);
      return { ok: false, reason: 'locked', lockedUntilMs: lockedUntil };
    }
    // The slow part runs outside the transaction: no row lock is held for the length of a hash.
    const matches = await verifyPassword(password, user.password_hash);
    if (user.disabled) {
      await this.#recordLogin(this.#pool, username, user.id, 'disabled', ip);
      return { ok: false, reason: 'invalid_credentials' };
    }
    const result = await this.#transaction(async (client): Promise<LoginResult> => {
      const { rows } = await client.query<UserRow>('select * from users where id = $1 for update', [user.id]);
      const current = firstRow(rows);
      const nowMs = this.#clock.nowMs();
      // Another attempt may have locked the account while this one was hashing.
      const lockedMeanwhile = activeLockUntil(lockState(current), nowMs);
      if (lockedMeanwhile !== null) {
        await this.#recordLogin(client, username, user.id, 'locked', ip);
        return { ok: false, reason: 'locked', lockedUntilMs: lockedMeanwhile };
      }
      if (!matches) {
        const next = afterFailure(lockState(current), nowMs, this.#lockout);
        await client.query('update users set failed_attempts = $2, locked_until = $3 where id = $1', [
          user.id,
          next.failedAttempts,
          next.lockedUntilMs === null ? null : new Date(next.lockedUntilMs),
        ]);
        await this.#recordLogin(
          client,
          username,
          user.id,
          next.lockedNow ? 'locked_out' : 'bad_password',
          ip,
        );
        return next.lockedNow && next.lockedUntilMs !== null
          ? { ok: false, reason: 'locked', lockedUntilMs: next.lockedUntilMs }
          : { ok: false, reason: 'invalid_credentials' };
      }
      await client.query('update users set failed_attempts = 0, locked_until = null where id = $1', [
        user.id,
      ]);
      await this.#recordLogin(client, username, user.id, 'success', ip);
      return { ok: true, account: toAccount(current) };
    });
    if (result.ok && needsRehash(user.password_hash, this.#scrypt)) {
      const hash = await hashPassword(password, this.#scrypt);
      await this.#pool.query('update users set password_hash = $2 where id = $1 and password_hash = $3', [
        user.id,
        hash,
        user.password_hash,
      ]);
    }
    return result;
  }

  /** The newest login attempts of a username (case-insensitive), newest first. */
  async loginEvents(username: string, limit = 50): Promise<LoginEvent[]> {
    const { rows } = await this.#pool.query<{
      id: string;
      at: Date;
      username: string;
      user_id: string | null;
      outcome: LoginOutcome;
      ip: string | null;
    }>(`select * from login_events where lower(username) = lower($1) order by id desc limit $2`, [
      username,
      limit,
    ]);
    return rows.map((row) => ({
      id: row.id,
      atMs: row.at.getTime(),
      username: row.username,
      userId: row.user_id,
      outcome: row.outcome,
      ip: row.ip,
    }));
  }

  // Sessions.

  /**
   * Opens a session for a user (after `verifyLogin`, or directly in tests and tools). The token
   * is returned once and stored only as its SHA-256. `user_disabled` for a disabled user.
   */
  async createSession(userId: string, options: { ttlMs?: number } = {}): Promise<NewSession> {
    const user = await this.getUser(userId);
    if (!user) throw new AccountError('not_found', `user ${userId} does not exist`);
    if (user.disabled) throw new AccountError('user_disabled', `user ${user.username} is disabled`);
    const { token, hash } = newSessionToken();
    const createdAtMs = this.#clock.nowMs();
    const expiresAtMs = createdAtMs + (options.ttlMs ?? this.#sessionTtlMs);
    const { rows } = await this.#pool.query<{ id: string }>(
      `insert into sessions (user_id, token_hash, created_at, expires_at) values ($1, $2, $3, $4) returning id`,
      [userId, hash, new Date(createdAtMs), new Date(expiresAtMs)],
    );
    return { sessionId: firstRow(rows).id, userId, token, createdAtMs, expiresAtMs };
  }

  /** Ends one session (logout); false when it was already ended or never existed. */
  async revokeSession(sessionId: string): Promise<boolean> {
    if (!UUID.test(sessionId)) return false;
    const { rowCount } = await this.#pool.query(
      'update sessions set revoked_at = $2 where id = $1 and revoked_at is null',
      [sessionId, this.#clock.now()],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * Deletes sessions that ended (expired or revoked) more than `keepMs` ago; how many. The token
   * hashes of ended sessions serve nothing; who signed in when stays in `login_events`.
   */
  async pruneSessions(keepMs: number): Promise<number> {
    const before = new Date(this.#clock.nowMs() - keepMs);
    const { rowCount } = await this.#pool.query(
      'delete from sessions where expires_at < $1 or revoked_at < $1',
      [before],
    );
    return rowCount ?? 0;
  }

  /** Ends every session of a user; how many were live. */
  async revokeUserSessions(userId: string): Promise<number> {
    return revokeAll(this.#pool, checkedId(userId), this.#clock.now());
  }

  /** The principal of a live session (not expired by the clock, not revoked, user not disabled). */
  async authenticate(token: string): Promise<Principal | undefined> {
    const hash = sessionTokenHash(token);
    if (!hash) return undefined;
    const { rows } = await this.#pool.query<{
      session_id: string;
      user_id: string;
      username: string;
      role: Principal['role'];
      vendor_id: string | null;
    }>(
      `select s.id as session_id, u.id as user_id, u.username, u.role, u.vendor_id
       from sessions s join users u on u.id = s.user_id
       where s.token_hash = $1 and s.revoked_at is null and s.expires_at > $2 and not u.disabled`,
      [hash, this.#clock.now()],
    );
    const row = rows[0];
    if (!row) return undefined;
    const base = { userId: row.user_id, username: row.username, role: row.role, sessionId: row.session_id };
    return row.vendor_id === null ? base : { ...base, vendorId: row.vendor_id };
  }

  async #recordLogin(
    client: Pick<PoolClient, 'query'>,
    username: string,
    userId: string | null,
    outcome: LoginOutcome,
    ip: string | null,
  ): Promise<void> {
    await client.query(
      'insert into login_events (at, username, user_id, outcome, ip) values ($1, $2, $3, $4, $5)',
      [this.#clock.now(), username.slice(0, 200), userId, outcome, ip?.slice(0, 100) ?? null],
    );
  }

  #transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, work);
  }
}

const lockState = (row: UserRow) => ({
  failedAttempts: row.failed_attempts,
  lockedUntilMs: row.locked_until?.getTime() ?? null,
});

async function selectByUsername(
  client: Pick<PoolClient, 'query'>,
  username: string,
): Promise<UserRow | undefined> {
  // Longer names cannot exist (the column's check); don't send them to the server at all.
  if (username.length === 0 || username.length > 64) return undefined;
  const { rows } = await client.query<UserRow>('select * from users where lower(username) = lower($1)', [
    username,
  ]);
  return rows[0];
}

async function revokeAll(client: Pick<PoolClient, 'query'>, userId: string, now: Date): Promise<number> {
  const { rowCount } = await client.query(
    'update sessions set revoked_at = $2 where user_id = $1 and revoked_at is null',
    [userId, now],
  );
  return rowCount ?? 0;
}

function checkedId(userId: string): string {
  if (!UUID.test(userId)) throw new AccountError('not_found', `user ${userId} does not exist`);
  return userId;
}

function firstRow<T>(rows: readonly T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('the statement returned no row');
  return row;
}

function invalidInput(schema: typeof NewUserInput, value: unknown): AccountError {
  const first = [...Value.Errors(schema, value)][0] as
    | { instancePath?: string; message?: string }
    | undefined;
  const where = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : 'input';
  return new AccountError('invalid_input', `${where}: ${first?.message ?? 'is not valid'}`);
}

function fromPostgres(error: unknown, input: NewUserInput): unknown {
  const code = (error as { code?: string }).code;
  if (code === '23505')
    return new AccountError('username_taken', `username ${input.username} is taken`, { cause: error });
  if (code === '23503')
    return new AccountError('invalid_input', `vendorId: no vendor ${input.vendorId}`, { cause: error });
  if (code === '23514')
    return new AccountError('invalid_input', 'user: breaks a constraint', { cause: error });
  return error;
}
