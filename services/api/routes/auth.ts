import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Account } from '../../accounts/index.ts';
import { ANY_ROLE, principalOf, SESSION_COOKIE } from '../access.ts';
import { ApiError, ErrorBody, unauthenticated } from '../errors.ts';
import { LoginBody, LoginReply, Me } from '../schemas.ts';
import type { ApiContext, ApiScope } from './context.ts';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };

/** `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/me`. */
export function authRoutes(api: ApiScope, context: ApiContext): void {
  const { accounts, limiters, clock } = context;

  api.post(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in: the session as an http-only cookie and as a bearer token',
        description:
          'Wrong username or password: 401 `invalid_credentials` (the same for unknown users). Five failures lock the account for 15 minutes: 423 `account_locked` with `retry-after`. Rate limited per address and per username: 429 `rate_limited`.',
        body: LoginBody,
        response: { 200: LoginReply, ...errors },
      },
    },
    async (request, reply) => {
      await limiters.loginPerIp(request, reply);
      await limiters.loginPerUsername(request, reply);
      const { username, password } = request.body;
      const result = await accounts.verifyLogin({ username, password, ip: request.ip });
      if (!result.ok) {
        if (result.reason === 'locked') {
          const retryAfterS = Math.max(1, Math.ceil((result.lockedUntilMs - clock.nowMs()) / 1000));
          reply.header('retry-after', String(retryAfterS));
          request.log.warn({ username }, 'login refused: account locked');
          throw new ApiError(423, 'account_locked', 'too many failed logins; the account is locked for now', {
            retryAfterS,
            lockedUntilMs: result.lockedUntilMs,
          });
        }
        request.log.info({ username }, 'login refused');
        throw new ApiError(401, 'invalid_credentials', 'wrong username or password');
      }
      const session = await accounts.createSession(result.account.id);
      setSessionCookie(request, reply, context, session.token, session.expiresAtMs - session.createdAtMs);
      request.log.info({ username: result.account.username, sessionId: session.sessionId }, 'login');
      return { token: session.token, expiresAtMs: session.expiresAtMs, user: me(result.account) };
    },
  );

  api.post(
    '/auth/logout',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['auth'],
        summary: 'End the session the request was authenticated with',
        response: { 204: Type.Null({ description: 'Signed out; the cookie is cleared' }), ...errors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await accounts.revokeSession(principal.sessionId);
      context.onSessionEnded?.(principal.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      request.log.info({ username: principal.username, sessionId: principal.sessionId }, 'logout');
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/me',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['auth'],
        summary: 'Who the session belongs to: role and, for a vendor user, the vendor',
        response: { 200: Me, ...errors },
      },
    },
    async (request) => {
      const account = await accounts.getUser(principalOf(request).userId);
      if (!account) throw unauthenticated();
      return me(account);
    },
  );
}

const me = (account: Account) => ({
  userId: account.id,
  username: account.username,
  displayName: account.displayName,
  role: account.role,
  vendorId: account.vendorId,
});

/**
 * http-only (no script reads it), SameSite=Strict (no other site's page sends it: the CSRF
 * defence for cookie-authenticated writes), Secure when the request came over HTTPS unless
 * configured otherwise.
 */
function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  context: ApiContext,
  token: string,
  ttlMs: number,
): void {
  const secure = context.secureCookie === 'auto' ? request.protocol === 'https' : context.secureCookie;
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: Math.floor(ttlMs / 1000),
  });
}
