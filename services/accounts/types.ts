import Type, { type Static } from 'typebox';
import { Id } from '../../config/schema/common.ts';
import { ACCOUNT_ROLES, type AccountRole } from './principal.ts';

/** Letters, digits and `._@-`, up to 64; a vendor user's username may be its vendor id. */
export const Username = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$' });

export const DisplayName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });

/** What `createUser` takes. `vendorId` is required for a vendor user and refused for anyone else. */
export const NewUserInput = Type.Object(
  {
    username: Username,
    displayName: DisplayName,
    role: Type.Enum(ACCOUNT_ROLES),
    vendorId: Type.Optional(Id),
    password: Type.String(),
  },
  { additionalProperties: false },
);
export type NewUserInput = Static<typeof NewUserInput>;

/** A user as the rest of the system sees it: never the password hash. */
export interface Account {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: AccountRole;
  /** The vendor a vendor user is bound to; null for everyone else. */
  readonly vendorId: string | null;
  readonly disabled: boolean;
  readonly createdAtMs: number;
}

/** A user as `steward user list` shows it: the account, its lock and its last sign-in. */
export interface AccountSummary extends Account {
  /** A lock still in force (too many wrong passwords), or null. */
  readonly lockedUntilMs: number | null;
  /** The last successful login, or null for never. */
  readonly lastLoginMs: number | null;
  /** Sessions neither expired nor revoked. */
  readonly liveSessions: number;
}

/** A session just opened: the token is only ever available here. */
export interface NewSession {
  readonly sessionId: string;
  readonly userId: string;
  /** 43 characters of base64url; send as the cookie or `Authorization: Bearer <token>`. */
  readonly token: string;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
}

/**
 * What a login attempt came to. `invalid_credentials` covers unknown usernames, wrong passwords
 * and disabled accounts alike; only a lock is told apart, with when to try again.
 */
export type LoginResult =
  | { readonly ok: true; readonly account: Account }
  | { readonly ok: false; readonly reason: 'invalid_credentials' }
  | { readonly ok: false; readonly reason: 'locked'; readonly lockedUntilMs: number };

/** The outcomes recorded in `login_events`. */
export const LOGIN_OUTCOMES = [
  'success',
  'bad_password',
  /** A wrong password that started a lock. */
  'locked_out',
  /** Refused because the account was locked (the password was not checked). */
  'locked',
  'unknown_user',
  'disabled',
] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];

export interface LoginEvent {
  readonly id: string;
  readonly atMs: number;
  readonly username: string;
  readonly userId: string | null;
  readonly outcome: LoginOutcome;
  readonly ip: string | null;
}
