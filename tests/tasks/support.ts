/**
 * Test helpers of the task tests: a PBS session, UPIDs, a virtual clock, and a scripted fake task that
 * answers the status and log endpoints through nock the way Proxmox VE (or PBS) does.
 */
import { ProxmoxAPI } from '../../src/index.js';
import { mockApi, type ApiScope, type MockApiOptions } from '../support/nock.js';
import type { Clock } from '../../src/tasks/clock.js';

export const ORIGIN = 'https://pve.test:8006';
export const PBS_ORIGIN = 'https://pbs.test:8007';
export const JSON_HEADERS = { 'content-type': 'application/json;charset=UTF-8' };

/** A PBS token session. */
export function pbsApi(): ProxmoxAPI {
  return new ProxmoxAPI({ host: 'pbs.test', product: 'pbs', tokenId: 'root@pam!ci', tokenSecret: 'token-secret-1234', retries: 0 });
}

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

/** A PVE UPID that started at `startMs` (epoch milliseconds; default now). */
export function pveUpid(startMs: number = Date.now(), type = 'qmstart', id = '100', node = 'pve1'): string {
  return `UPID:${node}:000A1B2C:0123ABCD:${hex8(Math.floor(startMs / 1000))}:${type}:${id}:root@pam:`;
}

/** A PBS UPID that started at `startMs`. */
export function pbsUpid(startMs: number = Date.now()): string {
  return `UPID:pbs1:000003A9:00000CC9:0000001B:${hex8(Math.floor(startMs / 1000))}:garbage_collection:store1:root@pam!ci:`;
}

/**
 * A clock on which time passes only when the waiter sleeps: a 10-minute wait runs in milliseconds.
 * Sleeps still yield to the event loop so that the (nock) requests in between really run.
 */
export class VirtualClock implements Clock {
  t = 0;
  readonly epochBase: number;
  readonly sleeps: number[] = [];
  readonly #random: number;
  #timers: Array<{ due: number; fn: () => void; live: boolean }> = [];

  /**
   * @param epochBase - The wall-clock time at virtual 0.
   * @param random - What `random()` answers (the jitter's draw).
   */
  constructor(epochBase: number = Date.now(), random = 0.5) {
    this.epochBase = epochBase;
    this.#random = random;
  }

  now(): number {
    return this.t;
  }

  epochNow(): number {
    return this.epochBase + this.t;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.t += ms;
    for (const timer of this.#timers) {
      if (timer.live && timer.due <= this.t) {
        timer.live = false;
        timer.fn();
      }
    }
    if (signal?.aborted) throw signal.reason;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { due: this.t + ms, fn, live: true };
    this.#timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  random(): number {
    return this.#random;
  }
}

/** One line of a scripted task log and when (ms after the task started) it is written. */
export interface ScriptLine {
  at: number;
  t: string;
}

/** How a fake task behaves. */
export interface TaskScript {
  /** The log lines and when they appear. The final `TASK …` line is added at `endAt`. */
  lines: ScriptLine[];
  /** When the worker writes its last line (ms after start). */
  endAt: number;
  /** The exit status (`OK`, `WARNINGS: 2`, an error text). */
  exitStatus: string;
  /** How long after its last line the worker process is gone (status `stopped`). Default 0. */
  exitLagMs?: number;
  /** Whether to write the `TASK …` line at all (a killed worker does not). Default true. */
  finalLine?: boolean;
  /** Until when (ms after start) the status endpoint answers 400 "no such task". */
  early400UntilMs?: number;
  /** Log `start` semantics: PVE skips `start` lines, PBS starts at line `start` (1-based). */
  semantics?: 'pve' | 'pbs';
}

/** A request the fake task saw. */
export interface SeenRequest {
  kind: 'status' | 'log';
  at: number;
  query: URLSearchParams;
}

/**
 * Answers `GET …/tasks/{upid}/status` and `…/log` for one task from a script, on `now()` (ms since
 * the task started). Records every request. Without a `now`, time is counted in requests: the k-th
 * request (from 0) happens at k × 10 ms, whatever the machine's load.
 */
export class FakeTask {
  readonly requests: SeenRequest[] = [];
  readonly script: TaskScript;
  readonly now: () => number;

  constructor(script: TaskScript, now?: () => number) {
    this.script = script;
    this.now = now ?? (() => this.requests.length * 10);
  }

  get statusRequests(): number {
    return this.requests.filter((r) => r.kind === 'status').length;
  }

  get logRequests(): number {
    return this.requests.filter((r) => r.kind === 'log').length;
  }

  /** The whole log as it stands at time `at`. */
  logAt(at: number): string[] {
    const { lines, endAt, exitStatus, finalLine = true } = this.script;
    const out = lines.filter((l) => l.at <= at).map((l) => l.t);
    if (finalLine && at >= endAt) out.push(exitStatus === 'OK' || exitStatus.startsWith('WARNINGS') ? `TASK ${exitStatus}` : `TASK ERROR: ${exitStatus}`);
    return out;
  }

  /**
   * Installs persistent interceptors for the task's endpoints on `node` in a schema-checked
   * {@link mockApi} scope (PVE by default, of the enclosing release).
   */
  install(node: string, upid: string, options: MockApiOptions = {}): ApiScope {
    const base = `/nodes/${node}/tasks/${encodeURIComponent(upid).replace(/%3A/g, ':').replace(/%40/g, '@')}`;
    const origin = 'https://proxmox.test';
    const scope = mockApi(options);
    scope
      .persist()
      .get(`${base}/status`)
      .reply((uri) => {
        const at = this.now();
        this.requests.push({ kind: 'status', at, query: new URL(uri, origin).searchParams });
        const { endAt, exitLagMs = 0, exitStatus, early400UntilMs } = this.script;
        if (early400UntilMs !== undefined && at < early400UntilMs) {
          return [400, { errors: { upid: 'no such task' }, data: null }, JSON_HEADERS];
        }
        const stopped = at >= endAt + exitLagMs;
        return [
          200,
          {
            data: {
              upid,
              node,
              pid: 662316,
              pstart: '19114957',
              starttime: 1710334643,
              type: 'qmstart',
              id: '100',
              user: 'root@pam',
              status: stopped ? 'stopped' : 'running',
              ...(stopped ? { exitstatus: exitStatus } : {}),
            },
          },
          JSON_HEADERS,
        ];
      });
    scope
      .persist()
      .get(`${base}/log`)
      .query(true)
      .reply((uri) => {
        const at = this.now();
        const query = new URL(uri, origin).searchParams;
        this.requests.push({ kind: 'log', at, query });
        const start = Number(query.get('start') ?? 0);
        const limit = Number(query.get('limit') ?? 50);
        const all = this.logAt(at);
        if (all.length === 0) return [200, { data: [{ n: 1, t: 'no content' }], total: 1 }, JSON_HEADERS];
        const first = this.script.semantics === 'pbs' ? Math.max(1, start) : start + 1;
        const data = all.slice(first - 1, first - 1 + limit).map((t, i) => ({ n: first + i, t }));
        return [200, { data, total: all.length }, JSON_HEADERS];
      });
    return scope;
  }
}
