/**
 * Node-RED 5 embedded in a process of its own (how Node-RED runs in production), started by
 * node-red-peer.ts with the user directory holding the generated flows.json. No editor, no
 * admin or node HTTP endpoints, no telemetry; errors only. IPC: `started` once the flows run,
 * `stop` → `stopped` and exit.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

interface NodeRedRuntime {
  init(server: ReturnType<typeof createServer>, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

// node-red is CommonJS without type declarations: the three calls used are typed above.
const RED = createRequire(import.meta.url)('node-red') as NodeRedRuntime;
const userDir = process.argv[2];
if (!userDir) throw new Error('usage: node-red-child.ts <userDir>');

RED.init(createServer(), {
  userDir,
  flowFile: 'flows.json',
  credentialSecret: false,
  httpAdminRoot: false,
  httpNodeRoot: false,
  disableEditor: true,
  logging: { console: { level: 'error', metrics: false, audit: false } },
  diagnostics: { enabled: false, ui: false },
  runtimeState: { enabled: false, ui: false },
  telemetry: { enabled: false, updateNotification: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
  functionExternalModules: false,
});

try {
  await RED.start();
  process.send?.({ type: 'started' });
} catch (error) {
  process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

process.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  RED.stop().then(
    () => {
      process.send?.({ type: 'stopped' }, () => process.exit(0));
    },
    () => process.exit(1),
  );
});
process.on('disconnect', () => process.exit(0));
