/**
 * Zod schemas of the task endpoints' answers. Loose: unknown fields pass through, and numbers that
 * Proxmox sends as strings are coerced.
 *
 * @module
 */
import { z } from 'zod';

const int = z.coerce.number().int();

/**
 * The answer of `GET /nodes/{node}/tasks/{upid}/status` (Proxmox VE and Backup Server).
 *
 * Only `status` is required; the other fields are optional so that any release's answer parses
 * (and so that a task completed without a UPID can report a status too). `exitstatus` is set once
 * the task stopped: `OK`, `WARNINGS: n`, or the error text (`unknown` on PBS when the state was lost).
 *
 * @example
 * ```ts
 * const s = TaskStatusSchema.parse({ status: 'stopped', exitstatus: 'OK', pid: '4321', upid: 'UPID:…' });
 * s.pid; // 4321
 * ```
 */
export const TaskStatusSchema = z.looseObject({
  /** `running` or `stopped`. */
  status: z.string(),
  /** Set once stopped: `OK`, `WARNINGS: n` or the error message. */
  exitstatus: z.string().optional(),
  upid: z.string().optional(),
  node: z.string().optional(),
  type: z.string().optional(),
  id: z.string().optional(),
  user: z.string().optional(),
  tokenid: z.string().optional(),
  pid: int.optional(),
  pstart: int.optional(),
  starttime: z.coerce.number().optional(),
  endtime: z.coerce.number().optional(),
});

/**
 * A task's status as `task.status()` returns it.
 *
 * @example
 * ```ts
 * const s: TaskStatus = await task.status();
 * if (s.status === 'stopped') console.log(s.exitstatus);
 * ```
 */
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

/**
 * One line of a task log: `{ n, t }`, the line number (from 1) and its text.
 *
 * @example
 * ```ts
 * TaskLogLineSchema.parse({ n: '3', t: 'TASK OK' }); // { n: 3, t: 'TASK OK' }
 * ```
 */
export const TaskLogLineSchema = z.looseObject({
  n: int,
  t: z.coerce.string(),
});

/**
 * The answer of `GET /nodes/{node}/tasks/{upid}/log`: an array of lines. Some Proxmox VE releases
 * answer a single object instead of an array when the log file cannot be opened; that is read as
 * a one-line array.
 *
 * @example
 * ```ts
 * TaskLogSchema.parse([{ n: 1, t: 'starting' }]); // [{ n: 1, t: 'starting' }]
 * ```
 */
export const TaskLogSchema = z.union([
  z.array(TaskLogLineSchema),
  TaskLogLineSchema.transform((line) => [line]),
  z.null().transform(() => []),
]);
