import {
  AttributeIds,
  type ClientSession,
  type OPCUACertificateManager,
  OPCUAClient,
  type UserIdentityInfo,
  VariableIds,
} from 'node-opcua';
import type { Registry } from 'prom-client';
import { type Clock, systemClock } from '../../../services/runtime/clock.ts';
import type { Component } from '../../../services/runtime/component.ts';
import type { Logger } from '../../../services/runtime/logger.ts';
import type { RawValue } from '../../ingest/reading.ts';
import { abortableDelay, within } from './bounded-wait.ts';
import {
  type OpcuaIdentity,
  type OpcuaReconnectTuning,
  type OpcuaSubscriptionTuning,
  type OpcuaTrust,
  RECONNECT_DEFAULTS,
  type ResolvedSubscriptionTuning,
  resolveSubscriptionTuning,
} from './endpoint-options.ts';
import {
  classifyFailure,
  failureHint,
  messageOf,
  type OpcuaFailureCode,
  OpcuaSourceError,
} from './errors.ts';
import { type OpcuaEndpointMetrics, opcuaEndpointMetrics } from './metrics.ts';
import { MonitoredSubscription } from './monitored-subscription.ts';
import {
  openCertificateManager,
  type SecurityModeName,
  type SecurityPolicyName,
  securitySettings,
  userIdentity,
} from './security.ts';
import { readServerLimits } from './server-limits.ts';
import {
  collectNodes,
  type MonitoredNode,
  type PointBinding,
  planSubscriptions,
} from './subscription-plan.ts';

export interface OpcuaEndpointRef {
  readonly id: string;
  readonly url: string;
  readonly securityMode: SecurityModeName;
  readonly securityPolicy: SecurityPolicyName;
}

export interface OpcuaSourceOptions {
  readonly endpoint: OpcuaEndpointRef;
  readonly identity: OpcuaIdentity;
  readonly trust: OpcuaTrust;
  readonly points: readonly PointBinding[];
  readonly subscription?: OpcuaSubscriptionTuning;
  readonly reconnect?: OpcuaReconnectTuning;
  /** Called with every batch of values, one batch per publish response of a subscription. */
  readonly onValues: (values: RawValue[]) => void;
  readonly logger: Logger;
  readonly metrics?: Registry;
  readonly clock?: Clock;
  /** Longest stop(); past it the connection is dropped without goodbyes. Default 5 000 ms. */
  readonly stopTimeoutMs?: number;
  /** Names the gateway to servers and in its application certificate. */
  readonly applicationName?: string;
}

export interface OpcuaSourceStats {
  /** A session is active and its subscriptions are created. */
  readonly connected: boolean;
  readonly subscriptions: number;
  /** Items the server accepted and reports on. */
  readonly monitoredItems: number;
  /** Items the server refused (unknown node, not readable …). */
  readonly failedItems: number;
  /** Points whose node id could not be parsed; they are never monitored. */
  readonly invalidPoints: number;
  /** Times the endpoint came back after its connection or session was lost. */
  readonly reconnections: number;
  /** Subscriptions rebuilt because the server lost them while the session lived. */
  readonly subscriptionRebuilds: number;
  readonly valuesReceived: number;
  readonly lastError?: { readonly code: OpcuaFailureCode; readonly message: string; readonly atMs: number };
}

const DEFAULT_APPLICATION_NAME = 'FacilityStewardGateway';
/** How long node-opcua may try to repair a lost connection before the client is replaced. */
const REPAIR_BOUND_MS = 120_000;
const SERVER_STATE_NODE = `ns=0;i=${VariableIds.Server_ServerStatus_State}`;

/** A read of the server's state: the cheapest proof that a session still works. */
async function sessionAnswers(session: ClientSession): Promise<boolean> {
  try {
    const dataValue = await session.read({ nodeId: SERVER_STATE_NODE, attributeId: AttributeIds.Value });
    return !dataValue.statusCode.isBad();
  } catch {
    return false;
  }
}

/**
 * Reads one OPC UA endpoint through subscriptions and hands values on in batches.
 *
 * It keeps itself connected without outside help: node-opcua re-dials with capped backoff and
 * repairs the session (transferring or re-creating subscriptions); this class checks the result
 * after every repair and keeps a keep-alive watchdog on every subscription, rebuilding what the
 * server lost, and starts over with a new client when the session cannot be saved.
 */
