/**
 * `task.wait()` against nock, on the real clock with short delays. The fake task's own time is
 * counted in requests (10 ms each), so what the waiter sees does not depend on the machine's load.
 */
import { mockApi } from '../support/nock.js';
import {
  AbortError,
  Task,
  TaskFailedError,
  TaskTimeoutError,
  pollTaskUntilComplete,
  type ProxmoxAPI,
  type TaskDoneEvent,
  type TaskLogEvent,
  type TaskLogLine,
} from '../../src/index.js';
import { FakeTask, JSON_HEADERS, pbsApi, pbsUpid, pveUpid, type TaskScript } from './support.js';
import { nockLifecycle, rejection, testApi } from '../support/session.js';

nockLifecycle();

const FAST = { minDelayMs: 5, maxDelayMs: 15 } as const;

interface Run {
  api: ProxmoxAPI;
  upid: string;
  fake: FakeTask;
  logEvents: TaskLogEvent[];
  doneEvents: TaskDoneEvent[];
  onLogBatches: TaskLogLine[][];
  onLog: (lines: TaskLogLine[]) => void;
}

/** A PVE task following `script`, its time counted in requests. */
function pveTask(script: TaskScript, upid = pveUpid()): Run {
  const api = testApi();
  const fake = new FakeTask(script);
  fake.install('pve1', upid);
  const logEvents: TaskLogEvent[] = [];
  const doneEvents: TaskDoneEvent[] = [];
  api.on('task:log', (e) => logEvents.push(e));
  api.on('task:done', (e) => doneEvents.push(e));
  const onLogBatches: TaskLogLine[][] = [];
  return { api, upid, fake, logEvents, doneEvents, onLogBatches, onLog: (lines) => onLogBatches.push(lines) };
}

