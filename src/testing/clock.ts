/**
 * The simulator's clock: simulated time that runs at a multiple of real time, or only when a test
 * advances it. Tasks, tickets and uptimes all read it; timers scheduled on it fire in order.
 *
 * @module
 */

/**
 * How the simulator's clock runs.
 *
 * @example
 * ```ts
 * startSimulator({ clock: { speed: 100 } });              // 100× real time
 * startSimulator({ clock: { manual: true, start: Date.UTC(2025, 0, 1) } }); // only clock.advance()
 * ```
 */
export interface ClockOptions {
  /** Simulated milliseconds per real millisecond (default 1; 0 is the same as `manual`). */
  speed?: number;
  /** Time stands still until {@link SimClock.advance} is called. */
  manual?: boolean;
  /** The simulated time at start, as epoch milliseconds or a Date (default: the real time now). */
  start?: number | Date;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Simulated time. `now()` is epoch milliseconds on the simulator; timers scheduled with `at()` run
 * when simulated time reaches them, whether it got there by running or by `advance()`.
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ clock: { manual: true } });
 * const upid = await startVm(sim);   // qmstart takes 2 s of simulated time
 * sim.clock.advance(2_000);          // the task ends now, synchronously
 * ```
 */
export class SimClock {
  private base: number;
  private realAnchor: number;
  private speedValue: number;
  private readonly timers: Timer[] = [];
  private seq = 0;
  private realTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  /** @param options - Speed, manual mode and start time. */
  constructor(options: ClockOptions = {}) {
    const start = options.start instanceof Date ? options.start.getTime() : options.start;
    this.base = start ?? Date.now();
    this.realAnchor = performance.now();
    this.speedValue = options.manual ? 0 : Math.max(0, options.speed ?? 1);
  }

  /**
   * The simulated time in epoch milliseconds.
   *
   * @returns Milliseconds since the epoch, on the simulator.
   * @example
   * ```ts
   * new Date(sim.clock.now()).toISOString();
   * ```
   */
  now(): number {
    return this.base + (performance.now() - this.realAnchor) * this.speedValue;
  }

  /**
   * The simulated time in whole epoch seconds, as PVE reports times.
   *
   * @returns Seconds since the epoch, on the simulator.
   * @example
   * ```ts
   * sim.clock.seconds(); // 1735689600
   * ```
   */
  seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /**
   * The current speed: simulated milliseconds per real millisecond (0 when manual).
   *
   * @returns The speed factor.
   * @example
   * ```ts
   * sim.clock.speed; // 1
   * ```
   */
  get speed(): number {
    return this.speedValue;
  }

  /**
   * Changes the speed from now on (0 stops time until `advance`).
   *
   * @param speed - Simulated milliseconds per real millisecond.
   * @example
   * ```ts
   * sim.clock.setSpeed(1000); // make a 20 s migration take 20 ms
   * ```
   */
  setSpeed(speed: number): void {
    this.rebase();
    this.speedValue = Math.max(0, speed);
    this.arm();
  }

  /**
   * Moves simulated time forward and runs, in order, every timer that falls due on the way
   * (so a task that ends within `ms` has ended when this returns).
   *
   * @param ms - Simulated milliseconds to move forward.
   * @example
   * ```ts
   * sim.clock.advance(20_000); // a migration started just before is now finished
   * ```
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance(ms) needs a non-negative number, got ${ms}`);
    this.rebase();
    const target = this.base + ms;
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      if (next.at > this.base) this.base = next.at;
      this.safeRun(next.fn);
    }
    this.base = Math.max(this.base, target);
    this.arm();
  }

  /**
   * Advances to the last pending timer, running everything on the way (every running task ends).
   *
   * @param maxMs - Stop after this much simulated time even if timers remain (default one day).
   * @example
   * ```ts
   * sim.clock.runAll();
   * ```
   */
  runAll(maxMs = 86_400_000): void {
    const limit = this.now() + maxMs;
    while (this.timers.length) {
      const next = this.timers[0];
      if (!next || next.at > limit) break;
      this.advance(Math.max(0, next.at - this.now()));
    }
  }

  /**
   * The number of timers not yet run (running tasks, pending log lines).
   *
   * @returns The count.
   * @example
   * ```ts
   * if (sim.clock.pending() === 0) console.log('idle');
   * ```
   */
  pending(): number {
    return this.timers.length;
  }

  /**
   * Runs `fn` when simulated time reaches `at` (epoch ms): a timer on the simulator's clock, fired
   * by the running clock or by `advance()`, in order with the tasks' own timers.
   *
   * @param at - When, in simulated epoch milliseconds.
   * @param fn - What to run.
   * @returns A function that cancels the timer.
   * @example
   * ```ts
   * const cancel = sim.clock.at(sim.clock.now() + 5_000, () => sim.faults.setNodeOffline('pve2'));
   * ```
   */
  at(at: number, fn: () => void): () => void {
    const timer: Timer = { at, seq: this.seq++, fn };
    let i = this.timers.length;
    while (i > 0) {
      const prev = this.timers[i - 1];
      if (!prev || prev.at < at || (prev.at === at && prev.seq < timer.seq)) break;
      i--;
    }
    this.timers.splice(i, 0, timer);
    if (i === 0) this.arm();
    return () => {
      const idx = this.timers.indexOf(timer);
      if (idx >= 0) this.timers.splice(idx, 1);
    };
  }

  /**
   * Stops every timer; the clock no longer fires anything.
   *
   * @internal
   */
  close(): void {
    this.closed = true;
    this.timers.length = 0;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
  }

  private rebase(): void {
    const real = performance.now();
    this.base += (real - this.realAnchor) * this.speedValue;
    this.realAnchor = real;
  }

  private safeRun(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      // A failing timer must not stop the clock; report it like an uncaught error would be.
      queueMicrotask(() => {
        throw e;
      });
    }
  }

  private arm(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    if (this.closed || this.speedValue === 0) return;
    const next = this.timers[0];
    if (!next) return;
    const delay = Math.max(0, (next.at - this.now()) / this.speedValue);
    this.realTimer = setTimeout(() => {
      this.realTimer = undefined;
      this.fireDue();
    }, Math.min(delay, 2 ** 31 - 1));
    this.realTimer.unref?.();
  }

  private fireDue(): void {
    const now = this.now();
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > now) break;
      this.timers.shift();
      this.safeRun(next.fn);
    }
    this.arm();
  }
}
