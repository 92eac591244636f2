import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Poppler's command-line tools, as a reader of our PDFs would meet them (poppler-utils; setup.sh
 * installs it). Tests only.
 */

const run = promisify(execFile);

/** Page `page` as a PNG at `dpi`, via `pdftoppm -png -r <dpi> -f <page> -l <page>`. */
export async function renderPagePng(
  pdfPath: string,
  page: number,
  dpi: number,
  outDir: string,
): Promise<Buffer> {
  const prefix = join(outDir, `page-${page}`);
  await run('pdftoppm', [
    '-png',
    '-r',
    String(dpi),
    '-f',
    String(page),
    '-l',
    String(page),
    '-singlefile',
    pdfPath,
    prefix,
  ]);
  return readFile(`${prefix}.png`);
}

/** Text of one page (or of all with page undefined) as pdftotext extracts it, in reading order. */
export async function pdfText(pdfPath: string, page?: number): Promise<string> {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', ...range, pdfPath, '-']);
  return stdout;
}

export async function pdfInfo(pdfPath: string): Promise<Record<string, string>> {
  const { stdout } = await run('pdfinfo', [pdfPath]);
  const info: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) info[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return info;
}

export async function pdfFonts(pdfPath: string): Promise<string> {
  return (await run('pdffonts', [pdfPath])).stdout;
}

export async function pdfImages(pdfPath: string): Promise<string> {
  return (await run('pdfimages', ['-list', pdfPath])).stdout;
}
