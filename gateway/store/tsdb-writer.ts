import {
  HttpError,
  InfluxDB,
  escape as lineProtocolEscape,
  type WriteApi,
} from '@influxdata/influxdb-client';
import type { Reading } from '../ingest/reading.ts';
import { SinkError } from './errors.ts';

/** Where readings go after the spool. Throws when they were not all stored; the caller retries. */
export interface ReadingSink {
  write(readings: readonly Reading[]): Promise<void>;
}

/** The tags of a point's series (site, building, equipment, class, point, key, sub_item, …). */
export type TagsFor = (pointId: string) => Readonly<Record<string, string>> | undefined;

/**
 * One line per reading: measurement `reading`, float field `value` (VictoriaMetrics stores it as
 * the metric `reading_value`), integer field `quality=1i` only for uncertain readings (metric
 * `reading_quality`), the point's tags, and a millisecond timestamp. Tag keys are sorted, as the
 * line protocol recommends. A point without tags gets `point_id=<id>`, so it still has a series
 * of its own instead of merging with (and being de-duplicated against) other untagged points.
 */
export class LineFormatter {
  readonly #tagsFor: TagsFor;
  readonly #cache = new Map<string, { tags: Readonly<Record<string, string>> | undefined; text: string }>();

  constructor(tagsFor: TagsFor) {
    this.#tagsFor = tagsFor;
  }

  /** The line, or undefined for a value the line protocol cannot carry (NaN, ±Infinity). */
  format(reading: Reading): string | undefined {
    if (!Number.isFinite(reading.value)) return undefined;
    const quality = reading.quality === 'uncertain' ? ',quality=1i' : '';
    return `reading${this.#tagSet(reading.pointId)} value=${reading.value}${quality} ${Math.trunc(reading.ts)}`;
  }

  #tagSet(pointId: string): string {
    const tags = this.#tagsFor(pointId);
    const cached = this.#cache.get(pointId);
    // The gateway hands out the same tag object per point until the registry changes.
    if (cached && cached.tags === tags) return cached.text;
    let text = tags === undefined ? '' : formatTagSet(tags);
    if (text === '') text = formatTagSet({ point_id: pointId });
    if (this.#cache.size >= 100_000) this.#cache.clear();
    this.#cache.set(pointId, { tags, text });
    return text;
  }
}

/** `,k1=v1,k2=v2` with keys sorted; empty keys and values are left out (the protocol has no empty tag). */
export function formatTagSet(tags: Readonly<Record<string, string>>): string {
  let text = '';
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key];
    if (key === '' || value === undefined || value === '') continue;
    text += `,${lineProtocolEscape.tag(key)}=${lineProtocolEscape.tag(value)}`;
  }
  return text;
}

export interface InfluxLineWriterOptions {
  /** Base URL of the store; the client appends `/api/v2/write`. */
  readonly url: string;
  /** Empty or absent sends no Authorization header (VictoriaMetrics needs none). */
  readonly token?: string;
  readonly org: string;
  readonly bucket: string;
  readonly tagsFor: TagsFor;
  /** Lines per HTTP request; a write of more readings is sent as several requests. Default 5,000. */
  readonly maxLinesPerRequest?: number;
  /** Socket timeout of one request. Default 10,000. */
  readonly timeoutMs?: number;
  /** Bodies larger than this are gzipped (worth it over a site's uplink). Default 1,000 bytes. */
  readonly gzipThreshold?: number;
}

export interface InfluxLineWriterStats {
  readonly linesWritten: number;
  readonly requests: number;
  /** Readings the line protocol cannot carry (non-finite values), left out of the writes. */
  readonly skippedNonFinite: number;
}

/**
 * Writes readings with @influxdata/influxdb-client's WriteApi, with every buffer and retry of the
 * client switched off: the spool is the retry buffer. Each request gets a fresh WriteApi whose
 * batch is larger than the request, so nothing is sent except by our own `flush()` and its
 * outcome is the outcome of the write (see README.md for why).
 */
export class InfluxLineWriter implements ReadingSink {
  readonly #options: InfluxLineWriterOptions;
  #client: InfluxDB | undefined;
  #formatter: LineFormatter | undefined;
  #linesWritten = 0;
  #requests = 0;
  #skipped = 0;

  constructor(options: InfluxLineWriterOptions) {
    this.#options = options;
  }

  async write(readings: readonly Reading[]): Promise<void> {
    this.#formatter ??= new LineFormatter(this.#options.tagsFor);
    const formatter = this.#formatter;
    const lines: string[] = [];
    let skipped = 0;
    for (const reading of readings) {
      const line = formatter.format(reading);
      if (line === undefined) skipped += 1;
      else lines.push(line);
    }
    const perRequest = this.#options.maxLinesPerRequest ?? 5_000;
    for (let start = 0; start < lines.length; start += perRequest) {
      await this.#send(lines.slice(start, start + perRequest));
    }
    // Counted only once the whole write went through, so a retried write does not count twice.
    this.#skipped += skipped;
  }

  stats(): InfluxLineWriterStats {
    return { linesWritten: this.#linesWritten, requests: this.#requests, skippedNonFinite: this.#skipped };
  }

  async #send(lines: string[]): Promise<void> {
    let confirmed = 0;
    const writeApi = this.#writeApi(lines.length, (written) => {
      confirmed += written;
    });
    this.#requests += 1;
    try {
      writeApi.writeRecords(lines);
      await writeApi.flush();
    } catch (error) {
      const status = error instanceof HttpError ? error.statusCode : undefined;
      const detail = error instanceof HttpError && error.body ? `: ${error.body.slice(0, 200)}` : '';
      throw new SinkError(
        'write_failed',
        `TSDB write of ${lines.length} lines failed: ${(error as Error).message}${detail}`,
        status,
        { cause: error },
      );
    } finally {
      writeApi.dispose();
    }
    // The client reports success per batch it sent; anything else means lines went astray.
    if (confirmed !== lines.length) {
      throw new SinkError('partial_write', `TSDB confirmed ${confirmed} of ${lines.length} lines`);
    }
    this.#linesWritten += lines.length;
  }

  #writeApi(lines: number, onSuccess: (written: number) => void): WriteApi {
    const options = this.#options;
    this.#client ??= new InfluxDB({
      url: options.url,
      timeout: options.timeoutMs ?? 10_000,
      ...(options.token ? { token: options.token } : {}),
    });
    return this.#client.getWriteApi(options.org, options.bucket, 'ms', {
      // Above the request size: the client would otherwise send a full batch by itself inside
      // writeRecords and swallow that request's error, and flush() would report success.
      batchSize: lines + 1,
      maxBatchBytes: Number.MAX_SAFE_INTEGER,
      flushInterval: 0,
      maxRetries: 0,
      maxBufferLines: 1,
      gzipThreshold: options.gzipThreshold ?? 1_000,
      // A promise from writeFailed replaces the client's whole failure handling: flush() rejects
      // with the error, the lines never enter its retry buffer (whatever maxRetries a later
      // client version counts from), and it does not print every failed write of an outage to
      // the console behind the logger's back.
      writeFailed: (error) => Promise.reject(error),
      writeSuccess: (written) => onSuccess(written.length),
    });
  }
}
