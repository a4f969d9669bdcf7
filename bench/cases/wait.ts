/**
 * Task waiting: for tasks that take 1 s, 30 s and 10 min on the simulator's clock, how many status
 * (and log) requests `wait` makes and how long after the task's end it notices.
 *
 * Time: `task.wait(options)` is `waitFor(waitTargetOf(task, upid), options, systemClock)`, and it
 * sleeps in real time — a 10-minute task would take 10 minutes. So this case calls the very same
 * `waitFor` with another clock (the injection point the tasks tests use, `tests/tasks/support.ts`'s
 * `VirtualClock`): the simulator runs on a manual clock, and each pause of the waiter advances the
 * simulator's clock by exactly that pause (`sim.clock.advance(ms)`, which also ends the task when
 * its time comes). Everything else is real: the session, its HTTPS requests to the simulator, the
 * simulator's task status and log endpoints. What this leaves out: the time a request takes (0 on
 * the simulator's clock, 1–2 ms in life), which only makes a real wait a little later still.
 * The jitter (`random()`) comes from a seeded generator, and each task length is waited on several
 * times with different draws: the worst run is reported.
 */
import { ProxmoxAPI, VM } from '../../src/index.js';
import type { Clock } from '../../src/tasks/clock.js';
import { waitTargetOf } from '../../src/tasks/task.js';
import { waitFor } from '../../src/tasks/wait.js';
import { startSimulator, type Simulator } from '../../src/testing/index.js';
import { median } from '../stats.js';

/** The figures of one task length (worst and median over the runs). */
export interface WaitFigures {
  taskMs: number;
  runs: number;
  statusRequests: { max: number; median: number };
  logRequests: { max: number; median: number };
  /** How long after the task's end `wait` returned, in simulated ms. */
  lateMs: { max: number; median: number };
}

/** A clock whose pauses advance the simulator's (manual) clock. */
class SimulatorTime implements Clock {
  readonly #sim: Simulator;
  readonly #origin: number;
  #seed: number;

  constructor(sim: Simulator, seed: number) {
    this.#sim = sim;
    this.#origin = sim.clock.now();
    this.#seed = seed;
  }

  now(): number {
    return this.#sim.clock.now() - this.#origin;
  }

  epochNow(): number {
    return this.#sim.clock.now();
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#sim.clock.advance(Math.max(0, ms));
    if (signal?.aborted) throw signal.reason;
  }

  setTimer(fn: () => void, ms: number): () => void {
    return this.#sim.clock.at(this.#sim.clock.now() + Math.max(0, ms), fn);
  }

  /** mulberry32: a small seeded generator, so that a run can be repeated. */
  random(): number {
    let t = (this.#seed = (this.#seed + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

async function waitOnce(sim: Simulator, api: ProxmoxAPI, taskMs: number, seed: number): Promise<{ status: number; log: number; lateMs: number }> {
  sim.state.reset();
  sim.tasks.setDuration('qmstart', taskMs);
  const vmid = 101; // stopped in the seed
  const endsAt = sim.clock.now() + taskMs; // the clock stands still until the waiter sleeps
  const task = await new VM(api, 'pve1', vmid).start();
  const upid = task.upid;
  if (upid === null) throw new Error('wait: start returned no UPID');
  let status = 0;
  let log = 0;
  sim.onRequest = (req) => {
    if (req.path.endsWith('/status') && req.path.includes('/tasks/')) status++;
    else if (req.path.endsWith('/log') && req.path.includes('/tasks/')) log++;
  };
  const result = await waitFor(waitTargetOf(task, upid), {}, new SimulatorTime(sim, seed));
  sim.onRequest = undefined;
  if (result.exitStatus !== 'OK') throw new Error(`wait: task ended ${result.exitStatus}`);
  return { status, log, lateMs: sim.clock.now() - endsAt };
}

/**
 * Runs the waiting case on an in-process simulator (no CPU is measured here).
 *
 * @param plan - Task lengths (simulated ms) and runs per length.
 * @param progress - Told what runs.
 * @returns One set of figures per task length.
 */
export async function runWait(plan: { tasksMs: number[]; runs: number }, progress: (msg: string) => void): Promise<WaitFigures[]> {
  const sim = await startSimulator({ clock: { manual: true } });
  const api = new ProxmoxAPI({ host: sim.host, port: sim.port, tokenId: sim.tokenId, tokenSecret: sim.tokenSecret, tls: { fingerprint: sim.fingerprint } });
  try {
    const out: WaitFigures[] = [];
    for (const taskMs of plan.tasksMs) {
      progress(`wait: ${taskMs / 1000} s task, ${plan.runs} runs`);
      const runs: Array<{ status: number; log: number; lateMs: number }> = [];
      for (let i = 0; i < plan.runs; i++) runs.push(await waitOnce(sim, api, taskMs, 0x5eed + i * 7919));
      const fig = (pick: (r: (typeof runs)[number]) => number): { max: number; median: number } => ({
        max: Math.max(...runs.map(pick)),
        median: median(runs.map(pick)),
      });
      out.push({ taskMs, runs: plan.runs, statusRequests: fig((r) => r.status), logRequests: fig((r) => r.log), lateMs: fig((r) => r.lateMs) });
    }
    return out;
  } finally {
    api.close();
    await sim.close();
  }
}
