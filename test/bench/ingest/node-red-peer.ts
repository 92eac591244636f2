import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_SITE, type BenchDevice } from './bench-config.ts';

const CHILD = fileURLToPath(new URL('./node-red-child.ts', import.meta.url));
export const NODE_RED_CLIENT_ID = 'nodered-bench';

export interface NodeRedFlowOptions {
  readonly brokerPort: number;
  readonly tsdbUrl: string;
  /** Devices whose messages the flow turns into points (tags as the gateway writes them). */
  readonly devices: readonly BenchDevice[];
}

/**
 * The peer flow, tuned for throughput the way an experienced Node-RED user would set it up:
 * `mqtt in` (QoS 1, JSON parsed by the node) → `function` building the point from a lookup table
 * loaded once in "On Start" → `join` (1,000 messages or 0.5 s, whichever first) →
 * node-red-contrib-influxdb "influxdb batch" on the InfluxDB v2 API. The point carries the same
 * measurement, field, tags and millisecond timestamp as the gateway's line.
 */
export function peerFlows(options: NodeRedFlowOptions): unknown[] {
  const meters = Object.fromEntries(
    options.devices.map((d) => [
      d.device,
      {
        site: BENCH_SITE,
        building: '330302A999',
        class: 'electricity_meter',
        sub_item: '01000',
        equipment: d.equipment,
      },
    ]),
  );
  const func = [
    "const meters = context.get('meters');",
    'const topic = msg.topic; // devices/<device>/points/<key>',
    "const end = topic.indexOf('/', 8);",
    'const meter = meters[topic.slice(8, end)];',
    'const reading = msg.payload;',
    "if (meter === undefined || reading === null || typeof reading !== 'object') return null;",
    'msg.payload = {',
    "  measurement: 'reading',",
    '  fields: { value: reading.value },',
    '  tags: {',
    '    site: meter.site, building: meter.building, class: meter.class, sub_item: meter.sub_item,',
    "    equipment: meter.equipment, point: meter.equipment + '.' + topic.slice(end + 8),",
    '  },',
    '  timestamp: reading.ts,',
    '};',
    'return msg;',
  ].join('\n');
  const tab = 'bench-tab';
  return [
    { id: tab, type: 'tab', label: 'ingest bench', disabled: false },
    {
      id: 'bench-broker',
      type: 'mqtt-broker',
      name: 'aedes',
      broker: '127.0.0.1',
      port: String(options.brokerPort),
      clientid: NODE_RED_CLIENT_ID,
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
      autoUnsubscribe: true,
      birthTopic: '',
      closeTopic: '',
      willTopic: '',
    },
    {
      id: 'bench-in',
      type: 'mqtt in',
      z: tab,
      name: 'devices',
      topic: 'devices/+/points/+',
      qos: '1',
      datatype: 'json',
      broker: 'bench-broker',
      nl: false,
      rap: true,
      rh: 0,
      inputs: 0,
      wires: [['bench-fn']],
    },
    {
      id: 'bench-fn',
      type: 'function',
      z: tab,
      name: 'to point',
      func,
      outputs: 1,
      timeout: 0,
      noerr: 0,
      initialize: `context.set('meters', ${JSON.stringify(meters)});`,
      finalize: '',
      libs: [],
      wires: [['bench-join']],
    },
    {
      id: 'bench-join',
      type: 'join',
      z: tab,
      name: '1000 or 0.5 s',
      mode: 'custom',
      build: 'array',
      property: 'payload',
      propertyType: 'msg',
      key: 'topic',
      joiner: '\\n',
      joinerType: 'str',
      useparts: false,
      accumulate: false,
      timeout: '0.5',
      count: '1000',
      reduceRight: false,
      wires: [['bench-out']],
    },
    {
      id: 'bench-influx',
      type: 'influxdb',
      hostname: '127.0.0.1',
      port: '8086',
      protocol: 'http',
      database: '',
      name: 'victoria',
      usetls: false,
      tls: '',
      influxdbVersion: '2.0',
      url: options.tsdbUrl,
      timeout: '10',
      rejectUnauthorized: false,
    },
    {
      id: 'bench-out',
      type: 'influxdb batch',
      z: tab,
      influxdb: 'bench-influx',
      precision: '',
      retentionPolicy: '',
      name: 'store',
      database: '',
      precisionV18FluxV20: 'ms',
      retentionPolicyV18Flux: '',
      org: 'steward',
      bucket: 'steward',
      wires: [],
    },
  ];
}

/** Node-RED in a child process (node-red-child.ts) on a temporary user directory. */
export class NodeRedPeer {
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  static async start(
    userDir: string,
    flows: unknown[],
    execArgv: readonly string[] = [],
    timeoutMs = 60_000,
  ): Promise<NodeRedPeer> {
    mkdirSync(userDir, { recursive: true });
    writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows, null, 1));
    const child = fork(CHILD, [userDir], {
      execArgv: [...execArgv],
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    const peer = new NodeRedPeer(child);
    try {
      await peer.#await('started', timeoutMs);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    return peer;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  async stop(timeoutMs = 15_000): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      if (child.connected) child.send({ type: 'stop' });
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #await(type: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Node-RED did not report ${type} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onMessage = (message: { type: string; message?: string }): void => {
        if (message.type === type) done(undefined);
        else if (message.type === 'error') done(new Error(`Node-RED: ${message.message}`));
      };
      const onExit = (code: number | null): void =>
        done(new Error(`Node-RED exited (${code}) before ${type}`));
      const done = (error: Error | undefined): void => {
        clearTimeout(timer);
        this.#child.off('message', onMessage);
        this.#child.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      this.#child.on('message', onMessage);
      this.#child.once('exit', onExit);
    });
  }
}
