import type { IndexedPoint } from './point-index.ts';
import type { RawValue, Reading } from './reading.ts';
import type { RejectionCode } from './rejection.ts';

export interface NormalisePolicy {
  /** `source`: keep the device's timestamp when it sent one; `gateway`: always stamp on receipt. */
  readonly timestamp: 'source' | 'gateway';
  /** Readings stamped further ahead than this are refused (device clock skew). */
  readonly maxFutureMs: number;
  /** Readings older than the store keeps are refused (it would silently drop them). */
  readonly retentionMs: number;
}

export const DEFAULT_POLICY: NormalisePolicy = {
  timestamp: 'source',
  maxFutureMs: 5 * 60_000,
  retentionMs: 5 * 365 * 86_400_000,
};

export type Normalised =
  | { readonly ok: true; readonly reading: Reading }
  | { readonly ok: false; readonly code: RejectionCode; readonly detail: string };

const refuse = (code: RejectionCode, detail: string): Normalised => ({ ok: false, code, detail });

/**
 * Turns a source value into a stored reading: checks its type against the point's kind, its
 * range against the hard limits (in the declared unit, before conversion), its timestamp
 * against the clock, and converts it into the canonical unit. Pure; runs for every reading.
 */
export function normalise(
  raw: RawValue,
  point: IndexedPoint,
  receivedAt: number,
  policy: NormalisePolicy,
): Normalised {
  if (raw.quality === 'bad') return refuse('BAD_QUALITY', 'source reported bad quality');
  const value = numericValue(raw.value, point.kind);
  if (typeof value === 'string') return refuse('VALUE_TYPE', value);
  if (!Number.isFinite(value))
    return refuse('VALUE_NOT_FINITE', `value ${String(raw.value)} is not a finite number`);
  if (value < point.min || value > point.max) {
    return refuse('VALUE_OUT_OF_LIMITS', `value ${value} outside limits [${point.min}, ${point.max}]`);
  }
  let ts = receivedAt;
  if (policy.timestamp === 'source' && raw.sourceTs !== undefined) {
    ts = raw.sourceTs;
    if (!Number.isFinite(ts)) return refuse('TIMESTAMP_INVALID', 'timestamp is not a number');
    if (ts > receivedAt + policy.maxFutureMs) {
      return refuse('TIMESTAMP_IN_FUTURE', `timestamp ${isoOrRaw(ts)} is ahead of the gateway clock`);
    }
    if (ts < receivedAt - policy.retentionMs) {
      return refuse('TIMESTAMP_TOO_OLD', `timestamp ${isoOrRaw(ts)} is older than the store keeps`);
    }
  }
  return {
    ok: true,
    reading: {
      pointId: point.id,
      ts: Math.round(ts),
      value: point.factor === 1 && point.offset === 0 ? value : value * point.factor + point.offset,
      quality: raw.quality === 'uncertain' ? 'uncertain' : 'good',
    },
  };
}

/** The numeric value for a point kind, or a string saying why the value has the wrong type. */
function numericValue(value: unknown, kind: IndexedPoint['kind']): number | string {
  if (kind === 'binary') {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value === 0 || value === 1) return value;
    return `a binary point takes true/false or 0/1, got ${describe(value)}`;
  }
  if (typeof value !== 'number') return `a ${kind} point takes a number, got ${describe(value)}`;
  if (kind === 'multistate' && Number.isFinite(value) && !Number.isInteger(value)) {
    return `a multistate point takes an integer state code, got ${value}`;
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'number') return String(value);
  return typeof value;
}

/** Formats a timestamp for a message without throwing on instants a Date cannot hold. */
function isoOrRaw(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
