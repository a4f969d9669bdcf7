/**
 * Faults a test can inject: latency, failing or dropped requests, expired tickets, offline nodes,
 * forced task outcomes and the brief 400 of a task status right after the task starts.
 *
 * @module
 */
import type { ForcedOutcome, SimTask } from './tasks.js';

/**
 * Which requests a fault applies to.
 *
 * @example
 * ```ts
 * sim.faults.failNext({ method: 'GET', path: /\/status\/current$/, status: 503, count: 2 });
 * ```
 */
export interface RequestMatcher {
  /** The HTTP method (any when absent). */
  method?: string;
  /** The API path relative to `/api2/json`: a RegExp, or a substring (any when absent). */
  path?: RegExp | string;
  /** How many matching requests it applies to (default 1). */
  count?: number;
}

/**
 * A request fault: answer with an error status instead of serving the request.
 *
 * @example
 * ```ts
 * sim.faults.failNext({ status: 596, reason: 'Connection timed out' });
 * ```
 */
export interface FailSpec extends RequestMatcher {
  /** The status to answer (e.g. 500, 502, 503, 596). */
  status: number;
  /** The reason phrase (default: a standard one for the status). */
  reason?: string;
}

/**
 * Which tasks a task fault applies to.
 *
 * @example
 * ```ts
 * sim.faults.failNextTask({ type: 'qmigrate', error: 'migration aborted' });
 * ```
 */
export interface TaskMatcher {
  /** The task type (`qmstart`, `qmigrate`, …) or a RegExp on it; any when absent. */
  type?: string | RegExp;
  /** The task id (usually the vmid); any when absent. */
  id?: string | number;
  /** How many matching tasks it applies to (default 1). */
  count?: number;
}

interface Armed<T> {
  spec: T;
  left: number;
}

const DEFAULT_REASONS: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  595: 'Connection refused',
  596: 'Connection timed out',
  597: 'Connection reset by peer',
  598: 'Operation canceled',
  599: 'Too many redirections',
};

function matches(m: RequestMatcher, method: string, path: string): boolean {
  if (m.method && m.method.toUpperCase() !== method) return false;
  if (m.path === undefined) return true;
  return typeof m.path === 'string' ? path.includes(m.path) : m.path.test(path);
}

/**
 * The fault switchboard of one simulator (`sim.faults`).
 *
 * @example
 * ```ts
 * sim.faults.latency(50);                                   // every request +50 ms
 * sim.faults.failNext({ path: '/cluster/resources', status: 503 });
 * sim.faults.dropNext({ method: 'POST', path: /status\/start$/ });
 * sim.faults.expireTickets();
 * sim.faults.setNodeOffline('pve3');
 * sim.faults.failNextTask({ type: 'qmstart', error: 'start failed: QEMU exited with code 1' });
 * sim.faults.taskStatusNotReady({ requests: 1 });
 * sim.faults.clear();
 * ```
 */
export class Faults {
  private latencyMs = 0;
  private fails: Armed<FailSpec>[] = [];
  private drops: Armed<RequestMatcher>[] = [];
  private taskOutcomes: Armed<TaskMatcher & ForcedOutcome>[] = [];
  private notReady = { requests: 0, ms: 0 };
  private readonly offline = new Set<string>();

  /**
   * @param hooks - What `expireTickets` does (rotates the ticket key).
   * @internal
   */
  constructor(private readonly hooks: { expireTickets(): void }) {}

  /**
   * Adds real-time latency to every request from now on (on top of the `latencyMs` option).
   *
   * @param ms - Milliseconds; 0 removes it.
   * @example
   * ```ts
   * sim.faults.latency(20);
   * ```
   */
  latency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  /**
   * The next `count` matching requests answer `status` with `reason` instead of being served.
   *
   * @param spec - Which requests, how many, and the answer.
   * @example
   * ```ts
   * sim.faults.failNext({ method: 'GET', path: /^\/nodes\/pve2\//, status: 596, count: 3 });
   * ```
   */
  failNext(spec: FailSpec): void {
    this.fails.push({ spec, left: spec.count ?? 1 });
  }

  /**
   * The next `count` matching requests get their connection dropped without an answer.
   *
   * @param spec - Which requests and how many.
   * @example
   * ```ts
   * sim.faults.dropNext({ path: '/version' });
   * ```
   */
  dropNext(spec: RequestMatcher = {}): void {
    this.drops.push({ spec, left: spec.count ?? 1 });
  }

  /**
   * Makes every ticket and CSRF token issued so far invalid at once (the next ticket request gets
   * a 401 "invalid PVE ticket", as after its two hours).
   *
   * @example
   * ```ts
   * sim.faults.expireTickets();
   * ```
   */
  expireTickets(): void {
    this.hooks.expireTickets();
  }

