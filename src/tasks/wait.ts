/**
 * Waiting for a Proxmox task to end: the log-driven polling loop behind `task.wait()` and
 * `pollTaskUntilComplete()`.
 *
 * @module
 */
import { raceAbort } from '../core/abort.js';
import { AbortError, ProxmoxApiError, TaskFailedError, TaskTimeoutError, type TaskLogLine } from '../core/errors.js';
import type { TaskDoneEvent, TaskLogEvent } from '../core/types.js';
import { systemClock, type Clock } from './clock.js';
import type { TaskStatus } from './schemas.js';

/**
 * Options of `task.wait()` and `pollTaskUntilComplete()`.
 *
 * @example
 * ```ts
 * const ac = new AbortController();
 * const opts: WaitOptions = { timeoutMs: 10 * 60_000, signal: ac.signal, onLog: (lines) => lines.forEach((l) => console.log(l.t)) };
 * await task.wait(opts);
 * ```
 */
export interface WaitOptions {
  /** Give up (with `TaskTimeoutError`) after this many milliseconds. Default: wait as long as the task runs. */
  timeoutMs?: number | undefined;
  /** The shortest pause between two polls, in milliseconds (default 250). */
  minDelayMs?: number | undefined;
  /** The longest pause between two polls, in milliseconds (default 4000): the end is noticed within about this long. */
  maxDelayMs?: number | undefined;
  /** Stops waiting at once (with `AbortError`), in a pause or in a request. The task itself goes on. */
  signal?: AbortSignal | undefined;
  /**
   * Receives the task's new log lines as they appear, each line exactly once, in order (the same
   * lines the session's `task:log` event carries). An error it throws ends the wait with that error.
   */
  onLog?: ((lines: TaskLogLine[]) => void) | undefined;
}

/**
 * What `task.wait()` resolves to: the task ended with `OK` or `WARNINGS: n`.
 *
 * @example
 * ```ts
 * const result: TaskResult = await task.wait();
 * if (result.warnings > 0) console.warn(result.log.map((l) => l.t).join('\n'));
 * ```
 */
export interface TaskResult {
  /** The task's UPID (`null` for a call an older release completed at once, see `Task.completed`). */
  upid: string | null;
  /** Always `stopped`. */
  status: 'stopped';
  /** `OK` or `WARNINGS: n`. */
  exitStatus: string;
  /** Always `true`: a failed task throws `TaskFailedError` instead. */
  ok: true;
  /** The number of warnings (`n` of `WARNINGS: n`; 0 for `OK`). */
  warnings: number;
  /** The whole task log. */
  log: TaskLogLine[];
  /** Proxmox's last answer of the status endpoint (synthetic for a task completed at once). */
  raw: TaskStatus;
}

/**
 * What the waiter needs from a task: its identity, two reads and the events to emit.
 *
 * @internal
 */
export interface WaitTarget {
  /** The UPID. */
  readonly upid: string;
  /** The start time from the UPID (the server's clock). */
  readonly startedAt: Date;
  /** Reads the status endpoint. */
  readStatus(signal: AbortSignal): Promise<TaskStatus>;
  /** Reads one page of the log, `start` as Proxmox's `start` parameter. */
  readLog(start: number, limit: number, signal: AbortSignal): Promise<TaskLogLine[]>;
  /** Emits `task:log`. */
  emitLog(event: TaskLogEvent): void;
  /** Emits `task:done`. */
  emitDone(event: TaskDoneEvent): void;
}

/** @internal */
export const DEFAULT_MIN_DELAY_MS = 250;
/** @internal */
export const DEFAULT_MAX_DELAY_MS = 4000;
/** How often the status is asked while the log shows no end (a task killed without a last line). @internal */
export const STATUS_INTERVAL_MS = 30_000;
/** A 400 from a task endpoint is tolerated while the task is younger than this (per its UPID). @internal */
export const EARLY_400_GRACE_MS = 10_000;
/** …and always during this long after `wait` starts, should the client's clock run ahead of the server's. @internal */
export const EARLY_400_MIN_GRACE_MS = 3_000;
/** Lines per log request while waiting. @internal */
export const WAIT_LOG_PAGE = 500;
/** The pause grows by this fraction of the time waited so far (from min to max delay). */
const GROWTH = 0.15;
/** Each pause is shortened by up to this fraction at random, so many waiters do not poll in step. */
const JITTER = 0.2;

/** The last line Proxmox VE and PBS write to a task log when the task ends. */
const FINAL_LINE = /^TASK (?:OK|WARNINGS: \d+|ERROR: )/;
const WARNINGS = /^WARNINGS: (\d+)$/;

/**
 * Tells whether an exit status counts as success: `OK` or `WARNINGS: n`.
 *
 * @param exitStatus - The task's `exitstatus`.
 * @returns `true` for `OK` and `WARNINGS: n`.
 * @example
 * ```ts
 * isTaskSuccess('WARNINGS: 2'); // true
 * isTaskSuccess('command failed'); // false
 * ```
 */
