import { InvalidResponseError, Task, TaskStatusSchema, type TaskDoneEvent } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { mockApi } from '../support/nock.js';
import { JSON_HEADERS, pbsApi } from './support.js';
import { nockLifecycle, rejection, testApi } from '../support/session.js';

nockLifecycle();

const UPID = 'UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam:';
const TASK_PATH = `/nodes/pve1/tasks/${UPID}`;

describeEachRelease('Task', () => {
  it('takes its identity from the UPID without a request', () => {
    const task = new Task(testApi(), UPID);
    expect(task.upid).toBe(UPID);
    expect(task.node).toBe('pve1');
    expect(task.type).toBe('qmstart');
    expect(task.id).toBe('100');
    expect(task.user).toBe('root@pam');
    expect(task.startedAt).toEqual(new Date(0x65f1a2b3 * 1000));
    expect(task.upidInfo?.pid).toBe(0x000a1b2c);
    expect(JSON.parse(JSON.stringify(task))).toEqual({
      upid: UPID,
      node: 'pve1',
      type: 'qmstart',
      id: '100',
      user: 'root@pam',
      startedAt: new Date(0x65f1a2b3 * 1000).toISOString(),
    });
  });

  it('rejects a malformed UPID with a TypeError naming it', () => {
    expect(() => new Task(testApi(), 'UPID:nope')).toThrow(TypeError);
    expect(() => new Task(testApi(), 'UPID:nope')).toThrow('invalid UPID "UPID:nope"');
  });

  it('status(): GET /nodes/{node}/tasks/{upid}/status, numbers coerced, unknown fields kept', async () => {
    mockApi()
      .get(`${TASK_PATH}/status`)
      .reply(200, {
        data: { status: 'stopped', exitstatus: 'OK', pid: '662316', pstart: 19114957, starttime: '1710334643', upid: UPID, node: 'pve1', type: 'qmstart', id: '100', user: 'root@pam', newfield: 'x' },
      }, JSON_HEADERS);
    const status = await new Task(testApi(), UPID).status();
    expect(status).toMatchObject({ status: 'stopped', exitstatus: 'OK', pid: 662316, starttime: 1710334643, newfield: 'x' });
  });

  it('status(): an answer without a status is an InvalidResponseError', async () => {
    mockApi().get(`${TASK_PATH}/status`).reply(200, { data: { pid: 1 } }, JSON_HEADERS);
    expect(await rejection(new Task(testApi(), UPID).status())).toBeInstanceOf(InvalidResponseError);
  });

  it('status() passes the signal to the request', async () => {
    mockApi().get(`${TASK_PATH}/status`).delay(800).reply(200, { data: { status: 'running' } }, JSON_HEADERS);
    const ac = new AbortController();
    const pending = new Task(testApi(), UPID).status({ signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    // Not aborted, the request would resolve (status running) after 800 ms instead of rejecting.
    const err = await rejection(pending);
    expect(err.name).toBe('AbortError');
  });

  it('log({ start, limit }): sends both, returns { n, t } lines', async () => {
    mockApi()
      .get(`${TASK_PATH}/log`)
      .query({ start: '10', limit: '5' })
      .reply(200, { data: [{ n: 11, t: 'line 11' }, { n: '12', t: 'line 12' }], total: 12 }, JSON_HEADERS);
    await expect(new Task(testApi(), UPID).log({ start: 10, limit: 5 })).resolves.toEqual([
      { n: 11, t: 'line 11' },
      { n: 12, t: 'line 12' },
    ]);
  });

  it('log(): defaults to start 0, limit 50', async () => {
    mockApi().get(`${TASK_PATH}/log`).query({ start: '0', limit: '50' }).reply(200, { data: [{ n: 1, t: 'hello' }] }, JSON_HEADERS);
    await expect(new Task(testApi(), UPID).log()).resolves.toEqual([{ n: 1, t: 'hello' }]);
  });

  it('log(): reads the single-object answer some releases give for a missing log file', async () => {
    mockApi().get(`${TASK_PATH}/log`).query(true).reply(200, { data: { n: 1, t: 'unable to open file - No such file or directory' } }, JSON_HEADERS);
    await expect(new Task(testApi(), UPID).log()).resolves.toEqual([{ n: 1, t: 'unable to open file - No such file or directory' }]);
  });

  it('log(): rejects a bad range before any request', async () => {
    const task = new Task(testApi(), UPID);
    await expect(task.log({ start: -1 })).rejects.toThrow(TypeError);
    await expect(task.log({ limit: 1.5 })).rejects.toThrow(/limit must be an integer/);
  });

  it('fullLog(): pages by 50 until a short page (3 pages)', async () => {
    const line = (n: number): { n: number; t: string } => ({ n, t: `line ${n}` });
    const range = (from: number, to: number): Array<{ n: number; t: string }> => Array.from({ length: to - from + 1 }, (_, i) => line(from + i));
    const scope = mockApi()
      .get(`${TASK_PATH}/log`).query({ start: '0', limit: '50' }).reply(200, { data: range(1, 50), total: 120 }, JSON_HEADERS)
      .get(`${TASK_PATH}/log`).query({ start: '50', limit: '50' }).reply(200, { data: range(51, 100), total: 120 }, JSON_HEADERS)
      .get(`${TASK_PATH}/log`).query({ start: '100', limit: '50' }).reply(200, { data: range(101, 120), total: 120 }, JSON_HEADERS);
    const log = await new Task(testApi(), UPID).fullLog();
    expect(log).toEqual(range(1, 120));
    expect(scope.isDone()).toBe(true);
  });

  it('fullLog(): a log of exactly one full page needs one more (empty) page', async () => {
    const lines = Array.from({ length: 4 }, (_, i) => ({ n: i + 1, t: `l${i + 1}` }));
    const scope = mockApi()
      .get(`${TASK_PATH}/log`).query({ start: '0', limit: '4' }).reply(200, { data: lines }, JSON_HEADERS)
      .get(`${TASK_PATH}/log`).query({ start: '4', limit: '4' }).reply(200, { data: [] }, JSON_HEADERS);
    await expect(new Task(testApi(), UPID).fullLog({ pageSize: 4 })).resolves.toEqual(lines);
    expect(scope.isDone()).toBe(true);
  });

  it('fullLog(): rejects a page size below 2', async () => {
    await expect(new Task(testApi(), UPID).fullLog({ pageSize: 1 })).rejects.toThrow(/pageSize must be an integer ≥ 2/);
  });

  it('stop(): DELETE /nodes/{node}/tasks/{upid}', async () => {
    const scope = mockApi().delete(TASK_PATH).reply(200, { data: null }, JSON_HEADERS);
    await expect(new Task(testApi(), UPID).stop()).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });
});

describe('Task on Proxmox Backup Server', () => {
  const PBS_UPID = 'UPID:pbs1:00000F6A:00012F5E:0000001B:65F1A2B3:backup:store1\\x3avm-100:root@pam!tok:';
  // The path tag encodes the backslash; `:`, `@` and `!` stay as they are.
  const PBS_PATH = `/nodes/localhost/tasks/${PBS_UPID.replace(/\\/g, '%5C')}`;

  it('addresses the task endpoints on node localhost', async () => {
    const scope = mockApi({ product: 'pbs' })
      .get(`${PBS_PATH}/status`)
      .reply(200, { data: { status: 'running', upid: PBS_UPID, node: 'pbs1', pid: 3946, pstart: 77662, starttime: 1710334643, type: 'backup', id: 'store1:vm/100', user: 'root@pam', tokenid: 'tok' } }, JSON_HEADERS)
      .delete(PBS_PATH)
      .reply(200, { data: null }, JSON_HEADERS);
    const task = new Task(pbsApi(), PBS_UPID);
    expect(task.node).toBe('pbs1');
    expect(task.id).toBe('store1:vm/100');
    await expect(task.status()).resolves.toMatchObject({ status: 'running', tokenid: 'tok' });
    await task.stop();
    expect(scope.isDone()).toBe(true);
  });

  it('fullLog() keeps each line once although PBS repeats line `start`', async () => {
    const line = (n: number): { n: number; t: string } => ({ n, t: `line ${n}` });
    mockApi({ product: 'pbs' })
      .get(`${PBS_PATH}/log`).query({ start: '0', limit: '3' }).reply(200, { data: [line(1), line(2), line(3)] }, JSON_HEADERS)
      .get(`${PBS_PATH}/log`).query({ start: '3', limit: '3' }).reply(200, { data: [line(3), line(4), line(5)] }, JSON_HEADERS)
      .get(`${PBS_PATH}/log`).query({ start: '5', limit: '3' }).reply(200, { data: [line(5)] }, JSON_HEADERS);
    await expect(new Task(pbsApi(), PBS_UPID).fullLog({ pageSize: 3 })).resolves.toEqual([1, 2, 3, 4, 5].map(line));
  });
});

describe('Task.completed (a call an older release answered synchronously)', () => {
  it('has no UPID and answers everything at once without a request or event', async () => {
    const api = testApi();
    const events: unknown[] = [];
    api.on('task:log', (e) => events.push(e));
    api.on('task:done', (e: TaskDoneEvent) => events.push(e));
    const task = Task.completed(api, { node: 'pve1', type: 'resize', id: 100 });
    expect(task.upid).toBeNull();
    expect(task.upidInfo).toBeNull();
    expect(task.node).toBe('pve1');
    expect(task.type).toBe('resize');
    expect(task.id).toBe('100');
    expect(task.user).toBeUndefined();
    expect(task.startedAt).toBeInstanceOf(Date);
    const status = await task.status();
    expect(TaskStatusSchema.parse(status)).toEqual({ status: 'stopped', exitstatus: 'OK', node: 'pve1', type: 'resize', id: '100' });
    await expect(task.wait({ timeoutMs: 1 })).resolves.toEqual({
      upid: null,
      status: 'stopped',
      exitStatus: 'OK',
      ok: true,
      warnings: 0,
      log: [],
      raw: status,
    });
    await expect(task.log()).resolves.toEqual([]);
    await expect(task.fullLog()).resolves.toEqual([]);
    await expect(task.stop()).resolves.toBeUndefined();
    expect(events).toEqual([]);
    // nock has no interceptor and the network is off: any request would have failed.
  });

  it('still checks wait options', async () => {
    const task = Task.completed(testApi(), { node: 'pve1', type: 'resize', id: '100' });
    await expect(task.wait({ minDelayMs: 10, maxDelayMs: 5 })).rejects.toThrow(TypeError);
  });

  it('requires a node and a type', () => {
    expect(() => Task.completed(testApi(), { node: '', type: 'resize', id: 1 })).toThrow(TypeError);
    expect(() => Task.completed(testApi(), { node: 'pve1', type: '', id: 1 })).toThrow(TypeError);
  });

  it('does not leak into the next constructor call', () => {
    Task.completed(testApi(), { node: 'pve1', type: 'resize', id: 1 });
    expect(() => new Task(testApi(), '')).toThrow(TypeError);
  });
});
