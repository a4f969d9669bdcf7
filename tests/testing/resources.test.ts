import { startSimulator, type Release, type Simulator } from '../../src/testing/index.js';
import { oracleHook, takeViolations } from '../support/oracle.js';
import { call, taskStatus } from './client.js';

type Row = Record<string, unknown>;
const rows = (r: { body: { data?: unknown } }) => r.body.data as Row[];

describe('simulator storage, pools, backup jobs, services, firewall', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ clock: { manual: true }, onRequest: oracleHook() });
  });
  afterAll(() => sim.close());
  afterEach(() => sim.state.reset());

  it('lists storages per node with status and content', async () => {
    const list = rows(await call(sim, 'GET', '/nodes/pve1/storage'));
    expect(list.map((s) => s.storage).sort()).toEqual(['local', 'local-lvm', 'nfs-shared']);
    const lvm = list.find((s) => s.storage === 'local-lvm');
    expect(lvm).toMatchObject({ type: 'lvmthin', content: 'images,rootdir', active: 1, enabled: 1, shared: 0 });
    expect(typeof lvm?.total).toBe('number');
    const filtered = rows(await call(sim, 'GET', '/nodes/pve1/storage', { content: 'iso' }));
    expect(filtered.map((s) => s.storage).sort()).toEqual(['local', 'nfs-shared']);
    const status = (await call(sim, 'GET', '/nodes/pve1/storage/local/status')).body.data as Row;
    expect(status).toMatchObject({ type: 'dir', active: 1 });
    const content = rows(await call(sim, 'GET', '/nodes/pve1/storage/local-lvm/content', { vmid: 100 }));
    expect(content.map((v) => v.volid)).toEqual(['local-lvm:vm-100-disk-0']);
    const isos = rows(await call(sim, 'GET', '/nodes/pve1/storage/local/content', { content: 'iso' }));
    expect(isos[0]).toMatchObject({ volid: 'local:iso/debian-12.7.0-amd64-netinst.iso', format: 'iso', content: 'iso' });
  });

  it('deletes a volume as a worker and refuses one in use', async () => {
    const inUse = await call(sim, 'DELETE', '/nodes/pve1/storage/local-lvm/content/local-lvm:vm-100-disk-0');
    expect(inUse.status).toBe(500);
    const r = await call(sim, 'DELETE', `/nodes/pve1/storage/local/content/${encodeURIComponent('local:iso/debian-12.7.0-amd64-netinst.iso')}`);
    expect(r.status).toBe(200);
    const upid = String(r.body.data);
    expect(upid).toMatch(/:imgdel:local\\x3aiso\/debian/);
    sim.clock.advance(1_000);
    expect((await taskStatus(sim, upid)).exitstatus).toBe('OK');
    expect(sim.state.volumes.some((v) => v.volid === 'local:iso/debian-12.7.0-amd64-netinst.iso')).toBe(false);
  });

  it('creates, reads, updates and deletes a storage definition', async () => {
    const created = await call(sim, 'POST', '/storage', { storage: 'backup2', type: 'dir', path: '/mnt/backup2', content: 'backup' });
    expect(created.body.data).toEqual({ storage: 'backup2', type: 'dir' });
    expect((await call(sim, 'POST', '/storage', { storage: 'backup2', type: 'dir', path: '/x' })).status).toBe(500);
    expect((await call(sim, 'GET', '/storage/backup2')).body.data).toMatchObject({ storage: 'backup2', path: '/mnt/backup2', content: 'backup' });
    expect((await call(sim, 'PUT', '/storage/backup2', { content: 'backup,iso', disable: 1 })).status).toBe(200);
    expect((await call(sim, 'GET', '/storage/backup2')).body.data).toMatchObject({ content: 'backup,iso', disable: 1 });
    expect((await call(sim, 'DELETE', '/storage/backup2')).status).toBe(200);
    expect((await call(sim, 'GET', '/storage/backup2')).reason).toBe("storage 'backup2' does not exist");
  });

  it('manages a pool with members', async () => {
    expect((await call(sim, 'POST', '/pools', { poolid: 'ci', comment: 'CI' })).status).toBe(200);
    expect((await call(sim, 'PUT', '/pools', { poolid: 'ci', vms: '103', 'allow-move': 1, storage: 'local' })).status).toBe(200);
    const pool = (await call(sim, 'GET', '/pools/ci')).body.data as { comment: string; members: Row[] };
    expect(pool.comment).toBe('CI');
    expect(pool.members.map((m) => m.id)).toEqual(expect.arrayContaining(['qemu/103', 'storage/pve1/local']));
    expect((await call(sim, 'DELETE', '/pools', { poolid: 'ci' })).reason).toBe("pool 'ci' is not empty");
    expect((await call(sim, 'PUT', '/pools/ci', { vms: '103', storage: 'local', delete: 1 })).status).toBe(200);
    expect((await call(sim, 'DELETE', '/pools', { poolid: 'ci' })).status).toBe(200);
    expect(rows(await call(sim, 'GET', '/pools')).map((p) => p.poolid)).toEqual(['prod', 'lab']);
  });

  it('manages cluster backup jobs', async () => {
    const jobs = rows(await call(sim, 'GET', '/cluster/backup'));
    expect(jobs.length).toBe(2);
    expect(jobs[0]).toMatchObject({ id: 'backup-3f1c2b7a-5d4e', schedule: '02:00', storage: 'nfs-shared', type: 'vzdump' });
    expect((await call(sim, 'POST', '/cluster/backup', { id: 'weekly', schedule: 'sun 01:00', storage: 'local', vmid: '100,200', mode: 'snapshot' })).status).toBe(200);
    expect((await call(sim, 'POST', '/cluster/backup', { schedule: 'sun 01:00', storage: 'local' })).status).toBe(500);
    expect((await call(sim, 'PUT', '/cluster/backup/weekly', { enabled: 0, delete: 'mode' })).status).toBe(200);
    const job = (await call(sim, 'GET', '/cluster/backup/weekly')).body.data as Row;
    expect(job).toMatchObject({ id: 'weekly', enabled: 0, vmid: '100,200' });
    expect(job.mode).toBeUndefined();
    expect((await call(sim, 'DELETE', '/cluster/backup/weekly')).status).toBe(200);
    expect((await call(sim, 'GET', '/cluster/backup/weekly')).reason).toBe("job 'weekly' does not exist");
  });

  it('lists services and restarts one as a worker', async () => {
    const list = rows(await call(sim, 'GET', '/nodes/pve1/services'));
    expect(list.find((s) => s.service === 'pveproxy')).toMatchObject({ state: 'running', 'active-state': 'active' });
    const r = await call(sim, 'POST', '/nodes/pve1/services/pveproxy/stop');
    expect(String(r.body.data)).toContain(':srvstop:pveproxy:');
    sim.clock.advance(2_000);
    expect((await call(sim, 'GET', '/nodes/pve1/services/pveproxy/state')).body.data).toMatchObject({ state: 'dead' });
    expect((await call(sim, 'POST', '/nodes/pve1/services/nosuch/start')).status).toBe(400);
    expect(takeViolations()).toEqual([expect.stringContaining('service')]);
  });

  it('answers node status', async () => {
    const s = (await call(sim, 'GET', '/nodes/pve2/status')).body.data as Row;
    expect(s).toMatchObject({ pveversion: expect.stringMatching(/^pve-manager\/9\.1/), cpuinfo: { cpus: 16 } });
    expect((s.memory as Row).total).toBe(68719476736);
  });

  it('manages guest firewall rules and options', async () => {
    const base = '/nodes/pve1/qemu/100/firewall';
    expect(rows(await call(sim, 'GET', `${base}/rules`)).map((r) => r.pos)).toEqual([0, 1]);
    expect((await call(sim, 'POST', `${base}/rules`, { type: 'in', action: 'DROP', proto: 'udp', dport: '53', enable: 1 })).status).toBe(200);
    let list = rows(await call(sim, 'GET', `${base}/rules`));
    expect(list[0]).toMatchObject({ pos: 0, type: 'in', action: 'DROP', dport: '53' });
    expect((await call(sim, 'PUT', `${base}/rules/0`, { comment: 'dns', delete: 'dport' })).status).toBe(200);
    const one = (await call(sim, 'GET', `${base}/rules/0`)).body.data as Row;
    expect(one).toMatchObject({ comment: 'dns' });
    expect(one.dport).toBeUndefined();
    expect((await call(sim, 'DELETE', `${base}/rules/0`)).status).toBe(200);
    list = rows(await call(sim, 'GET', `${base}/rules`));
    expect(list.length).toBe(2);
    expect((await call(sim, 'GET', `${base}/rules/9`)).reason).toBe('no rule at position 9');
    expect((await call(sim, 'PUT', `${base}/options`, { enable: 0, policy_in: 'ACCEPT' })).status).toBe(200);
    expect((await call(sim, 'GET', `${base}/options`)).body.data).toMatchObject({ enable: 0, policy_in: 'ACCEPT' });
    expect((await call(sim, 'GET', '/nodes/pve1/lxc/200/firewall/rules')).body.data).toEqual([]);
  });

  it('serves the cluster and node firewalls the same way', async () => {
    const cluster = rows(await call(sim, 'GET', '/cluster/firewall/rules'));
    expect(cluster.map((r) => r.comment)).toEqual(['management', 'web UI']);
    expect((await call(sim, 'PUT', '/cluster/firewall/options', { enable: 1 })).status).toBe(200);
    expect((await call(sim, 'GET', '/cluster/firewall/options')).body.data).toMatchObject({ enable: 1, policy_in: 'DROP' });
    expect((await call(sim, 'POST', '/nodes/pve2/firewall/rules', { type: 'in', action: 'ACCEPT', macro: 'Ping' })).status).toBe(200);
    expect(rows(await call(sim, 'GET', '/nodes/pve2/firewall/rules'))).toEqual([expect.objectContaining({ pos: 0, macro: 'Ping' })]);
    expect((await call(sim, 'PUT', '/nodes/pve2/firewall/options', { tcpflags: 1, nosmurfs: 1 })).status).toBe(200);
    expect((await call(sim, 'PUT', '/nodes/pve2/firewall/options', { policy_in: 'DROP' })).status).toBe(400);
    expect(takeViolations()).toEqual([expect.stringContaining('policy_in')]);
  });

  it('shows a guest\'s pending config', async () => {
    const pending = rows(await call(sim, 'GET', '/nodes/pve1/qemu/100/pending'));
    expect(pending.find((e) => e.key === 'name')).toEqual({ key: 'name', value: 'web01' });
  });
});

