import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReportError, type ReportErrorCode } from './errors.ts';
import { parseDocument } from './model/validate.ts';
import type { ReportRenderer } from './renderer.ts';

/**
 * Renders many documents into a folder one at a time (the fifty contracts' scorecards of a
 * month), reporting after each so a command can draw a progress bar. Jobs may come from an async
 * iterable, so documents can be built while earlier ones are written and never all sit in memory.
 *
 * A document that fails validation is recorded and skipped: one bad scorecard must not hold back
 * the other forty-nine. A missing font, a write failure or an abort stops the batch (they would
 * fail every remaining job the same way) and rejects with the `ReportError`.
 */

export type ReportFormat = 'pdf' | 'csv';

export interface ReportJob {
  /** Base of the file names: `<name>.pdf` and `<name>.<table id>.csv`. */
  readonly name: string;
  /** Validated here; an invalid one fails this job only. */
  readonly document: unknown;
}

export interface JobFailure {
  readonly name: string;
  readonly code: ReportErrorCode;
  readonly message: string;
  readonly issues: readonly string[];
}

export interface BatchProgress {
  /** Jobs finished, including this one. */
  readonly done: number;
  /** From the options, or the array's length; undefined for an iterable of unknown length. */
  readonly total: number | undefined;
  readonly name: string;
  readonly outcome: 'written' | 'failed';
  /** Paths written for this job. */
  readonly files: readonly string[];
  readonly failure?: JobFailure;
}

export interface BatchOptions {
  readonly outDir: string;
  /** Default both. */
  readonly formats?: readonly ReportFormat[];
  readonly total?: number;
  readonly onProgress?: (progress: BatchProgress) => void;
  readonly signal?: AbortSignal;
}

export interface BatchSummary {
  readonly written: number;
  readonly failed: readonly JobFailure[];
  readonly files: readonly string[];
}

/** Safe as a file name on Linux and Windows: no separators, no control or reserved characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const UNSAFE_NAME = /[\u0000-\u001f\u007f/\\:*?"<>|]/;

export async function renderBatch(
  renderer: ReportRenderer,
  jobs: Iterable<ReportJob> | AsyncIterable<ReportJob>,
  options: BatchOptions,
): Promise<BatchSummary> {
  const formats = new Set<ReportFormat>(options.formats ?? ['pdf', 'csv']);
  const total = options.total ?? (Array.isArray(jobs) ? jobs.length : undefined);
  if (formats.has('pdf')) await renderer.font();
  await mkdir(options.outDir, { recursive: true });

  const failed: JobFailure[] = [];
  const files: string[] = [];
  let done = 0;
  for await (const job of jobs) {
    if (options.signal?.aborted === true) {
      throw new ReportError('aborted', `report batch aborted after ${done} documents`, {
        cause: options.signal.reason,
      });
    }
    let written: string[] = [];
    let failure: JobFailure | undefined;
    try {
      written = await renderJob(renderer, job, formats, options.outDir);
    } catch (error) {
      if (!(error instanceof ReportError) || !isJobError(error)) throw error;
      failure = { name: job.name, code: error.code, message: error.message, issues: error.issues };
      failed.push(failure);
    }
    files.push(...written);
    done += 1;
    options.onProgress?.({
      done,
      total,
      name: job.name,
      outcome: failure === undefined ? 'written' : 'failed',
      files: written,
      ...(failure === undefined ? {} : { failure }),
    });
  }
  return { written: done - failed.length, failed, files };
}

/** Errors that belong to one job; the others stop the batch. */
function isJobError(error: ReportError): boolean {
  return error.code === 'invalid_document' || error.code === 'invalid_job_name';
}

async function renderJob(
  renderer: ReportRenderer,
  job: ReportJob,
  formats: ReadonlySet<ReportFormat>,
  outDir: string,
): Promise<string[]> {
  if (job.name === '' || job.name.length > 120 || job.name.startsWith('.') || UNSAFE_NAME.test(job.name)) {
    throw new ReportError('invalid_job_name', `cannot name files after ${JSON.stringify(job.name)}`);
  }
  // Validated before anything is opened, so a bad document leaves no file behind.
  const document = parseDocument(job.document);
  const written: string[] = [];
  const csvFiles = formats.has('csv') ? renderer.csv(document) : [];
  if (formats.has('pdf')) {
    const path = join(outDir, `${job.name}.pdf`);
    await atomically(path, (partial) => renderer.writePdf(document, createWriteStream(partial)));
    written.push(path);
  }
  for (const csv of csvFiles) {
    const path = join(outDir, `${job.name}.${csv.fileName}`);
    await atomically(path, (partial) => writeFile(partial, csv.content));
    written.push(path);
  }
  return written;
}

/** Writes beside the target and renames, so a reader never sees half a file. */
async function atomically(path: string, write: (partial: string) => Promise<void>): Promise<void> {
  const partial = `${path}.partial`;
  try {
    await write(partial);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof ReportError) throw error;
    throw new ReportError('write_failed', `cannot write ${path}: ${String(error)}`, { cause: error });
  }
}
