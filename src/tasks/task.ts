/**
 * `Task`: a handle on one Proxmox worker task (status, log, stop, wait).
 *
 * @module
 */
import type { ProxmoxAPI } from '../core/api.js';
import type { TaskLogLine } from '../core/errors.js';
import { path } from '../core/path.js';
import { requestOptions } from '../core/request-options.js';
import type { RequestOptions } from '../core/types.js';
import { TaskLogSchema, TaskStatusSchema, type TaskStatus } from './schemas.js';
import { parseUpid, type UpidInfo } from './upid.js';
import { completedResult, waitFor, type TaskResult, type WaitOptions, type WaitTarget } from './wait.js';

/** Lines per request of `fullLog` unless told otherwise. */
const DEFAULT_PAGE_SIZE = 50;

/**
 * Which lines of a task log to read. Proxmox VE counts `start` from 0 (the first line returned is
 * line `start + 1`); its defaults are `start: 0`, `limit: 50`.
 *
 * @example
 * ```ts
 * const range: LogRange = { start: 50, limit: 50 }; // lines 51–100
 * await task.log(range);
 * ```
 */
export interface LogRange {
  /** Skip this many lines (default 0). */
  start?: number | undefined;
  /** Read at most this many lines (default 50). */
  limit?: number | undefined;
}

/**
 * Options of `task.fullLog()`: the request options plus the page size.
 *
 * @example
 * ```ts
 * const opts: FullLogOptions = { pageSize: 500, signal: AbortSignal.timeout(10_000) };
 * const lines = await task.fullLog(opts);
 * ```
 */
export interface FullLogOptions extends RequestOptions {
  /** Lines per request (default 50, at least 2). */
  pageSize?: number;
}

/**
 * What `Task.completed` needs to describe a call that an older release completed at once.
 *
 * @example
 * ```ts
 * const info: CompletedTaskInfo = { node: 'pve1', type: 'resize', id: 100 };
 * const task = Task.completed(api, info);
 * ```
 */
export interface CompletedTaskInfo {
  /** The node the call ran on. */
  node: string;
  /** The task type the newer releases report (`resize`, …). */
  type: string;
  /** What the call worked on (`100`, a storage, …). */
  id: string | number;
  /** The user who made the call, if known. */
  user?: string | undefined;
}

/**
 * The waiter's view of a task: its reads and the session's events. Tests run the waiter on a
 * virtual clock through it.
 *
 * @internal
 */
export function waitTargetOf(task: Task, upid: string): WaitTarget {
  return {
    upid,
    startedAt: task.startedAt,
    readStatus: (signal) => task.status({ signal }),
    readLog: (start, limit, signal) => task.log({ start, limit }, { signal }),
    emitLog: (event) => task.api.emit('task:log', event),
    emitDone: (event) => task.api.emit('task:done', event),
  };
}

function checkCount(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min)) {
    throw new TypeError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
}

/**
 * A Proxmox VE or Backup Server worker task, identified by its UPID. Methods that start a worker
 * return one; `wait()` waits for its end.
 *
 * A `Task` is a stateless handle: every method asks the server afresh. On Proxmox Backup Server
 * the task endpoints are addressed on node `localhost`, which the server always accepts.
 *
 * @example
 * ```ts
 * const task = new Task(api, 'UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam:');
 * const { warnings } = await task.wait({ timeoutMs: 60_000, onLog: (lines) => lines.forEach((l) => console.log(l.t)) });
 * ```
 */
export class Task {
  /** The session the task's endpoints are read through. */
  readonly api: ProxmoxAPI;
  /** The UPID, or `null` for a call an older release completed at once (see {@link Task.completed}). */
  readonly upid: string | null;
  /** The node the task runs on. */
  readonly node: string;
  /** The task type (`qmstart`, `vzdump`, `backup`, …). */
  readonly type: string;
  /** What the task works on (`100`, a storage, a datastore, …); may be empty. */
  readonly id: string;
  /** The user or API token that started the task (`undefined` when unknown). */
  readonly user: string | undefined;
  /** When the task started: the UPID's start time, or when a completed task's handle was made. */
  readonly startedAt: Date;
  /** All parts of the UPID (`null` for a task without one). */
  readonly upidInfo: UpidInfo | null;

