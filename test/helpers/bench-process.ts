import path from 'node:path';
import { repoRoot } from './config-fixture.ts';
import { type CommandRun, runCommand } from './run-command.ts';

/** The longest a bench smoke run may take before it is killed (its test's own timeout is shorter). */
const BENCH_TIMEOUT_MS = 15 * 60_000;

/** Runs `npm run bench -- <args>` (test/bench/run.ts) as a child process and collects its output. */
export function runBench(args: readonly string[]): Promise<CommandRun> {
  return runCommand(
    process.execPath,
    [path.join(repoRoot, 'test', 'bench', 'run.ts'), ...args],
    BENCH_TIMEOUT_MS,
    repoRoot,
  );
}
