import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { SiteModel } from '../../config/load/model.ts';
import { Id } from '../../config/schema/common.ts';
import type { Clock } from '../../services/runtime/clock.ts';
import type { Component } from '../../services/runtime/component.ts';
import type { Logger } from '../../services/runtime/logger.ts';
import { demoDevicePassword } from '../broker/device-credentials.ts';
import { BuildingModel, type DeviceValues, type SavedRegisters } from './building-model.ts';
import { type ActiveFault, FaultError, type FaultRequest } from './faults.ts';
import { type FleetStats, MqttFleet, planDevices } from './mqtt-fleet.ts';
import {
  type OpcuaSecurityOptions,
  planOpcuaEndpoints,
  planOpcuaVariables,
  SimulatedOpcuaServers,
} from './opcua-servers.ts';
import type { WorkingDayFn } from './site-time.ts';

/** Load and demo knobs; validated at start. */
export const SimulatorKnobs = Type.Object(
  {
    /** Publish every intervalS / rateMultiplier (the demo uses e.g. 20: meters every 3 s). Default 1. */
    rateMultiplier: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10_000 })),
    /** MQTT QoS of every publish. Default 1. */
    qos: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
    /** Only these MQTT devices: globs (`*`) on device id or equipment id, e.g. `mb-em-*`. */
    deviceFilter: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    /** At most this many MQTT devices (after the filter, in registry order). */
    deviceLimit: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Synthetic meters `sim-load-<n>` that exist in no registry: load tests only. */
    extraMeters: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    /** Synthetic `ns=1;s=SIM.Item<n>` OPC UA variables changing every second. */
    extraItems: Type.Optional(Type.Integer({ minimum: 0, maximum: 500_000 })),
    /** Endpoint that serves the extra items; default the first configured endpoint. */
    extraItemsEndpoint: Type.Optional(Id),
    /** Simulation and publishing tick. Default: the shortest publish period, within 100–1000 ms. */
    tickMs: Type.Optional(Type.Integer({ minimum: 20, maximum: 60_000 })),
  },
  { additionalProperties: false },
);
export type SimulatorKnobs = Static<typeof SimulatorKnobs>;

export interface SimulatorOptions {
  readonly model: SiteModel;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Same seed, same building. Default 1. */
  readonly seed?: number;
  /** The broker devices publish to (the gateway's embedded broker); no MQTT when absent. */
  readonly mqttUrl?: string;
  /** Device passwords; default `demoDevicePassword`, which the demo registry's hashes match. */
  readonly devicePassword?: (device: string) => string;
  /** false: no OPC UA servers. Default true. */
  readonly opcua?: boolean;
  /** Port per OPC UA endpoint id, overriding the configured URL's port (tests use free ports). */
  readonly opcuaPorts?: Readonly<Record<string, number>>;
  /** Listen address; default the configured URL's host when it is an IP address or localhost, else all. */
  readonly opcuaHost?: string;
  /** Server certificates; default `<os tmpdir>/steward-simulator-pki`, reused across runs. */
  readonly opcuaPkiDir?: string;
  readonly opcuaSecurity?: OpcuaSecurityOptions;
  readonly knobs?: SimulatorKnobs;
  /** The working calendar (Chinese holidays, 调休); default Monday to Friday. */
  readonly isWorkingDay?: WorkingDayFn;
  /** Where cumulative registers are kept across restarts, so counters never run backwards. */
  readonly statePath?: string;
  readonly metrics?: Registry;
}

export interface SimulatorStats {
  readonly mqtt: FleetStats;
  readonly opcuaVariables: number;
  readonly activeFaults: number;
  readonly droppedEvents: number;
}

const SavedRegistersSchema = Type.Object({
  atMs: Type.Number(),
  energyKwh: Type.Record(Type.String(), Type.Number()),
  volumeM3: Type.Record(Type.String(), Type.Number()),
  trips: Type.Record(Type.String(), Type.Number()),
});

const SAVE_EVERY_MS = 10 * 60_000;
const NO_MQTT: FleetStats = { devices: 0, connected: 0, sent: 0, failed: 0, skipped: 0 };

/**
 * The simulated building as a process component (`steward simulate`, and inside `steward all
 * --demo`): the building model advanced by a timer on the injected clock, MQTT devices publishing
 * its meters and security devices, OPC UA servers serving its BMS and lift points, and faults
 * injected by command.
 */
