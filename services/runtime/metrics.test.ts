import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type CountableQueue, reportQueueDepth } from './metrics.ts';

const queue = (name: string, counts: () => Promise<Record<string, number>>): CountableQueue => ({
  name,
  getJobCounts: counts,
});

describe('reportQueueDepth', () => {
  it('reports every registered queue by state, and forgets a source once removed', async () => {
    const registry = new Registry();
    reportQueueDepth(registry, () => [queue('readings.a.0', async () => ({ wait: 3, delayed: 1 }))]);
    const remove = reportQueueDepth(registry, () => [queue('sla-timers', async () => ({ delayed: 7 }))]);
    const text = await registry.metrics();
    expect(text).toContain('steward_queue_jobs{queue="readings.a.0",state="wait"} 3');
    expect(text).toContain('steward_queue_jobs{queue="readings.a.0",state="delayed"} 1');
    expect(text).toContain('steward_queue_jobs{queue="readings.a.0",state="failed"} 0');
    expect(text).toContain('steward_queue_jobs{queue="sla-timers",state="delayed"} 7');

    remove();
    expect(await registry.metrics()).not.toContain('queue="sla-timers"');
  });

  it('answers the scrape while Redis does not: a queue that fails or hangs is left out', async () => {
    const registry = new Registry();
    reportQueueDepth(registry, () => [
      queue('webhooks', async () => ({ wait: 2 })),
      queue('broken', () => Promise.reject(new Error('Connection is closed.'))),
      queue('hanging', () => new Promise(() => undefined)),
    ]);
    const text = await registry.metrics();
    expect(text).toContain('steward_queue_jobs{queue="webhooks",state="wait"} 2');
    expect(text).not.toContain('queue="broken"');
    expect(text).not.toContain('queue="hanging"');
  });
});
