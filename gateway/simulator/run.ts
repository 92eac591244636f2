import path from 'node:path';
import { parseArgs } from 'node:util';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { loadConfig } from '../../config/load/load-config.ts';
import { systemClock } from '../../services/runtime/clock.ts';
import { simulatorRoutes } from './routes.ts';
import { Simulator } from './simulator.ts';

/**
 * The simulator on its own, for a quick look without the rest of the platform:
 *
 *   npx node gateway/simulator/run.ts --watch                         # OPC UA servers only, status every 5 s
 *   npx node gateway/simulator/run.ts --mqtt mqtt://127.0.0.1:1883 --rate 20 --filter 'mb-*'
 *
 * Fault routes and `GET /simulator/equipment/:id` listen on --http-port (default 8083).
 */
const { values: args } = parseArgs({
  options: {
    config: { type: 'string', default: process.env.STEWARD_CONFIG_DIR ?? 'config/sample' },
    mqtt: { type: 'string' },
    rate: { type: 'string', default: '1' },
    filter: { type: 'string', multiple: true },
    limit: { type: 'string' },
    'extra-meters': { type: 'string' },
    'extra-items': { type: 'string' },
    'opcua-port': { type: 'string', multiple: true },
    'no-opcua': { type: 'boolean', default: false },
    'pki-dir': { type: 'string' },
    seed: { type: 'string', default: '1' },
    state: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'http-port': { type: 'string', default: '8083' },
    watch: { type: 'boolean', default: false },
  },
});

const integer = (text: string | undefined) => (text === undefined ? undefined : Number(text));
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { role: 'simulate' } });
const model = loadConfig(path.resolve(args.config));
const opcuaPorts = Object.fromEntries(
  (args['opcua-port'] ?? []).map((entry) => {
    const [id = '', port = ''] = entry.split('=');
    return [id, Number(port)];
  }),
);
const extraMeters = integer(args['extra-meters']);
const extraItems = integer(args['extra-items']);
const deviceLimit = integer(args.limit);
const simulator = new Simulator({
  model,
  clock: systemClock,
  logger,
  seed: Number(args.seed),
  opcua: !args['no-opcua'],
  opcuaPorts,
  ...(args.mqtt ? { mqttUrl: args.mqtt } : {}),
  ...(args['pki-dir'] ? { opcuaPkiDir: args['pki-dir'] } : {}),
  ...(args.state ? { statePath: args.state } : {}),
  knobs: {
    rateMultiplier: Number(args.rate),
    ...(args.filter ? { deviceFilter: args.filter } : {}),
    ...(deviceLimit === undefined ? {} : { deviceLimit }),
    ...(extraMeters === undefined ? {} : { extraMeters }),
    ...(extraItems === undefined ? {} : { extraItems }),
  },
});

const app = Fastify({
  loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
  disableRequestLogging: true,
});
simulatorRoutes(app, simulator);
await simulator.start();
await app.listen({ host: args.host, port: Number(args['http-port']) });

let watch: NodeJS.Timeout | undefined;
if (args.watch) {
  const show = (id: string, keys: readonly string[]) => {
    const values = simulator.values(id);
    return `${id} ${keys.map((k) => `${k}=${values?.[k]}`).join(' ')}`;
  };
  watch = setInterval(() => {
    const lines = [
      show('MB-WS-01', ['outdoor_temp', 'outdoor_humidity', 'solar_irradiance']),
      show('MB-EM-01000', ['power', 'energy']),
      show('MB-CH-01', ['running', 'load', 'chw_supply_temp']),
      show('MB-AHU-01', ['fan_running', 'supply_air_temp', 'supply_air_setpoint']),
      show('MB-LIFT-01', ['running_state', 'floor', 'door_state', 'trapped_passenger', 'trips']),
      `mqtt ${JSON.stringify(simulator.stats().mqtt)} faults ${simulator.listFaults().length}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n\n`);
  }, 5_000);
}

const shutdown = async () => {
  clearInterval(watch);
  await app.close();
  await simulator.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
