import type { FastifyRequest } from 'fastify';
import {
  ACCOUNT_ROLES,
  type AccountRole,
  type Authenticator,
  type Principal,
  SESSION_COOKIE,
} from '../accounts/principal.ts';
import type { Actor } from '../workorders/domain/index.ts';
import { ApiError, forbidden, unauthenticated } from './errors.ts';

/**
 * Who may call a route: `public` (login, nothing else under /api), or the account roles that may.
 * Every /api route declares it in `config.access`; a route without one refuses to register, so
 * a route can never be open by omission. The vendor scope (a vendor user only sees its vendor's
 * orders, anything else is `not_found`) is enforced below the route, by the services.
 */
export type RouteAccess = 'public' | { readonly roles: readonly AccountRole[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Set by the access hook for every route that is not public. */
    principal?: Principal;
  }
}

export const ANY_ROLE: RouteAccess = { roles: ACCOUNT_ROLES };
export const roles = (...allowed: AccountRole[]): RouteAccess => ({ roles: allowed });

export { SESSION_COOKIE } from '../accounts/principal.ts';

/** The session token of a request: `Authorization: Bearer <token>` first, else the session cookie. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie === undefined || cookie === '' ? undefined : cookie;
}

/**
 * The `onRequest` check of every /api route: 401 without a live session, 403 when the role is not
 * among the route's. It runs before body parsing and validation, so an anonymous caller learns
 * nothing about a route's inputs.
 */
export function accessHook(authenticator: Authenticator) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    if (access === undefined) throw new ApiError(500, 'internal', 'route without an access rule');
    if (access === 'public') return;
    const token = presentedToken(request);
    const principal = token === undefined ? undefined : await authenticator.authenticate(token);
    if (!principal) throw unauthenticated();
    request.principal = principal;
    if (!access.roles.includes(principal.role)) throw forbidden();
  };
}

/** The authenticated principal of a non-public route (the access hook has set it). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated();
  return request.principal;
}

/**
 * The domain actor a person acts as. The domain records `userId` in transitions and notes: it is
 * the username (unique, never reused, readable in histories without a join). An auditor never
 * acts; a vendor user without a vendor cannot exist (the users table refuses it) and is refused.
 */
export function actingActor(principal: Principal): Actor {
  const userId = principal.username;
  switch (principal.role) {
    case 'vendor_user':
      if (principal.vendorId === undefined) throw forbidden('a vendor user must be bound to a vendor');
      return { role: 'vendor_user', userId, vendorId: principal.vendorId };
    case 'operator':
    case 'facilities_manager':
    case 'administrator':
      return { role: principal.role, userId };
    case 'auditor':
      throw forbidden('auditors read, they never act');
  }
}

/**
 * The actor whose view a read is computed for. Reads differ only by the vendor scope, so an
 * auditor reads as the domain's administrator does: everything, and no write is ever taken with
 * this actor (write routes use `actingActor`, and auditors are not among their roles).
 */
export function readingActor(principal: Principal): Actor {
  if (principal.role === 'auditor') return { role: 'administrator', userId: principal.username };
  return actingActor(principal);
}
