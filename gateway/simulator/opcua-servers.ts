import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import {
  DataType,
  MessageSecurityMode,
  type Namespace,
  OPCUACertificateManager,
  OPCUAServer,
  resolveNodeId,
  SecurityPolicy,
  StatusCodes,
  type UAObject,
  type UAVariable,
  Variant,
} from 'node-opcua';
import type { ResolvedPoint, SiteModel } from '../../config/load/model.ts';
import type { Logger } from '../../services/runtime/logger.ts';
import type { PointValue } from './sim-types.ts';

/**
 * The BMS and lift-monitoring OPC UA servers the sample site's equipment is read from. Each
 * configured endpoint gets its own node-opcua server; every OPC UA point becomes a variable with
 * exactly the point's nodeId, in the server's own namespace (index 1).
 */

export interface OpcuaUser {
  readonly username: string;
  readonly password: string;
}

export interface OpcuaSecurityOptions {
  /** Also offer Basic256Sha256 Sign and SignAndEncrypt endpoints (None is always offered). */
  readonly secure?: boolean;
  /** Username/password identities accepted in addition to (or instead of) anonymous. */
  readonly users?: readonly OpcuaUser[];
  /** Default true: the sample site connects anonymously. */
  readonly allowAnonymous?: boolean;
}

export interface OpcuaEndpointPlan {
  readonly id: string;
  readonly port: number;
  /** Address to listen on; undefined listens on every interface. */
  readonly bindHost: string | undefined;
  /** Host name advertised in endpoint URLs (and the certificate). */
  readonly hostname: string;
  readonly resourcePath: string;
}

export interface OpcuaVariablePlan {
  readonly endpointId: string;
  readonly nodeId: string;
  readonly equipmentId: string;
  readonly key: string;
  readonly browseName: string;
  readonly displayName: string;
  readonly dataType: DataType;
}

/** OPC UA type of a point: Boolean for binary, Int32 for states and whole numbers, UInt32 for counts. */
export function opcuaDataType(point: Pick<ResolvedPoint, 'kind' | 'quantity'>): DataType {
  if (point.kind === 'binary') return DataType.Boolean;
  if (point.kind === 'multistate') return DataType.Int32;
  if (point.kind === 'counter' && (point.quantity === 'count' || point.quantity === 'state'))
    return DataType.UInt32;
  if (point.quantity === 'count' || point.quantity === 'floor') return DataType.Int32;
  return DataType.Double;
}

/**
 * Variables for every OPC UA point in the model. Only `ns=1` node ids can be served (the server's
 * own namespace); others are returned in `skipped` for the caller to report.
 */
export function planOpcuaVariables(model: SiteModel): { variables: OpcuaVariablePlan[]; skipped: string[] } {
  const variables: OpcuaVariablePlan[] = [];
  const skipped: string[] = [];
  for (const point of model.points.values()) {
    if (point.binding.kind !== 'opcua') continue;
    let namespace: number;
    try {
      namespace = resolveNodeId(point.binding.nodeId).namespace;
    } catch {
      skipped.push(`${point.id}: unparseable nodeId ${point.binding.nodeId}`);
      continue;
    }
    if (namespace !== 1) {
      skipped.push(`${point.id}: nodeId ${point.binding.nodeId} is not in namespace 1`);
      continue;
    }
    const identifier = point.binding.nodeId.replace(/^ns=1;[sigb]=/, '');
    const prefix = `${point.equipmentId}.`;
    variables.push({
      endpointId: point.binding.endpoint,
      nodeId: point.binding.nodeId,
      equipmentId: point.equipmentId,
      key: point.key,
      browseName: identifier.startsWith(prefix) ? identifier.slice(prefix.length) : identifier,
      displayName: point.name?.en ?? point.key,
      dataType: opcuaDataType(point),
    });
  }
  return { variables, skipped };
}

/** Endpoints from the site model with ports overridden (tests use free ports). */
export function planOpcuaEndpoints(
  model: SiteModel,
  portOverrides: Readonly<Record<string, number>>,
  bindHost: string | undefined,
): OpcuaEndpointPlan[] {
  return model.sites.flatMap((site) =>
    site.sources.opcua.map((endpoint) => {
      // WHATWG URL parsing of a non-special scheme keeps host and port as given.
      const url = new URL(endpoint.url);
      const hostname = url.hostname.replace(/^\[|\]$/g, '');
      const loopbackOrLiteral = hostname === 'localhost' || isIP(hostname) !== 0;
      return {
        id: endpoint.id,
        port: portOverrides[endpoint.id] ?? (url.port ? Number(url.port) : 4840),
        bindHost: bindHost ?? (loopbackOrLiteral ? hostname : undefined),
        hostname,
        resourcePath: url.pathname && url.pathname !== '/' ? url.pathname : '',
      };
    }),
  );
}