export class OpcuaSource implements Component {
  readonly name: string;
  readonly #options: OpcuaSourceOptions;
  readonly #clock: Clock;
  #log: Logger;
  #tuning: ResolvedSubscriptionTuning | undefined;
  #nodes: MonitoredNode[] = [];
  #identity: UserIdentityInfo | undefined;
  #certificateManager: OPCUACertificateManager | undefined;
  #metrics: OpcuaEndpointMetrics | undefined;

  #client: OPCUAClient | undefined;
  #session: ClientSession | undefined;
  #subscriptions: MonitoredSubscription[] = [];
  /** Subscriptions waiting to be rebuilt by the watchdog. */
  #lost = new Set<MonitoredSubscription>();
  #rebuildFailures = 0;

  #started = false;
  #stopping = new AbortController();
  #supervisor: Promise<void> | undefined;
  #endSession: (() => void) | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #checking = false;

  #connected = false;
  #disconnectedSinceMs: number | undefined;
  #everConnected = false;
  #reconnections = 0;
  #subscriptionRebuilds = 0;
  #valuesReceived = 0;
  #invalidPoints = 0;
  #lastError: OpcuaSourceStats['lastError'];

  constructor(options: OpcuaSourceOptions) {
    this.#options = options;
    this.name = `opcua:${options.endpoint.id}`;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger;
  }

  stats(): OpcuaSourceStats {
    const stats = {
      connected: this.#connected,
      subscriptions: this.#subscriptions.filter((s) => s.isOpen).length,
      monitoredItems: this.#monitoredItems(),
      failedItems: this.#subscriptions.reduce((sum, s) => sum + s.failedItems, 0),
      invalidPoints: this.#invalidPoints,
      reconnections: this.#reconnections,
      subscriptionRebuilds: this.#subscriptionRebuilds,
      valuesReceived: this.#valuesReceived,
    };
    return this.#lastError ? { ...stats, lastError: this.#lastError } : stats;
  }

