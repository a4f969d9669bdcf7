/**
 * Storage: every method's request (method, path, query, body) and parsed answer, once per release;
 * the schema oracle checks each request against that release's official schema.
 */
import nock from 'nock';
import { Storage, Task, UnsupportedError, type RequestOptions } from '../../src/index.js';
import { mockApi } from '../support/nock.js';
import { describeEachRelease } from '../support/oracle.js';
import { nockLifecycle, testApi } from '../support/session.js';

const UPID = 'UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:imgdel:local:root@pam:';

nockLifecycle();

describe('Storage (no release)', () => {
  it('checks the storage id without a request', () => {
    expect(() => new Storage(testApi(), '1local')).toThrow(/^storage must be a storage id/);
    expect(new Storage(testApi(), 'local-lvm').storage).toBe('local-lvm');
  });
});

describeEachRelease('Storage', (release) => {
  it('list(): GET /storage, booleans coerced, unknown fields kept', async () => {
    const scope = mockApi()
      .get('/storage')
      .replyData(200, [{ storage: 'local', type: 'dir', path: '/var/lib/vz', content: 'iso,vztmpl,backup', shared: '0', digest: 'abc', 'prune-backups': 'keep-all=1', custom: 1 }]);
    const list = await Storage.list(testApi());
    expect(list).toEqual([{ storage: 'local', type: 'dir', path: '/var/lib/vz', content: 'iso,vztmpl,backup', shared: false, digest: 'abc', 'prune-backups': 'keep-all=1', custom: 1 }]);
    expect(scope.isDone()).toBe(true);
  });

  it('list({ type }): GET /storage?type=; types a release lacks are UnsupportedError', async () => {
    const scope = mockApi().mockVersion().get('/storage').query({ type: 'nfs' }).replyData(200, []);
    await expect(Storage.list(testApi(), { type: 'nfs' })).resolves.toEqual([]);
    expect(scope.isDone()).toBe(true);

    const gated = mockApi().mockVersion();
    if (release === '7.4') await expect(Storage.list(testApi(), { type: 'esxi' })).rejects.toThrow('storage type "esxi" is not supported by Proxmox 7.4 (needs 8.0 or later)');
    if (release === '9.1') await expect(Storage.list(testApi(), { type: 'glusterfs' })).rejects.toThrow('storage type "glusterfs" (removed in 9.0) is not supported by Proxmox 9.1');
    if (release === '8.4') {
      gated.get('/storage').query({ type: 'glusterfs' }).replyData(200, []);
      await expect(Storage.list(testApi(), { type: 'glusterfs' })).resolves.toEqual([]);
    }
    if (release === '8.4') expect(gated.isDone()).toBe(true);
    nock.cleanAll();
    await expect(Storage.list(testApi(), { type: 'floppy' as never })).rejects.toThrow(/^type must be a storage type/);
  });

  it('create(): POST /storage with lists joined and property strings built', async () => {
    const scope = mockApi()
      .mockVersion()
      .post('/storage', 'storage=backup&type=dir&path=%2Fmnt%2Fbackup&content=backup%2Ciso&nodes=pve1%2Cpve2&prune-backups=keep-last%3D3%2Ckeep-all%3D0&shared=1')
      .replyData(200, { storage: 'backup', type: 'dir' });
    const result = await Storage.create(testApi(), 'backup', 'dir', {
      path: '/mnt/backup', content: ['backup', 'iso'], nodes: ['pve1', 'pve2'], 'prune-backups': { 'keep-last': 3, 'keep-all': false }, shared: true,
    });
    expect(result).toEqual({ storage: 'backup', type: 'dir' });
    expect(scope.isDone()).toBe(true);
  });

  it('create(): a PBS storage answers its generated encryption key', async () => {
    const scope = mockApi()
      .mockVersion()
      .post('/storage', 'storage=pbs&type=pbs&server=pbs1&datastore=main&username=backup%40pbs&encryption-key=autogen')
      .replyData(200, { storage: 'pbs', type: 'pbs', config: { 'encryption-key': '{"kdf":null}' } });
    const result = await Storage.create(testApi(), 'pbs', 'pbs', { server: 'pbs1', datastore: 'main', username: 'backup@pbs', 'encryption-key': 'autogen' });
    expect(result.config?.['encryption-key']).toBe('{"kdf":null}');
    expect(scope.isDone()).toBe(true);
  });

  it('create(): options of other releases are UnsupportedError and bad input a TypeError, before the write', async () => {
    const scope = mockApi().mockVersion();
    if (release === '7.4') {
      await expect(Storage.create(testApi(), 'xx', 'dir', { path: '/x', 'create-base-path': true })).rejects.toThrow('storage option "create-base-path" is not supported by Proxmox 7.4 (needs 8.0 or later)');
    } else {
      scope.post('/storage', 'storage=xx&type=dir&path=%2Fx&create-base-path=1').replyData(200, { storage: 'xx', type: 'dir' });
      await expect(Storage.create(testApi(), 'xx', 'dir', { path: '/x', 'create-base-path': true })).resolves.toEqual({ storage: 'xx', type: 'dir' });
    }
    expect(scope.isDone()).toBe(true);
    const again = mockApi().mockVersion();
    const call = Storage.create(testApi(), 'xx', 'lvm', { vgname: 'vg', 'saferemove-stepsize': 32 });
    if (release === '9.1') {
      again.post('/storage', 'storage=xx&type=lvm&vgname=vg&saferemove-stepsize=32').replyData(200, { storage: 'xx', type: 'lvm' });
      await expect(call).resolves.toEqual({ storage: 'xx', type: 'lvm' });
    } else {
      await expect(call).rejects.toThrow(UnsupportedError);
    }
    expect(again.isDone()).toBe(true);
    nock.cleanAll();
    await expect(Storage.create(testApi(), 'bad id', 'dir')).rejects.toThrow(/^storage must be a storage id/);
    await expect(Storage.create(testApi(), 'xx', 'dir', { type: 'nfs' } as never)).rejects.toThrow(/config.type must not be given/);
  });

  it('get(): GET /storage/{storage}', async () => {
    const scope = mockApi().get('/storage/local').replyData(200, { storage: 'local', type: 'dir', path: '/var/lib/vz', content: 'iso', digest: 'abc', disable: 0 });
    await expect(new Storage(testApi(), 'local').get()).resolves.toEqual({ storage: 'local', type: 'dir', path: '/var/lib/vz', content: 'iso', digest: 'abc', disable: false });
    expect(scope.isDone()).toBe(true);
  });

  it('update(changes): PUT /storage/{storage} with delete joined', async () => {
    const scope = mockApi()
      .mockVersion()
      .put('/storage/local', 'content=iso%2Cbackup&delete=nodes%2Cprune-backups&digest=abc')
      .replyData(200, { storage: 'local', type: 'dir' });
    const result = await new Storage(testApi(), 'local').update({ content: ['iso', 'backup'], delete: ['nodes', 'prune-backups'], digest: 'abc' });
    expect(result).toEqual({ storage: 'local', type: 'dir' });
    expect(scope.isDone()).toBe(true);
  });

  it('update(): maxfiles is gone in 9', async () => {
    const scope = mockApi().mockVersion();
    const call = new Storage(testApi(), 'local').update({ maxfiles: 2 });
    if (release === '9.1') await expect(call).rejects.toThrow('storage option "maxfiles" (removed in 9.0) is not supported by Proxmox 9.1');
    else {
      scope.put('/storage/local', 'maxfiles=2').replyData(200, { storage: 'local', type: 'dir' });
      await expect(call).resolves.toEqual({ storage: 'local', type: 'dir' });
    }
    expect(scope.isDone()).toBe(true);
  });

  it('delete(): DELETE /storage/{storage}', async () => {
    const scope = mockApi().delete('/storage/old-nfs').replyData(200, null);
    await expect(new Storage(testApi(), 'old-nfs').delete()).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('delete(): hands on only signal, timeoutMs and retries of the caller\'s options (a stray schema is not used)', async () => {
    const scope = mockApi().delete('/storage/old-nfs').replyData(200, null);
    const refuse = { safeParse: () => ({ success: false, error: { issues: [{ path: [], message: 'stray schema' }] } }) };
    const stray = { retries: 0, schema: refuse } as unknown as RequestOptions;
    await expect(new Storage(testApi(), 'old-nfs').delete(stray)).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('status(node): GET /nodes/{node}/storage/{storage}/status', async () => {
    const scope = mockApi().get('/nodes/pve1/storage/local/status').replyData(200, { type: 'dir', active: 1, enabled: 1, shared: 0, total: '1000', used: '400', avail: 600, content: 'iso' });
    await expect(new Storage(testApi(), 'local').status('pve1')).resolves.toEqual({ type: 'dir', active: true, enabled: true, shared: false, total: 1000, used: 400, avail: 600, content: 'iso' });
    expect(scope.isDone()).toBe(true);
    await expect(new Storage(testApi(), 'local').status('bad node')).rejects.toThrow(/^node must be a node name/);
  });

  it('content(node, filter): GET /nodes/{node}/storage/{storage}/content', async () => {
    const scope = mockApi()
      .get('/nodes/pve1/storage/local/content')
      .query({ content: 'backup', vmid: '100' })
      .replyData(200, [{ volid: 'local:backup/vzdump-qemu-100.vma.zst', content: 'backup', format: 'vma.zst', size: '123456', ctime: '1710334643', vmid: '100', protected: 1, notes: 'web', verification: { state: 'ok' } }]);
    const list = await new Storage(testApi(), 'local').content('pve1', { content: 'backup', vmid: 100 });
    expect(list).toEqual([{ volid: 'local:backup/vzdump-qemu-100.vma.zst', content: 'backup', format: 'vma.zst', size: 123456, ctime: 1710334643, vmid: 100, protected: true, notes: 'web', verification: { state: 'ok' } }]);
    expect(scope.isDone()).toBe(true);
    await expect(new Storage(testApi(), 'local').content('pve1', { content: 'iso,backup' })).rejects.toThrow(/^filter.content must be one content type/);
    await expect(new Storage(testApi(), 'local').content('pve1', { vmid: 1 })).rejects.toThrow(/^filter.vmid must be/);
  });

  it('content(node): no query without a filter', async () => {
    const scope = mockApi().get('/nodes/pve1/storage/local/content').replyData(200, []);
    await expect(new Storage(testApi(), 'local').content('pve1')).resolves.toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('volumeDelete(node, volume): DELETE …/content/{volume} (encoded) → Task', async () => {
    const scope = mockApi().delete('/nodes/pve1/storage/local/content/local:iso%2Fold.iso').replyData(200, UPID);
    const task = await new Storage(testApi(), 'local').volumeDelete('pve1', 'local:iso/old.iso');
    expect(task).toBeInstanceOf(Task);
    expect(task.upid).toBe(UPID);
    expect(scope.isDone()).toBe(true);
  });

  it('volumeDelete(..., { delay }): a null answer (deleted in time) is a completed Task', async () => {
    const scope = mockApi().delete('/nodes/pve1/storage/local/content/local:iso%2Fold.iso').query({ delay: '5' }).replyData(200, null);
    const task = await new Storage(testApi(), 'local').volumeDelete('pve1', 'local:iso/old.iso', { delay: 5 });
    expect(task.upid).toBeNull();
    expect(task.type).toBe('imgdel');
    await expect(task.wait()).resolves.toMatchObject({ exitStatus: 'OK', ok: true });
    expect(scope.isDone()).toBe(true);
  });

  it('volumeDelete(): bad arguments are TypeErrors before any request', async () => {
    const storage = new Storage(testApi(), 'local');
    await expect(storage.volumeDelete('pve1', 'other:iso/x.iso')).rejects.toThrow('volume must be on storage local, got "other:iso/x.iso"');
    await expect(storage.volumeDelete('pve1', '')).rejects.toThrow(/^volume must be a volume id/);
    await expect(storage.volumeDelete('pve1', 'local:iso/x.iso', { delay: 31 })).rejects.toThrow('opts.delay must be an integer from 1 to 30, got 31');
  });
});
