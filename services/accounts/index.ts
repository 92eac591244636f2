export {
  DEMO_USER_KEY,
  type DemoUser,
  DemoUserSeeder,
  demoUserPassword,
  demoUsers,
  formatDemoUsers,
  seedDemoUsers,
} from './demo-users.ts';
export { ACCOUNT_ERROR_CODES, AccountError, type AccountErrorCode } from './errors.ts';
export {
  activeLockUntil,
  afterFailure,
  afterSuccess,
  DEFAULT_LOCKOUT,
  type LockoutPolicy,
  type LockState,
} from './lockout.ts';
export { ACCOUNTS_MIGRATIONS } from './migration-source.ts';
export {
  hashPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_SCRYPT,
  passwordProblem,
  type ScryptParameters,
  verifyPassword,
} from './passwords.ts';
export { ACCOUNT_ROLES, type AccountRole, type Authenticator, type Principal } from './principal.ts';
export { AccountStore, type AccountStoreOptions, DEFAULT_SESSION_TTL_MS } from './store.ts';
export * from './types.ts';