  /**
   * Makes a handle on the task with this UPID. Sends no request.
   *
   * @param api - The session.
   * @param upid - The task's UPID, as a call returned it.
   * @throws TypeError when `upid` is not a valid Proxmox VE or PBS UPID.
   * @example
   * ```ts
   * const task = new Task(api, upid);
   * ```
   */
  constructor(api: ProxmoxAPI, upid: string);
  /** `done` (internal, for {@link Task.completed}): describes a task completed without a UPID. */
  constructor(api: ProxmoxAPI, upid: string, done?: CompletedTaskInfo) {
    this.api = api;
    if (done) {
      this.upid = null;
      this.upidInfo = null;
      this.node = done.node;
      this.type = done.type;
      this.id = String(done.id);
      this.user = done.user;
      this.startedAt = new Date();
      return;
    }
    const info = parseUpid(upid);
    this.upid = upid;
    this.upidInfo = info;
    this.node = info.node;
    this.type = info.type;
    this.id = info.id;
    this.user = info.user;
    this.startedAt = info.startTime;
  }

  /**
   * A task that has already ended with `OK`, for calls that an older release answers synchronously
   * (`resize` on Proxmox VE 7.4 answers `null` where 8+ answers a UPID). Its `upid` is `null`;
   * `status()` and `wait()` resolve at once to a stopped, `OK` result, `log()` and `fullLog()` to
   * `[]`, and `stop()` does nothing — none of them sends a request or emits an event.
   *
   * @param api - The session.
   * @param info - Node, type and id of the call.
   * @returns The completed task.
   * @throws TypeError when `node` or `type` is empty.
   * @example
   * ```ts
   * const data = await api.put(path`/nodes/${'pve1'}/qemu/${100}/resize`, { disk: 'scsi0', size: '+1G' });
   * const task = typeof data === 'string' ? new Task(api, data) : Task.completed(api, { node: 'pve1', type: 'resize', id: 100 });
   * await task.wait();
   * ```
   */
  static completed(api: ProxmoxAPI, info: CompletedTaskInfo): Task {
    if (typeof info?.node !== 'string' || info.node === '') throw new TypeError('Task.completed: node must be a non-empty string');
    if (typeof info.type !== 'string' || info.type === '') throw new TypeError('Task.completed: type must be a non-empty string');
    return new (Task as new (api: ProxmoxAPI, upid: string, done: CompletedTaskInfo) => Task)(api, '', { ...info });
  }