  /**
   * Takes a node offline (or back online): requests under `/nodes/<node>/` answer 596 as pveproxy
   * does when it cannot reach the node, and the node shows `offline` in listings.
   *
   * @param node - The node name.
   * @param offline - `false` brings it back.
   * @example
   * ```ts
   * sim.faults.setNodeOffline('pve3');
   * ```
   */
  setNodeOffline(node: string, offline = true): void {
    if (offline) this.offline.add(node);
    else this.offline.delete(node);
  }

  /**
   * Whether a node is offline.
   *
   * @param node - The node name.
   * @returns True when offline.
   * @example
   * ```ts
   * sim.faults.isNodeOffline('pve3');
   * ```
   */
  isNodeOffline(node: string): boolean {
    return this.offline.has(node);
  }

  /**
   * The next matching task ends with `TASK ERROR: <error>` and leaves the state unchanged.
   *
   * @param spec - Which task (type, id, count) and the error message.
   * @example
   * ```ts
   * sim.faults.failNextTask({ type: 'qmclone', error: 'clone failed: storage full' });
   * ```
   */
  failNextTask(spec: TaskMatcher & { error: string }): void {
    this.taskOutcomes.push({ spec, left: spec.count ?? 1 });
  }

  /**
   * The next matching task logs `warnings` warnings and ends `WARNINGS: n` (its effect applies).
   *
   * @param spec - Which task (type, id, count) and the number of warnings.
   * @example
   * ```ts
   * sim.faults.warnNextTask({ type: 'qmsnapshot', warnings: 2 });
   * ```
   */
  warnNextTask(spec: TaskMatcher & { warnings: number }): void {
    this.taskOutcomes.push({ spec, left: spec.count ?? 1 });
  }

  /**
   * From now on, the status of a newly started task answers 400 ("no such task", as PVE may right
   * after a worker starts) for its first `requests` status requests and/or its first `ms`
   * simulated milliseconds.
   *
   * @param opts - How many requests and/or how long; `{}` turns it off.
   * @example
   * ```ts
   * sim.faults.taskStatusNotReady({ requests: 1 });
   * ```
   */
  taskStatusNotReady(opts: { requests?: number; ms?: number }): void {
    this.notReady = { requests: opts.requests ?? 0, ms: opts.ms ?? 0 };
  }

  /**
   * Removes every fault: latency, pending failures and drops, task outcomes, offline nodes.
   *
   * @example
   * ```ts
   * afterEach(() => sim.faults.clear());
   * ```
   */
  clear(): void {
    this.latencyMs = 0;
    this.fails = [];
    this.drops = [];
    this.taskOutcomes = [];
    this.notReady = { requests: 0, ms: 0 };
    this.offline.clear();
  }

  /** The added latency in ms. @internal */
  get addedLatency(): number {
    return this.latencyMs;
  }

  /** Takes the request fault for this request, if any. @internal */
  takeRequestFault(method: string, path: string): { drop: true } | { status: number; reason: string } | undefined {
    const drop = this.drops.find((d) => d.left > 0 && matches(d.spec, method, path));
    if (drop) {
      drop.left--;
      this.drops = this.drops.filter((d) => d.left > 0);
      return { drop: true };
    }
    const fail = this.fails.find((f) => f.left > 0 && matches(f.spec, method, path));
    if (fail) {
      fail.left--;
      this.fails = this.fails.filter((f) => f.left > 0);
      return { status: fail.spec.status, reason: fail.spec.reason ?? DEFAULT_REASONS[fail.spec.status] ?? 'Error' };
    }
    return undefined;
  }

  /** Takes the forced outcome for a new task, if any. @internal */
  takeTaskOutcome(task: SimTask): ForcedOutcome | undefined {
    const hit = this.taskOutcomes.find((o) => {
      if (o.left <= 0) return false;
      const { type, id } = o.spec;
      if (type !== undefined && (typeof type === 'string' ? type !== task.type : !type.test(task.type))) return false;
      if (id !== undefined && String(id) !== task.id) return false;
      return true;
    });
    if (!hit) return undefined;
    hit.left--;
    this.taskOutcomes = this.taskOutcomes.filter((o) => o.left > 0);
    const out: ForcedOutcome = {};
    if (hit.spec.error !== undefined) out.error = hit.spec.error;
    if (hit.spec.warnings !== undefined) out.warnings = hit.spec.warnings;
    return out;
  }

  /** The not-ready window for a new task. @internal */
  notReadyFor(): { requests: number; ms: number } {
    return { ...this.notReady };
  }
}
