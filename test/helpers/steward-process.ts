import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './config-fixture.ts';

const launcher = path.join(repoRoot, 'services', 'runtime', 'bin', 'steward.mjs');

export interface RunningSteward {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ExitedSteward {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function spawnSteward(args: readonly string[], env: Record<string, string>, input?: string): ChildProcess {
  const child = spawn(process.execPath, [launcher, ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) child.stdin?.end(input);
  return child;
}

/** Runs a steward command to completion (for commands that exit by themselves); `input` is its stdin. */
export function runSteward(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
  input?: string,
): Promise<ExitedSteward> {
  const child = spawnSteward(args, env, input);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`steward ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running role on a free port and waits until its HTTP server listens. */
export function startSteward(
  role: string,
  env: Record<string, string> = {},
  timeoutMs = 30_000,
  extraArgs: readonly string[] = [],
): Promise<RunningSteward> {
  const child = spawnSteward([role, '--port', '0', ...extraArgs], env);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`steward ${role} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      const url = match[1];
      resolve({
        child,
        url,
        output: () => output,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`steward ${role} exited with ${code} before it started:\n${output}`));
    });
  });
}