export function isTaskSuccess(exitStatus: string): boolean {
  return exitStatus === 'OK' || WARNINGS.test(exitStatus);
}

/**
 * The number of warnings an exit status reports.
 *
 * @param exitStatus - The task's `exitstatus`.
 * @returns `n` for `WARNINGS: n`, else 0.
 * @example
 * ```ts
 * countWarnings('WARNINGS: 2'); // 2
 * ```
 */
export function countWarnings(exitStatus: string): number {
  const m = WARNINGS.exec(exitStatus);
  return m?.[1] ? Number(m[1]) : 0;
}

/**
 * The pause before the next poll: it grows with the time waited so far, from `min` to `max`, and
 * is shortened at random by up to a fifth (never below `min`).
 *
 * @internal
 */
export function nextDelay(elapsedMs: number, min: number, max: number, random: () => number): number {
  const nominal = Math.min(max, min + elapsedMs * GROWTH);
  return Math.max(min, nominal * (1 - JITTER * random()));
}

interface Timing {
  minDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number | undefined;
}

function readTiming(options: WaitOptions): Timing {
  const check = (name: string, value: number | undefined): void => {
    if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value) || value < 0)) {
      throw new TypeError(`wait: ${name} must be a number ≥ 0, got ${String(value)}`);
    }
  };
  check('timeoutMs', options.timeoutMs);
  check('minDelayMs', options.minDelayMs);
  check('maxDelayMs', options.maxDelayMs);
  if (options.minDelayMs !== undefined && !Number.isFinite(options.minDelayMs)) {
    throw new TypeError(`wait: minDelayMs must be finite, got ${options.minDelayMs}`);
  }
  if (options.maxDelayMs !== undefined && !Number.isFinite(options.maxDelayMs)) {
    throw new TypeError(`wait: maxDelayMs must be finite, got ${options.maxDelayMs}`);
  }
  const maxDelayMs = options.maxDelayMs ?? Math.max(DEFAULT_MAX_DELAY_MS, options.minDelayMs ?? 0);
  const minDelayMs = options.minDelayMs ?? Math.min(DEFAULT_MIN_DELAY_MS, maxDelayMs);
  if (minDelayMs > maxDelayMs) {
    throw new TypeError(`wait: minDelayMs (${minDelayMs}) must not exceed maxDelayMs (${maxDelayMs})`);
  }
  const timeoutMs = options.timeoutMs === undefined || options.timeoutMs === Infinity ? undefined : options.timeoutMs;
  return { minDelayMs, maxDelayMs, timeoutMs };
}

/** Proxmox VE answers a placeholder line instead of an empty or missing log. */
function isPlaceholder(page: TaskLogLine[]): boolean {
  const only = page.length === 1 ? page[0] : undefined;
  return only !== undefined && only.n === 1 && (only.t === 'no content' || only.t.startsWith('unable to open file - '));
}

function isEarly400(err: unknown): boolean {
  return err instanceof ProxmoxApiError && err.status === 400;
}


/**
 * The result of waiting for a task that completed without a UPID: at once, without a request.
 * The options are still checked, so a mistake shows on every release.
 *
 * @internal
 */
export function completedResult(status: TaskStatus, options: WaitOptions = {}): TaskResult {
  readTiming(options);
  const exitStatus = status.exitstatus ?? 'OK';
  return { upid: null, status: 'stopped', exitStatus, ok: true, warnings: countWarnings(exitStatus), log: [], raw: status };
}

/**
 * Waits for a task to end. See `Task.wait` for the contract; this is its engine, with the clock
 * injectable for tests.
 *
 * How it polls: the task **log** is read from the last line seen, after pauses that grow with the
 * time waited (from `minDelayMs` to `maxDelayMs`, with jitter). Proxmox VE and PBS end every task
 * log with `TASK OK`, `TASK WARNINGS: n` or `TASK ERROR: …`; when such a line is the last one, the
 * **status** endpoint — the authority on the result — is asked to confirm (again after `minDelayMs`,
 * then twice as long each time up to 30 s, while the worker has not exited yet). Otherwise the status is
 * asked only on the first poll and then every 30 s, as a safety net for a task that dies without
 * writing its last line. So a long task costs about two status requests a minute, a short one is
 * noticed within a fraction of a second, and every log line is seen (for `onLog`) exactly once.
 *
 * @internal
 */
