import { startSimulator, type Simulator } from '../../src/testing/index.js';
import { oracleHook, takeViolations } from '../support/oracle.js';
import { call, taskLog, taskStatus } from './client.js';

type Row = Record<string, unknown>;

describe('simulator guest operations', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ clock: { manual: true }, onRequest: oracleHook() });
  });
  afterAll(() => sim.close());
  afterEach(() => {
    sim.state.reset();
    sim.faults.clear();
  });

  async function finish(r: { status: number; body: { data?: unknown } }): Promise<Row> {
    expect(r.status).toBe(200);
    const upid = String(r.body.data);
    sim.clock.runAll();
    return taskStatus(sim, upid);
  }

  it('creates a VM with new disks and a container from a template', async () => {
    const vm = await finish(await call(sim, 'POST', '/nodes/pve2/qemu', {
      vmid: 300, name: 'new-vm', memory: 2048, cores: 2, scsi0: 'local-lvm:16,discard=on', net0: 'virtio,bridge=vmbr0', pool: 'lab', start: 1,
    }));
    expect(vm.exitstatus).toBe('OK');
    const cfg = (await call(sim, 'GET', '/nodes/pve2/qemu/300/config')).body.data as Row;
    expect(cfg.scsi0).toBe('local-lvm:vm-300-disk-0,discard=on,size=16G');
    expect(String(cfg.net0)).toMatch(/^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0$/);
    expect(sim.state.guest(300)?.status).toBe('running');
    expect(sim.state.pools.get('lab')?.members).toContain('qemu/300');
    const dup = await call(sim, 'POST', '/nodes/pve1/qemu', { vmid: 100 });
    expect(dup.reason).toBe("VM 100 already exists on node 'pve1'");

    const ct = await finish(await call(sim, 'POST', '/nodes/pve1/lxc', {
      vmid: 301, ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', hostname: 'ct301',
      rootfs: 'local-lvm:8', net0: 'name=eth0,bridge=vmbr0,ip=dhcp', unprivileged: 1,
    }));
    expect(ct.exitstatus).toBe('OK');
    expect(sim.state.guest(301)?.config.rootfs).toBe('local-lvm:vm-301-disk-0,size=8G');
    const bad = await call(sim, 'POST', '/nodes/pve1/lxc', { vmid: 302, ostemplate: 'local:vztmpl/nope.tar.zst' });
    expect(bad.reason).toBe("volume 'local:vztmpl/nope.tar.zst' does not exist");
  });

  it('destroys a stopped guest and refuses a running one', async () => {
    expect((await call(sim, 'DELETE', '/nodes/pve1/qemu/100')).reason).toBe('VM 100 is running - destroy failed');
    expect((await finish(await call(sim, 'DELETE', '/nodes/pve1/qemu/101', { purge: 1 }))).exitstatus).toBe('OK');
    expect(sim.state.guest(101)).toBeUndefined();
    expect(sim.state.volumes.some((v) => v.vmid === 101 && v.content === 'images')).toBe(false);
    expect(sim.state.pools.get('prod')?.members).not.toContain('qemu/101');
  });

  it('updates a config synchronously (PUT) and in a worker (POST), with digest and delete', async () => {
    const cfg = (await call(sim, 'GET', '/nodes/pve1/qemu/101/config')).body.data as Row;
    expect((await call(sim, 'PUT', '/nodes/pve1/qemu/101/config', { cores: 8, digest: String(cfg.digest) })).status).toBe(200);
    const stale = await call(sim, 'PUT', '/nodes/pve1/qemu/101/config', { cores: 2, digest: String(cfg.digest) });
    expect(stale.reason).toMatch(/^detected modified configuration/);
    const r = await call(sim, 'POST', '/nodes/pve1/qemu/101/config', { scsi2: 'local-lvm:4', delete: 'tags' });
    expect(String(r.body.data)).toContain(':qmconfig:101:');
    expect(sim.state.guest(101)?.config.scsi2).toBeUndefined();
    sim.clock.runAll();
    expect(sim.state.guest(101)?.config).toMatchObject({ cores: 8, scsi2: 'local-lvm:vm-101-disk-2,size=4G' });
    expect(sim.state.guest(101)?.config.tags).toBeUndefined();
    const ct = await call(sim, 'PUT', '/nodes/pve1/lxc/200/config', { memory: 1024, delete: 'swap' });
    expect(ct.body.data).toBeNull();
    expect(sim.state.guest(200)?.config).toMatchObject({ memory: 1024 });
  });

  it('clones a template as a linked clone and refuses storage on a linked clone', async () => {
    const refused = await call(sim, 'POST', '/nodes/pve1/qemu/9000/clone', { newid: 400, full: 0, storage: 'nfs-shared' });
    expect(refused.reason).toBe("parameter 'storage' not allowed for linked clones");
    const a = await call(sim, 'POST', '/nodes/pve1/qemu/9000/clone', { newid: 400, name: 'app1' });
    const b = await call(sim, 'POST', '/nodes/pve1/qemu/9000/clone', { newid: 401, name: 'app2' });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200); // clones of a template run side by side
    sim.clock.runAll();
    expect(sim.state.guest(400)?.config.scsi0).toBe('local-lvm:base-9000-disk-0/vm-400-disk-0,size=8G');
    expect(sim.state.guest(400)?.config.template).toBeUndefined();
    const content = (await call(sim, 'GET', '/nodes/pve1/storage/local-lvm/content', { vmid: 400 })).body.data as Row[];
    expect(content[0]).toMatchObject({ parent: 'base-9000-disk-0' });
  });

  it('clones a container in full to another storage', async () => {
    const st = await finish(await call(sim, 'POST', '/nodes/pve1/lxc/200/clone', { newid: 500, hostname: 'dns02', full: 1, storage: 'local-lvm' }));
    expect(st.exitstatus).toBe('OK');
    expect(sim.state.guest(500)?.config).toMatchObject({ hostname: 'dns02', rootfs: 'local-lvm:vm-500-disk-0,size=8G' });
    expect(String(sim.state.guest(500)?.config.net0)).not.toContain('BC:24:11:6C:00:01');
  });

  it('migrates: refusals, a container restart migration, and a task error for an offline target', async () => {
    expect((await call(sim, 'POST', '/nodes/pve1/qemu/100/migrate', { target: 'pve1' })).body.errors).toEqual({ target: 'target is local node.' });
    expect((await call(sim, 'POST', '/nodes/pve1/qemu/100/migrate', { target: 'pve9' })).reason).toBe("no such cluster node 'pve9'");
    expect((await call(sim, 'POST', '/nodes/pve1/qemu/100/migrate', { target: 'pve2' })).reason).toBe("can't migrate running VM without --online");
    const online = await finish(await call(sim, 'POST', '/nodes/pve1/qemu/100/migrate', { target: 'pve2', online: 1 }));
    expect(online.exitstatus).toMatch(/can't live migrate attached local disks without with-local-disks option/);
    expect(sim.state.guest(100)?.node).toBe('pve1');

    const ct = await finish(await call(sim, 'POST', '/nodes/pve1/lxc/200/migrate', { target: 'pve3', restart: 1 }));
    expect(ct.exitstatus).toBe('OK');
    expect(sim.state.guest(200)).toMatchObject({ node: 'pve3', status: 'running' });
    expect(sim.state.volumesOn('local-lvm', 'pve3').map((v) => v.volid)).toContain('local-lvm:vm-200-disk-0');

    sim.faults.setNodeOffline('pve2');
    const r = await call(sim, 'POST', '/nodes/pve3/qemu/103/migrate', { target: 'pve2' });
    const upid = String(r.body.data);
    sim.clock.runAll();
    expect((await taskStatus(sim, upid)).exitstatus).toMatch(/^migration aborted/);
    expect((await taskLog(sim, upid)).at(-1)).toMatch(/^TASK ERROR: migration aborted/);
    const pre = (await call(sim, 'GET', '/nodes/pve3/qemu/103/migrate')).body.data as Row;
    expect(pre).toMatchObject({ running: 0, allowed_nodes: ['pve1'], local_disks: [] });
  });

  it('resizes, moves a disk, and converts to a template', async () => {
    expect((await call(sim, 'PUT', '/nodes/pve1/qemu/101/resize', { disk: 'scsi0', size: '32G' })).reason).toBe('shrinking disks is not supported');
    expect((await call(sim, 'PUT', '/nodes/pve1/qemu/101/resize', { disk: 'scsi5', size: '+1G' })).reason).toBe("disk 'scsi5' does not exist");
    expect((await call(sim, 'PUT', '/nodes/pve1/qemu/101/resize', { disk: 'scsi0', size: '1X' })).body.errors).toEqual({ size: 'value does not match the regex pattern' });
    expect(takeViolations()).toEqual([expect.stringContaining('size')]);
    await finish(await call(sim, 'PUT', '/nodes/pve1/qemu/101/resize', { disk: 'scsi0', size: '+16G' }));
    expect(sim.state.guest(101)?.config.scsi0).toBe('local-lvm:vm-101-disk-0,size=80G');

    const mv = await finish(await call(sim, 'POST', '/nodes/pve1/qemu/101/move_disk', { disk: 'scsi1', storage: 'nfs-shared', delete: 1 }));
    expect(mv.exitstatus).toBe('OK');
    expect(sim.state.guest(101)?.config.scsi1).toBe('nfs-shared:101/vm-101-disk-0.qcow2,size=200G');
    const ctMove = await finish(await call(sim, 'POST', '/nodes/pve1/lxc/200/move_volume', { volume: 'rootfs', storage: 'nfs-shared' }));
    expect(ctMove.exitstatus).toBe('OK');
    expect(sim.state.guest(200)?.config.unused0).toBe('local-lvm:vm-200-disk-0');

    expect((await call(sim, 'POST', '/nodes/pve1/qemu/100/template')).reason).toBe("you can't convert a VM to template if VM is running");
    await finish(await call(sim, 'POST', '/nodes/pve1/qemu/101/template'));
    expect(sim.state.guest(101)?.config).toMatchObject({ template: 1, scsi0: 'local-lvm:base-101-disk-0,size=80G' });
    expect((await call(sim, 'POST', '/nodes/pve2/lxc/201/template')).body.data).toBeNull();
    expect(sim.state.guest(201)?.config.template).toBe(1);
  });

  it('rolls back and deletes snapshots', async () => {
    await call(sim, 'PUT', '/nodes/pve1/lxc/200/config', { memory: 4096 });
    await finish(await call(sim, 'POST', '/nodes/pve1/lxc/200/snapshot/clean/rollback'));
    expect(sim.state.guest(200)).toMatchObject({ status: 'stopped', config: { memory: 512, parent: 'clean' } });
    expect(sim.state.guest(200)?.config.lock).toBeUndefined();
    expect((await call(sim, 'POST', '/nodes/pve1/lxc/200/snapshot/nope/rollback')).reason).toBe("snapshot 'nope' does not exist");
    await finish(await call(sim, 'DELETE', '/nodes/pve1/lxc/200/snapshot/clean'));
    const list = (await call(sim, 'GET', '/nodes/pve1/lxc/200/snapshot')).body.data as Row[];
    expect(list).toEqual([{ name: 'current', description: 'You are here!', digest: expect.any(String) }]);
    expect((await call(sim, 'GET', '/nodes/pve1/qemu/100/snapshot/pre-upgrade/config')).body.data).toMatchObject({ name: 'web01', snaptime: 1727769600 });
  });

  it('answers the consoles and the monitor', async () => {
    const vnc = (await call(sim, 'POST', '/nodes/pve1/qemu/100/vncproxy', { websocket: 1 })).body.data as Row;
    expect(vnc).toMatchObject({ port: expect.any(String), ticket: expect.stringMatching(/^PVEVNC:/), user: 'root@pam!sim' });
    expect(String(vnc.upid)).toContain(':vncproxy:100:');
    const spice = (await call(sim, 'POST', '/nodes/pve1/qemu/100/spiceproxy')).body.data as Row;
    expect(spice).toMatchObject({ type: 'spice', 'tls-port': 61000, proxy: 'http://10.10.10.11:3128' });
    expect((await call(sim, 'POST', '/nodes/pve1/qemu/100/monitor', { command: 'info status' })).body.data).toBe('VM status: running\r\n');
    expect((await call(sim, 'POST', '/nodes/pve1/qemu/101/monitor', { command: 'info status' })).reason).toBe('VM 101 not running');
    expect((await call(sim, 'POST', '/nodes/pve2/lxc/201/status/shutdown')).reason).toBe('CT 201 not running');
  });
});
