import { describe, expect, it } from 'vitest';
import { QUICK_SIZES, runIngestBench } from './ingest/ingest-bench.ts';

/**
 * The ingest benchmark's harness in a tiny run: the real gateway (from the bench configuration,
 * with device authentication), the load-generator child, a private VictoriaMetrics. What is
 * checked is what the benchmark's figures rest on: every acknowledged reading is counted in the
 * store, exactly once. No timing is asserted.
 */
describe('ingest benchmark harness', () => {
  it('stores exactly the readings the gateway acknowledged, one and ten per message', async () => {
    const report = await runIngestBench({
      sizes: { ...QUICK_SIZES, rounds: 1, gatewayMessages: 2_000, packedMessages: 200, warmupMessages: 0 },
      phases: ['gateway', 'packed'],
      quick: true,
      window: 50,
      log: () => undefined,
    });

    expect(report.errors).toEqual({});
    const single = report.gateway?.rounds[0];
    expect(single?.messagesAcked).toBe(2_000);
    expect(single?.stored).toBe(2_000);
    expect(single?.rejections).toEqual({});
    const packed = report.packed?.rounds[0];
    expect(packed?.messagesAcked).toBe(200);
    expect(packed?.stored).toBe(2_000);
    expect(packed?.rejections).toEqual({});
  }, 120_000);
});
