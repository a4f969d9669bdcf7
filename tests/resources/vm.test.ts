/**
 * What only VMs have or map differently: reset, monitor, and the VM's own options.
 */
import { Task, UnsupportedError, VM } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { mockApi } from '../support/nock.js';
import { upid } from './guest-support.js';
import { nockLifecycle, rejection, testApi } from '../support/session.js';

nockLifecycle();

const BASE = '/nodes/pve1/qemu/100';
const vm = () => new VM(testApi(), 'pve1', 100);

describeEachRelease('VM', (release) => {
  it('reset(): POST …/status/reset with skiplock', async () => {
    mockApi().post(`${BASE}/status/reset`, { skiplock: '1' }).replyData(200, upid('qmreset'));
    const task = await vm().reset({ skiplock: true });
    expect(task.type).toBe('qmreset');
  });

  it('monitor(): POST …/monitor with the command, answers its output', async () => {
    mockApi().post(`${BASE}/monitor`, { command: 'info status' }).replyData(200, 'VM status: running');
    await expect(vm().monitor('info status')).resolves.toBe('VM status: running');
    await expect(vm().monitor('')).rejects.toThrow('command must be a non-empty string');
  });

  it('start/stop/shutdown/suspend/resume: the VM options', async () => {
    const scope = mockApi();
    scope.post(`${BASE}/status/start`, { timeout: '90', skiplock: '1' }).replyData(200, upid('qmstart'));
    scope.post(`${BASE}/status/stop`, { timeout: '10', keepActive: '1' }).replyData(200, upid('qmstop'));
    scope.post(`${BASE}/status/shutdown`, { keepActive: '1', skiplock: '1' }).replyData(200, upid('qmshutdown'));
    scope.post(`${BASE}/status/suspend`, { todisk: '1', statestorage: 'local-lvm' }).replyData(200, upid('qmsuspend'));
    scope.post(`${BASE}/status/resume`, { nocheck: '1' }).replyData(200, upid('qmresume'));
    const v = vm();
    await v.start({ timeout: 90, skiplock: true });
    await v.stop({ timeout: 10, keepActive: true });
    await v.shutdown({ keepActive: true, skiplock: true });
    await v.suspend({ todisk: true, statestorage: 'local-lvm' });
    await v.resume({ nocheck: true });
    expect(scope.isDone()).toBe(true);
  });

  it('delete(): skiplock', async () => {
    mockApi().delete(BASE).query({ skiplock: '1' }).replyData(200, upid('qmdestroy'));
    await expect(vm().delete({ skiplock: true })).resolves.toBeInstanceOf(Task);
    await expect(vm().delete({ force: true } as never)).rejects.toThrow(/unknown option "force"/);
  });

  it('configSet(): skiplock and force', async () => {
    mockApi().put(`${BASE}/config`, { delete: 'unused0', force: '1', skiplock: '1' }).replyData(200, null);
    await expect(vm().configSet({}, { delete: ['unused0'], force: true, skiplock: true })).resolves.toBeUndefined();
  });

  it('configSet() and create() send cloud-init sshkeys percent-encoded, as Proxmox\'s urlencoded format wants; configGet() decodes them', async () => {
    const keys = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ alice@laptop\nssh-rsa AAAAB3Nza+/= bob@ci';
    const wire = 'ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIJ%20alice%40laptop%0Assh-rsa%20AAAAB3Nza%2B%2F%3D%20bob%40ci';
    const scope = mockApi();
    scope.put(`${BASE}/config`, { sshkeys: wire, ciuser: 'alice' }).replyData(200, null);
    scope.post('/nodes/pve1/qemu', { vmid: '120', sshkeys: wire }).replyData(200, upid('qmcreate', '120'));
    scope.get(`${BASE}/config`).replyData(200, { sshkeys: wire, digest: 'd' });
    await vm().configSet({ sshkeys: keys, ciuser: 'alice' });
    await VM.create(testApi(), 'pve1', 120, { sshkeys: keys });
    expect((await vm().configGet()).sshkeys).toBe(keys);
    expect(scope.isDone()).toBe(true);
  });

  it('clone(): format with a full clone; a linked one with format is a TypeError', async () => {
    mockApi().post(`${BASE}/clone`, { newid: '130', full: '1', storage: 'nfs-shared', format: 'qcow2' }).replyData(200, upid('qmclone'));
    await expect(vm().clone(130, { full: true, storage: 'nfs-shared', format: 'qcow2' })).resolves.toBeInstanceOf(Task);
    await expect(vm().clone(130, { format: 'qcow2' })).rejects.toThrow(/pass full: true/);
    await expect(vm().clone(130, { full: true, format: 'vhd' as never })).rejects.toThrow(/format must be one of "raw", "qcow2", "vmdk"/);
  });

  it('snapshotCreate(): vmstate', async () => {
    mockApi().post(`${BASE}/snapshot`, { snapname: 'live', vmstate: '1' }).replyData(200, upid('qmsnapshot'));
    await expect(vm().snapshotCreate('live', { vmstate: true })).resolves.toBeInstanceOf(Task);
  });

  it('migrate(): with-local-disks, targetstorage, force, migration_network, migration_type', async () => {
    mockApi()
      .post(`${BASE}/migrate`, {
        target: 'pve2', online: '1', 'with-local-disks': '1', targetstorage: 'local-lvm:nfs-shared', force: '1',
        migration_network: '10.10.10.0/24', migration_type: 'insecure',
      })
      .replyData(200, upid('qmigrate'));
    const task = await vm().migrate('pve2', {
      online: true, withLocalDisks: true, targetStorage: 'local-lvm:nfs-shared', force: true,
      migrationNetwork: '10.10.10.0/24', migrationType: 'insecure',
    });
    expect(task.type).toBe('qmigrate');
  });

  it('migrate({ withConntrackState }): 9.0 and later only', async () => {
    const scope = mockApi().mockVersion();
    if (release === '9.1') {
      scope.post(`${BASE}/migrate`, { target: 'pve2', online: '1', 'with-conntrack-state': '1' }).replyData(200, upid('qmigrate'));
      await expect(vm().migrate('pve2', { online: true, withConntrackState: true })).resolves.toBeInstanceOf(Task);
    } else {
      const err = await rejection(vm().migrate('pve2', { online: true, withConntrackState: true }));
      expect(err).toBeInstanceOf(UnsupportedError);
      expect(err.message).toBe(`migrate option "withConntrackState" is not supported by Proxmox ${release} (needs 9.0 or later)`);
    }
  });

  it('moveVolume(): format and target-disk', async () => {
    mockApi().post(`${BASE}/move_disk`, { disk: 'virtio1', storage: 'nfs-shared', format: 'raw', 'target-vmid': '101', 'target-disk': 'scsi3' }).replyData(200, upid('qmmove'));
    await expect(vm().moveVolume('virtio1', 'nfs-shared', { format: 'raw', targetVmid: 101, targetDisk: 'scsi3' })).resolves.toBeInstanceOf(Task);
    await expect(vm().moveVolume('scsi0', 'local-lvm', { targetDisk: 'mp0' })).rejects.toThrow(/targetDisk must be a VM disk/);
  });

  it('template({ disk })', async () => {
    mockApi().post(`${BASE}/template`, { disk: 'scsi1' }).replyData(200, upid('qmtemplate'));
    await expect(vm().template({ disk: 'scsi1' })).resolves.toBeInstanceOf(Task);
  });

  it('vncproxy({ generatePassword }): generate-password', async () => {
    mockApi().post(`${BASE}/vncproxy`, { websocket: '1', 'generate-password': '1' }).replyData(200, {
      port: 5901, ticket: 'PVEVNC:x', cert: 'c', user: 'root@pam', upid: upid('vncproxy'), password: 'secret12',
    });
    await expect(vm().vncproxy({ websocket: true, generatePassword: true })).resolves.toMatchObject({ port: 5901, password: 'secret12' });
  });

  it('create(): 9.0-only keys on older releases are UnsupportedErrors', async () => {
    const scope = mockApi().mockVersion();
    if (release === '9.1') {
      scope.post('/nodes/pve1/qemu', { vmid: '150', 'ha-managed': '1' }).replyData(200, upid('qmcreate', 150));
      await expect(VM.create(testApi(), 'pve1', 150, { 'ha-managed': true })).resolves.toBeInstanceOf(Task);
    } else {
      await expect(VM.create(testApi(), 'pve1', 150, { 'ha-managed': true })).rejects.toThrow(
        `create key "ha-managed" is not supported by Proxmox ${release} (needs 9.0 or later)`,
      );
    }
  });
});
