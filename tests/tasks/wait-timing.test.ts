/**
 * The waiter's timing on a virtual clock (a 10-minute task runs in milliseconds): how many status
 * requests it makes and how soon it notices the end. Requests still go through the session and nock.
 */
import { ParameterError, Task, TaskFailedError, TaskTimeoutError, type TaskResult } from '../../src/index.js';
import { waitTargetOf } from '../../src/tasks/task.js';
import { DEFAULT_MAX_DELAY_MS, DEFAULT_MIN_DELAY_MS, nextDelay, waitFor, type WaitOptions } from '../../src/tasks/wait.js';
import { FakeTask, VirtualClock, pveUpid, type TaskScript } from './support.js';
import { nockLifecycle, rejection, testApi } from '../support/session.js';

nockLifecycle();

interface Outcome {
  result: Promise<TaskResult>;
  fake: FakeTask;
  clock: VirtualClock;
}

/** Waits on a PVE task that starts when the wait does (virtual 0) and follows `script`. */
function waitOn(script: TaskScript, options: WaitOptions = {}, random = 0.5, upidStart?: number): Outcome {
  const clock = new VirtualClock(Date.now(), random);
  const fake = new FakeTask(script, () => clock.now());
  const upid = pveUpid(upidStart ?? clock.epochBase);
  fake.install('pve1', upid);
  const task = new Task(testApi(), upid);
  return { result: waitFor(waitTargetOf(task, upid), options, clock), fake, clock };
}

/** A line every `every` ms until `end`. */
function progress(end: number, every: number): TaskScript['lines'] {
  const lines: TaskScript['lines'] = [];
  for (let at = 0; at < end; at += every) lines.push({ at, t: `progress at ${at / 1000} s` });
  return lines;
}

describe.each([0, 0.5, 0.999])('wait timing (jitter draw %p)', (random) => {
  it('a 10-minute task: at most 40 status requests, end noticed within 5 s', async () => {
    const endAt = 10 * 60_000;
    const { result, fake, clock } = waitOn({ lines: progress(endAt, 5000), endAt, exitStatus: 'OK' }, {}, random);
    const res = await result;
    expect(res.exitStatus).toBe('OK');
    expect(res.log).toHaveLength(121);
    expect(fake.statusRequests).toBeLessThanOrEqual(40);
    expect(clock.now() - endAt).toBeLessThanOrEqual(5000);
    // The log is what is polled often; no pause longer than maxDelayMs.
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(DEFAULT_MAX_DELAY_MS);
  }, 30_000);

  it.each([700, 1000, 1300])('a %p ms task: end noticed within 0.5 s', async (endAt) => {
    const { result, fake, clock } = waitOn({ lines: [{ at: 0, t: 'start' }], endAt, exitStatus: 'OK' }, {}, random);
    await result;
    expect(clock.now() - endAt).toBeLessThanOrEqual(500);
    expect(fake.statusRequests).toBeLessThanOrEqual(2);
  });

  it('a 30-second task: end noticed within 5 s, a handful of status requests', async () => {
    const endAt = 30_000;
    const { result, fake, clock } = waitOn({ lines: progress(endAt, 1000), endAt, exitStatus: 'OK' }, {}, random);
    await result;
    expect(clock.now() - endAt).toBeLessThanOrEqual(5000);
    expect(fake.statusRequests).toBeLessThanOrEqual(4);
  });
});

