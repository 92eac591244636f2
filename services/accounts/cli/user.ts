import type { SiteModel } from '../../../config/load/model.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { SqlPool } from '../../runtime/connections/postgres.ts';
import { AccountError } from '../errors.ts';
import { ACCOUNT_ROLES, type AccountRole } from '../principal.ts';
import { AccountStore } from '../store.ts';

/**
 * `steward user add|password`: the accounts of a production deployment, which has no demo users.
 * The password comes on standard input (a pipe or a secrets file redirected in), never on the
 * command line, where `ps` and shell history would show it. Refusals exit 1 with their code.
 */
export interface UserCommandInput {
  readonly action: 'add' | 'password';
  readonly username: string;
  readonly role?: string;
  readonly vendorId?: string;
  readonly displayName?: string;
  /** Standard input as read; one trailing newline is not part of the password. */
  readonly stdin: string;
}

/** A usage problem found before any database work, or undefined. */
export function userUsageProblem(input: UserCommandInput, model: SiteModel): string | undefined {
  const password = passwordOf(input.stdin);
  if (password === '')
    return 'give the password on standard input, e.g. `steward user add … < password-file`';
  if (input.action === 'password') return undefined;
  if (!ACCOUNT_ROLES.includes(input.role as AccountRole))
    return `--role must be one of ${ACCOUNT_ROLES.join(', ')}; got ${input.role ?? 'nothing'}`;
  if ((input.role === 'vendor_user') !== (input.vendorId !== undefined))
    return '--vendor is required for a vendor_user and only for one';
  if (input.vendorId !== undefined && !model.vendors.has(input.vendorId))
    return `--vendor ${input.vendorId} is not a vendor of the configuration`;
  return undefined;
}

export async function userCommand(
  pool: SqlPool,
  clock: Clock,
  input: UserCommandInput,
  print: (line: string) => void,
): Promise<number> {
  const accounts = new AccountStore({ pool, clock });
  const password = passwordOf(input.stdin);
  try {
    if (input.action === 'add') {
      const account = await accounts.createUser({
        username: input.username,
        displayName: input.displayName ?? input.username,
        role: input.role as AccountRole,
        ...(input.vendorId === undefined ? {} : { vendorId: input.vendorId }),
        password,
      });
      print(
        `user ${account.username} added (${account.role}${input.vendorId ? `, vendor ${input.vendorId}` : ''})`,
      );
      return 0;
    }
    const account = await accounts.findUser(input.username);
    if (!account) throw new AccountError('not_found', `user ${input.username} does not exist`);
    await accounts.setPassword(account.id, password);
    print(`password of ${account.username} replaced; its sessions have ended`);
    return 0;
  } catch (error) {
    if (error instanceof AccountError) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

const passwordOf = (stdin: string): string => stdin.replace(/\r?\n$/, '');
