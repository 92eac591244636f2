import type { Reading } from '../../../gateway/ingest/reading.ts';
import type { PointTrack, PointTracks } from './state.ts';

/** Why a reading changed nothing; the worker counts these. */
export type Discard = 'out_of_order' | 'duplicate' | 'invalid' | 'unrelated';

/**
 * How a reading relates to what the condition has already seen of its point:
 * - `new`: newer than anything seen;
 * - `correction`: same timestamp as the newest, another value or quality; evaluated as a
 *   further reading at that instant (last one wins for comparisons);
 * - otherwise discarded: older than the newest (`out_of_order`), identical to it (`duplicate`),
 *   or not finite (`invalid`, which the gateway never lets through).
 */
export type Arrival =
  | { readonly kind: 'new' | 'correction'; readonly points: PointTracks }
  | { readonly kind: 'discarded'; readonly discard: Discard };

/** `MB-AHU-01.supply_air_temp` → `supply_air_temp` (equipment ids and keys never hold a dot). */
export function pointKeyOf(pointId: string): string {
  return pointId.slice(pointId.lastIndexOf('.') + 1);
}

export function track(points: PointTracks, key: string, reading: Reading): Arrival {
  if (!Number.isFinite(reading.ts) || !Number.isFinite(reading.value)) {
    return { kind: 'discarded', discard: 'invalid' };
  }
  // -0 would come back from a JSON round trip as 0; normalise now so a restored state is equal.
  const value = reading.value === 0 ? 0 : reading.value;
  const previous = Object.hasOwn(points, key) ? points[key] : undefined;
  if (previous !== undefined) {
    if (reading.ts < previous.ts) return { kind: 'discarded', discard: 'out_of_order' };
    if (reading.ts === previous.ts && value === previous.value && reading.quality === previous.quality) {
      return { kind: 'discarded', discard: 'duplicate' };
    }
  }
  const next: PointTrack =
    reading.quality === 'good'
      ? { ts: reading.ts, value, quality: 'good', goodTs: reading.ts, goodValue: value }
      : withGood({ ts: reading.ts, value, quality: 'uncertain' }, previous);
  return {
    kind: previous !== undefined && reading.ts === previous.ts ? 'correction' : 'new',
    points: { ...points, [key]: next },
  };
}

function withGood(track: PointTrack, previous: PointTrack | undefined): PointTrack {
  if (previous?.goodTs === undefined || previous.goodValue === undefined) return track;
  return { ...track, goodTs: previous.goodTs, goodValue: previous.goodValue };
}

/** The newest good value of a point, if it has had one. */
export function goodValueOf(points: PointTracks, key: string): number | undefined {
  return Object.hasOwn(points, key) ? points[key]?.goodValue : undefined;
}
