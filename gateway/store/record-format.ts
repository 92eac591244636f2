import type { Reading } from '../ingest/reading.ts';

/**
 * The spool's on-disk record: one UTF-8 line per reading, `pointId \t ts \t value \t q \n`, where
 * q is `g` (good) or `u` (uncertain). A record's sequence number is implicit: the segment file is
 * named by the sequence of its first line, and line n of the file is that base + n. Implicit
 * numbering keeps records at ~40 bytes and makes "count the newlines" the whole index.
 *
 * Numbers are written with `String(n)`, the shortest text that parses back to the same double, so
 * a value survives the round trip (NaN and ±Infinity included, -0 becomes 0; the TSDB writer, not
 * the spool, decides what the store can take).
 */

const NEWLINE = 0x0a;
const FORBIDDEN_IN_POINT_ID = /[\t\n\r]/;

export function encodeReading(reading: Reading): string {
  return `${reading.pointId}\t${reading.ts}\t${reading.value}\t${reading.quality === 'good' ? 'g' : 'u'}\n`;
}

/** Why a reading cannot be spooled, or undefined when it can. */
export function invalidReadingReason(reading: Reading): string | undefined {
  if (typeof reading.pointId !== 'string' || reading.pointId.length === 0) return 'empty point id';
  // A tab or newline inside the id would shift every later sequence number by one.
  if (FORBIDDEN_IN_POINT_ID.test(reading.pointId)) return 'point id contains a tab or line break';
  if (typeof reading.ts !== 'number' || !Number.isFinite(reading.ts))
    return 'timestamp is not a finite number';
  if (typeof reading.value !== 'number') return 'value is not a number';
  if (reading.quality !== 'good' && reading.quality !== 'uncertain') return 'unknown quality';
  return undefined;
}

/** Parses one line without its newline; undefined when the line is not a well-formed record. */
export function decodeReading(line: string): Reading | undefined {
  const first = line.indexOf('\t');
  const second = first < 0 ? -1 : line.indexOf('\t', first + 1);
  const third = second < 0 ? -1 : line.indexOf('\t', second + 1);
  if (first <= 0 || second < 0 || third < 0 || third !== line.length - 2) return undefined;
  const tsText = line.slice(first + 1, second);
  const valueText = line.slice(second + 1, third);
  const q = line.charCodeAt(third + 1);
  // Number('') is 0, so empty fields must be refused before converting.
  if (tsText.length === 0 || valueText.length === 0) return undefined;
  const ts = Number(tsText);
  const value = Number(valueText);
  if (!Number.isFinite(ts) || (Number.isNaN(value) && valueText !== 'NaN')) return undefined;
  if (q !== 0x67 /* g */ && q !== 0x75 /* u */) return undefined;
  return { pointId: line.slice(0, first), ts, value, quality: q === 0x67 ? 'good' : 'uncertain' };
}

export interface ScannedLines {
  /** Complete, well-formed records from the start of the buffer. */
  readonly records: number;
  /** Bytes those records occupy; everything after is torn or corrupt. */
  readonly validBytes: number;
}

/**
 * Counts the well-formed records at the start of a segment's bytes and where they end. Used by
 * recovery: the tail after the first malformed or unterminated line is what a crash left behind.
 */
export function scanRecords(bytes: Buffer): ScannedLines {
  let records = 0;
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(NEWLINE, start);
    if (end < 0) break;
    if (decodeReading(bytes.toString('utf8', start, end)) === undefined) break;
    records += 1;
    start = end + 1;
  }
  return { records, validBytes: start };
}
