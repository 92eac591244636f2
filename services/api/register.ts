import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyPluginAsync, RouteOptions } from 'fastify';
import type { Redis } from 'ioredis';
import type { ReportRenderer } from '../reports/index.ts';
import type { Clock } from '../runtime/clock.ts';
import type { WorkOrderService } from '../workorders/index.ts';
import { accessHook, SESSION_COOKIE } from './access.ts';
import { ApiError, errorBody, handleApiError } from './errors.ts';
import { DEFAULT_RATE_LIMITS, type RateLimits, registerRateLimits } from './rate-limits.ts';
import { authRoutes } from './routes/auth.ts';
import type { ApiAccounts, ApiContext, ApiIncidents } from './routes/context.ts';
import { type ApiEnergy, type ApiEnergyRecords, energyRoutes } from './routes/energy.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { type ApiScoring, scoringRoutes } from './routes/scoring.ts';
import { type SiteRouteDeps, siteRoutes } from './routes/site.ts';
import { workOrderRoutes } from './routes/workorders.ts';

export interface ApiDeps {
  readonly accounts: ApiAccounts;
  readonly workOrders: WorkOrderService;
  readonly incidents: ApiIncidents;
  readonly clock: Clock;
  /** The registry, the time-series store and the gateways' health records the dashboards draw. */
  readonly site: SiteRouteDeps;
  /** Consumption, baselines and contract savings (services/energy). */
  readonly energy: ApiEnergy;
  /** Frozen baselines' and non-routine adjustments' records (append-only). */
  readonly energyRecords: ApiEnergyRecords;
  /** Vendor evaluation: manual inputs, scorecards, appeals, bulletins, evaluations (services/scoring). */
  readonly scoring: ApiScoring;
  /** Renders report documents to PDF (the CJK font is read on first use). */
  readonly reports: ReportRenderer;
  /** Rate-limit counters shared by all API processes; per process in memory without it. */
  readonly redis?: Redis;
  /** Prefix of the rate-limit keys in Redis (the process's STEWARD_REDIS_PREFIX). */
  readonly redisPrefix?: string;
  readonly rateLimits?: Partial<RateLimits>;
  /** `Secure` on the session cookie: always, never, or (default) when the request came over HTTPS. */
  readonly secureCookie?: boolean | 'auto';
  /** Shown in the OpenAPI document. */
  readonly version?: string;
  /** Told when a session ends by logout, so live connections opened with it close too. */
  readonly onSessionEnded?: (sessionId: string) => void;
}

/** Every route under this prefix declares its access; the docs live beside it. */
export const API_PREFIX = '/api';
export const DOCS_PREFIX = '/docs';

/**
 * Adds the API to the process's fastify instance, in a scope of its own so the health and
 * metrics routes, the gateway's and the simulator's stay as they are: cookies, rate limits, the
 * TypeBox validator (query strings converted, unknown fields refused), the one error shape, the
 * OpenAPI document at /docs/json with its UI at /docs, and the routes under /api, each checked
 * for role (401/403) before its input is even parsed. Registration is lazy (fastify loads the
 * plugins at `ready`/`listen`): no I/O happens here.
 */
export function registerApi(app: FastifyInstance, deps: ApiDeps): void {
  void app.register(apiScope(deps));
}

/** The encapsulated scope: plugins first, then the routes in a child scope under /api. */
function apiScope(deps: ApiDeps): FastifyPluginAsync {
  return async (outer) => {
    const scope = outer.withTypeProvider<TypeBoxTypeProvider>();
    scope.setValidatorCompiler(TypeBoxValidatorCompiler);
    scope.setErrorHandler(handleApiError);
    await scope.register(cookie);
    const limiters = await registerRateLimits(
      scope,
      { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits },
      {
        nameSpace: `${deps.redisPrefix ?? 'steward'}:ratelimit:`,
        ...(deps.redis ? { redis: deps.redis } : {}),
      },
    );
    await scope.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'steward API',
          description:
            'Work orders, incidents and accounts of the facilities office platform. Errors: `{ error: { code, message, details? } }` with stable codes.',
          version: deps.version ?? '0.0.0',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/auth/login' },
            cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          },
        },
      },
    });
    await scope.register(swaggerUi, { routePrefix: DOCS_PREFIX });

    const context: ApiContext = {
      accounts: deps.accounts,
      workOrders: deps.workOrders,
      incidents: deps.incidents,
      clock: deps.clock,
      limiters,
      secureCookie: deps.secureCookie ?? 'auto',
      ...(deps.onSessionEnded ? { onSessionEnded: deps.onSessionEnded } : {}),
    };
    await scope.register(routesScope(deps, context), { prefix: API_PREFIX });
  };
}

function routesScope(deps: ApiDeps, context: ApiContext): FastifyPluginAsync {
  return async (plain) => {
    const api = plain.withTypeProvider<TypeBoxTypeProvider>();
    api.addHook('onRoute', declareAccess);
    api.addHook('onRequest', accessHook(deps.accounts));
    api.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .send(
          errorBody(
            new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
          ),
        ),
    );
    authRoutes(api, context);
    workOrderRoutes(api, context);
    incidentRoutes(api, context);
    siteRoutes(api, deps.site, () => deps.clock.nowMs());
    energyRoutes(api, {
      model: deps.site.model,
      energy: deps.energy,
      records: deps.energyRecords,
      reports: deps.reports,
      clock: deps.clock,
      limiters: context.limiters,
    });
    scoringRoutes(api, {
      model: deps.site.model,
      scoring: deps.scoring,
      reports: deps.reports,
      clock: deps.clock,
      limiters: context.limiters,
    });
  };
}

/**
 * Refuses a route without an access rule (a route is never open by omission) and writes the rule
 * into its OpenAPI entry: the security schemes, and the roles in the description.
 */
function declareAccess(route: RouteOptions): void {
  const access = route.config?.access;
  if (access === undefined) throw new Error(`${String(route.method)} ${route.url} declares no access rule`);
  route.schema ??= {};
  const schema = route.schema as Record<string, unknown>;
  if (access === 'public') {
    schema.security = [];
    return;
  }
  schema.security = [{ bearer: [] }, { cookie: [] }];
  const who = `Roles: ${access.roles.join(', ')}.`;
  const described = typeof schema.description === 'string' ? schema.description : '';
  // The HEAD route fastify adds for a GET shares its schema object: write the roles once.
  if (!described.includes(who)) schema.description = described ? `${described}\n\n${who}` : who;
  schema['x-roles'] = access.roles;
}
