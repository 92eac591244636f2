import { itemsSustained, measureItems } from '../opcua/measure-items.ts';

export interface OpcuaItemsFigure {
  /** Monitored items at 1 s sampling the OPC UA source kept up with; null when not measured. */
  readonly itemsSustained: number | null;
  readonly reason: string;
}

/**
 * Monitored items at 1 s sampling that the gateway's OPC UA source keeps up with, from a node-opcua
 * server child whose variables all change every second (test/bench/opcua/measure-items.ts): the
 * largest count tried whose changes all arrived. The quick run tries only the target, 20,000.
 */
export async function measureOpcuaItems(quick: boolean): Promise<OpcuaItemsFigure> {
  const counts = quick ? [20_000] : [20_000, 30_000];
  try {
    const rows = await measureItems({ counts, windowS: quick ? 6 : 10, samplingIntervalMs: 1_000 });
    const detail = rows
      .map((row) => `${row.items}: ${row.keptUpPct} % kept up, ${row.receivedPerS}/s`)
      .join('; ');
    return { itemsSustained: itemsSustained(rows), reason: `tried ${counts.join(', ')} (${detail})` };
  } catch (error) {
    return {
      itemsSustained: null,
      reason: `measurement failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
