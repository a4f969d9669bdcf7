/**
 * Cluster end to end: every method against the simulator over real HTTPS, per release, with the
 * oracle checking each request.
 */
import { Cluster, Node, NotFoundError, Task, UnsupportedError } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { FAST_WAIT, useSimulator } from './guest-sim.js';

describeEachRelease('Cluster e2e', (release) => {
  const ctx = useSimulator(release);
  const cluster = (): Cluster => new Cluster(ctx.api);

  it('status(): the cluster entry and one entry per node', async () => {
    const status = await cluster().status();
    expect(status.find((e) => e.type === 'cluster')).toMatchObject({ nodes: 3, quorate: true });
    expect(status.filter((e) => e.type === 'node').map((e) => e.name)).toEqual(['pve1', 'pve2', 'pve3']);
    expect(status.find((e) => e.name === 'pve1')).toMatchObject({ online: true, local: true });
  });

  it('nodes() and nodeList()', async () => {
    const nodes = await cluster().nodes();
    expect(nodes.every((n) => n instanceof Node)).toBe(true);
    expect(nodes.map((n) => n.node)).toEqual(['pve1', 'pve2', 'pve3']);
    ctx.sim.faults.setNodeOffline('pve3');
    const list = await cluster().nodeList();
    expect(list.find((n) => n.node === 'pve3')?.status).toBe('offline');
    expect(list.find((n) => n.node === 'pve1')).toMatchObject({ status: 'online', maxcpu: 16 });
  });

  it('resources(): all, and by type', async () => {
    const all = await cluster().resources();
    expect(new Set(all.map((r) => r.type))).toEqual(new Set(['node', 'qemu', 'lxc', 'storage', 'sdn', ...(release === '7.4' ? [] : ['pool'])]));
    const vms = await cluster().resources({ type: 'vm' });
    expect(vms.find((r) => r.vmid === 100)).toMatchObject({ type: 'qemu', node: 'pve1', status: 'running', pool: 'prod' });
    expect(vms.find((r) => r.vmid === 9000)?.template).toBe(true);
    const storages = await cluster().resources({ type: 'storage' });
    expect(storages.every((r) => r.type === 'storage')).toBe(true);
  });

  it('nextId(): a number, the next free id', async () => {
    const id = await cluster().nextId();
    expect(typeof id).toBe('number');
    expect(id).toBeGreaterThanOrEqual(100);
    expect(ctx.sim.state.guests.has(id)).toBe(false);
  });

  it('tasks() and log() show a task that ran', async () => {
    const task = await new Node(ctx.api, 'pve1').serviceRestart('pvestatd');
    await task.wait(FAST_WAIT);
    const tasks = await cluster().tasks();
    expect(tasks.some((t) => t.upid === task.upid)).toBe(true);
    const log = await cluster().log({ max: 5 });
    expect(log.length).toBeLessThanOrEqual(5);
    expect(log.length).toBeGreaterThan(0);
  });

  it('backup jobs: list, get, create, update, delete', async () => {
    const jobs = await cluster().backupJobs();
    expect(jobs.map((j) => j.id)).toEqual(expect.arrayContaining(['backup-3f1c2b7a-5d4e', 'backup-8a9b0c1d-2e3f']));
    const nightly = await cluster().backupJobGet('backup-3f1c2b7a-5d4e');
    expect(nightly).toMatchObject({ schedule: '02:00', storage: 'nfs-shared', enabled: true, vmid: '100,101' });

    await cluster().backupJobCreate({
      id: 'e2e-job', schedule: 'sun 01:00', storage: 'local', vmid: [100, 101], mode: 'snapshot', enabled: true,
      'prune-backups': { 'keep-last': 3 }, 'exclude-path': ['/tmp/?*', '/var/cache'], comment: 'e2e',
    });
    const created = await cluster().backupJobGet('e2e-job');
    expect(created).toMatchObject({ schedule: 'sun 01:00', storage: 'local', vmid: '100,101', enabled: true, comment: 'e2e' });

    await cluster().backupJobUpdate('e2e-job', { schedule: '03:00', enabled: false, delete: ['comment'] });
    const updated = await cluster().backupJobGet('e2e-job');
    expect(updated).toMatchObject({ schedule: '03:00', enabled: false });
    expect(updated.comment).toBeUndefined();

    await cluster().backupJobDelete('e2e-job');
    await expect(cluster().backupJobGet('e2e-job')).rejects.toThrow(/does not exist|not found/i);
    expect((await cluster().backupJobs()).map((j) => j.id)).not.toContain('e2e-job');
  });

  it('backup jobs: options of other releases', async () => {
    const call = cluster().backupJobCreate({ id: 'fleece', schedule: '01:00', storage: 'local', all: true, fleecing: { enabled: true, storage: 'local-lvm' } });
    if (release === '7.4') await expect(call).rejects.toThrow(UnsupportedError);
    else {
      await call;
      expect(await cluster().backupJobGet('fleece')).toMatchObject({ all: true });
    }
  });

  it('an unknown backup job is an error answer', async () => {
    const err = await cluster().backupJobDelete('no-such-job').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(Task);
    if (err instanceof NotFoundError) expect(err.status).toBeGreaterThanOrEqual(400);
  });
});
