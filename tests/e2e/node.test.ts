/**
 * Node end to end: every method against the simulator over real HTTPS, per release, with the
 * oracle checking each request.
 */
import { Container, Node, NodeUnreachableError, TaskFailedError, UnsupportedError, VM } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { FAST_WAIT, useSimulator } from './guest-sim.js';

describeEachRelease('Node e2e', (release) => {
  const ctx = useSimulator(release);
  const node = (name = 'pve1'): Node => new Node(ctx.api, name);

  it('status()', async () => {
    const status = await node().status();
    expect(status.cpuinfo?.cpus).toBe(16);
    expect(status.memory?.total).toBe(68719476736);
    expect(status.uptime).toBeGreaterThan(0);
    expect(status.pveversion).toContain('pve-manager/');
  });

  it('status() of an offline node is a NodeUnreachableError', async () => {
    ctx.sim.faults.setNodeOffline('pve3');
    await expect(node('pve3').status({ retries: 0 })).rejects.toThrow(NodeUnreachableError);
  });

  it('services(), serviceState(), and start/stop/restart/reload as tasks', async () => {
    const services = await node().services();
    expect(services.map((s) => s.service)).toContain('pveproxy');
    expect(services.some((s) => s.service === 'qmeventd')).toBe(release === '9.1');
    expect((await node().serviceState('pve-ha-lrm')).state).toBe('running');

    await (await node().serviceStop('pve-ha-lrm')).wait(FAST_WAIT);
    expect((await node().serviceState('pve-ha-lrm')).state).not.toBe('running');
    await (await node().serviceStart('pve-ha-lrm')).wait(FAST_WAIT);
    expect((await node().serviceState('pve-ha-lrm')).state).toBe('running');
    const restart = await node().serviceRestart('pveproxy');
    expect(restart.type).toBe('srvrestart');
    await restart.wait(FAST_WAIT);
    await (await node().serviceReload('pveproxy')).wait(FAST_WAIT);
  });

  it('a PVE 9 service on an older release is UnsupportedError', async () => {
    if (release === '9.1') await (await node().serviceRestart('qmeventd')).wait(FAST_WAIT);
    else await expect(node().serviceRestart('qmeventd')).rejects.toThrow(UnsupportedError);
  });

  it('a failing service task: wait() throws TaskFailedError', async () => {
    ctx.sim.faults.failNextTask({ type: 'srvrestart', error: 'Job for pveproxy.service failed' });
    const task = await node().serviceRestart('pveproxy');
    await expect(task.wait(FAST_WAIT)).rejects.toThrow(TaskFailedError);
  });

  it('tasks(filter) and task(upid)', async () => {
    const started = await node().serviceReload('pvestatd');
    await started.wait(FAST_WAIT);
    const recent = await node().tasks({ typeFilter: 'srvreload', limit: 5, source: 'all' });
    expect(recent.map((t) => t.upid)).toContain(started.upid);
    expect(recent.every((t) => t.type === 'srvreload')).toBe(true);
    const task = node().task(String(started.upid));
    expect((await task.status()).exitstatus).toBe('OK');
    const sinceTomorrow = await node().tasks({ since: new Date(ctx.sim.clock.now() + 86_400_000) });
    expect(sinceTomorrow).toEqual([]);
  });

  it('storage(filter)', async () => {
    const all = await node().storage();
    expect(all.map((s) => s.storage).sort()).toEqual(['local', 'local-lvm', 'nfs-shared']);
    const forDisks = await node().storage({ content: 'images', enabled: true });
    expect(forDisks.map((s) => s.storage).sort()).toEqual(['local-lvm', 'nfs-shared']);
    const local = all.find((s) => s.storage === 'local');
    expect(local).toMatchObject({ type: 'dir', active: true, shared: false });
    expect(typeof local?.avail).toBe('number');
  });

  it('vms(), containers(), vm(), container()', async () => {
    const vms = await node().vms();
    expect(vms.every((v) => v instanceof VM)).toBe(true);
    expect(vms.map((v) => v.vmid)).toEqual([100, 101, 9000]);
    const cts = await node().containers();
    expect(cts.every((c) => c instanceof Container)).toBe(true);
    expect(cts.map((c) => c.vmid)).toEqual([200]);
    expect((await node().vm(100).status()).status).toBe('running');
    expect((await node().container(200).status()).status).toBeDefined();
  });
});
