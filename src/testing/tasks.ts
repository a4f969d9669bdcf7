/**
 * Workers as PVE runs them: a UPID, a status that goes running → stopped on the simulator clock,
 * a task log that grows while it runs and ends with `TASK OK`, `TASK WARNINGS: n` or
 * `TASK ERROR: …`, and an effect on the state applied only when the task ends.
 *
 * @module
 */
import type { SimClock } from './clock.js';

/**
 * A task as the simulator keeps it; `GET /nodes/{node}/tasks/{upid}/status` answers from it.
 *
 * @example
 * ```ts
 * const t = sim.tasks.get(upid);
 * console.log(t?.status, t?.exitstatus, t?.log.map((l) => l.text));
 * ```
 */
export interface SimTask {
  /** The UPID (`UPID:node:PID:PSTART:STARTTIME:type:id:user:`). */
  readonly upid: string;
  /** The node the worker runs on. */
  readonly node: string;
  /** The worker's process id. */
  readonly pid: number;
  /** The worker's process start time, in clock ticks since boot. */
  readonly pstart: number;
  /** The start time, epoch seconds. */
  readonly starttime: number;
  /** The task type (`qmstart`, `qmigrate`, `vzdump`, …). */
  readonly type: string;
  /** The task id (usually the vmid). */
  readonly id: string;
  /** The user (or token) that started it. */
  readonly user: string;
  /** `running`, then `stopped`. */
  status: 'running' | 'stopped';
  /** When stopped: `OK`, `WARNINGS: n` or the error message. */
  exitstatus?: string;
  /** When stopped: the end time, epoch seconds. */
  endtime?: number;
  /** The log lines written so far. */
  readonly log: { text: string }[];
  /** How many more status requests answer 400 "no such task" (a fault). @internal */
  notReady: number;
  /** Simulated epoch ms until which the status answers 400 (a fault). @internal */
  notReadyUntil: number;
}

/** What a task's effect may report when it ends. */
export interface TaskEffectResult {
  /** Warning lines to log; the task then ends `WARNINGS: n`. */
  warnings?: string[];
}

/** How to start a task. */
export interface TaskSpec {
  /** The node that runs the worker. */
  node: string;
  /** The task type. */
  type: string;
  /** The task id (vmid, service name, volume id, or empty). */
  id: string;
  /** Who started it. */
  user: string;
  /** Simulated duration in ms (default: the type's duration). */
  durationMs?: number;
  /** Log lines: text at a fraction (0..1) of the duration; plain strings are spread evenly. */
  lines?: ReadonlyArray<string | { at: number; text: string }>;
  /** Runs when the task ends successfully; throw to fail the task with the error's message. */
  effect?: () => TaskEffectResult | void;
  /** Runs when the task has ended, whatever the outcome (releases locks). */
  finally?: () => void;
}

/**
 * A forced outcome for the next task that matches (see {@link Faults.failNextTask}).
 *
 * @example
 * ```ts
 * sim.faults.failNextTask({ type: 'qmigrate', error: 'migration aborted' });
 * sim.faults.warnNextTask({ type: 'vzdump', warnings: 2 });
 * ```
 */
export interface ForcedOutcome {
  /** End with this error (the effect is not applied). */
  error?: string;
  /** End with `WARNINGS: n` (the effect is applied). */
  warnings?: number;
}

/**
 * Default simulated durations (ms) by task type: modest, so a demo at real speed stays quick.
 *
 * @internal
 */
export const DEFAULT_DURATIONS: Readonly<Record<string, number>> = {
  qmstart: 2000, qmstop: 1000, qmshutdown: 3000, qmreboot: 4000, qmsuspend: 1000, qmresume: 1000,
  qmreset: 500, qmcreate: 2000, qmdestroy: 1000, qmclone: 10000, qmigrate: 20000, qmsnapshot: 2000,
  qmrollback: 3000, qmdelsnapshot: 1500, qmmove: 6000, qmtemplate: 1500, qmconfig: 500, resize: 1000,
  vzstart: 1500, vzstop: 1000, vzshutdown: 2000, vzreboot: 3000, vzsuspend: 1000, vzresume: 1000,
  vzcreate: 5000, vzdestroy: 1000, vzclone: 8000, vzmigrate: 10000, vzsnapshot: 1500, vzrollback: 2000,
  vzdelsnapshot: 1000, move_volume: 5000, vncproxy: 10000, imgdel: 500,
  srvstart: 1000, srvstop: 1000, srvrestart: 1500, srvreload: 500, vzdump: 15000,
};

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

/**
 * The simulator's workers, across all nodes.
 *
 * @example
 * ```ts
 * const running = sim.tasks.list().filter((t) => t.status === 'running');
 * ```
 */
export class TaskManager {
  private readonly tasks = new Map<string, SimTask>();
  private readonly cancels = new Map<string, () => void>();
  private readonly finals = new Map<string, () => void>();
  private nextPid = 0x1a2b0;
  private readonly durations: Record<string, number>;

  /**
   * @param clock - The simulator clock the tasks run on.
   * @param hooks - Fault hooks: the forced outcome for a new task, the 400 window of its status.
   * @param durations - Overrides of the default durations.
   * @internal
   */
  constructor(
    private readonly clock: SimClock,
    private readonly hooks: {
      outcome(task: SimTask): ForcedOutcome | undefined;
      notReady(task: SimTask): { requests: number; ms: number };
    },
    durations: Readonly<Record<string, number>> = {},
  ) {
    this.durations = { ...DEFAULT_DURATIONS, ...durations };
  }

