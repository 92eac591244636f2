import { DataType, type DataValue, type StatusCode, type Variant, VariantArrayType } from 'node-opcua';
import type { RawValue } from '../../ingest/reading.ts';

type Quality = NonNullable<RawValue['quality']>;

/**
 * OPC UA puts the severity in the two top bits of every StatusCode (Part 4, 7.39): 00 Good,
 * 01 Uncertain, 10 and 11 Bad. Reading the bits rather than a list of names maps every code,
 * including vendor-specific ones and codes with info bits set (Good with Overflow stays good).
 */
export function qualityOf(statusCode: StatusCode): Quality {
  const severity = statusCode.value >>> 30;
  if (severity === 0) return 'good';
  if (severity === 1) return 'uncertain';
  return 'bad';
}

const TWO_POW_32 = 0x1_0000_0000;

/**
 * node-opcua carries 64-bit integers as `[high, low]` 32-bit words. Counters (energy in Wh,
 * run hours) fit a double exactly below 2^53, which is decades of any real meter; beyond that
 * the value is rounded, as a JSON number would be anyway.
 */
function uint64ToNumber(words: unknown): unknown {
  if (!Array.isArray(words) || words.length !== 2) return words;
  const [high, low] = words as [number, number];
  return high * TWO_POW_32 + low;
}

function int64ToNumber(words: unknown): unknown {
  if (!Array.isArray(words) || words.length !== 2) return words;
  const [high, low] = words as [number, number];
  const signedHigh = high >= 0x8000_0000 ? high - TWO_POW_32 : high;
  return signedHigh * TWO_POW_32 + low;
}

/**
 * Numbers and booleans become JS numbers and booleans; 64-bit integers become numbers;
 * everything else (strings, dates, arrays, structures, null) passes through untouched so that
 * normalisation rejects it with its own reason code instead of this adapter guessing.
 */
export function mapVariantValue(variant: Variant | null | undefined): unknown {
  if (!variant) return null;
  if (variant.arrayType !== VariantArrayType.Scalar) return variant.value;
  switch (variant.dataType) {
    case DataType.Int64:
      return int64ToNumber(variant.value);
    case DataType.UInt64:
      return uint64ToNumber(variant.value);
    default:
      return variant.value;
  }
}

/** Source timestamp when the server gave one, else its server timestamp, else none. */
export function timestampOf(dataValue: DataValue): number | undefined {
  return dataValue.sourceTimestamp?.getTime() ?? dataValue.serverTimestamp?.getTime() ?? undefined;
}

export function toRawValue(pointId: string, dataValue: DataValue): RawValue {
  const sourceTs = timestampOf(dataValue);
  const value = mapVariantValue(dataValue.value);
  const quality = qualityOf(dataValue.statusCode);
  return sourceTs === undefined ? { pointId, value, quality } : { pointId, value, sourceTs, quality };
}