describe('wait timing: edge cases', () => {
  it('never sleeps past the deadline: the last pause is clipped, no request at or after it', async () => {
    const { result, fake, clock } = waitOn({ lines: [{ at: 0, t: 'busy' }], endAt: 3_600_000, exitStatus: 'OK' }, { timeoutMs: 10_000 });
    const err = await rejection(result);
    expect(err).toBeInstanceOf(TaskTimeoutError);
    expect((err as TaskTimeoutError).timeoutMs).toBe(10_000);
    expect(clock.now()).toBe(10_000);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(fake.requests.every((r) => r.at < 10_000)).toBe(true);
  });

  it('pauses grow from minDelayMs to maxDelayMs', async () => {
    const endAt = 120_000;
    const { result, clock } = waitOn({ lines: progress(endAt, 10_000), endAt, exitStatus: 'OK' }, { minDelayMs: 300, maxDelayMs: 3000 });
    await result;
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(300);
    expect(clock.sleeps[0]).toBeLessThan(400);
    expect(Math.min(...clock.sleeps)).toBeGreaterThanOrEqual(300);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(3000);
    expect(clock.sleeps.slice(-5).every((ms) => ms > 2000)).toBe(true);
  });

  it('a worker killed without its last line is noticed by the slow status check', async () => {
    const endAt = 45_000;
    const { result, fake, clock } = waitOn({ lines: [{ at: 0, t: 'start' }], endAt, finalLine: false, exitStatus: 'unexpected status' });
    const err = await rejection(result);
    expect(err).toBeInstanceOf(TaskFailedError);
    expect((err as TaskFailedError).exitStatus).toBe('unexpected status');
    expect(clock.now() - endAt).toBeLessThanOrEqual(30_000 + DEFAULT_MAX_DELAY_MS);
    expect(fake.statusRequests).toBeLessThanOrEqual(3);
  });

  it('a final-looking line in the middle of a long log costs few status requests', async () => {
    const endAt = 10 * 60_000;
    const { result, fake } = waitOn({ lines: [{ at: 0, t: 'sub-task:' }, { at: 5000, t: 'TASK OK' }], endAt, exitStatus: 'OK' });
    const res = await result;
    expect(res.log.map((l) => l.t)).toEqual(['sub-task:', 'TASK OK', 'TASK OK']);
    expect(fake.statusRequests).toBeLessThanOrEqual(40);
  });

  it('confirms again soon when the worker outlives its last line by a moment', async () => {
    const endAt = 5000;
    const lag = 2000;
    const { result, clock } = waitOn({ lines: [{ at: 0, t: 'x' }], endAt, exitLagMs: lag, exitStatus: 'OK' });
    await result;
    expect(clock.now() - (endAt + lag)).toBeLessThanOrEqual(2500);
  });

  it('tolerates the early 400 during the first 10 s of the task (per its UPID)', async () => {
    const { result, fake } = waitOn({ lines: [{ at: 0, t: 'x' }], endAt: 8000, early400UntilMs: 6000, exitStatus: 'OK' });
    await expect(result).resolves.toMatchObject({ exitStatus: 'OK' });
    expect(fake.requests.some((r) => r.kind === 'status' && r.at < 6000)).toBe(true);
  });

  it('throws the 400 once the grace is over', async () => {
    // The task (per its UPID) started a year ago: only the first 3 s of waiting are tolerated.
    const { result, clock, fake } = waitOn(
      { lines: [], endAt: 3_600_000, early400UntilMs: Infinity, exitStatus: 'OK' },
      {},
      0.5,
      Date.now() - 365 * 86_400_000,
    );
    const err = await rejection(result);
    expect(err).toBeInstanceOf(ParameterError);
    expect((err as ParameterError).errors).toEqual({ upid: 'no such task' });
    expect(clock.now()).toBeGreaterThanOrEqual(3000);
    expect(clock.now()).toBeLessThan(5000);
    expect(fake.statusRequests).toBeGreaterThan(1);
  });
});

describe('nextDelay', () => {
  it('stays within [min, max], grows with the time waited, and jitter only shortens it', () => {
    const min = DEFAULT_MIN_DELAY_MS;
    const max = DEFAULT_MAX_DELAY_MS;
    for (const r of [0, 0.3, 0.999]) {
      for (const elapsed of [0, 1000, 10_000, 60_000, 3_600_000]) {
        const d = nextDelay(elapsed, min, max, () => r);
        expect(d).toBeGreaterThanOrEqual(min);
        expect(d).toBeLessThanOrEqual(max);
        expect(d).toBeGreaterThanOrEqual(nextDelay(elapsed, min, max, () => 0.999));
        expect(d).toBeLessThanOrEqual(nextDelay(elapsed, min, max, () => 0));
      }
    }
    expect(nextDelay(0, min, max, () => 0)).toBe(min);
    expect(nextDelay(1000, min, max, () => 0)).toBeLessThanOrEqual(450);
    expect(nextDelay(600_000, min, max, () => 0)).toBe(max);
    expect(nextDelay(600_000, min, max, () => 0.999)).toBeGreaterThan(0.8 * max - 1);
  });
});
