#!/usr/bin/env node
// The `steward` command. The sources are TypeScript run directly by Node ≥ 24 (type
// stripping), and the project pins Node 24 through the `node` npm package. When this file is
// started by an older Node (the machine's own), it re-runs itself on the pinned one.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MINIMUM_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);

if (major >= MINIMUM_MAJOR) {
  const { main } = await import('../cli.ts');
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  if (code !== 0) process.exit(code);
} else {
  const pinned = fileURLToPath(new URL('../../../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(
      `steward: Node ${MINIMUM_MAJOR}+ is required (this is ${process.version}); run \`npm ci\` to install the pinned Node.\n`,
    );
    process.exit(1);
  }
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
