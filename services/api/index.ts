export {
  ANY_ROLE,
  actingActor,
  presentedToken,
  principalOf,
  type RouteAccess,
  readingActor,
  roles,
  SESSION_COOKIE,
} from './access.ts';
export { DASHBOARD_PAGES, DASHBOARDS_DIST, registerDashboards } from './dashboards.ts';
export { ApiError, type ApiErrorCode, ErrorBody, toApiError } from './errors.ts';
export { DEFAULT_RATE_LIMITS, type Limit, type RateLimits } from './rate-limits.ts';
export { API_PREFIX, type ApiDeps, DOCS_PREFIX, registerApi } from './register.ts';
export { type ApiEnergy, energyRoutes } from './routes/energy.ts';
export { type ApiScoring, type ScoringRouteDeps, scoringApiError, scoringRoutes } from './routes/scoring.ts';
export { type SiteRouteDeps, stepFor } from './routes/site.ts';
export { rolesFor } from './routes/workorders.ts';
export { readIngestHealth, type TelemetryReader, VictoriaTelemetry } from './telemetry.ts';