export interface SimulatedOpcuaServersOptions {
  readonly endpoints: readonly OpcuaEndpointPlan[];
  readonly variables: readonly OpcuaVariablePlan[];
  /** Synthetic `ns=1;s=SIM.Item<n>` variables (n = 1…count) on one endpoint, changing every second. */
  readonly extraItems: { readonly count: number; readonly endpointId: string | undefined };
  readonly security: OpcuaSecurityOptions;
  /** Certificates live in `<pkiDir>/<endpoint id>`; created on first start, reused afterwards. */
  readonly pkiDir: string;
  readonly logger: Logger;
}

interface Served {
  readonly plan: OpcuaVariablePlan;
  readonly variable: UAVariable;
  last: PointValue | undefined;
}

interface RunningServer {
  readonly plan: OpcuaEndpointPlan;
  readonly server: OPCUAServer;
  readonly certificates: OPCUACertificateManager;
}

const EXTRA_ITEM_PERIOD_MS = 60_000;

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class SimulatedOpcuaServers {
  readonly #options: SimulatedOpcuaServersOptions;
  readonly #running: RunningServer[] = [];
  readonly #served: Served[] = [];
  readonly #extra: UAVariable[] = [];
  #lastExtraSecond = -1;

  constructor(options: SimulatedOpcuaServersOptions) {
    this.#options = options;
  }

  /** Endpoint URLs by endpoint id, as clients should dial them. */
  get urls(): Readonly<Record<string, string>> {
    return Object.fromEntries(
      this.#running.map(({ plan }) => [
        plan.id,
        `opc.tcp://${plan.hostname}:${plan.port}${plan.resourcePath}`,
      ]),
    );
  }

  get variableCount(): number {
    return this.#served.length + this.#extra.length;
  }

  async start(): Promise<void> {
    const { endpoints, variables, extraItems } = this.#options;
    const extraEndpoint = extraItems.count > 0 ? (extraItems.endpointId ?? endpoints[0]?.id) : undefined;
    const wanted = endpoints.filter(
      (endpoint) => endpoint.id === extraEndpoint || variables.some((v) => v.endpointId === endpoint.id),
    );
    try {
      // Servers start one after another: certificate creation is CPU-bound and gains nothing in parallel.
      for (const plan of wanted) await this.#startOne(plan, extraEndpoint === plan.id ? extraItems.count : 0);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async #startOne(plan: OpcuaEndpointPlan, extraCount: number): Promise<void> {
    const { security, logger } = this.#options;
    const started = performance.now();
    const certificates = new OPCUACertificateManager({
      rootFolder: path.join(this.#options.pkiDir, plan.id),
      // A simulator for development and tests: any client certificate is trusted.
      automaticallyAcceptUnknownCertificate: true,
    });
    const users = security.users ?? [];
    const server = new OPCUAServer({
      port: plan.port,
      ...(plan.bindHost === undefined ? {} : { host: plan.bindHost }),
      hostname: plan.hostname,
      resourcePath: plan.resourcePath,
      serverCertificateManager: certificates,
      securityModes: security.secure
        ? [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt]
        : [MessageSecurityMode.None],
      securityPolicies: security.secure
        ? [SecurityPolicy.None, SecurityPolicy.Basic256Sha256]
        : [SecurityPolicy.None],
      allowAnonymous: security.allowAnonymous ?? true,
      ...(users.length > 0
        ? {
            userManager: {
              isValidUser: (username: string, password: string) =>
                users.some(
                  (user) => sameSecret(user.username, username) && sameSecret(user.password, password),
                ),
            },
          }
        : {}),
      serverInfo: {
        applicationUri: `urn:steward:simulator:${plan.id}`,
        productUri: 'urn:steward:simulator',
        applicationName: { text: `Steward simulated ${plan.id}` },
      },
      buildInfo: { productName: 'Steward building simulator', manufacturerName: 'Facility Steward' },
    });
    this.#running.push({ plan, server, certificates });
    await server.initialize();
    const addressSpace = server.engine.addressSpace;
    if (!addressSpace) throw new Error(`OPC UA server ${plan.id} has no address space after initialize()`);
    const namespace = addressSpace.getOwnNamespace();
    // node-opcua creates the server's own namespace (its applicationUri) at index 1 before any other.
    if (namespace.index !== 1) {
      throw new Error(`OPC UA server ${plan.id}: own namespace has index ${namespace.index}, expected 1`);
    }
    this.#addVariables(namespace, addressSpace.rootFolder.objects, plan.id);
    if (extraCount > 0) this.#addExtraItems(namespace, addressSpace.rootFolder.objects, extraCount);
    await server.start();
    logger.info(
      {
        endpoint: plan.id,
        url: `opc.tcp://${plan.hostname}:${plan.port}${plan.resourcePath}`,
        variables: this.#served.filter((s) => s.plan.endpointId === plan.id).length,
        extraItems: extraCount,
        startMs: Math.round(performance.now() - started),
      },
      'OPC UA server listening',
    );
  }

  #addVariables(namespace: Namespace, objects: UAObject, endpointId: string): void {
    const devices = new Map<string, UAObject>();
    for (const plan of this.#options.variables) {
      if (plan.endpointId !== endpointId) continue;
      let device = devices.get(plan.equipmentId);
      if (!device) {
        device = namespace.addObject({ organizedBy: objects, browseName: plan.equipmentId });
        devices.set(plan.equipmentId, device);
      }
      const variable = namespace.addVariable({
        componentOf: device,
        browseName: plan.browseName,
        displayName: plan.displayName,
        nodeId: plan.nodeId,
        dataType: plan.dataType,
        // Field values are measurements: read-only, as on a real BMS.
        accessLevel: 'CurrentRead',
        userAccessLevel: 'CurrentRead',
        minimumSamplingInterval: 100,
      });
      this.#served.push({ plan, variable, last: undefined });
    }
  }

  #addExtraItems(namespace: Namespace, objects: UAObject, count: number): void {
    const folder = namespace.addFolder(objects, { browseName: 'SIM' });
    for (let n = 1; n <= count; n++) {
      this.#extra.push(
        namespace.addVariable({
          organizedBy: folder,
          browseName: `Item${n}`,
          nodeId: `ns=1;s=SIM.Item${n}`,
          dataType: DataType.Double,
          accessLevel: 'CurrentRead',
          userAccessLevel: 'CurrentRead',
          minimumSamplingInterval: 100,
        }),
      );
    }
  }

  /** Pushes the model's current values; only changed values reach subscribers. */
  update(read: (equipmentId: string, key: string) => PointValue | undefined, nowMs: number): void {
    const timestamp = new Date(nowMs);
    for (const served of this.#served) {
      const value = read(served.plan.equipmentId, served.plan.key);
      if (value === undefined || value === served.last) continue;
      served.last = value;
      served.variable.setValueFromSource(
        new Variant({ dataType: served.plan.dataType, value: coerce(value, served.plan.dataType) }),
        StatusCodes.Good,
        timestamp,
      );
    }
    this.#updateExtraItems(nowMs, timestamp);
  }

  /** Each synthetic item is a slow sine with its own phase, so every item changes every second. */
  #updateExtraItems(nowMs: number, timestamp: Date): void {
    const second = Math.floor(nowMs / 1000);
    if (this.#extra.length === 0 || second === this.#lastExtraSecond) return;
    this.#lastExtraSecond = second;
    const count = this.#extra.length;
    const phase = (second * 1000) / EXTRA_ITEM_PERIOD_MS;
    this.#extra.forEach((variable, index) => {
      // Hundredths, the last digit carrying the second's parity: never the same value twice running.
      const tenths = Math.round(1000 * Math.sin(2 * Math.PI * (phase + index / count)));
      const value = (tenths * 10 + (second % 2)) / 100;
      variable.setValueFromSource(
        new Variant({ dataType: DataType.Double, value }),
        StatusCodes.Good,
        timestamp,
      );
    });
  }

  async stop(): Promise<void> {
    const running = this.#running.splice(0);
    await Promise.all(
      running.map(async ({ plan, server, certificates }) => {
        try {
          await server.shutdown(0);
          await certificates.dispose();
        } catch (error) {
          this.#options.logger.warn(
            { endpoint: plan.id, err: error },
            'OPC UA server did not shut down cleanly',
          );
        }
      }),
    );
    this.#served.length = 0;
    this.#extra.length = 0;
  }
}

function coerce(value: PointValue, dataType: DataType): number | boolean {
  if (dataType === DataType.Boolean) return typeof value === 'boolean' ? value : value !== 0;
  const numeric = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (dataType === DataType.UInt32) return Math.max(0, Math.round(numeric));
  if (dataType === DataType.Int32) return Math.round(numeric);
  return numeric;
}
