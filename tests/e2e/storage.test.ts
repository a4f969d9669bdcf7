/**
 * Storage end to end: every method against the simulator over real HTTPS, per release, with the
 * oracle checking each request.
 */
import { ParameterError, ServerError, Storage, Task, UnsupportedError } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { FAST_WAIT, useSimulator } from './guest-sim.js';

describeEachRelease('Storage e2e', (release) => {
  const ctx = useSimulator(release);
  const storage = (id: string): Storage => new Storage(ctx.api, id);

  it('list(), list({ type }) and get()', async () => {
    const all = await Storage.list(ctx.api);
    expect(all.map((s) => s.storage)).toEqual(['local', 'local-lvm', 'nfs-shared']);
    expect((await Storage.list(ctx.api, { type: 'nfs' })).map((s) => s.storage)).toEqual(['nfs-shared']);
    const nfs = await storage('nfs-shared').get();
    expect(nfs).toMatchObject({ type: 'nfs', server: '10.10.10.50', export: '/export/pve', shared: true });
    expect(nfs.content?.split(',')).toContain('backup');
  });

  it('create() → get() → update() → delete()', async () => {
    const created = await Storage.create(ctx.api, 'backup2', 'dir', { path: '/mnt/backup2', content: ['backup', 'iso'], nodes: ['pve1'], 'prune-backups': { 'keep-last': 3 } });
    expect(created).toMatchObject({ storage: 'backup2', type: 'dir' });
    expect(await storage('backup2').get()).toMatchObject({ path: '/mnt/backup2', content: 'backup,iso', nodes: 'pve1' });

    await storage('backup2').update({ content: ['backup'], disable: true, delete: ['nodes'] });
    const updated = await storage('backup2').get();
    expect(updated).toMatchObject({ content: 'backup', disable: true });
    expect(updated.nodes).toBeUndefined();

    await storage('backup2').delete();
    expect((await Storage.list(ctx.api)).map((s) => s.storage)).not.toContain('backup2');
  });

  it('create(): Proxmox refuses a dir storage without path (ParameterError), and a duplicate id', async () => {
    await expect(Storage.create(ctx.api, 'nopath', 'dir')).rejects.toThrow(ParameterError);
    await expect(Storage.create(ctx.api, 'local', 'dir', { path: '/x' })).rejects.toThrow(ServerError);
  });

  it('create(): options and types of other releases', async () => {
    const call = Storage.create(ctx.api, 'based', 'dir', { path: '/mnt/based', 'create-base-path': false });
    if (release === '7.4') await expect(call).rejects.toThrow(UnsupportedError);
    else await expect(call).resolves.toMatchObject({ storage: 'based' });
    if (release === '9.1') await expect(Storage.list(ctx.api, { type: 'glusterfs' })).rejects.toThrow(UnsupportedError);
  });

  it('status(node) and content(node, filter)', async () => {
    const status = await storage('local').status('pve1');
    expect(status).toMatchObject({ type: 'dir', active: true });
    expect(status.total).toBeGreaterThan(0);
    const isos = await storage('local').content('pve1', { content: 'iso' });
    expect(isos.map((v) => v.volid)).toEqual(['local:iso/debian-12.7.0-amd64-netinst.iso']);
    const backups = await storage('nfs-shared').content('pve1', { content: 'backup', vmid: 100 });
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatchObject({ vmid: 100, protected: true, format: 'vma.zst' });
  });

  it('volumeDelete(): a task that removes the volume', async () => {
    const volid = 'local:backup/vzdump-lxc-200-2024_10_01-02_00_02.tar.zst';
    const task = await storage('local').volumeDelete('pve1', volid);
    expect(task).toBeInstanceOf(Task);
    expect(task.type).toBe('imgdel');
    await task.wait(FAST_WAIT);
    expect((await storage('local').content('pve1', { content: 'backup' })).map((v) => v.volid)).not.toContain(volid);
  });

  it('volumeDelete(): a protected backup is refused', async () => {
    const err = await storage('nfs-shared').volumeDelete('pve1', 'nfs-shared:backup/vzdump-qemu-100-2024_10_01-02_00_05.vma.zst').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toContain('unable to remove protected backup');
  });
});
