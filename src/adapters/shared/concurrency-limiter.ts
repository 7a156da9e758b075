/** Hands back the slot `ConcurrencyLimiter.enter` gave; calling it twice releases once. */
export type Release = () => void;

export interface ConcurrencyLimiterOptions {
  /** Pieces of work running at once; the rest wait their turn. */
  maxRunning: number;
  /** Pieces of work waiting at most; past this, `enter` refuses at once. */
  maxWaiting: number;
}

/**
 * A bound on concurrent work in this process: what keeps memory under a ceiling however many
 * requests arrive at once (each running tool call holds a Google answer and its JSON). Work past
 * `maxRunning` waits in arrival order; past `maxWaiting` waiting, it is refused rather than
 * queued, so the queue itself stays bounded too.
 */
export class ConcurrencyLimiter {
  readonly #maxRunning: number;
  readonly #maxWaiting: number;
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(options: ConcurrencyLimiterOptions) {
    this.#maxRunning = Math.max(1, options.maxRunning);
    this.#maxWaiting = Math.max(0, options.maxWaiting);
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** A slot, now or once one frees up; null at once when the queue is full. */
  enter(): Promise<Release> | null {
    if (this.#running < this.#maxRunning) {
      this.#running += 1;
      return Promise.resolve(this.#release());
    }
    if (this.#waiting.length >= this.#maxWaiting) return null;
    return new Promise((resolve) => {
      // The slot passes straight from the leaving work to this one: #running does not change.
      this.#waiting.push(() => resolve(this.#release()));
    });
  }

  #release(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next === undefined) this.#running -= 1;
      else next();
    };
  }
}