  /** The node whose task endpoints serve this task: the UPID's node on PVE, `localhost` on PBS. */
  get #endpointNode(): string {
    return this.api.product === 'pbs' ? 'localhost' : this.node;
  }

  /** The synthetic status of a task completed without a UPID. */
  #completedStatus(): TaskStatus {
    const status: TaskStatus = { status: 'stopped', exitstatus: 'OK', node: this.node, type: this.type, id: this.id };
    if (this.user !== undefined) status.user = this.user;
    return status;
  }

  /**
   * Reads the task's status (`GET /nodes/{node}/tasks/{upid}/status`).
   *
   * @param options - Signal, timeout and retries.
   * @returns `status` (`running` or `stopped`) and, once stopped, `exitstatus` (`OK`, `WARNINGS: n`
   *   or the error text), with the other fields Proxmox sends.
   * @throws ParameterError (400) for a moment right after the task starts, and for an unknown task;
   *   the other errors of a request.
   * @example
   * ```ts
   * const { status, exitstatus } = await task.status();
   * ```
   */
  async status(options?: RequestOptions): Promise<TaskStatus> {
    if (this.upid === null) return this.#completedStatus();
    return this.api.get(path`/nodes/${this.#endpointNode}/tasks/${this.upid}/status`, undefined, {
      ...requestOptions(options),
      schema: TaskStatusSchema,
    });
  }

  /**
   * Reads one page of the task log (`GET /nodes/{node}/tasks/{upid}/log`).
   *
   * @param range - `start` (lines to skip, default 0) and `limit` (default 50).
   * @param options - Signal, timeout and retries.
   * @returns The lines, each `{ n, t }` (number from 1 and text). Proxmox VE answers an empty log
   *   with one line `no content`, and a missing one with `unable to open file - …`.
   * @throws TypeError for a negative or fractional `start` or `limit`, before any request.
   * @example
   * ```ts
   * const first = await task.log({ start: 0, limit: 10 });
   * ```
   */
  async log(range: LogRange = {}, options?: RequestOptions): Promise<TaskLogLine[]> {
    checkCount('log: start', range.start, 0);
    checkCount('log: limit', range.limit, 0);
    if (this.upid === null) return [];
    return this.#readLog(range.start ?? 0, range.limit ?? DEFAULT_PAGE_SIZE, requestOptions(options));
  }

  async #readLog(start: number, limit: number, options: RequestOptions): Promise<TaskLogLine[]> {
    const lines = await this.api.get(
      path`/nodes/${this.#endpointNode}/tasks/${this.upid ?? ''}/log`,
      { start, limit },
      { ...options, schema: TaskLogSchema },
    );
    return lines.map(({ n, t }) => ({ n, t }));
  }

  /**
   * Reads the whole task log, page by page, until a page comes back shorter than asked.
   *
   * @param options - `pageSize` (lines per request, default 50) with signal, timeout and retries.
   * @returns Every line, in order, each once.
   * @throws TypeError for a `pageSize` below 2, before any request.
   * @example
   * ```ts
   * const text = (await task.fullLog()).map((l) => l.t).join('\n');
   * ```
   */
  async fullLog(options: FullLogOptions = {}): Promise<TaskLogLine[]> {
    checkCount('fullLog: pageSize', options.pageSize, 2);
    if (this.upid === null) return [];
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    const request = requestOptions(options);
    const out: TaskLogLine[] = [];
    let lastN = 0;
    for (;;) {
      // PVE's `start` skips that many lines; PBS's repeats line `start`: keep only lines not yet seen.
      const page = await this.#readLog(lastN, pageSize, request);
      let fresh = 0;
      for (const line of page) {
        if (line.n > lastN) {
          out.push(line);
          lastN = line.n;
          fresh += 1;
        }
      }
      if (page.length < pageSize || fresh === 0) return out;
    }
  }

  /**
   * Asks Proxmox to stop the task (`DELETE /nodes/{node}/tasks/{upid}`). It returns once the request
   * is accepted; the task ends shortly after (`wait()` then throws `TaskFailedError`).
   *
   * @param options - Signal, timeout and retries.
   * @returns When the stop was requested.
   * @throws The errors of a request (`PermissionError` for another user's task without `Sys.Modify`).
   * @example
   * ```ts
   * await task.stop();
   * ```
   */
  async stop(options?: RequestOptions): Promise<void> {
    if (this.upid === null) return;
    await this.api.delete(path`/nodes/${this.#endpointNode}/tasks/${this.upid}`, undefined, requestOptions(options));
  }

  /**
   * Waits until the task ends. Resolves on `OK` and on `WARNINGS: n` (the count is `warnings` on the
   * result); throws otherwise. Never resolves for a failed task.
   *
   * How it polls: it reads the task **log** from the last line seen, pausing between reads for a time
   * that grows from `minDelayMs` (250) to `maxDelayMs` (4000) with jitter, and never past the
   * deadline. Proxmox ends every task log with `TASK OK`, `TASK WARNINGS: n` or `TASK ERROR: …`; when
   * the last line is one of those, a **status** request confirms the end (the status endpoint is the
   * authority on the result; should the worker not have exited yet, it is asked again after
   * `minDelayMs`, then twice as long each time, up to 30 s). Otherwise the status is asked only on the first poll and every 30 s, in
   * case a task dies without its last line. So a 10-minute task costs about 20 status requests and its
   * end is noticed within `maxDelayMs`; a 1-second task is noticed within about half a second.
   *
   * New lines go to `onLog` and to the session's `task:log` event, each exactly once and in order;
   * `task:done` is emitted when the task ends. The 400 the status endpoint answers for a moment after
   * a task starts is tolerated during the task's first 10 s (per its UPID; at least the first 3 s of
   * waiting).
   *
   * @param options - `timeoutMs`, `minDelayMs`, `maxDelayMs`, `signal`, `onLog`.
   * @returns The final status: `exitStatus`, `warnings`, the whole `log` and Proxmox's `raw` answer.
   * @throws TaskFailedError with the exit status and the whole log when the task failed.
   * @throws TaskTimeoutError when `timeoutMs` passed first (the task goes on).
   * @throws AbortError as soon as `signal` aborts (the task goes on).
   * @throws TypeError for invalid options, before any request; the errors of a request otherwise.
   * @example
   * ```ts
   * try {
   *   const { warnings } = await task.wait({ timeoutMs: 5 * 60_000 });
   *   if (warnings) console.warn(`${warnings} warnings`);
   * } catch (e) {
   *   if (e instanceof TaskFailedError) console.error(e.exitStatus, e.log.map((l) => l.t).join('\n'));
   *   else throw e;
   * }
   * ```
   */
  async wait(options: WaitOptions = {}): Promise<TaskResult> {
    if (this.upid === null) return completedResult(this.#completedStatus(), options);
    return waitFor(waitTargetOf(this, this.upid), options);
  }

  /**
   * A plain view of the task for logs and `JSON.stringify` (without the session).
   *
   * @returns `upid`, `node`, `type`, `id`, `user` and `startedAt`.
   * @example
   * ```ts
   * console.log(JSON.stringify(task)); // {"upid":"UPID:pve1:…","node":"pve1","type":"qmstart",…}
   * ```
   */
  toJSON(): { upid: string | null; node: string; type: string; id: string; user: string | undefined; startedAt: string } {
    return { upid: this.upid, node: this.node, type: this.type, id: this.id, user: this.user, startedAt: this.startedAt.toISOString() };
  }
}
