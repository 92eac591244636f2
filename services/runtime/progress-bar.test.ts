import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress-bar.ts';

const streamOf = (isTTY: boolean, columns = 80) => {
  const chunks: string[] = [];
  return {
    chunks,
    stream: {
      isTTY,
      columns,
      write: (chunk: string) => {
        chunks.push(chunk);
        return true;
      },
    },
  };
};

describe('the progress bar', () => {
  it('redraws one line in place on a terminal, and ends it when finished', () => {
    const { chunks, stream } = streamOf(true);
    const bar = new ProgressBar(stream, 'reports');
    bar.update(1, 4, 'a.pdf');
    bar.update(4, 4, 'd.pdf');
    bar.finish();
    expect(chunks).toEqual([
      `\r\x1b[2Kreports [${'#'.repeat(8)}${'·'.repeat(22)}] 1/4 a.pdf`,
      `\r\x1b[2Kreports [${'#'.repeat(30)}] 4/4 d.pdf`,
      '\n',
    ]);
  });

  it('never wraps: a line longer than the terminal is cut', () => {
    const { chunks, stream } = streamOf(true, 40);
    new ProgressBar(stream, 'reports').update(1, 2, 'a-very-long-contract-name-2026-10.pdf');
    const drawn = (chunks[0] ?? '').replace('\r\x1b[2K', '');
    expect(drawn).toHaveLength(39);
    expect(drawn.endsWith('…')).toBe(true);
  });

  it('keeps the count on a narrow terminal (the bar gives way) and takes 0 columns as unknown', () => {
    const narrow = streamOf(true, 30);
    new ProgressBar(narrow.stream, 'reports').update(3, 5, 'c.pdf');
    expect(narrow.chunks).toEqual(['\r\x1b[2Kreports 3/5 c.pdf']);
    const unknown = streamOf(true, 0);
    new ProgressBar(unknown.stream, 'reports').update(5, 5);
    expect(unknown.chunks).toEqual([`\r\x1b[2Kreports [${'#'.repeat(30)}] 5/5`]);
  });

  it('writes plain lines, no control characters, when the stream is not a terminal', () => {
    const { chunks, stream } = streamOf(false);
    const bar = new ProgressBar(stream, 'reports');
    bar.update(1, 2, 'a.pdf');
    bar.update(2, undefined);
    bar.finish();
    expect(chunks).toEqual(['reports 1/2 a.pdf\n', 'reports 2\n']);
  });
});