export class Simulator implements Component {
  readonly name = 'simulator';
  readonly #options: SimulatorOptions;
  #model: BuildingModel | undefined;
  #fleet: MqttFleet | undefined;
  #opcua: SimulatedOpcuaServers | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastSavedMs = 0;
  #lastTickError: string | undefined;
  #saving: Promise<void> = Promise.resolve();

  constructor(options: SimulatorOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { model, clock, logger } = this.#options;
    const knobs = this.#knobs();
    const startMs = clock.nowMs();
    const registers = await this.#loadState();
    this.#model = new BuildingModel({
      model,
      seed: this.#options.seed ?? 1,
      startMs,
      extraMeters: knobs.extraMeters ?? 0,
      ...(this.#options.isWorkingDay ? { isWorkingDay: this.#options.isWorkingDay } : {}),
      ...(registers ? { registers } : {}),
    });
    this.#lastSavedMs = startMs;

    if (this.#options.opcua !== false) {
      const { variables, skipped } = planOpcuaVariables(model);
      for (const reason of skipped) logger.warn({ reason }, 'OPC UA point not simulated');
      this.#opcua = new SimulatedOpcuaServers({
        endpoints: planOpcuaEndpoints(model, this.#options.opcuaPorts ?? {}, this.#options.opcuaHost),
        variables,
        extraItems: { count: knobs.extraItems ?? 0, endpointId: knobs.extraItemsEndpoint },
        security: this.#options.opcuaSecurity ?? {},
        pkiDir: this.#options.opcuaPkiDir ?? path.join(tmpdir(), 'steward-simulator-pki'),
        logger,
      });
      await this.#opcua.start();
    }

    const devices = planDevices(model, {
      rateMultiplier: knobs.rateMultiplier ?? 1,
      extraMeterIds: this.#model.extraMeterIds,
      ...(knobs.deviceFilter ? { deviceFilter: knobs.deviceFilter } : {}),
      ...(knobs.deviceLimit === undefined ? {} : { deviceLimit: knobs.deviceLimit }),
    });
    if (this.#options.mqttUrl !== undefined) {
      this.#fleet = new MqttFleet({
        url: this.#options.mqttUrl,
        devices,
        qos: knobs.qos ?? 1,
        password: this.#options.devicePassword ?? ((device) => demoDevicePassword(device)),
        logger,
      });
      this.#fleet.start(clock.nowMs());
    }
    this.#registerMetrics();

    const shortestPeriod = Math.min(1000, ...devices.map((d) => d.periodMs));
    const tickMs = knobs.tickMs ?? Math.max(100, Math.min(1000, shortestPeriod));
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), tickMs);
    logger.info(
      {
        seed: this.#options.seed ?? 1,
        mqttDevices: devices.length,
        mqttUrl: this.#options.mqttUrl,
        opcua: this.#opcua?.urls,
        tickMs,
        knobs,
      },
      'simulator started',
    );
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#model) {
      this.#model.advanceTo(this.#options.clock.nowMs());
      this.#saveState(this.#model.registers());
    }
    await this.#saving;
    await this.#fleet?.stop();
    await this.#opcua?.stop();
    this.#fleet = undefined;
    this.#opcua = undefined;
    this.#model = undefined;
  }

  /** OPC UA endpoint URLs by endpoint id (with the ports actually used). */
  get opcuaUrls(): Readonly<Record<string, string>> {
    return this.#opcua?.urls ?? {};
  }

  injectFault(request: FaultRequest): ActiveFault {
    const model = this.#running();
    model.advanceTo(this.#options.clock.nowMs());
    const fault = model.injectFault(request);
    this.#options.logger.info({ fault }, 'fault injected');
    // Publish the change now rather than at the next tick.
    this.#tick();
    return fault;
  }

  clearFault(id: string): ActiveFault | undefined {
    const model = this.#running();
    model.advanceTo(this.#options.clock.nowMs());
    const fault = model.clearFault(id);
    if (fault) {
      this.#options.logger.info({ fault }, 'fault cleared');
      this.#tick();
    }
    return fault;
  }

  listFaults(): ActiveFault[] {
    return this.#model?.listFaults() ?? [];
  }

  /** A device's current values (declared units), as it would publish them. */
  values(equipmentId: string): DeviceValues | undefined {
    return this.#model?.values(equipmentId);
  }

  stats(): SimulatorStats {
    return {
      mqtt: this.#fleet?.stats() ?? NO_MQTT,
      opcuaVariables: this.#opcua?.variableCount ?? 0,
      activeFaults: this.#model?.listFaults().length ?? 0,
      droppedEvents: this.#model?.droppedEvents ?? 0,
    };
  }

  #running(): BuildingModel {
    if (!this.#model) throw new FaultError('simulator_not_running', 'the simulator is not running');
    return this.#model;
  }

  #knobs(): SimulatorKnobs {
    const knobs = this.#options.knobs ?? {};
    const problems = [...Value.Errors(SimulatorKnobs, knobs)].map(
      (error) => `knobs${error.instancePath.replaceAll('/', '.')}: ${error.message}`,
    );
    const endpoints = new Set(this.#options.model.sites.flatMap((s) => s.sources.opcua.map((e) => e.id)));
    for (const id of Object.keys(this.#options.opcuaPorts ?? {})) {
      if (!endpoints.has(id))
        problems.push(`opcuaPorts.${id}: no OPC UA endpoint ${id} in the configuration`);
    }
    if (knobs.extraItemsEndpoint !== undefined && !endpoints.has(knobs.extraItemsEndpoint)) {
      problems.push(`knobs.extraItemsEndpoint: no OPC UA endpoint ${knobs.extraItemsEndpoint}`);
    }
    if (problems.length > 0) throw new Error(`invalid simulator options:\n  ${problems.join('\n  ')}`);
    return knobs;
  }

  #tick(): void {
    const model = this.#model;
    if (!model) return;
    try {
      const now = this.#options.clock.nowMs();
      model.advanceTo(now);
      const events = model.drainEvents();
      this.#opcua?.update((id, key) => model.values(id)?.[key], now);
      this.#fleet?.tick(now, model, events);
      if (now - this.#lastSavedMs >= SAVE_EVERY_MS) {
        this.#lastSavedMs = now;
        this.#saveState(model.registers());
      }
      this.#lastTickError = undefined;
    } catch (error) {
      // A broken tick must not take the process down; say so once per distinct problem.
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.#lastTickError)
        this.#options.logger.error({ err: error }, 'simulator tick failed');
      this.#lastTickError = message;
    }
  }

  async #loadState(): Promise<SavedRegisters | undefined> {
    const file = this.#options.statePath;
    if (!file) return undefined;
    try {
      const saved: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (Value.Check(SavedRegistersSchema, saved)) return saved;
      this.#options.logger.warn({ file }, 'simulator state file has an unexpected shape; starting afresh');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#options.logger.warn({ file, err: error }, 'simulator state file unreadable; starting afresh');
      }
    }
    return undefined;
  }

  /** Saves are chained, so a slow disk never has two writers racing on the same file. */
  #saveState(registers: SavedRegisters): void {
    const file = this.#options.statePath;
    if (!file) return;
    this.#saving = this.#saving.then(async () => {
      try {
        await mkdir(path.dirname(file), { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        await writeFile(temporary, JSON.stringify(registers));
        await rename(temporary, file);
      } catch (error) {
        this.#options.logger.warn({ file, err: error }, 'could not save simulator state');
      }
    });
  }

  #registerMetrics(): void {
    const registry = this.#options.metrics;
    if (!registry || registry.getSingleMetric('steward_simulator_messages_total')) return;
    const stats = () => this.stats();
    new Counter({
      name: 'steward_simulator_messages_total',
      help: 'MQTT messages of simulated devices by outcome (sent, failed, skipped while disconnected)',
      labelNames: ['result'],
      registers: [registry],
      collect() {
        const { mqtt } = stats();
        this.reset();
        this.inc({ result: 'sent' }, mqtt.sent);
        this.inc({ result: 'failed' }, mqtt.failed);
        this.inc({ result: 'skipped' }, mqtt.skipped);
      },
    });
    new Gauge({
      name: 'steward_simulator_devices',
      help: 'Simulated MQTT devices, and how many are connected',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const { mqtt } = stats();
        this.set({ state: 'configured' }, mqtt.devices);
        this.set({ state: 'connected' }, mqtt.connected);
      },
    });
    new Gauge({
      name: 'steward_simulator_faults_active',
      help: 'Faults currently injected into the simulated building',
      registers: [registry],
      collect() {
        this.set(stats().activeFaults);
      },
    });
  }
}
