/** A one-line progress bar for a terminal's stderr; callers only make one when stderr is a TTY. */
export class ProgressBar {
  readonly #write: (text: string) => void;
  readonly #total: number;
  readonly #label: string;
  readonly #width: number;
  #lastPercent = -1;

  constructor(options: { write: (text: string) => void; total: number; label: string; width?: number }) {
    this.#write = options.write;
    this.#total = options.total;
    this.#label = options.label;
    this.#width = options.width ?? 30;
  }

  /** Redraw for `done` items when the percentage moves, so a long run does not flood the terminal. */
  update(done: number): void {
    const percent = this.#total === 0 ? 100 : Math.floor((done / this.#total) * 100);
    if (percent === this.#lastPercent && done !== this.#total) return;
    this.#lastPercent = percent;
    this.#write(`\r${renderBar(this.#label, done, this.#total, this.#width)}`);
  }

  /** Leave the finished bar on its own line. */
  finish(): void {
    this.update(this.#total);
    this.#write("\n");
  }
}

/** `rotating [##########----------]  50% 5/10` */
export function renderBar(label: string, done: number, total: number, width: number): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.floor(ratio * width);
  const percent = String(Math.floor(ratio * 100)).padStart(3);
  return `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent}% ${done}/${total}`;
}
