import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv6 } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import type { Clock } from './clock.ts';
import type { Component, HealthCheck } from './component.ts';
import { healthReport } from './health.ts';
import type { Logger } from './logger.ts';
import type { TlsMaterial } from './tls.ts';

const OPS_ROUTES = new Set(['/health', '/metrics']);

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly role: string;
  readonly version: string;
  readonly configRevision: string;
  readonly checks: readonly HealthCheck[];
  readonly metrics: Registry;
  readonly logger: Logger;
  readonly clock: Clock;
  /** HTTPS with this certificate and key; plain HTTP when undefined. */
  readonly tls?: TlsMaterial | undefined;
  /** Set: `/metrics` needs it as a bearer token, and `/health` without it says only up or down. */
  readonly metricsToken?: string | undefined;
  /** `STEWARD_TRUST_PROXY`: proxies whose `X-Forwarded-For` gives `request.ip`; unset, none. */
  readonly trustProxy?: string | undefined;
}

/**
 * Fastify's `trustProxy` from the setting, as a function of the peer's address and its hop: a hop
 * count, or the proxies' addresses and CIDR ranges (checked with `net.BlockList`). Never "trust
 * everyone": any client could then write its own address into the header and step around the
 * login rate limits.
 */
export function trustProxyOption(setting: string | undefined): (address: string, hop: number) => boolean {
  if (setting === undefined) return () => false;
  if (/^\d+$/.test(setting)) {
    const hops = Number(setting);
    return (_address, hop) => hop < hops;
  }
  const proxies = new BlockList();
  for (const entry of setting.split(',').map((part) => part.trim())) {
    const [address = '', prefix] = entry.split('/');
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    try {
      if (prefix === undefined) proxies.addAddress(address, family);
      else proxies.addSubnet(address, Number(prefix), family);
    } catch {
      throw new Error(`STEWARD_TRUST_PROXY: ${entry} is not an IP address or CIDR range`);
    }
  }
  return (address) => {
    const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
    return proxies.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4');
  };
}

/** Whether `authorization` is `Bearer <token>`, compared in constant time (over digests, so any length). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  if (!match?.[1]) return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

/**
 * The process's one HTTP port: `GET /health` and `GET /metrics` for every role; the API role
 * adds its routes to the same instance, so `all` serves everything on one port.
 */
export class HttpServer implements Component {
  readonly name = 'http';
  readonly app: FastifyInstance;
  readonly #options: HttpServerOptions;
  readonly #startedAtMs: number;

  constructor(options: HttpServerOptions) {
    this.#options = options;
    this.#startedAtMs = options.clock.nowMs();
    const fastifyOptions = {
      trustProxy: trustProxyOption(options.trustProxy),
      loggerInstance: options.logger.child({ component: 'http' }) as FastifyBaseLogger,
      // Scrapes and probes every few seconds would drown the request log; other routes are logged.
      logController: new LogController({ disableRequestLogging: (request) => OPS_ROUTES.has(request.url) }),
    };
    // Fastify types an HTTPS instance apart; the routes, socket.io and `address()` use it the same way.
    this.app = options.tls
      ? (Fastify({
          ...fastifyOptions,
          https: { cert: options.tls.cert, key: options.tls.key },
        }) as unknown as FastifyInstance)
      : Fastify(fastifyOptions);
    const { checks } = options;
    new Gauge({
      name: 'steward_dependency_up',
      help: 'Whether a server this process depends on answers (1) or not (0), checked at scrape time',
      labelNames: ['dependency'],
      registers: [options.metrics],
      async collect() {
        const results = await Promise.all(checks.map(async (c) => [c.dependency, await c.check()] as const));
        for (const [dependency, health] of results) this.set({ dependency }, health.status === 'up' ? 1 : 0);
      },
    });
    const { metricsToken } = options;
    const authorized = (authorization: string | undefined): boolean =>
      metricsToken === undefined || bearerMatches(authorization, metricsToken);
    this.app.get('/health', async (request, reply) => {
      const report = await healthReport(checks, {
        role: options.role,
        version: options.version,
        configRevision: options.configRevision,
        startedAtMs: this.#startedAtMs,
        nowMs: options.clock.nowMs(),
      });
      // A load balancer's probe needs the code only; versions and dependencies are for operators.
      const body = authorized(request.headers.authorization) ? report : { status: report.status };
      return reply.code(report.status === 'up' ? 200 : 503).send(body);
    });
    this.app.get('/metrics', async (request, reply) => {
      if (!authorized(request.headers.authorization))
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({
            error: { code: 'metrics_token_required', message: 'GET /metrics needs the metrics bearer token' },
          });
      const body = await options.metrics.metrics();
      return reply.header('content-type', options.metrics.contentType).send(body);
    });
  }

  async start(): Promise<void> {
    await this.app.listen({ host: this.#options.host, port: this.#options.port });
  }

  async stop(): Promise<void> {
    await this.app.close();
  }

  /** `https` when the server was given a certificate, `http` otherwise. */
  get scheme(): 'http' | 'https' {
    return this.#options.tls ? 'https' : 'http';
  }

  /** The bound port (useful when started on port 0). */
  get port(): number {
    const address = this.app.server.address();
    return typeof address === 'object' && address ? address.port : this.#options.port;
  }
}