  /**
   * Sets the simulated duration of a task type from now on.
   *
   * @param type - The task type (`qmstart`, `qmigrate`, …).
   * @param ms - Simulated milliseconds.
   * @example
   * ```ts
   * sim.tasks.setDuration('qmigrate', 600_000); // a 10-minute migration
   * ```
   */
  setDuration(type: string, ms: number): void {
    this.durations[type] = ms;
  }

  /**
   * Every task the simulator knows, newest first.
   *
   * @returns The tasks.
   * @example
   * ```ts
   * sim.tasks.list().map((t) => t.upid);
   * ```
   */
  list(): SimTask[] {
    return [...this.tasks.values()].sort((a, b) => b.starttime - a.starttime || b.pid - a.pid);
  }

  /**
   * One task by UPID.
   *
   * @param upid - The UPID.
   * @returns The task, or undefined.
   * @example
   * ```ts
   * sim.tasks.get(upid)?.exitstatus; // 'OK'
   * ```
   */
  get(upid: string): SimTask | undefined {
    return this.tasks.get(upid);
  }

  /**
   * Starts a worker and returns its UPID at once; the task ends on the simulator clock.
   *
   * @param spec - Node, type, id, user, duration, log lines and effect.
   * @returns The new task.
   * @internal
   */
  start(spec: TaskSpec): SimTask {
    const now = this.clock.now();
    const pid = (this.nextPid += 1 + Math.floor(Math.random() * 40));
    const starttime = Math.floor(now / 1000);
    const pstart = 1_000_000 + Math.floor((now % 864_000_000) / 10);
    const upid = `UPID:${spec.node}:${hex8(pid)}:${hex8(pstart)}:${hex8(starttime)}:${spec.type}:${spec.id}:${spec.user}:`;
    const task: SimTask = {
      upid, node: spec.node, pid, pstart, starttime, type: spec.type, id: spec.id, user: spec.user,
      status: 'running', log: [], notReady: 0, notReadyUntil: 0,
    };
    const nr = this.hooks.notReady(task);
    task.notReady = nr.requests;
    task.notReadyUntil = now + nr.ms;
    this.tasks.set(upid, task);

    const duration = Math.max(0, spec.durationMs ?? this.durations[spec.type] ?? 1000);
    const lines = spec.lines ?? [];
    const cancels: Array<() => void> = [];
    lines.forEach((line, i) => {
      const entry = typeof line === 'string' ? { at: lines.length > 1 ? i / (lines.length - 1) : 0, text: line } : line;
      const at = now + Math.min(1, Math.max(0, entry.at)) * duration * 0.95;
      if (at <= now) task.log.push({ text: entry.text });
      else cancels.push(this.clock.at(at, () => task.log.push({ text: entry.text })));
    });
    const forced = this.hooks.outcome(task);
    cancels.push(this.clock.at(now + duration, () => this.finish(task, spec, forced)));
    this.cancels.set(upid, () => cancels.forEach((c) => c()));
    if (spec.finally) this.finals.set(upid, spec.finally);
    return task;
  }

  /**
   * Stops a running task as `DELETE /nodes/{node}/tasks/{upid}` does: it ends with an error and
   * its effect is not applied.
   *
   * @param upid - The task to stop.
   * @returns Whether the task was running.
   * @internal
   */
  stop(upid: string): boolean {
    const task = this.tasks.get(upid);
    if (!task || task.status !== 'running') return false;
    this.cancels.get(upid)?.();
    this.end(task, 'received interrupt', ['received interrupt', 'TASK ERROR: received interrupt']);
    return true;
  }

  /** Forgets every task (used by `state.reset()`). @internal */
  clear(): void {
    for (const c of this.cancels.values()) c();
    this.cancels.clear();
    this.finals.clear();
    this.tasks.clear();
  }

  private finish(task: SimTask, spec: TaskSpec, forced: ForcedOutcome | undefined): void {
    if (forced?.error !== undefined) {
      this.end(task, forced.error, [`TASK ERROR: ${forced.error}`]);
      return;
    }
    let warnings: string[] = [];
    try {
      warnings = spec.effect?.()?.warnings ?? [];
    } catch (e) {
      const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'error';
      this.end(task, msg, [`TASK ERROR: ${msg}`]);
      return;
    }
    const n = forced?.warnings ?? 0;
    for (let i = warnings.length; i < n; i++) warnings.push(`simulated warning ${i + 1}`);
    if (warnings.length) {
      this.end(task, `WARNINGS: ${warnings.length}`, [...warnings.map((w) => `WARN: ${w}`), `TASK WARNINGS: ${warnings.length}`]);
    } else {
      this.end(task, 'OK', ['TASK OK']);
    }
  }

  private end(task: SimTask, exitstatus: string, lines: string[]): void {
    for (const text of lines) task.log.push({ text });
    task.status = 'stopped';
    task.exitstatus = exitstatus;
    task.endtime = this.clock.seconds();
    this.cancels.delete(task.upid);
    const fin = this.finals.get(task.upid);
    this.finals.delete(task.upid);
    fin?.();
  }
}
