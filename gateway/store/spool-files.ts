import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { open, readdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { scanRecords } from './record-format.ts';

/**
 * The spool directory: `<20-digit first sequence>.seg` segment files and `<consumer>.cursor`
 * files side by side, so one directory fsync makes a new segment or a renamed cursor durable.
 */

const SEGMENT_SUFFIX = '.seg';
const CURSOR_SUFFIX = '.cursor';
const SEGMENT_NAME = /^(\d{20})\.seg$/;
export const CONSUMER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const segmentFileName = (base: number): string => `${String(base).padStart(20, '0')}${SEGMENT_SUFFIX}`;
export const cursorFileName = (consumer: string): string => `${consumer}${CURSOR_SUFFIX}`;

export interface SegmentOnDisk {
  readonly base: number;
  readonly bytes: number;
}

export interface DirectoryContents {
  readonly segments: SegmentOnDisk[];
  readonly consumers: string[];
  /** Temp files of cursor writes a crash interrupted; the renamed cursor next to each is intact. */
  readonly leftovers: string[];
}

export async function listSpoolDirectory(dir: string): Promise<DirectoryContents> {
  const names = await readdir(dir);
  const segments: SegmentOnDisk[] = [];
  const consumers: string[] = [];
  const leftovers: string[] = [];
  for (const name of names) {
    if (name.endsWith(`${CURSOR_SUFFIX}.tmp`)) leftovers.push(name);
    const segment = SEGMENT_NAME.exec(name);
    if (segment?.[1]) {
      const { size } = await stat(path.join(dir, name));
      segments.push({ base: Number(segment[1]), bytes: size });
    } else if (name.endsWith(CURSOR_SUFFIX)) {
      const consumer = name.slice(0, -CURSOR_SUFFIX.length);
      if (CONSUMER_NAME.test(consumer)) consumers.push(consumer);
    }
  }
  segments.sort((a, b) => a.base - b.base);
  return { segments, consumers, leftovers };
}

export interface RecoveredSegment {
  readonly records: number;
  readonly bytes: number;
  readonly truncatedBytes: number;
}

/**
 * Makes the last segment end on a record boundary. A kill can leave a torn last line; a power
 * loss can leave the unsynced suffix as zeros or garbage. Either way everything from the first
 * malformed line on is cut, which the durability contract allows (it was never fsynced).
 */
export async function recoverLastSegment(file: string): Promise<RecoveredSegment> {
  const bytes = await readFile(file);
  const { records, validBytes } = scanRecords(bytes);
  if (validBytes < bytes.length) {
    const handle = await open(file, 'r+');
    try {
      await handle.truncate(validBytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return { records, bytes: validBytes, truncatedBytes: bytes.length - validBytes };
}

/** fsync on a directory makes entries created, renamed or removed in it survive a power loss. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Reads a cursor; undefined when the file is missing or does not hold a sequence number. */
export async function readCursorFile(dir: string, consumer: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, cursorFileName(consumer)), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const cursor = Number(text.trim());
  return /^\d+\n?$/.test(text) && Number.isSafeInteger(cursor) ? cursor : undefined;
}

/**
 * Write-temp, fsync, rename, fsync the directory: after a crash the cursor file holds either the
 * old or the new value, never a half-written one.
 */
export async function writeCursorFile(dir: string, consumer: string, cursor: number): Promise<void> {
  const target = path.join(dir, cursorFileName(consumer));
  const temp = `${target}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(`${cursor}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
  await syncDirectory(dir);
}

/**
 * Synchronous twin of writeCursorFile for the one-off registration of a new consumer, so that
 * `spool.consumer(name)` can stay synchronous and the consumer holds its segments from the first
 * moment, also across a crash right after it was created.
 */
export function writeCursorFileSync(dir: string, consumer: string, cursor: number): void {
  const target = path.join(dir, cursorFileName(consumer));
  const temp = `${target}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, `${cursor}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, target);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/**
 * Two spools appending to one directory would interleave records and corrupt the sequence. This
 * guards against it within a process; across processes the directory must belong to one gateway.
 * (A PID lock file left by a killed gateway can name a live, unrelated process after a restart,
 * since PIDs are reused, in containers almost always, and the gateway would refuse to start.)
 */
const directoriesInUse = new Set<string>();

export function claimDirectory(dir: string): boolean {
  const key = path.resolve(dir);
  if (directoriesInUse.has(key)) return false;
  directoriesInUse.add(key);
  return true;
}

export function releaseDirectory(dir: string): void {
  directoriesInUse.delete(path.resolve(dir));
}
