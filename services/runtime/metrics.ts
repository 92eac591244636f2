import {
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  type Registry,
} from 'prom-client';

/**
 * A counter registered once per registry: several instances of a component (site brokers,
 * ingestors in tests) share it and tell themselves apart by labels.
 */
export function sharedCounter<L extends string>(
  registry: Registry,
  config: Omit<CounterConfiguration<L>, 'registers'>,
): Counter<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing instanceof Counter) return existing as Counter<L>;
  return new Counter({ ...config, registers: [registry] });
}

export function sharedGauge<L extends string>(
  registry: Registry,
  config: Omit<GaugeConfiguration<L>, 'registers'>,
): Gauge<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing instanceof Gauge) return existing as Gauge<L>;
  return new Gauge({ ...config, registers: [registry] });
}

export function sharedHistogram<L extends string>(
  registry: Registry,
  config: Omit<HistogramConfiguration<L>, 'registers'>,
): Histogram<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing instanceof Histogram) return existing as Histogram<L>;
  return new Histogram({ ...config, registers: [registry] });
}

/** What the queue-depth gauge reads of a BullMQ Queue. */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...states: QueueState[]): Promise<Record<string, number>>;
}

type QueueState = 'wait' | 'prioritized' | 'active' | 'delayed' | 'failed';
const QUEUE_STATES: readonly QueueState[] = ['wait', 'prioritized', 'active', 'delayed', 'failed'];
/** A scrape must answer while Redis is away (then the queues are simply left out). */
const QUEUE_COUNT_TIMEOUT_MS = 2_000;

const queueSources = new WeakMap<Registry, Set<() => Iterable<CountableQueue>>>();

/**
 * Reports the jobs of the given BullMQ queues by state as `steward_queue_jobs{queue,state}`, read
 * from Redis at scrape time (nothing on the job path). Each owner of queues registers its own
 * (the gateway its reading queues, the workers their timers and webhooks); the result removes them.
 * Several processes report a shared queue alike, so dashboards take `max by (queue, state)`.
 */
export function reportQueueDepth(registry: Registry, queues: () => Iterable<CountableQueue>): () => void {
  const sources = queueSources.get(registry) ?? queueDepthGauge(registry);
  sources.add(queues);
  return () => {
    sources.delete(queues);
  };
}

function queueDepthGauge(registry: Registry): Set<() => Iterable<CountableQueue>> {
  const sources = new Set<() => Iterable<CountableQueue>>();
  queueSources.set(registry, sources);
  new Gauge({
    name: 'steward_queue_jobs',
    help: 'BullMQ jobs by queue and state (wait, prioritized, active, delayed, failed), read at scrape time; absent while Redis does not answer',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const queues = [...sources].flatMap((source) => [...source()]);
      const counts = await Promise.all(queues.map((queue) => countsOf(queue)));
      this.reset();
      queues.forEach((queue, i) => {
        const byState = counts[i];
        if (!byState) return;
        for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, byState[state] ?? 0);
      });
    },
  });
  return sources;
}

async function countsOf(queue: CountableQueue): Promise<Record<string, number> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), QUEUE_COUNT_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([queue.getJobCounts(...QUEUE_STATES), timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
