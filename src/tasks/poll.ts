/**
 * `pollTaskUntilComplete`: `task.wait()` as a function of a UPID.
 *
 * @module
 */
import type { ProxmoxAPI } from '../core/api.js';
import { Task } from './task.js';
import type { TaskResult, WaitOptions } from './wait.js';

/**
 * Waits for the task with this UPID to end: the same as `new Task(api, upid).wait(options)`.
 *
 * @param api - The session.
 * @param upid - The task's UPID.
 * @param options - `timeoutMs`, `minDelayMs`, `maxDelayMs`, `signal`, `onLog` (see {@link Task.wait}).
 * @returns The final status, on `OK` or `WARNINGS: n`.
 * @throws TypeError for a malformed UPID or invalid options, before any request.
 * @throws TaskFailedError, TaskTimeoutError, AbortError as {@link Task.wait} does.
 * @example
 * ```ts
 * const upid = await api.post<string>(path`/nodes/${'pve1'}/qemu/${100}/status/start`);
 * await pollTaskUntilComplete(api, upid, { timeoutMs: 60_000 });
 * ```
 */
export function pollTaskUntilComplete(api: ProxmoxAPI, upid: string, options?: WaitOptions): Promise<TaskResult> {
  try {
    return new Task(api, upid).wait(options);
  } catch (err) {
    return Promise.reject(err as Error);
  }
}
