import type { Clock } from "../../src/domain/ports/clock.ts";

/** A clock tests move by hand. */
export class FixedClock implements Clock {
  #now: Date;

  constructor(now: Date | string = "2026-01-15T10:00:00Z") {
    this.#now = new Date(now);
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(ms: number): void {
    this.#now = new Date(this.#now.getTime() + ms);
  }

  set(now: Date | string): void {
    this.#now = new Date(now);
  }
}
