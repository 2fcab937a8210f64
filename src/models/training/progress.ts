/** Where progress goes: a writable text stream (process.stderr by default). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * The training progress display: a one-line bar redrawn in place on a TTY
 * (`verbose: 'auto'` or `true`), one line per epoch when `verbose: true` and
 * the stream is not a TTY, nothing otherwise.
 *
 * @example
 * const p = new Progress('auto', 100);
 * p.batch(0, 1, 4, 0.9); p.epoch(0, { loss: 0.9, valLoss: 1.0, ms: 12 });
 * p.done();
 */
export class Progress {
  private readonly mode: 'bar' | 'lines' | 'quiet';
  private drawn = false;

  constructor(
    verbose: boolean | 'auto',
    private readonly epochs: number,
    private readonly stream: ProgressStream = process.stderr,
  ) {
    const tty = stream.isTTY === true;
    this.mode = verbose === false ? 'quiet' : tty ? 'bar' : verbose === true ? 'lines' : 'quiet';
  }

  /** Whether anything is printed. */
  get active(): boolean {
    return this.mode !== 'quiet';
  }

  /** After batch `k` (0-based) of `total` (unknown: 0) in `epoch`. */
  batch(epoch: number, k: number, total: number, loss: number): void {
    if (this.mode !== 'bar') return;
    const width = 20;
    const frac = total > 0 ? Math.min(1, (k + 1) / total) : 0;
    const filled = Math.round(frac * width);
    const bar = total > 0 ? `[${'='.repeat(filled)}${' '.repeat(width - filled)}]` : `[batch ${k + 1}]`;
    this.draw(`epoch ${epoch + 1}/${this.epochs} ${bar} loss ${fmt(loss)}`);
  }

  /** At the end of an epoch. */
  epoch(epoch: number, logs: { loss: number; valLoss: number; ms: number }): void {
    if (this.mode === 'quiet') return;
    const val = Number.isNaN(logs.valLoss) ? '' : ` val_loss ${fmt(logs.valLoss)}`;
    const line = `epoch ${epoch + 1}/${this.epochs} loss ${fmt(logs.loss)}${val} ${Math.round(logs.ms)} ms`;
    if (this.mode === 'bar') this.draw(line);
    else this.stream.write(`${line}\n`);
  }

  /** Ends the display (a newline after the bar). */
  done(note = ''): void {
    if (this.mode === 'bar' && this.drawn) this.stream.write(note === '' ? '\n' : ` ${note}\n`);
    else if (this.mode === 'lines' && note !== '') this.stream.write(`${note}\n`);
    this.drawn = false;
  }

  private draw(text: string): void {
    const cols = Math.max(20, (this.stream.columns ?? 80) - 1);
    this.stream.write(`\r${text.slice(0, cols).padEnd(Math.min(cols, 79))}`);
    this.drawn = true;
  }
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}
