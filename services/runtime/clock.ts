/**
 * The one source of time. SLA timers, durations and periods read it, so tests move time
 * without sleeping.
 */
export interface Clock {
  now(): Date;
  nowMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
};

/**
 * A clock that reads `startMs` when it is made and then runs at the system clock's speed: the
 * demo's `--clock-start`, so a demonstration (or an end-to-end test) can stand just before a month
 * end, or inside a sample contract's term, without waiting for the calendar. Never used outside
 * demo mode: a production process keeps the system clock.
 */
export class OffsetClock implements Clock {
  readonly #offsetMs: number;

  constructor(startMs: number, systemNowMs: number = Date.now()) {
    this.#offsetMs = startMs - systemNowMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }
}

/** A clock tests set and advance by hand. */
export class ManualClock implements Clock {
  #ms: number;

  constructor(start: Date | number) {
    this.#ms = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  nowMs(): number {
    return this.#ms;
  }

  advance(ms: number): void {
    this.#ms += ms;
  }

  set(at: Date | number): void {
    this.#ms = typeof at === 'number' ? at : at.getTime();
  }
}
