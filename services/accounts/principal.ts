/**
 * Who is calling the API or holds a socket.io connection, once authenticated. The contract
 * between accounts (which issue and verify sessions) and everything that checks roles: the HTTP
 * routes and the live socket server. Kept free of I/O so both import it without cycles.
 */

/** 控制室值班员, 维保单位用户, 后勤管理人员, 系统管理员, 审计 (read-only). */
export const ACCOUNT_ROLES = [
  'operator',
  'vendor_user',
  'facilities_manager',
  'administrator',
  'auditor',
] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly role: AccountRole;
  /** Set for vendor users only: the one vendor whose orders they see. */
  readonly vendorId?: string;
  /** The session this principal was authenticated by (to log it out). */
  readonly sessionId: string;
}

/** Verifies a session token (cookie or bearer); undefined when unknown, expired or logged out. */
export interface Authenticator {
  authenticate(token: string): Promise<Principal | undefined>;
}

/** The http-only cookie a login sets; the API and the live socket server both read it. */
export const SESSION_COOKIE = 'steward_session';
