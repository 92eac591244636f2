import type { SiteModel } from '../../../config/load/model.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { SqlPool } from '../../runtime/connections/postgres.ts';
import { AccountError } from '../errors.ts';
import { ACCOUNT_ROLES, type AccountRole } from '../principal.ts';
import { AccountStore } from '../store.ts';
import type { AccountSummary } from '../types.ts';

/**
 * `steward user add|password|disable|enable|list`: the accounts of a production deployment, which
 * has no demo users. The password comes on standard input (a pipe or a secrets file redirected
 * in), never on the command line, where `ps` and shell history would show it. Disabling is how
 * someone leaves (a vendor's staff member, or all of a vendor's users when its contract ends):
 * the account stays, with its login history and what it did, but cannot sign in, and its
 * sessions end at once. Refusals exit 1 with their code.
 */
export const USER_ACTIONS = ['add', 'password', 'disable', 'enable', 'list'] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

export interface UserCommandInput {
  readonly action: UserAction;
  /** Every action but `list`. */
  readonly username?: string;
  readonly role?: string;
  readonly vendorId?: string;
  readonly displayName?: string;
  /** `add` and `password`: standard input as read; one trailing newline is not part of the password. */
  readonly stdin?: string;
}

/** The live dashboards of a disabled user close at their next session check (live-server.ts). */
const LIVE_SESSION_CHECK_S = 60;

/** A usage problem found before any database work, or undefined. */
export function userUsageProblem(input: UserCommandInput, model: SiteModel): string | undefined {
  if (input.vendorId !== undefined && !model.vendors.has(input.vendorId))
    return `--vendor ${input.vendorId} is not a vendor of the configuration`;
  if (input.action === 'list') return undefined;
  if (input.action === 'disable' || input.action === 'enable') return undefined;
  if (passwordOf(input.stdin) === '')
    return 'give the password on standard input, e.g. `steward user add … < password-file`';
  if (input.action === 'password') return undefined;
  if (!ACCOUNT_ROLES.includes(input.role as AccountRole))
    return `--role must be one of ${ACCOUNT_ROLES.join(', ')}; got ${input.role ?? 'nothing'}`;
  if ((input.role === 'vendor_user') !== (input.vendorId !== undefined))
    return '--vendor is required for a vendor_user and only for one';
  return undefined;
}

export async function userCommand(
  pool: SqlPool,
  clock: Clock,
  input: UserCommandInput,
  print: (line: string) => void,
): Promise<number> {
  const accounts = new AccountStore({ pool, clock });
  try {
    if (input.action === 'list') {
      listUsers(
        await accounts.listUsers(input.vendorId === undefined ? {} : { vendorId: input.vendorId }),
        print,
      );
      return 0;
    }
    if (input.action === 'add') {
      const account = await accounts.createUser({
        username: input.username as string,
        displayName: input.displayName ?? (input.username as string),
        role: input.role as AccountRole,
        ...(input.vendorId === undefined ? {} : { vendorId: input.vendorId }),
        password: passwordOf(input.stdin),
      });
      print(
        `user ${account.username} added (${account.role}${input.vendorId ? `, vendor ${input.vendorId}` : ''})`,
      );
      return 0;
    }
    const account = await accounts.findUser(input.username as string);
    if (!account) throw new AccountError('not_found', `user ${input.username} does not exist`);
    if (input.action === 'password') {
      await accounts.setPassword(account.id, passwordOf(input.stdin));
      print(`password of ${account.username} replaced; its sessions have ended`);
    } else if (input.action === 'disable') {
      const ended = await accounts.setDisabled(account.id, true);
      print(
        `user ${account.username} disabled: it cannot sign in; ${ended} session(s) ended, ` +
          `and its open dashboards close within ${LIVE_SESSION_CHECK_S} s`,
      );
    } else {
      await accounts.setDisabled(account.id, false);
      print(`user ${account.username} enabled: it can sign in again`);
    }
    return 0;
  } catch (error) {
    if (error instanceof AccountError) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function listUsers(users: readonly AccountSummary[], print: (line: string) => void): void {
  if (users.length === 0) {
    print('no users');
    return;
  }
  const minute = (ms: number | null) => (ms === null ? '-' : `${new Date(ms).toISOString().slice(0, 16)}Z`);
  print(
    [
      'username'.padEnd(24),
      'role'.padEnd(18),
      'vendor'.padEnd(20),
      'status'.padEnd(28),
      'sessions',
      'last login (UTC)',
    ].join(' '),
  );
  for (const user of users) {
    const status = user.disabled
      ? 'disabled'
      : user.lockedUntilMs !== null
        ? `locked until ${minute(user.lockedUntilMs)}`
        : 'active';
    print(
      [
        user.username.padEnd(24),
        user.role.padEnd(18),
        (user.vendorId ?? '-').padEnd(20),
        status.padEnd(28),
        String(user.liveSessions).padEnd(8),
        minute(user.lastLoginMs),
      ].join(' '),
    );
  }
}

const passwordOf = (stdin: string | undefined): string => (stdin ?? '').replace(/\r?\n$/, '');