/** Resolves once `cond()` holds (checked every 5 ms, for at most 5 s). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error('condition not reached');
}

const numbered = (texts: string[]): TaskLogLine[] => texts.map((t, i) => ({ n: i + 1, t }));

describe('task.wait()', () => {
  it('resolves on OK with the whole log; onLog and task:log see every line once, in order; task:done at the end', async () => {
    const run = pveTask({
      lines: [
        { at: 0, t: 'starting VM 100' },
        { at: 15, t: 'step 1' },
        { at: 30, t: 'step 2' },
      ],
      endAt: 45,
      exitStatus: 'OK',
    });
    const result = await new Task(run.api, run.upid).wait({ ...FAST, onLog: run.onLog });
    const all = numbered(['starting VM 100', 'step 1', 'step 2', 'TASK OK']);
    expect(result).toEqual({
      upid: run.upid,
      status: 'stopped',
      exitStatus: 'OK',
      ok: true,
      warnings: 0,
      log: all,
      raw: expect.objectContaining({ status: 'stopped', exitstatus: 'OK', upid: run.upid }) as unknown,
    });
    expect(run.onLogBatches.flat()).toEqual(all);
    expect(run.onLogBatches.length).toBeGreaterThan(1); // streamed, not all at the end
    expect(run.logEvents.flatMap((e) => e.lines)).toEqual(all);
    expect(run.logEvents.every((e) => e.upid === run.upid)).toBe(true);
    expect(run.doneEvents).toEqual([{ upid: run.upid, exitStatus: 'OK', ok: true }]);
    // The status is asked on the first poll and to confirm the end; the log carries the rest.
    expect(run.fake.statusRequests).toBeLessThanOrEqual(3);
    expect(run.fake.logRequests).toBeGreaterThan(run.fake.statusRequests);
  });

  it('reads the log from the last line seen, with start and limit', async () => {
    const run = pveTask({ lines: [{ at: 0, t: 'a' }, { at: 20, t: 'b' }], endAt: 40, exitStatus: 'OK' });
    await new Task(run.api, run.upid).wait(FAST);
    const logQueries = run.fake.requests.filter((r) => r.kind === 'log').map((r) => [r.query.get('start'), r.query.get('limit')]);
    expect(logQueries[0]).toEqual(['0', '500']);
    const starts = logQueries.map(([start]) => Number(start));
    expect(starts).toEqual([...starts].sort((x, y) => x - y));
    expect(starts.at(-1)).toBe(3); // after 'a', 'b' and 'TASK OK', from line 4
    const statusQueries = run.fake.requests.filter((r) => r.kind === 'status').map((r) => [...r.query.keys()]);
    expect(statusQueries.every((keys) => keys.length === 0)).toBe(true);
  });

  it('resolves on WARNINGS: 2 with warnings 2', async () => {
    const run = pveTask({ lines: [{ at: 0, t: 'WARN: storage nearly full' }, { at: 0, t: 'WARN: no backup' }], endAt: 20, exitStatus: 'WARNINGS: 2' });
    const result = await new Task(run.api, run.upid).wait(FAST);
    expect(result).toMatchObject({ ok: true, exitStatus: 'WARNINGS: 2', warnings: 2 });
    expect(result.log.at(-1)).toEqual({ n: 3, t: 'TASK WARNINGS: 2' });
    expect(run.doneEvents).toEqual([{ upid: run.upid, exitStatus: 'WARNINGS: 2', ok: true }]);
  });

  it('throws TaskFailedError with the exit status and the whole log (longer than one page)', async () => {
    const lines = Array.from({ length: 620 }, (_, i) => ({ at: 0, t: `progress ${i + 1}` }));
    const exit = "command 'qm start 100' failed: exit code 1";
    const run = pveTask({ lines, endAt: 25, exitStatus: exit });
    const err = await rejection(new Task(run.api, run.upid).wait({ ...FAST, onLog: run.onLog }));
    expect(err).toBeInstanceOf(TaskFailedError);
    const failed = err as TaskFailedError;
    expect(failed.upid).toBe(run.upid);
    expect(failed.exitStatus).toBe(exit);
    expect(failed.message).toContain(exit);
    expect(failed.log).toEqual(numbered([...lines.map((l) => l.t), `TASK ERROR: ${exit}`]));
    expect(run.onLogBatches.flat()).toEqual(failed.log);
    expect(run.doneEvents).toEqual([{ upid: run.upid, exitStatus: exit, ok: false }]);
  });

  it('treats a stopped status without an exit status as a failure', async () => {
    const upid = pveUpid();
    mockApi()
      .get(`/nodes/pve1/tasks/${upid}/log`).query(true).reply(200, { data: [{ n: 1, t: 'no content' }] }, JSON_HEADERS)
      .get(`/nodes/pve1/tasks/${upid}/status`).reply(200, { data: { status: 'stopped' } }, JSON_HEADERS)
      .get(`/nodes/pve1/tasks/${upid}/log`).query(true).reply(200, { data: [{ n: 1, t: 'no content' }] }, JSON_HEADERS);
    const err = await rejection(new Task(testApi(), upid).wait(FAST));
    expect(err).toBeInstanceOf(TaskFailedError);
    expect((err as TaskFailedError).exitStatus).toBe('unknown');
    expect((err as TaskFailedError).log).toEqual([]); // the "no content" placeholder is not a line
  });

  it('does not report the placeholder lines of an empty or not yet created log', async () => {
    const run = pveTask({ lines: [{ at: 25, t: 'first real line' }], endAt: 40, exitStatus: 'OK' });
    const result = await new Task(run.api, run.upid).wait({ ...FAST, onLog: run.onLog });
    expect(result.log).toEqual(numbered(['first real line', 'TASK OK']));
    expect(run.onLogBatches.flat()).toEqual(result.log);
  });

  it('keeps confirming when the last line is written before the worker is gone', async () => {
    const run = pveTask({ lines: [{ at: 0, t: 'x' }], endAt: 10, exitLagMs: 60, exitStatus: 'OK' });
    const result = await new Task(run.api, run.upid).wait(FAST);
    expect(result.exitStatus).toBe('OK');
    expect(result.log).toEqual(numbered(['x', 'TASK OK']));
  });

  it('tolerates the 400 the status endpoint answers right after the task starts', async () => {
    const run = pveTask({ lines: [{ at: 0, t: 'x' }], endAt: 60, early400UntilMs: 40, exitStatus: 'OK' });
    const result = await new Task(run.api, run.upid).wait(FAST);
    expect(result.exitStatus).toBe('OK');
    const early = run.fake.requests.filter((r) => r.kind === 'status' && r.at < 40);
    expect(early.length).toBeGreaterThan(0);
  });

  it('throws TaskTimeoutError at the deadline and sends no request after it', async () => {
    const run = pveTask({ lines: [{ at: 0, t: 'working' }], endAt: 60_000, exitStatus: 'OK' });
    const sent: number[] = [];
    const t0 = performance.now();
    run.api.on('request', () => sent.push(performance.now() - t0));
    const err = await rejection(new Task(run.api, run.upid).wait({ timeoutMs: 80, minDelayMs: 7, maxDelayMs: 30 }));
    const elapsed = performance.now() - t0;
    expect(err).toBeInstanceOf(TaskTimeoutError);
    expect(err).toMatchObject({ upid: run.upid, timeoutMs: 80 });
    expect(err.message).toBe(`task ${run.upid} still running after 80 ms`);
    expect(elapsed).toBeGreaterThanOrEqual(79);
    expect(elapsed).toBeLessThan(500);
    expect(sent.length).toBeGreaterThan(2);
    expect(sent.every((at) => at < 80)).toBe(true);
    const before = sent.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(sent.length).toBe(before);
  });

  it('aborts at once during a pause', async () => {
    const run = pveTask({ lines: [{ at: 0, t: 'working' }], endAt: 60_000, exitStatus: 'OK' });
    const ac = new AbortController();
    const pending = new Task(run.api, run.upid).wait({ minDelayMs: 10_000, maxDelayMs: 10_000, signal: ac.signal });
    await until(() => run.fake.requests.length === 2); // the first poll is done; it sleeps 10 s now
    await new Promise((r) => setTimeout(r, 20));
    const requests = run.fake.requests.length;
    expect(requests).toBe(2);
    const t0 = performance.now();
    ac.abort(new Error('user gave up'));
    const err = await rejection(pending);
    expect(performance.now() - t0).toBeLessThan(300); // not the 10 s pause
    expect(err).toBeInstanceOf(AbortError);
    expect(err.message).toBe(`waiting for ${run.upid}: aborted`);
    expect((err.cause as Error).message).toBe('user gave up');
    expect(run.fake.requests.length).toBe(requests);
    expect(run.doneEvents).toEqual([]);
  });

  it('aborts at once during a request', async () => {
    const upid = pveUpid();
    mockApi().get(`/nodes/pve1/tasks/${upid}/log`).query(true).delay(800).reply(200, { data: [] }, JSON_HEADERS);
    const ac = new AbortController();
    const pending = new Task(testApi(), upid).wait({ ...FAST, signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    const t0 = performance.now();
    const err = await rejection(pending);
    expect(err).toBeInstanceOf(AbortError);
    expect(performance.now() - t0).toBeLessThan(600); // not the 800 ms answer
  });

  it('rejects with AbortError before any request when the signal has already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    // No interceptor: a request would fail with a nock error, not an AbortError.
    await expect(new Task(testApi(), pveUpid()).wait({ signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it.each([
    [{ minDelayMs: 100, maxDelayMs: 50 }, /minDelayMs \(100\) must not exceed maxDelayMs \(50\)/],
    [{ timeoutMs: -1 }, /timeoutMs must be a number ≥ 0/],
    [{ minDelayMs: Number.NaN }, /minDelayMs/],
    [{ maxDelayMs: Infinity }, /maxDelayMs must be finite/],
  ])('rejects invalid options %j with a TypeError before any request', async (options, message) => {
    const err = await rejection(new Task(testApi(), pveUpid()).wait(options));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toMatch(message);
  });

  it('a user error from the status endpoint is not swallowed', async () => {
    const upid = pveUpid();
    const scope = mockApi();
    scope.get(`/nodes/pve1/tasks/${upid}/log`).query(true).reply(200, { data: [{ n: 1, t: 'x' }] }, JSON_HEADERS);
    scope.get(`/nodes/pve1/tasks/${upid}/status`).replyError(403, 'Permission check failed (/nodes/pve1, Sys.Audit)');
    const err = await rejection(new Task(testApi(), upid).wait(FAST));
    expect(err.name).toBe('PermissionError');
  });
});

describe('task.wait() on Proxmox Backup Server', () => {
  it('polls node localhost and sees each line once although PBS repeats line `start`', async () => {
    const api = pbsApi();
    const upid = pbsUpid();
    const fake = new FakeTask(
      {
        lines: [
          { at: 0, t: 'starting garbage collection on store store1' },
          { at: 10, t: 'Start GC phase1 (mark used chunks)' },
          { at: 20, t: 'Start GC phase2 (sweep unused chunks)' },
        ],
        endAt: 35,
        exitStatus: 'OK',
        semantics: 'pbs',
      },
    );
    fake.install('localhost', upid, { product: 'pbs' });
    const seen: TaskLogLine[] = [];
    const result = await new Task(api, upid).wait({ ...FAST, onLog: (lines) => seen.push(...lines) });
    const all = numbered(['starting garbage collection on store store1', 'Start GC phase1 (mark used chunks)', 'Start GC phase2 (sweep unused chunks)', 'TASK OK']);
    expect(result.log).toEqual(all);
    expect(seen).toEqual(all);
  });
});

describe('pollTaskUntilComplete', () => {
  it('waits like task.wait()', async () => {
    const run = pveTask({ lines: [{ at: 0, t: 'x' }], endAt: 20, exitStatus: 'WARNINGS: 1' });
    await expect(pollTaskUntilComplete(run.api, run.upid, FAST)).resolves.toMatchObject({ upid: run.upid, warnings: 1, ok: true });
  });

  it('rejects a malformed UPID with a TypeError', async () => {
    await expect(pollTaskUntilComplete(testApi(), 'not-a-upid')).rejects.toThrow(TypeError);
  });

  it('tolerates a 400 during the first seconds of waiting even for an old UPID (clock skew)', async () => {
    // A UPID from 2024 and a 400 every time: the grace is the first 3 s of waiting, so this ends in
    // the timeout; wait-timing.test.ts shows the 400 thrown once the grace is over.
    const upid = pveUpid(Date.UTC(2024, 0, 1));
    mockApi()
      .persist()
      .get(`/nodes/pve1/tasks/${upid}/log`).query(true).reply(200, { data: { n: 1, t: 'unable to open file - No such file or directory' } }, JSON_HEADERS)
      .get(`/nodes/pve1/tasks/${upid}/status`).reply(400, { errors: { upid: 'no such task' }, data: null }, JSON_HEADERS);
    const err = await rejection(pollTaskUntilComplete(testApi(), upid, { ...FAST, timeoutMs: 60 }));
    expect(err).toBeInstanceOf(TaskTimeoutError);
  });
});
