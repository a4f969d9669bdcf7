/**
 * VMs end to end: every method against the simulator over real HTTPS, per release, with the
 * oracle checking each request; failing tasks and the lock error included.
 */
import { LockTimeoutError, ServerError, TaskFailedError, VM } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { FAST_WAIT, useSimulator } from './guest-sim.js';

describeEachRelease('VM e2e', (release) => {
  const ctx = useSimulator(release);
  const vm = (vmid: number, node = 'pve1') => new VM(ctx.api, node, vmid);

  it('list() and status()', async () => {
    const list = await VM.list(ctx.api, 'pve1');
    expect(list.map((g) => g.vmid)).toEqual([100, 101, 9000]);
    expect(list.find((g) => g.vmid === 9000)?.template).toBe(true);
    const status = await vm(100).status();
    expect(status).toMatchObject({ status: 'running', qmpstatus: 'running', name: 'web01' });
  });

  it('create() → wait → configGet(); delete()', async () => {
    const task = await VM.create(ctx.api, 'pve1', 150, { name: 'e2e150', memory: 1024, cores: 2, scsi0: 'local-lvm:4', net0: 'virtio,bridge=vmbr0', onboot: true });
    await task.wait(FAST_WAIT);
    const config = await vm(150).configGet();
    expect(config).toMatchObject({ name: 'e2e150', memory: 1024, cores: 2, onboot: 1 });
    expect(String(config.scsi0)).toMatch(/^local-lvm:vm-150-disk-0,.*size=4G/);
    await (await vm(150).delete({ purge: true })).wait(FAST_WAIT);
    expect((await VM.list(ctx.api, 'pve1')).map((g) => g.vmid)).not.toContain(150);
  });

  it('power: start, suspend, resume, reset, reboot, shutdown, stop', async () => {
    const v = vm(101);
    await (await v.start()).wait(FAST_WAIT);
    expect((await v.status()).status).toBe('running');
    await (await v.suspend()).wait(FAST_WAIT);
    expect((await v.status()).qmpstatus).toBe('paused');
    await (await v.resume()).wait(FAST_WAIT);
    expect((await v.status()).qmpstatus).toBe('running');
    await (await v.reset()).wait(FAST_WAIT);
    await (await v.reboot({ timeout: 30 })).wait(FAST_WAIT);
    await (await v.shutdown({ timeout: 30, forceStop: true })).wait(FAST_WAIT);
    expect((await v.status()).status).toBe('stopped');
    await (await v.start()).wait(FAST_WAIT);
    await (await v.stop(release === '7.4' ? {} : { overruleShutdown: true })).wait(FAST_WAIT);
    expect((await v.status()).status).toBe('stopped');
  });

  it('a failing task: wait() throws TaskFailedError with the log', async () => {
    ctx.sim.faults.failNextTask({ type: 'qmstart', error: 'start failed: QEMU exited with code 1' });
    const task = await vm(101).start();
    const err = await task.wait(FAST_WAIT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskFailedError);
    expect((err as TaskFailedError).exitStatus).toBe('start failed: QEMU exited with code 1');
    expect((await vm(101).status()).status).toBe('stopped');
  });

  it('the lock: an action while another task holds the VM is a LockTimeoutError', async () => {
    ctx.sim.tasks.setDuration('qmstart', 3_600_000);
    const running = await vm(101).start();
    const err = await vm(101).stop().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as Error).message).toContain("can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout");
    await running.stop();
  });

  it('a config lock (snapshot running): "VM is locked" is a ServerError', async () => {
    ctx.sim.tasks.setDuration('qmsnapshot', 3_600_000);
    const snap = await vm(101).snapshotCreate('slow');
    const err = await vm(101).configSet({ memory: 4096 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toContain('VM 101 is locked (snapshot)');
    await snap.stop();
  });

  it('configSet(): set, delete, digest; a stale digest is refused', async () => {
    const v = vm(101);
    const { digest } = await v.configGet();
    await v.configSet({ memory: 4096, description: 'db' }, { digest: String(digest) });
    expect(await v.configGet()).toMatchObject({ memory: 4096, description: 'db' });
    await v.configSet({}, { delete: ['description'] });
    expect((await v.configGet()).description).toBeUndefined();
    await expect(v.configSet({ cores: 4 }, { digest: String(digest) })).rejects.toThrow(/detected modified configuration/);
  });

  it('clone(): linked from the template, full with a storage', async () => {
    const template = vm(9000);
    await (await template.clone(120, { name: 'linked120' })).wait(FAST_WAIT);
    await (await template.clone(121, { name: 'full121', full: true, storage: 'local-lvm' })).wait(FAST_WAIT);
    expect(await vm(120).configGet()).toMatchObject({ name: 'linked120' });
    expect(String((await vm(121).configGet()).scsi0)).toMatch(/^local-lvm:vm-121-disk-0/);
  });

  it('snapshots: create (with vmstate), list, config of a snapshot, rollback, delete', async () => {
    const v = vm(100);
    await (await v.snapshotCreate('e2e', { description: 'e2e test', vmstate: true })).wait(FAST_WAIT);
    const names = (await v.snapshotList()).map((s) => s.name);
    expect(names).toEqual(['pre-upgrade', 'e2e']);
    expect((await v.configGet({ snapshot: 'e2e' })).name).toBe('web01');
    await v.configSet({ memory: 1024 });
    await (await v.snapshotRollback('e2e')).wait(FAST_WAIT);
    expect((await v.configGet()).memory).toBe(2048);
    await (await v.snapshotDelete('e2e')).wait(FAST_WAIT);
    expect((await v.snapshotList()).map((s) => s.name)).toEqual(['pre-upgrade']);
  });

  it('migrate(): offline to pve3, then the VM answers there', async () => {
    await (await vm(103, 'pve3').migrate('pve1')).wait(FAST_WAIT);
    expect((await vm(103, 'pve1').status()).status).toBe('stopped');
    await expect(vm(103, 'pve3').status()).rejects.toThrow(/does not exist/);
  });

  it('migrate(): a running VM with local disks, online', async () => {
    const task = await vm(100).migrate('pve2', { online: true, withLocalDisks: true });
    await task.wait(FAST_WAIT);
    expect((await vm(100, 'pve2').status()).status).toBe('running');
  });

  it(`resize(): ${release === '7.4' ? 'completes at once (null)' : 'a task'}; the disk grows`, async () => {
    const task = await vm(101).resize('scsi0', '+1G');
    expect(task.upid === null).toBe(release === '7.4');
    await task.wait(FAST_WAIT);
    expect(String((await vm(101).configGet()).scsi0)).toContain('size=65G');
  });

  it('moveVolume(): move_disk to the shared storage', async () => {
    await (await vm(101).moveVolume('scsi0', 'nfs-shared', { delete: true, format: 'qcow2' })).wait(FAST_WAIT);
    expect(String((await vm(101).configGet()).scsi0)).toMatch(/^nfs-shared:101\/vm-101-disk-\d\.qcow2/);
  });

  it('template(): a stopped VM becomes a template', async () => {
    await (await vm(101).template()).wait(FAST_WAIT);
    expect((await vm(101).status()).template).toBe(true);
    await expect(vm(101).template()).rejects.toThrow(/can't convert a template to a template/);
  });

  it('vncproxy(), spiceproxy(), monitor() on a running VM', async () => {
    const vnc = await vm(100).vncproxy({ websocket: true, generatePassword: true });
    expect(vnc.port).toBeGreaterThan(5899);
    expect(vnc.ticket).toMatch(/^PVEVNC:/);
    const spice = await vm(100).spiceproxy({ proxy: 'pve1.example.com' });
    expect(spice).toMatchObject({ type: 'spice', proxy: 'http://pve1.example.com:3128' });
    expect(await vm(100).monitor('info status')).toContain('VM status: running');
  });

  it('a VM that is not on the node is a NotFoundError', async () => {
    await expect(vm(100, 'pve2').status()).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
