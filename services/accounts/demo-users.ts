import { createHmac } from 'node:crypto';
import type { SiteModel } from '../../config/load/model.ts';
import type { Component } from '../runtime/component.ts';
import type { Logger } from '../runtime/logger.ts';
import type { AccountRole } from './principal.ts';
import type { AccountStore } from './store.ts';

/**
 * Demo mode only: one user per role and one per sample vendor, with passwords derived from a
 * demo key (HMAC-SHA256 of the username, as the simulator's device passwords are derived), so
 * the README can list them and no plaintext password sits in the repository. Anyone who reads
 * this file can compute them: never seed these users outside a demo.
 */
export const DEMO_USER_KEY = 'steward-demo-users';

export const demoUserPassword = (username: string, key: string = DEMO_USER_KEY): string =>
  createHmac('sha256', key).update(`user:${username}`).digest('base64url').slice(0, 16);

export interface DemoUser {
  readonly username: string;
  readonly displayName: string;
  readonly role: AccountRole;
  readonly vendorId?: string;
  readonly password: string;
}

const STAFF: readonly Omit<DemoUser, 'password'>[] = [
  { username: 'operator', displayName: '监控中心值班员', role: 'operator' },
  { username: 'manager', displayName: '后勤管理人员', role: 'facilities_manager' },
  { username: 'admin', displayName: '系统管理员', role: 'administrator' },
  { username: 'auditor', displayName: '审计人员', role: 'auditor' },
];

/** The demo users of a configuration: the four staff accounts, then one per vendor (username = vendor id). */
export function demoUsers(model: Pick<SiteModel, 'vendors'>, key: string = DEMO_USER_KEY): DemoUser[] {
  const vendors = [...model.vendors.values()].map(
    (vendor): Omit<DemoUser, 'password'> => ({
      username: vendor.id,
      displayName: vendor.name['zh-CN'],
      role: 'vendor_user',
      vendorId: vendor.id,
    }),
  );
  return [...STAFF, ...vendors].map((user) => ({ ...user, password: demoUserPassword(user.username, key) }));
}

/**
 * Creates the demo users that do not exist yet and resets the password of those that do (and
 * lifts their lockout), keeping their sessions. Returns them with their passwords, to print.
 * Needs the registry synced first (vendor users reference `vendors`).
 */
export async function seedDemoUsers(
  store: AccountStore,
  model: Pick<SiteModel, 'vendors'>,
  key: string = DEMO_USER_KEY,
): Promise<DemoUser[]> {
  const users = demoUsers(model, key);
  for (const user of users) {
    const existing = await store.findUser(user.username);
    if (existing) {
      await store.setPassword(existing.id, user.password, { revokeSessions: false });
      if (existing.disabled) await store.setDisabled(existing.id, false);
      continue;
    }
    await store.createUser({
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      password: user.password,
      ...(user.vendorId === undefined ? {} : { vendorId: user.vendorId }),
    });
  }
  return users;
}

/** The lines the start command prints: username, role, vendor and password, aligned. */
export function formatDemoUsers(users: readonly DemoUser[]): string {
  const width = Math.max(...users.map((user) => user.username.length), 8);
  return [
    '  demo users (demo mode only; passwords derived from a public key, never use them elsewhere):',
    ...users.map(
      (user) =>
        `    ${user.username.padEnd(width)}  ${user.password}  ${user.role}${user.vendorId ? ` (${user.vendorId})` : ''}`,
    ),
  ].join('\n');
}

/**
 * Seeds the demo users at start (after the registry sync, which runs the migrations) and keeps
 * them for the start command to print. Add it to the components in demo mode only.
 */
export class DemoUserSeeder implements Component {
  readonly name = 'demo-users';
  readonly #store: AccountStore;
  readonly #model: Pick<SiteModel, 'vendors'>;
  readonly #logger: Logger;
  #users: readonly DemoUser[] = [];

  constructor(store: AccountStore, model: Pick<SiteModel, 'vendors'>, logger: Logger) {
    this.#store = store;
    this.#model = model;
    this.#logger = logger;
  }

  /** Empty until started. */
  get users(): readonly DemoUser[] {
    return this.#users;
  }

  async start(): Promise<void> {
    this.#users = await seedDemoUsers(this.#store, this.#model);
    this.#logger.info({ users: this.#users.map((user) => user.username) }, 'demo users seeded');
  }

  async stop(): Promise<void> {}
}
