import { startSimulator, type Simulator } from '../../src/testing/index.js';
import { oracleHook } from '../support/oracle.js';
import { call, seg, taskLog, taskStatus } from './client.js';

const UPID_RE = /^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmstart:101:root@pam!sim:$/;

describe('simulator tasks', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ clock: { manual: true }, onRequest: oracleHook() });
  });
  afterAll(() => sim.close());
  afterEach(() => {
    sim.faults.clear();
    sim.state.reset();
  });

  async function upidOf(method: string, path: string, params: Record<string, string | number> = {}): Promise<string> {
    const r = await call(sim, method, path, params);
    expect(r.status).toBe(200);
    expect(typeof r.body.data).toBe('string');
    return String(r.body.data);
  }

  it('runs a start as a worker: UPID, running → stopped, state changes at the end', async () => {
    const upid = await upidOf('POST', '/nodes/pve1/qemu/101/status/start');
    expect(upid).toMatch(UPID_RE);
    const running = await taskStatus(sim, upid);
    expect(running).toMatchObject({ status: 'running', upid, node: 'pve1', type: 'qmstart', id: '101', user: 'root@pam!sim' });
    expect(running.exitstatus).toBeUndefined();
    expect(typeof running.pid).toBe('number');
    expect(typeof running.starttime).toBe('number');
    expect(sim.state.guest(101)?.status).toBe('stopped');

    sim.clock.advance(2_000);
    expect(await taskStatus(sim, upid)).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
    expect(sim.state.guest(101)?.status).toBe('running');
    expect(await taskLog(sim, upid)).toEqual(['TASK OK']);
    const cur = await call(sim, 'GET', '/nodes/pve1/qemu/101/status/current');
    expect(cur.body.data).toMatchObject({ status: 'running', qmpstatus: 'running', vmid: 101 });
  });

  it('locks the guest while its task runs', async () => {
    await upidOf('POST', '/nodes/pve1/qemu/101/status/start');
    const second = await call(sim, 'POST', '/nodes/pve1/qemu/101/status/start');
    expect(second.status).toBe(500);
    expect(second.reason).toBe("can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout");
    const ct = await upidOf('POST', '/nodes/pve1/lxc/200/status/stop');
    expect(ct).toContain(':vzstop:200:');
    const ct2 = await call(sim, 'POST', '/nodes/pve1/lxc/200/status/shutdown');
    expect(ct2.reason).toBe("can't lock file '/run/lock/lxc/pve-config-200.lock' - got timeout");
    sim.clock.advance(2_000);
    expect((await call(sim, 'POST', '/nodes/pve1/qemu/101/status/stop')).status).toBe(200);
  });

  it('shows a config lock during a snapshot, and the snapshot appears at the end', async () => {
    const upid = await upidOf('POST', '/nodes/pve1/qemu/100/snapshot', { snapname: 'pre', description: 'before' });
    const other = await call(sim, 'POST', '/nodes/pve1/qemu/100/status/shutdown');
    expect(other.reason).toBe('VM 100 is locked (snapshot)');
    let list = (await call(sim, 'GET', '/nodes/pve1/qemu/100/snapshot')).body.data as Array<Record<string, unknown>>;
    expect(list.map((s) => s.name)).toEqual(['pre-upgrade', 'current']);
    sim.clock.advance(5_000);
    expect((await taskStatus(sim, upid)).exitstatus).toBe('OK');
    list = (await call(sim, 'GET', '/nodes/pve1/qemu/100/snapshot')).body.data as Array<Record<string, unknown>>;
    expect(list.map((s) => s.name)).toEqual(['pre-upgrade', 'pre', 'current']);
    expect(list.find((s) => s.name === 'pre')).toMatchObject({ parent: 'pre-upgrade', description: 'before' });
    expect(list.find((s) => s.name === 'current')).toMatchObject({ parent: 'pre', running: 1 });
  });

  it('logs a migration\'s progress and moves the guest at the end', async () => {
    const upid = await upidOf('POST', '/nodes/pve1/qemu/100/migrate', { target: 'pve2', online: 1, 'with-local-disks': 1 });
    expect(upid).toContain(':qmigrate:100:');
    sim.clock.advance(10_000);
    const midway = await taskLog(sim, upid);
    expect(midway[0]).toMatch(/starting migration of VM 100 to node 'pve2'/);
    expect(midway.some((l) => l.includes('migration active, transferred'))).toBe(true);
    expect(midway.at(-1)).not.toMatch(/^TASK/);
    expect(sim.state.guest(100)?.node).toBe('pve1');
    sim.clock.advance(10_000);
    const log = await taskLog(sim, upid, { limit: 500 });
    expect(log.at(-2)).toMatch(/migration finished successfully/);
    expect(log.at(-1)).toBe('TASK OK');
    expect(sim.state.guest(100)?.node).toBe('pve2');
    expect((await call(sim, 'GET', '/nodes/pve2/qemu/100/status/current')).status).toBe(200);
    expect((await call(sim, 'GET', '/nodes/pve1/qemu/100/status/current')).status).toBe(500);
  });

  it('pages the log with start and limit and sends total', async () => {
    const upid = await upidOf('POST', '/nodes/pve1/qemu/101/clone', { newid: 150, name: 'copy' });
    sim.clock.advance(10_000);
    const node = 'pve1';
    const page = await call(sim, 'GET', `/nodes/${node}/tasks/${seg(upid)}/log`, { start: 2, limit: 3 });
    const lines = page.body.data as Array<{ n: number; t: string }>;
    expect(lines.map((l) => l.n)).toEqual([3, 4, 5]);
    expect(page.body.total).toBeGreaterThan(5);
    const all = await taskLog(sim, upid, { limit: 1000 });
    expect(all[0]).toBe('create full clone of drive scsi0 (local-lvm:vm-101-disk-0)');
    expect(all.some((l) => /^transferred .* \(100\.00%\)$/.test(l))).toBe(true);
    expect(sim.state.guest(150)).toMatchObject({ node: 'pve1', status: 'stopped' });
    expect(sim.state.guest(150)?.config.name).toBe('copy');
  });

  it('ends a task with a forced error and leaves the state alone', async () => {
    sim.faults.failNextTask({ type: 'qmstart', error: 'start failed: QEMU exited with code 1' });
    const upid = await upidOf('POST', '/nodes/pve1/qemu/101/status/start');
    sim.clock.advance(2_000);
    expect(await taskStatus(sim, upid)).toMatchObject({ status: 'stopped', exitstatus: 'start failed: QEMU exited with code 1' });
    expect((await taskLog(sim, upid)).at(-1)).toBe('TASK ERROR: start failed: QEMU exited with code 1');
    expect(sim.state.guest(101)?.status).toBe('stopped');
    const list = await call(sim, 'GET', '/nodes/pve1/tasks', { errors: 1 });
    expect((list.body.data as Array<Record<string, unknown>>).map((t) => t.upid)).toEqual([upid]);
  });

  it('ends a task with forced warnings and applies it', async () => {
    sim.faults.warnNextTask({ type: 'qmstart', warnings: 2 });
    const upid = await upidOf('POST', '/nodes/pve1/qemu/101/status/start');
    sim.clock.advance(2_000);
    expect((await taskStatus(sim, upid)).exitstatus).toBe('WARNINGS: 2');
    expect((await taskLog(sim, upid)).at(-1)).toBe('TASK WARNINGS: 2');
    expect(sim.state.guest(101)?.status).toBe('running');
  });

  it('fails inside the worker as PVE does (starting a running VM)', async () => {
    const upid = await upidOf('POST', '/nodes/pve1/qemu/100/status/start');
    sim.clock.advance(2_000);
    expect((await taskStatus(sim, upid)).exitstatus).toBe('VM 100 already running');
  });

  it('answers 400 for the status of a task that just started, when that fault is on', async () => {
    sim.faults.taskStatusNotReady({ requests: 1 });
    const upid = await upidOf('POST', '/nodes/pve1/qemu/101/status/start');
    const first = await call(sim, 'GET', `/nodes/pve1/tasks/${seg(upid)}/status`);
    expect(first.status).toBe(400);
    expect(first.body.errors).toEqual({ upid: 'no such task' });
    expect((await call(sim, 'GET', `/nodes/pve1/tasks/${seg(upid)}/status`)).status).toBe(200);
  });

  it('stops a running task', async () => {
    const upid = await upidOf('POST', '/nodes/pve1/qemu/101/status/start');
    expect((await call(sim, 'DELETE', `/nodes/pve1/tasks/${seg(upid)}`)).status).toBe(200);
    expect(await taskStatus(sim, upid)).toMatchObject({ status: 'stopped', exitstatus: 'received interrupt' });
    sim.clock.advance(5_000);
    expect(sim.state.guest(101)?.status).toBe('stopped');
  });

  it('lists node tasks with filters and total', async () => {
    await upidOf('POST', '/nodes/pve1/qemu/101/status/start');
    sim.clock.advance(2_000);
    await upidOf('POST', '/nodes/pve1/lxc/200/status/stop');
    const archive = await call(sim, 'GET', '/nodes/pve1/tasks');
    expect((archive.body.data as unknown[]).length).toBe(1);
    expect(archive.body.total).toBe(1);
    const all = await call(sim, 'GET', '/nodes/pve1/tasks', { source: 'all' });
    expect((all.body.data as Array<Record<string, unknown>>).map((t) => t.type)).toEqual(['vzstop', 'qmstart']);
    const byVm = await call(sim, 'GET', '/nodes/pve1/tasks', { source: 'all', vmid: 200 });
    expect((byVm.body.data as unknown[]).length).toBe(1);
    const unknown = await call(sim, 'GET', `/nodes/pve1/tasks/${seg('UPID:pve1:00000001:00000002:00000003:qmstart:1:root@pam:')}/status`);
    expect(unknown.body.errors).toEqual({ upid: 'no such task' });
  });
});
