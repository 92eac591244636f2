import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { ApiError } from './errors.ts';

export interface Limit {
  readonly max: number;
  readonly windowMs: number;
}

/**
 * Per IP and per username on login (the account lockout stops guessing one password; these stop
 * spraying many accounts from one address and hammering one account from many), and per user on
 * every write. Reads are not limited: the dashboards poll them and they change nothing.
 */
export interface RateLimits {
  readonly loginPerIp: Limit;
  readonly loginPerUsername: Limit;
  readonly writesPerUser: Limit;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  // A control room behind one NAT address logs in a shift at a time: a few dozen a minute.
  loginPerIp: { max: 30, windowMs: 60_000 },
  loginPerUsername: { max: 10, windowMs: 60_000 },
  // Far above what a person clicks; a runaway script stops here.
  writesPerUser: { max: 120, windowMs: 60_000 },
};

export interface RateLimitStoreOptions {
  /**
   * Counters in Redis, shared by every API process (several behind a load balancer). Without it
   * they are per process, in memory.
   */
  readonly redis?: Redis;
  /** Key prefix in Redis, e.g. `<STEWARD_REDIS_PREFIX>:ratelimit:`. */
  readonly nameSpace: string;
}

export type Limiter = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface Limiters {
  readonly loginPerIp: Limiter;
  readonly loginPerUsername: Limiter;
  readonly write: Limiter;
}

/**
 * Registers @fastify/rate-limit in `scope` (not globally: each limit is applied where it is
 * meant) and returns the three limiters, which answer 429 `rate_limited` with `retry-after`.
 * Redis trouble lets requests through (`skipOnError`): the lockout in PostgreSQL still holds.
 */
export async function registerRateLimits(
  scope: FastifyInstance,
  limits: RateLimits,
  store: RateLimitStoreOptions,
): Promise<Limiters> {
  await scope.register(rateLimit, {
    global: false,
    skipOnError: true,
    nameSpace: store.nameSpace,
    ...(store.redis ? { redis: store.redis } : {}),
  });
  const limiter = (limit: Limit, key: (request: FastifyRequest) => string): Limiter => {
    const check = scope.createRateLimit({ max: limit.max, timeWindow: limit.windowMs, keyGenerator: key });
    return async (request, reply) => {
      const result = await check(request);
      if (result.isAllowed || !result.isExceeded) return;
      void reply.header('retry-after', String(result.ttlInSeconds));
      throw new ApiError(429, 'rate_limited', `too many requests; retry in ${result.ttlInSeconds} s`, {
        retryAfterS: result.ttlInSeconds,
      });
    };
  };
  return {
    loginPerIp: limiter(limits.loginPerIp, (request) => `login-ip:${request.ip}`),
    // Called in the login handler, after the body has been parsed and validated.
    loginPerUsername: limiter(limits.loginPerUsername, (request) => `login-user:${usernameOf(request)}`),
    write: limiter(limits.writesPerUser, (request) => `write:${request.principal?.userId ?? request.ip}`),
  };
}

function usernameOf(request: FastifyRequest): string {
  const body = request.body as { username?: unknown } | undefined;
  return typeof body?.username === 'string' ? body.username.toLowerCase() : '';
}
