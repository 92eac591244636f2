/**
 * Readings reach the rule workers on BullMQ queues sharded by equipment, so all readings of one
 * piece of equipment land on one queue, in order, and the worker that owns the shard holds that
 * equipment's rule state. The rules service imports these names; they are the contract.
 */

export const DEFAULT_SHARDS = 8;

/** The equipment of a point id `<equipment id>.<key>` (equipment ids never contain a dot). */
export function equipmentOf(pointId: string): string {
  const dot = pointId.lastIndexOf('.');
  return dot < 0 ? pointId : pointId.slice(0, dot);
}

/** FNV-1a over the equipment id: stable across processes and releases, cheap per reading. */
export function shardOf(equipmentId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < equipmentId.length; i++) {
    hash ^= equipmentId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

export const readingQueueName = (site: string, shard: number): string => `readings.${site}.${shard}`;

/** A job's data: readings of one shard in arrival order, compact field names. */
export interface ReadingBatchJob {
  readonly readings: readonly {
    readonly p: string;
    readonly t: number;
    readonly v: number;
    readonly q?: 1;
  }[];
}

export const liveChannel = (prefix: string, site: string): string => `${prefix}:live:${site}`;
export const latestKey = (prefix: string, site: string): string => `${prefix}:latest:${site}`;

/**
 * The rule hand-off watermark `{ w, at }` the gateway keeps up to date: every reading the gateway
 * accepted before `w` (its clock, ms) had been put on the rule queues by `at` (wall clock, ms, the
 * clock BullMQ stamps jobs with). Rule workers evaluate time-driven conditions (stale) no later
 * than `w`, so a backlog still on its way through the spool or the queues cannot look like silence.
 */
export const handoffKey = (prefix: string, site: string): string => `${prefix}:handoff:${site}`;

export interface HandoffWatermark {
  readonly w: number;
  readonly at: number;
}