describe.each<Release>(['7.4', '8.4', '9.1'])('release differences (PVE %s)', (release) => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ release, clock: { manual: true }, onRequest: oracleHook({ release }) });
  });
  afterAll(() => sim.close());

  it('answers /version for the release', async () => {
    expect((await call(sim, 'GET', '/version')).body.data).toMatchObject({ release });
  });

  it('serves PUT /pools only from 8.4, /pools/{poolid} everywhere', async () => {
    const r = await call(sim, 'PUT', '/pools', { poolid: 'lab', comment: 'x' });
    expect(r.status).toBe(release === '7.4' ? 501 : 200);
    if (release === '7.4') expect(takeViolations()).toHaveLength(1);
    expect((await call(sim, 'PUT', '/pools/lab', { comment: 'y' })).status).toBe(200);
  });

  it('answers a VM resize with a UPID from 8.4 and null on 7.4; a container resize always with a UPID', async () => {
    const vm = await call(sim, 'PUT', '/nodes/pve1/qemu/101/resize', { disk: 'scsi0', size: '+1G' });
    expect(vm.status).toBe(200);
    if (release === '7.4') {
      expect(vm.body.data).toBeNull();
      expect(sim.state.guest(101)?.config.scsi0).toContain('size=65G');
    } else {
      expect(String(vm.body.data)).toContain(':resize:101:');
    }
    const ct = await call(sim, 'PUT', '/nodes/pve1/lxc/200/resize', { disk: 'rootfs', size: '10G' });
    expect(String(ct.body.data)).toContain(':resize:200:');
  });

  it('sends memory as the release does', async () => {
    const cfg = (await call(sim, 'GET', '/nodes/pve1/qemu/100/config')).body.data as Row;
    expect(cfg.memory).toBe(release === '7.4' ? 2048 : '2048');
  });
});
