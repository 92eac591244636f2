import { readFileSync } from 'node:fs';
import { type EventLoopUtilization, monitorEventLoopDelay, performance } from 'node:perf_hooks';

const CLOCK_TICKS_PER_S = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; NaN when unreadable. */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds the whole machine spent busy (all cores), from /proc/stat; NaN when unreadable. */
export function machineBusySeconds(): number {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait.
    const busy = [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (fields[i] ?? Number.NaN), 0);
    return busy / CLOCK_TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

export interface CpuSplit {
  /**
   * Percent of one core per process over the window (the machine has `os.availableParallelism()`
   * × 100); `others` is every process the bench did not start (other work on the machine).
   */
  readonly cpuPct: Readonly<Record<string, number>>;
  /** Share of the window this process's event loop was busy (the broker or gateway process). */
  readonly benchLoopUtilisation: number;
  readonly benchLoopDelayP99Ms: number;
}

/**
 * Where the two cores go during a measured window: CPU of this process (the broker or gateway
 * under test) and of the other processes involved (load generator, VictoriaMetrics, Node-RED).
 */
export class CpuMeter {
  readonly #pids: Readonly<Record<string, number | undefined>>;
  #before: Record<string, number> = {};
  #self = process.cpuUsage();
  #machine = 0;
  #startedAt = 0;
  #elu: EventLoopUtilization | undefined;
  readonly #delay = monitorEventLoopDelay({ resolution: 10 });

  /** `pids`: other processes by label; this process is reported as `self`. */
  constructor(pids: Readonly<Record<string, number | undefined>>) {
    this.#pids = pids;
  }

  start(): void {
    this.#before = Object.fromEntries(
      Object.entries(this.#pids).map(([label, pid]) => [label, processCpuSeconds(pid)]),
    );
    this.#self = process.cpuUsage();
    this.#machine = machineBusySeconds();
    this.#elu = performance.eventLoopUtilization();
    this.#delay.reset();
    this.#delay.enable();
    this.#startedAt = performance.now();
  }

  stop(): CpuSplit {
    const seconds = (performance.now() - this.#startedAt) / 1_000;
    this.#delay.disable();
    const self = process.cpuUsage(this.#self);
    const pct = (cpuSeconds: number): number => Math.round((cpuSeconds / seconds) * 100);
    const machine = machineBusySeconds() - this.#machine;
    const used: Record<string, number> = { self: (self.user + self.system) / 1e6 };
    for (const [label, pid] of Object.entries(this.#pids))
      used[label] = processCpuSeconds(pid) - (this.#before[label] ?? Number.NaN);
    const ours = Object.values(used).reduce((sum, seconds) => sum + seconds, 0);
    const cpuPct: Record<string, number> = {};
    for (const [label, seconds] of Object.entries(used)) cpuPct[label] = pct(seconds);
    cpuPct.others = Math.max(0, pct(machine - ours));
    return {
      cpuPct,
      benchLoopUtilisation: Math.round(performance.eventLoopUtilization(this.#elu).utilization * 100) / 100,
      benchLoopDelayP99Ms: Math.round(this.#delay.percentile(99) / 1e5) / 10,
    };
  }
}
