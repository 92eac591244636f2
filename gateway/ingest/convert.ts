import { type NormalisePolicy, normalise } from './normalise.ts';
import type { PointIndex } from './point-index.ts';
import type { RawValue, Reading } from './reading.ts';
import type { Rejection } from './rejection.ts';

/** Normalises a batch of source values; unknown points and refused values become rejections. */
export function toReadings(
  values: readonly RawValue[],
  source: string,
  index: PointIndex,
  receivedAt: number,
  policy: NormalisePolicy,
): { readings: Reading[]; rejections: Rejection[] } {
  const readings: Reading[] = [];
  const rejections: Rejection[] = [];
  for (const raw of values) {
    const point = index.get(raw.pointId);
    if (!point) {
      rejections.push({
        code: 'UNKNOWN_POINT',
        detail: `point ${raw.pointId} is not in the registry`,
        source,
      });
      continue;
    }
    const result = normalise(raw, point, receivedAt, policy);
    if (result.ok) readings.push(result.reading);
    else rejections.push({ code: result.code, detail: result.detail, source, pointId: point.id });
  }
  return { readings, rejections };
}