export async function waitFor(target: WaitTarget, options: WaitOptions = {}, clock: Clock = systemClock): Promise<TaskResult> {
  const { minDelayMs, maxDelayMs, timeoutMs } = readTiming(options);
  const { signal, onLog } = options;
  const { upid } = target;
  const what = `waiting for ${upid}`;
  if (signal?.aborted) throw new AbortError(what, { cause: signal.reason });

  const started = clock.now();
  const deadline = timeoutMs === undefined ? Infinity : started + timeoutMs;
  const timedOut = new Error('wait deadline');
  const ctl = new AbortController();
  const onUserAbort = (): void => ctl.abort(signal?.reason);
  signal?.addEventListener('abort', onUserAbort, { once: true });
  const cancelTimer = timeoutMs === undefined ? () => undefined : clock.setTimer(() => ctl.abort(timedOut), timeoutMs);

  // A 400 ("no such task") is normal for a moment right after the task starts.
  const graceMs = Math.max(EARLY_400_MIN_GRACE_MS, target.startedAt.getTime() + EARLY_400_GRACE_MS - clock.epochNow());
  const graceUntil = started + graceMs;
  const tolerable = (err: unknown): boolean => isEarly400(err) && clock.now() < graceUntil;

  const beforeRequest = (): void => {
    if (ctl.signal.aborted) throw ctl.signal.reason;
    if (clock.now() >= deadline) throw timedOut;
  };

  const log: TaskLogLine[] = [];
  let lastN = 0;

  /** Reads every line after the last one seen (none while the early 400 lasts) and reports the new ones. */
  const pullLog = async (): Promise<void> => {
    for (;;) {
      beforeRequest();
      let page: TaskLogLine[];
      try {
        page = await raceAbort(target.readLog(lastN, WAIT_LOG_PAGE, ctl.signal), ctl.signal, () => ctl.signal.reason);
      } catch (err) {
        if (tolerable(err)) return;
        throw err;
      }
      if (lastN === 0 && isPlaceholder(page)) return;
      const fresh: TaskLogLine[] = [];
      for (const line of page) {
        if (line.n > lastN) {
          fresh.push(line);
          lastN = line.n;
        }
      }
      if (fresh.length > 0) {
        log.push(...fresh);
        onLog?.(fresh);
        target.emitLog({ upid, lines: fresh });
      }
      if (page.length < WAIT_LOG_PAGE || fresh.length === 0) return;
    }
  };

  /** Reads the status; `undefined` when it answered the early 400. */
  const readStatus = async (): Promise<TaskStatus | undefined> => {
    beforeRequest();
    try {
      return await raceAbort(target.readStatus(ctl.signal), ctl.signal, () => ctl.signal.reason);
    } catch (err) {
      if (tolerable(err)) return undefined;
      throw err;
    }
  };

  const pause = async (ms: number): Promise<void> => {
    const remaining = deadline - clock.now();
    if (remaining <= 0) throw timedOut;
    await clock.sleep(Math.min(ms, remaining), ctl.signal);
    if (clock.now() >= deadline) throw timedOut;
  };

  const finish = (status: TaskStatus): TaskResult => {
    const exitStatus = status.exitstatus ?? 'unknown';
    const ok = isTaskSuccess(exitStatus);
    target.emitDone({ upid, exitStatus, ok });
    if (!ok) throw new TaskFailedError(upid, exitStatus, log);
    return { upid, status: 'stopped', exitStatus, ok: true, warnings: countWarnings(exitStatus), log, raw: status };
  };

  try {
    let nextStatusAt = -Infinity; // the first poll asks the status
    let confirmLine = -1; // the final-looking line being confirmed
    let confirmRound = 0;
    for (;;) {
      await pullLog();
      const last = log.at(-1);
      const looksFinal = last !== undefined && FINAL_LINE.test(last.t);
      if (looksFinal && last.n !== confirmLine) {
        confirmLine = last.n;
        confirmRound = 0;
        nextStatusAt = clock.now();
      }
      if (clock.now() >= nextStatusAt) {
        const status = await readStatus();
        if (status?.status === 'stopped') {
          await pullLog(); // the lines written since, up to the last one
          return finish(status);
        }
        if (status === undefined) {
          nextStatusAt = clock.now(); // the early 400: ask again on the next poll
        } else if (looksFinal) {
          // The worker writes its last line just before it exits: confirm again soon, then less
          // and less often (a final-looking line in the middle of a log must not cost much).
          nextStatusAt = clock.now() + Math.min(STATUS_INTERVAL_MS, Math.max(1, minDelayMs) * 2 ** confirmRound);
          confirmRound += 1;
        } else {
          nextStatusAt = clock.now() + STATUS_INTERVAL_MS;
        }
      }
      const delay = nextDelay(clock.now() - started, minDelayMs, maxDelayMs, () => clock.random());
      await pause(looksFinal ? Math.max(0, Math.min(delay, nextStatusAt - clock.now())) : delay);
    }
  } catch (err) {
    if (err instanceof TaskFailedError) throw err;
    if (signal?.aborted) throw new AbortError(what, { cause: signal.reason });
    if (err === timedOut || (ctl.signal.aborted && ctl.signal.reason === timedOut)) {
      throw new TaskTimeoutError(upid, timeoutMs ?? Infinity);
    }
    throw err;
  } finally {
    cancelTimer();
    signal?.removeEventListener('abort', onUserAbort);
  }
}
