import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError, errorBody } from './errors.ts';

/** Where `npm run build:dashboards` puts the built dashboards. */
export const DASHBOARDS_DIST = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dashboards',
  'dist',
);

/** The dashboards' own paths: each answers index.html, and the app routes in the browser. */
export const DASHBOARD_PAGES = [
  '/',
  '/login',
  '/control',
  '/vendor',
  '/manager',
  '/energy',
  '/scores',
  '/scores/:contractId/:month',
  '/my-scores',
  '/orders/:orderId',
] as const;

/**
 * Same-origin only: scripts, styles and the live socket from this server, nothing inline, no
 * framing. ECharts draws on a canvas and sets styles through the CSSOM, which CSP allows.
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

/**
 * Serves the built dashboards: hashed assets under /assets (cached for a year) and index.html
 * for every dashboard page. Without a build, the pages answer 503 `dashboards_not_built` with
 * the command that builds them, and the API goes on working.
 */
export function registerDashboards(app: FastifyInstance, dist: string = DASHBOARDS_DIST): void {
  const built = existsSync(path.join(dist, 'index.html'));
  if (built) {
    void app.register(fastifyStatic, {
      root: path.join(dist, 'assets'),
      prefix: '/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
      wildcard: true,
    });
  }
  const page = async (_request: unknown, reply: FastifyReply) => {
    if (!built) {
      return reply
        .code(503)
        .send(
          errorBody(
            new ApiError(
              503,
              'dashboards_not_built',
              'the dashboards are not built: run `npm run build:dashboards` (npm run demo does it)',
            ),
          ),
        );
    }
    return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').sendFile('index.html', dist);
  };
  for (const url of DASHBOARD_PAGES) app.get(url, page);
}
