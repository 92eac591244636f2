/** Where progress goes: stderr, or anything with its shape (tests). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  /** Terminal width; 80 when unknown (or 0). */
  readonly columns?: number;
  write(chunk: string): boolean;
}

const BAR_WIDTH = 30;

/**
 * A one-line progress bar for long commands, redrawn in place on a terminal
 * (`label [########······] 12/50 name`). When the stream is not a terminal (a pipe, a log file,
 * CI), it writes one plain line per step instead: no carriage returns or escape codes in a log.
 */
export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #label: string;
  #drawn = false;

  constructor(stream: ProgressStream, label: string) {
    this.#stream = stream;
    this.#label = label;
  }

  /** `done` of `total` (unknown: no bar, just the count), after the step named `detail`. */
  update(done: number, total: number | undefined, detail = ''): void {
    const count = total === undefined ? `${done}` : `${done}/${total}`;
    if (this.#stream.isTTY !== true) {
      this.#stream.write(`${this.#label} ${count}${detail ? ` ${detail}` : ''}\n`);
      return;
    }
    // A pseudo-terminal may report 0 columns: unknown, take 80.
    const columns =
      this.#stream.columns !== undefined && this.#stream.columns > 0 ? this.#stream.columns : 80;
    const width = columns - 1;
    const tail = ` ${count}${detail ? ` ${detail}` : ''}`;
    // The bar gives way first on a narrow terminal, then the detail is cut: the count stays.
    const barWidth = Math.min(BAR_WIDTH, width - this.#label.length - tail.length - 3);
    const bar =
      total === undefined || total === 0 || barWidth < 10 ? '' : ` ${barOf(done / total, barWidth)}`;
    const line = `${this.#label}${bar}${tail}`;
    // Clear the line and redraw; never longer than the terminal, so it never wraps onto a second line.
    this.#stream.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    this.#drawn = true;
  }

  /** Ends the bar's line on a terminal, so what follows starts on a line of its own. */
  finish(): void {
    if (this.#drawn) this.#stream.write('\n');
    this.#drawn = false;
  }
}

function barOf(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'·'.repeat(width - filled)}]`;
}
