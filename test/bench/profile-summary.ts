/**
 * Where a process's CPU went, from a V8 .cpuprofile (as `npm run bench -- ingest --cpu-prof DIR`
 * writes them): self time grouped by package (node_modules), project file, or Node internals.
 *
 *   node test/bench/profile-summary.ts DIR/gateway-1-gateway.cpuprofile [--top 25] [--functions 15]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** The bucket a frame's self time goes to. */
function groupOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url;
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const modules = file.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = file.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? file);
  }
  return path.relative(repoRoot, file);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, functions: { type: 'string', default: '15' } },
});
for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    // Idle time, and the profiler's own stop call at the end of the window, are not the process's work.
    if (!node || node.callFrame.functionName === '(idle)' || node.callFrame.url === 'node:inspector') return;
    total += us;
    const group = groupOf(node.callFrame);
    groups.set(group, (groups.get(group) ?? 0) + us);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${group}:${node.callFrame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([name, us]) =>
          `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1e3).toFixed(0).padStart(6)} ms  ${name}`,
      )
      .join('\n');
  process.stdout.write(
    `${file}: ${(total / 1e3).toFixed(0)} ms on CPU (idle and the profiler excluded)\n` +
      `by package / file:\n${top(groups, Number(values.top))}\n` +
      `hottest functions (self time):\n${top(functions, Number(values.functions))}\n\n`,
  );
}