  async start(): Promise<void> {
    if (this.#started) throw new Error(`${this.name} started twice`);
    this.#started = true;
    const { endpoint, points, trust, identity, metrics } = this.#options;
    this.#log = this.#options.logger.child({ component: 'opcua', endpoint: endpoint.id });
    securitySettings(endpoint.id, endpoint.securityMode, endpoint.securityPolicy);
    this.#tuning = resolveSubscriptionTuning(this.#options.subscription);

    const { nodes, invalid } = collectNodes(points);
    this.#nodes = nodes;
    this.#invalidPoints = invalid.length;
    if (invalid.length > 0) {
      // A malformed node id is a configuration mistake in one point; the other points still run.
      this.#log.error(
        { points: invalid.length, examples: invalid.slice(0, 5) },
        'opcua points with invalid node ids are not monitored',
      );
    }

    this.#identity = await userIdentity(endpoint.id, identity);
    this.#certificateManager = await openCertificateManager(endpoint.id, trust);
    if (metrics) this.#metrics = opcuaEndpointMetrics(metrics, endpoint.id);

    this.#supervisor = this.#supervise();
    this.#log.info(
      {
        url: endpoint.url,
        securityMode: endpoint.securityMode,
        securityPolicy: endpoint.securityPolicy,
        items: nodes.length,
      },
      'opcua source started',
    );
  }

  async stop(): Promise<void> {
    if (!this.#started || this.#stopping.signal.aborted) return;
    const budgetMs = this.#options.stopTimeoutMs ?? 5_000;
    this.#stopping.abort();
    this.#stopWatchdog();
    this.#endSession?.();
    const outcome = await within(this.#teardown(true, budgetMs), budgetMs);
    if (outcome === 'timeout') this.#log.warn({ budgetMs }, 'opcua source did not close in time; dropped');
    await within(this.#supervisor ?? Promise.resolve(), 1_000);
    this.#setConnected(false);
    await within(this.#certificateManager?.dispose() ?? Promise.resolve(), 1_000);
    this.#log.info(this.stats(), 'opcua source stopped');
  }

  /**
   * One client at a time: connect, create the session and subscriptions, then wait until the
   * session is beyond repair or stop() is called; tear down and start over after a pause that
   * doubles with each failure up to the reconnect maximum.
   */
  async #supervise(): Promise<void> {
    const initialDelayMs = this.#options.reconnect?.initialDelayMs ?? RECONNECT_DEFAULTS.initialDelayMs;
    const maxDelayMs = this.#options.reconnect?.maxDelayMs ?? RECONNECT_DEFAULTS.maxDelayMs;
    let failures = 0;
    while (!this.#stopping.signal.aborted) {
      const sessionEnded = new Promise<void>((resolve) => {
        this.#endSession = resolve;
      });
      try {
        await this.#establish();
        failures = 0;
        await sessionEnded;
      } catch (error) {
        if (this.#stopping.signal.aborted) break;
        failures += 1;
        this.#recordFailure(error, failures);
      }
      if (this.#stopping.signal.aborted) break;
      this.#stopWatchdog();
      this.#setConnected(false);
      await within(this.#teardown(false, 5_000), 5_000);
      const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, failures - 1));
      await abortableDelay(delayMs, this.#stopping.signal);
    }
  }

  #recordFailure(error: unknown, failures: number): void {
    const code = classifyFailure(error);
    const message = messageOf(error);
    this.#lastError = { code, message, atMs: this.#clock.nowMs() };
    // Refusals need a person (trust the certificate, fix the password); say so loudly each time.
    // Plain connection failures are what a rebooting controller looks like: warn once per outage.
    const level =
      code === 'connection_failed' && failures > 1
        ? 'debug'
        : code === 'connection_failed'
          ? 'warn'
          : 'error';
    this.#log[level](
      { code, err: message, attempt: failures, hint: failureHint(code, this.#options.trust.pkiDir) },
      'opcua endpoint not available',
    );
  }

  async #establish(): Promise<void> {
    const { endpoint } = this.#options;
    const tuning = this.#tuning;
    const identity = this.#identity;
    const certificateManager = this.#certificateManager;
    if (!tuning || !identity || !certificateManager) throw new Error('OpcuaSource used before start()');
    const initialDelay = this.#options.reconnect?.initialDelayMs ?? RECONNECT_DEFAULTS.initialDelayMs;
    const maxDelay = this.#options.reconnect?.maxDelayMs ?? RECONNECT_DEFAULTS.maxDelayMs;
    const keepAlivePeriodMs = tuning.publishingIntervalMs * tuning.keepAliveCount;

    const client = OPCUAClient.create({
      applicationName: this.#options.applicationName ?? DEFAULT_APPLICATION_NAME,
      ...securitySettings(endpoint.id, endpoint.securityMode, endpoint.securityPolicy),
      endpointMustExist: false,
      clientCertificateManager: certificateManager,
      // The session outlives short breaks so node-opcua can reactivate it and keep every item.
      requestedSessionTimeout: Math.max(120_000, 3 * keepAlivePeriodMs),
      connectionStrategy: { maxRetry: -1, initialDelay, maxDelay, randomisationFactor: 0.1 },
    });
    this.#client = client;
    this.#watchClient(client);

    await client.connect(endpoint.url);
    this.#throwIfStopping();
    const session = await client.createSession(identity);
    this.#session = session;
    this.#watchSession(session);
    this.#throwIfStopping();

    const limits = await readServerLimits(session);
    const plan = planSubscriptions(this.#nodes, tuning.itemsPerSubscription, limits);
    for (const adjustment of plan.adjustments) this.#log.warn({ limits }, adjustment);
    if (plan.unplaced.length > 0) {
      this.#log.error(
        { items: plan.unplaced.length, limits },
        'opcua server limits leave no room for these items; they are not monitored',
      );
    }
    this.#subscriptions = plan.groups.map(
      (nodes, index) =>
        new MonitoredSubscription(index, nodes, {
          tuning,
          itemsPerCall: plan.itemsPerCall,
          logger: this.#log,
          clock: this.#clock,
          deliver: (values) => this.#deliver(values),
          onLost: (subscription) => this.#onSubscriptionLost(subscription),
        }),
    );
    this.#lost.clear();
    let opened = 0;
    let firstFailure: unknown;
    for (const subscription of this.#subscriptions) {
      this.#throwIfStopping();
      try {
        await subscription.open(session);
        opened += 1;
      } catch (error) {
        // One refused subscription should not cost the others their values: the watchdog
        // retries it on this session.
        firstFailure ??= error;
        this.#lost.add(subscription);
        this.#log.error(
          { subscription: subscription.index, err: messageOf(error) },
          'opcua subscription could not be created',
        );
      }
    }
    this.#throwIfStopping();
    if (opened === 0 && this.#subscriptions.length > 0) {
      throw new OpcuaSourceError('subscription_failed', endpoint.id, messageOf(firstFailure), {
        cause: firstFailure,
      });
    }
    if (firstFailure !== undefined) {
      this.#lastError = {
        code: 'subscription_failed',
        message: messageOf(firstFailure),
        atMs: this.#clock.nowMs(),
      };
    }

    if (this.#everConnected) this.#countReconnection();
    this.#everConnected = true;
    if (this.#lost.size === 0) this.#lastError = undefined;
    this.#setConnected(true);
    this.#startWatchdog(keepAlivePeriodMs);
    this.#log.info(
      {
        subscriptions: this.#subscriptions.length,
        itemsPerSubscription: plan.itemsPerSubscription,
        monitoredItems: this.#monitoredItems(),
        failedItems: this.stats().failedItems,
      },
      'opcua endpoint connected and subscribed',
    );
  }

  #throwIfStopping(): void {
    if (this.#stopping.signal.aborted) throw new Error('stopping');
  }

  #watchClient(client: OPCUAClient): void {
    client.on('connection_lost', () => {
      if (this.#client !== client) return;
      this.#setConnected(false);
      this.#disconnectedSinceMs ??= this.#clock.nowMs();
      this.#log.warn('opcua connection lost; node-opcua is re-dialling');
    });
    client.on('backoff', (count: number, delayMs: number) => {
      if (this.#client !== client) return;
      if (count === 0 && !this.#everConnected)
        this.#log.warn({ url: this.#options.endpoint.url }, 'opcua endpoint unreachable; retrying');
      this.#log.debug({ attempt: count, delayMs }, 'opcua connection attempt failed');
      if (!this.#lastError || this.#lastError.code === 'connection_failed') {
        this.#lastError = {
          code: 'connection_failed',
          message: 'endpoint unreachable',
          atMs: this.#clock.nowMs(),
        };
      }
    });
    client.on('reconnection_attempt_has_failed', (error: Error, message: string) => {
      if (this.#client !== client) return;
      this.#lastError = {
        code: classifyFailure(error),
        message: messageOf(error),
        atMs: this.#clock.nowMs(),
      };
      this.#log.warn(
        { err: messageOf(error), code: this.#lastError.code, detail: message },
        'opcua reconnection attempt failed',
      );
    });
    client.on('after_reconnection', (error?: Error | null) => {
      if (this.#client !== client || !error) return;
      this.#log.warn({ err: messageOf(error) }, 'opcua reconnection failed; retrying');
    });
  }

  #watchSession(session: ClientSession): void {
    // node-opcua emits this once it has reactivated or re-created the session and transferred or
    // re-created the subscriptions: verify that, rather than trusting it.
    session.on('session_restored', () => {
      if (this.#session !== session || this.#stopping.signal.aborted) return;
      this.#countReconnection();
      this.#setConnected(true);
      this.#lastError = undefined;
      for (const subscription of this.#subscriptions) {
        // The outage itself was silence; the watchdog judges from here on.
        subscription.markAlive();
        const live = subscription.liveItems();
        if (live < subscription.acceptedItems) {
          this.#log.warn(
            { subscription: subscription.index, live, expected: subscription.acceptedItems },
            'opcua subscription came back incomplete after reconnection; rebuilding it',
          );
          this.#lost.add(subscription);
        }
      }
      this.#log.info(
        { reconnections: this.#reconnections, rebuilding: this.#lost.size },
        'opcua session restored',
      );
      this.#checkSoon();
    });
    session.on('session_closed', () => {
      if (this.#session !== session || this.#stopping.signal.aborted) return;
      this.#log.warn('opcua session closed by the server; starting over with a new session');
      this.#endSession?.();
    });
  }

  #onSubscriptionLost(subscription: MonitoredSubscription): void {
    if (this.#stopping.signal.aborted) return;
    this.#log.warn(
      { subscription: subscription.index },
      'opcua subscription terminated by the server; rebuilding it',
    );
    this.#lost.add(subscription);
    this.#checkSoon();
  }

  #startWatchdog(keepAlivePeriodMs: number): void {
    this.#stopWatchdog();
    const everyMs = Math.min(5_000, Math.max(500, Math.round(keepAlivePeriodMs / 2)));
    this.#watchdog = setInterval(() => this.#checkSoon(), everyMs);
    this.#watchdog.unref();
  }

  #stopWatchdog(): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }

  #checkSoon(): void {
    if (this.#checking) return;
    this.#checking = true;
    this.#checkSubscriptions()
      .catch((error: unknown) =>
        this.#log.error({ err: messageOf(error) }, 'opcua subscription check failed'),
      )
      .finally(() => {
        this.#checking = false;
      });
  }

  /**
   * Rebuilds subscriptions that were lost or have gone quiet while the session looks healthy:
   * the case node-opcua cannot see, because nothing on the wire says the server forgot them.
   */
  async #checkSubscriptions(): Promise<void> {
    const session = this.#session;
    const client = this.#client;
    if (!session || !client || this.#stopping.signal.aborted) return;
    const now = this.#clock.nowMs();
    // node-opcua re-dials forever, but a repair that never completes (a server answering
    // without accepting the session) would hold the endpoint down for good: a fresh client
    // after a generous bound costs nothing when the server is simply off.
    const since = this.#disconnectedSinceMs;
    if (!this.#connected && since !== undefined && now - since > this.#repairBoundMs()) {
      this.#log.warn(
        { downForMs: now - since },
        'opcua connection not repaired in time; starting over with a new client',
      );
      this.#disconnectedSinceMs = undefined;
      this.#endSession?.();
      return;
    }
    if (client.isReconnecting || !this.#connected) return;
    for (const subscription of this.#subscriptions) {
      if (!this.#lost.has(subscription) && !subscription.isAlive(now)) {
        this.#log.warn(
          { subscription: subscription.index },
          'opcua subscription silent for three keep-alive periods; rebuilding it',
        );
        this.#lost.add(subscription);
      }
    }
    for (const subscription of [...this.#lost]) {
      if (this.#stopping.signal.aborted || this.#session !== session || client.isReconnecting) return;
      try {
        await subscription.open(session);
        this.#lost.delete(subscription);
        this.#subscriptionRebuilds += 1;
        this.#rebuildFailures = 0;
        this.#log.info(
          { subscription: subscription.index, monitoredItems: subscription.acceptedItems },
          'opcua subscription rebuilt',
        );
      } catch (error) {
        this.#rebuildFailures += 1;
        this.#lastError = {
          code: 'subscription_failed',
          message: messageOf(error),
          atMs: this.#clock.nowMs(),
        };
        const level = this.#rebuildFailures === 1 || this.#rebuildFailures % 20 === 0 ? 'warn' : 'debug';
        this.#log[level](
          { subscription: subscription.index, err: messageOf(error), failures: this.#rebuildFailures },
          'opcua subscription rebuild failed',
        );
        // A server that refuses one subscription is retried on this session; a session that no
        // longer answers at all is itself lost and replaced.
        if (!(await sessionAnswers(session))) {
          this.#log.warn('opcua session no longer answers; starting over with a new session');
          this.#endSession?.();
        }
        return;
      }
    }
    this.#metrics?.setMonitoredItems(this.#monitoredItems());
  }

  async #teardown(stopping: boolean, budgetMs: number): Promise<void> {
    const client = this.#client;
    const session = this.#session;
    const subscriptions = this.#subscriptions;
    this.#session = undefined;
    this.#client = undefined;
    if (!stopping) this.#subscriptions = [];
    const stepMs = Math.max(100, Math.floor(budgetMs / 3));
    // Saying goodbye is only worth it over a live connection; otherwise every request would
    // wait for its own timeout.
    const polite = client !== undefined && session !== undefined && !client.isReconnecting && this.#connected;
    if (polite) {
      await within(Promise.allSettled(subscriptions.map((s) => s.close())), stepMs);
      await within(session.close(true), stepMs);
    } else {
      for (const subscription of subscriptions) void subscription.close().catch(() => undefined);
    }
    if (client) {
      const outcome = await within(client.disconnect(), stepMs);
      if (outcome !== 'done') this.#log.debug({ outcome }, 'opcua client disconnect');
      client.removeAllListeners();
    }
  }

  #deliver(values: RawValue[]): void {
    this.#valuesReceived += values.length;
    this.#metrics?.addValues(values.length);
    try {
      this.#options.onValues(values);
    } catch (error) {
      // The consumer's failure must not break the subscription that delivered the values.
      this.#log.error({ err: messageOf(error), values: values.length }, 'opcua value consumer threw');
    }
  }

  #countReconnection(): void {
    this.#reconnections += 1;
    this.#metrics?.addReconnection();
  }

  #repairBoundMs(): number {
    const maxDelayMs = this.#options.reconnect?.maxDelayMs ?? RECONNECT_DEFAULTS.maxDelayMs;
    return Math.max(REPAIR_BOUND_MS, 4 * maxDelayMs);
  }

  #setConnected(connected: boolean): void {
    this.#connected = connected;
    if (connected) this.#disconnectedSinceMs = undefined;
    this.#metrics?.setConnected(connected);
    this.#metrics?.setMonitoredItems(connected ? this.#monitoredItems() : 0);
  }

  #monitoredItems(): number {
    return this.#subscriptions.reduce((sum, s) => sum + (s.isOpen ? s.acceptedItems : 0), 0);
  }
}
