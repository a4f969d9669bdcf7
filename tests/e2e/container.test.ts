/**
 * Containers end to end: every method against the simulator over real HTTPS, per release, with
 * the oracle checking each request; failing tasks and the lock error included.
 */
import { Container, LockTimeoutError, ParameterError, TaskFailedError } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { FAST_WAIT, useSimulator } from './guest-sim.js';

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';

describeEachRelease('Container e2e', (release) => {
  const ctx = useSimulator(release);
  const ct = (vmid: number, node = 'pve1') => new Container(ctx.api, node, vmid);

  it('list() and status()', async () => {
    const list = await Container.list(ctx.api, 'pve1');
    expect(list.map((g) => g.vmid)).toEqual([200]);
    expect(list[0]).toMatchObject({ vmid: 200, status: 'running', name: 'dns01', type: 'lxc' });
    expect(await ct(200).status()).toMatchObject({ status: 'running', name: 'dns01' });
  });

  it('create() → wait → configGet(); delete({ force })', async () => {
    await (await Container.create(ctx.api, 'pve1', 210, { ostemplate: TEMPLATE, hostname: 'ct210', memory: 256, rootfs: 'local-lvm:2', start: true })).wait(FAST_WAIT);
    expect(await ct(210).configGet()).toMatchObject({ hostname: 'ct210', memory: 256 });
    expect((await ct(210).status()).status).toBe('running');
    await expect(ct(210).delete()).rejects.toThrow(/CT 210 is running/);
    await (await ct(210).delete({ force: true, purge: true })).wait(FAST_WAIT);
    expect((await Container.list(ctx.api, 'pve1')).map((g) => g.vmid)).toEqual([200]);
  });

  it('power: shutdown, start, suspend, resume, reboot, stop', async () => {
    const c = ct(200);
    await (await c.shutdown({ timeout: 10 })).wait(FAST_WAIT);
    expect((await c.status()).status).toBe('stopped');
    await (await c.start({ debug: true })).wait(FAST_WAIT);
    await (await c.suspend()).wait(FAST_WAIT);
    await (await c.resume()).wait(FAST_WAIT);
    await (await c.reboot()).wait(FAST_WAIT);
    await (await c.stop()).wait(FAST_WAIT);
    expect((await c.status()).status).toBe('stopped');
  });

  it('a failing task and the lock error', async () => {
    ctx.sim.faults.failNextTask({ type: 'vzstart', error: 'startup for container \'201\' failed' });
    await expect((await ct(201, 'pve2').start()).wait(FAST_WAIT)).rejects.toBeInstanceOf(TaskFailedError);
    ctx.sim.tasks.setDuration('vzshutdown', 3_600_000);
    const slow = await ct(200).shutdown();
    const err = await ct(200).stop().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as Error).message).toContain("can't lock file '/run/lock/lxc/pve-config-200.lock' - got timeout");
    await slow.stop();
  });

  it('configSet() and configGet({ current })', async () => {
    await ct(200).configSet({ memory: 1024, swap: 256 }, { delete: 'onboot' });
    expect(await ct(200).configGet({ current: true })).toMatchObject({ memory: 1024, swap: 256 });
  });

  it('snapshots: create, list, rollback, delete', async () => {
    const c = ct(200);
    await (await c.snapshotCreate('e2e', { description: 'test' })).wait(FAST_WAIT);
    expect((await c.snapshotList()).map((s) => s.name)).toEqual(['clean', 'e2e']);
    await (await c.snapshotRollback('clean', { start: true })).wait(FAST_WAIT);
    expect((await c.configGet()).parent).toBe('clean');
    await (await c.snapshotDelete('e2e')).wait(FAST_WAIT);
    expect((await c.snapshotList()).map((s) => s.name)).toEqual(['clean']);
  });

  it('clone(): a full copy with a new host name; template(); a linked clone of it', async () => {
    await (await ct(201, 'pve2').clone(220, { name: 'proxy02', full: true })).wait(FAST_WAIT);
    expect((await ct(220, 'pve2').configGet()).hostname).toBe('proxy02');
    const tpl = await ct(220, 'pve2').template();
    await tpl.wait(FAST_WAIT);
    expect((await ct(220, 'pve2').status()).template).toBe(true);
    await (await ct(220, 'pve2').clone(221, { name: 'proxy03' })).wait(FAST_WAIT);
    expect((await ct(221, 'pve2').configGet()).hostname).toBe('proxy03');
  });

  it('migrate(): restart migration of a running container; a migrate to itself is a ParameterError', async () => {
    await (await ct(200).migrate('pve3', { restart: true, timeout: 30, targetStorage: 'local-lvm' })).wait(FAST_WAIT);
    expect((await ct(200, 'pve3').status()).status).toBe('running');
    await expect(ct(200, 'pve3').migrate('pve3')).rejects.toBeInstanceOf(ParameterError);
  });

  it(`resize(): a task on every release; moveVolume(): move_volume`, async () => {
    const task = await ct(201, 'pve2').resize('mp0', '+2G');
    expect(task.upid).not.toBeNull();
    await task.wait(FAST_WAIT);
    expect(String((await ct(201, 'pve2').configGet()).mp0)).toContain('size=34G');
    // Give the shared storage container directories, so that the volume can move there.
    const nfs = ctx.sim.state.storages.get('nfs-shared');
    if (nfs) nfs.content = 'images,rootdir,iso,backup';
    await (await ct(201, 'pve2').moveVolume('mp0', 'nfs-shared', { delete: true })).wait(FAST_WAIT);
    expect(String((await ct(201, 'pve2').configGet()).mp0)).toMatch(/^nfs-shared:/);
  });

  it('vncproxy() and spiceproxy()', async () => {
    const vnc = await ct(200).vncproxy({ websocket: true, width: 800, height: 600 });
    expect(vnc.ticket).toMatch(/^PVEVNC:/);
    expect((await ct(200).spiceproxy()).type).toBe('spice');
  });
});
