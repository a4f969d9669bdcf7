/**
 * What VMs and containers share (the `Guest` base), tested once per kind and once per release:
 * every request goes through the oracle's `mockApi`, which checks it against that release's schema.
 */
import nock from 'nock';
import { Firewall, LockTimeoutError, Task, UnsupportedError } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { mockApi } from '../support/nock.js';
import { KINDS, upid } from './guest-support.js';
import { nockLifecycle, rejection, testApi } from '../support/session.js';

nockLifecycle();

describeEachRelease('Guest', (release) => {
  for (const k of KINDS) {
    describe(k.name, () => {
      const base = `/nodes/pve1/${k.type}/${k.vmid}`;
      const guest = () => k.make(testApi());

      it('is a handle: identity only, no request', () => {
        const g = guest();
        expect(g.node).toBe('pve1');
        expect(g.vmid).toBe(k.vmid);
        expect(g.type).toBe(k.type);
        expect(g.basePath).toBe(base);
        expect(JSON.parse(JSON.stringify(g))).toEqual({ type: k.type, node: 'pve1', vmid: k.vmid });
      });

      it('rejects a bad node or vmid in the constructor', () => {
        expect(() => k.make(testApi(), 'pve_1')).toThrow(/node must be a node name/);
        expect(() => k.make(testApi(), 'pve1', 99)).toThrow(/vmid must be an integer from 100/);
        expect(() => k.make(testApi(), 'pve1', 100.5)).toThrow(TypeError);
      });

      it('list(): GET /nodes/{node}/{type}, numbers coerced, unknown fields kept', async () => {
        mockApi().get(`/nodes/pve1/${k.type}`).replyData(200, [
          { vmid: String(k.vmid), status: 'running', name: 'a', maxmem: '1073741824', template: 0, newfield: 'x' },
          { vmid: k.vmid + 1, status: 'stopped', lock: 'backup' },
        ]);
        const list = await k.list(testApi(), 'pve1');
        expect(list).toEqual([
          { vmid: k.vmid, status: 'running', name: 'a', maxmem: 1073741824, template: false, newfield: 'x' },
          { vmid: k.vmid + 1, status: 'stopped', lock: 'backup' },
        ]);
      });

      it('list(): a bad node is a TypeError before any request', async () => {
        mockApi();
        await expect(k.list(testApi(), '')).rejects.toThrow(TypeError);
      });

      it('create(): POST /nodes/{node}/{type} with the vmid and the config as Proxmox keys', async () => {
        const config = k.type === 'qemu'
          ? { name: 'web02', memory: 2048, onboot: true, scsi0: 'local-lvm:32', net0: 'virtio,bridge=vmbr0' }
          : { ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', hostname: 'ct1', memory: 512, onboot: true };
        const body = Object.fromEntries(Object.entries({ vmid: 110, ...config }).map(([key, v]) => [key, v === true ? '1' : String(v)]));
        mockApi().post(`/nodes/pve1/${k.type}`, body).replyData(200, upid(`${k.prefix}create`, 110));
        const task = await k.create(testApi(), 'pve1', 110, config);
        expect(task).toBeInstanceOf(Task);
        expect(task.type).toBe(`${k.prefix}create`);
      });

      it('create(): bad vmid, bad config values and a vmid in the config are TypeErrors', async () => {
        mockApi();
        const api = testApi();
        await expect(k.create(api, 'pve1', 1, { ostemplate: 'x' })).rejects.toThrow(/vmid must be/);
        await expect(k.create(api, 'pve1', 110, { ostemplate: 'x', memory: Number.NaN })).rejects.toThrow(/config.memory must be/);
        await expect(k.create(api, 'pve1', 110, { ostemplate: 'x', vmid: 110 })).rejects.toThrow(/not in the config/);
        await expect(k.create(api, 'pve1', 110, null as never)).rejects.toThrow(/config must be an object/);
      });

      it('create(): a key the release lacks is an UnsupportedError; newer releases get it', async () => {
        const key = k.type === 'qemu' ? 'virtiofs0' : 'dev0';
        const value = k.type === 'qemu' ? 'share1' : '/dev/ttyUSB0';
        const config = { [key]: value, ...(k.type === 'lxc' ? { ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst' } : {}) };
        const scope = mockApi().mockVersion();
        if (release === '7.4') {
          const err = await rejection(k.create(testApi(), 'pve1', 110, config));
          expect(err).toBeInstanceOf(UnsupportedError);
          expect(err.message).toBe(`create key "${key}" is not supported by Proxmox 7.4 (needs 8.0 or later)`);
        } else {
          scope.post(`/nodes/pve1/${k.type}`, { vmid: '110', ...config }).replyData(200, upid(`${k.prefix}create`, 110));
          await expect(k.create(testApi(), 'pve1', 110, config)).resolves.toBeInstanceOf(Task);
        }
      });

      it('status(): GET …/status/current, flags read as booleans', async () => {
        mockApi().get(`${base}/status/current`).replyData(200, {
          status: 'running', vmid: k.vmid, uptime: '120', ha: { managed: 0 }, agent: 1, cpus: 2, future: [1],
        });
        await expect(guest().status()).resolves.toEqual({
          status: 'running', vmid: k.vmid, uptime: 120, ha: { managed: 0 }, agent: true, cpus: 2, future: [1],
        });
      });

      for (const action of ['start', 'stop', 'shutdown', 'reboot', 'suspend', 'resume'] as const) {
        it(`${action}(): POST …/status/${action} → Task`, async () => {
          mockApi().post(`${base}/status/${action}`, {}).replyData(200, upid(`${k.prefix}${action}`, k.vmid));
          const task = await guest()[action]();
          expect(task.upid).toBe(upid(`${k.prefix}${action}`, k.vmid));
        });
      }

      it('start/stop/shutdown/reboot map their options', async () => {
        const scope = mockApi();
        scope.post(`${base}/status/start`, { skiplock: '1' }).replyData(200, upid(`${k.prefix}start`));
        scope.post(`${base}/status/stop`, { skiplock: '0' }).replyData(200, upid(`${k.prefix}stop`));
        scope.post(`${base}/status/shutdown`, { timeout: '60', forceStop: '1' }).replyData(200, upid(`${k.prefix}shutdown`));
        scope.post(`${base}/status/reboot`, { timeout: '30' }).replyData(200, upid(`${k.prefix}reboot`));
        const g = guest();
        await g.start({ skiplock: true });
        await g.stop({ skiplock: false });
        await g.shutdown({ timeout: 60, forceStop: true });
        await g.reboot({ timeout: 30 });
        expect(scope.isDone()).toBe(true);
      });

      it('stop({ overruleShutdown }): overrule-shutdown from 8.0, UnsupportedError on 7.4', async () => {
        const scope = mockApi().mockVersion();
        if (release === '7.4') {
          await expect(guest().stop({ overruleShutdown: true })).rejects.toThrow(
            'stop option "overruleShutdown" is not supported by Proxmox 7.4 (needs 8.0 or later)',
          );
        } else {
          scope.post(`${base}/status/stop`, { 'overrule-shutdown': '1' }).replyData(200, upid(`${k.prefix}stop`));
          await expect(guest().stop({ overruleShutdown: true })).resolves.toBeInstanceOf(Task);
        }
      });

      it('options: unknown names and bad values are TypeErrors naming them, before any request', async () => {
        mockApi();
        const g = guest();
        await expect(g.start({ bogus: 1 } as never)).rejects.toThrow(/start: unknown option "bogus" \(known: skiplock/);
        await expect(g.reboot({ timeout: -1 })).rejects.toThrow('timeout must be an integer ≥ 0, got -1');
        await expect(g.shutdown({ forceStop: 'yes' } as never)).rejects.toThrow('forceStop must be a boolean, got "yes"');
        await expect(g.stop('now' as never)).rejects.toThrow('stop: options must be an object');
      });

      it('a lock held by another task is a LockTimeoutError', async () => {
        const file = k.type === 'qemu' ? `/var/lock/qemu-server/lock-${k.vmid}.conf` : `/run/lock/lxc/pve-config-${k.vmid}.lock`;
        mockApi().post(`${base}/status/start`, {}).replyError(500, `can't lock file '${file}' - got timeout`);
        const err = await rejection(guest().start());
        expect(err).toBeInstanceOf(LockTimeoutError);
        expect(err.message).toContain('got timeout');
      });

      it('request options reach the request (abort)', async () => {
        mockApi().get(`${base}/status/current`).delay(500).replyData(200, { status: 'running' });
        const ac = new AbortController();
        const pending = guest().status({ signal: ac.signal });
        setTimeout(() => ac.abort(), 10);
        expect((await rejection(pending)).name).toBe('AbortError');
      });

      it('delete(): DELETE …/{vmid} with purge and destroy-unreferenced-disks in the query', async () => {
        mockApi().delete(base).query({ purge: '1', 'destroy-unreferenced-disks': '1' }).replyData(200, upid(`${k.prefix}destroy`));
        const task = await guest().delete({ purge: true, destroyUnreferencedDisks: true });
        expect(task.type).toBe(`${k.prefix}destroy`);
      });

      it('configGet(): GET …/config, current/snapshot sent, numbers coerced, other keys as sent', async () => {
        const scope = mockApi();
        scope.get(`${base}/config`).replyData(200, { memory: '2048', cores: 2, net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0', digest: 'abc123' });
        scope.get(`${base}/config`).query({ current: '1' }).replyData(200, { memory: 2048, digest: 'abc123' });
        scope.get(`${base}/config`).query({ snapshot: 'pre-upgrade' }).replyData(200, { memory: 1024, parent: 'x', snaptime: 1710000000 });
        const g = guest();
        await expect(g.configGet()).resolves.toEqual({ memory: 2048, cores: 2, net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0', digest: 'abc123' });
        await expect(g.configGet({ current: true })).resolves.toEqual({ memory: 2048, digest: 'abc123' });
        await expect(g.configGet({ snapshot: 'pre-upgrade' })).resolves.toEqual({ memory: 1024, parent: 'x', snaptime: 1710000000 });
        await expect(g.configGet({ snapshot: '1bad' })).rejects.toThrow(/snapshot must be a snapshot name/);
      });

      it('configSet(): PUT …/config with Proxmox keys, delete joined, digest; resolves with nothing', async () => {
        mockApi().put(`${base}/config`, { memory: '4096', description: 'web', delete: 'tags,onboot', digest: 'abc123' }).replyData(200, null);
        await expect(guest().configSet({ memory: 4096, description: 'web' }, { delete: ['tags', 'onboot'], digest: 'abc123' })).resolves.toBeUndefined();
      });

      it('configSet(): delete alone, or revert alone, is a change', async () => {
        const scope = mockApi();
        scope.put(`${base}/config`, { delete: 'tags' }).replyData(200, null);
        scope.put(`${base}/config`, { revert: 'memory,cores' }).replyData(200, null);
        await guest().configSet({}, { delete: 'tags' });
        await guest().configSet({}, { revert: ['memory', 'cores'] });
        expect(scope.isDone()).toBe(true);
      });

      it('configSet(): nothing to change, set-and-delete, control keys in the config are TypeErrors', async () => {
        mockApi();
        const g = guest();
        await expect(g.configSet({})).rejects.toThrow('configSet: nothing to change');
        await expect(g.configSet({ tags: 'a' }, { delete: ['tags'] })).rejects.toThrow('"tags" is both set and deleted');
        await expect(g.configSet({ digest: 'abc' })).rejects.toThrow('pass "digest" in the options');
        await expect(g.configSet({}, { delete: [] })).rejects.toThrow(/delete must be a non-empty list of keys/);
      });

      it('configSet(): a key the release lacks is an UnsupportedError', async () => {
        const key = k.type === 'qemu' ? 'allow-ksm' : 'entrypoint';
        const value = k.type === 'qemu' ? true : '/sbin/init';
        const scope = mockApi().mockVersion();
        if (release === '9.1') {
          scope.put(`${base}/config`, { [key]: value === true ? '1' : String(value) }).replyData(200, null);
          await expect(guest().configSet({ [key]: value })).resolves.toBeUndefined();
        } else {
          await expect(guest().configSet({ [key]: value })).rejects.toThrow(
            `configSet key "${key}" is not supported by Proxmox ${release} (needs 9.0 or later)`,
          );
        }
      });

      it('clone(): POST …/clone with newid and the mapped options', async () => {
        const nameKey = k.type === 'qemu' ? 'name' : 'hostname';
        mockApi()
          .post(`${base}/clone`, { newid: '120', [nameKey]: 'web20', full: '1', storage: 'local-lvm', target: 'pve2', pool: 'prod', description: 'd', snapname: 'snap1', bwlimit: '1000' })
          .replyData(200, upid(`${k.prefix}clone`));
        const task = await guest().clone(120, { name: 'web20', full: true, storage: 'local-lvm', target: 'pve2', pool: 'prod', description: 'd', snapname: 'snap1', bwlimit: 1000 });
        expect(task.type).toBe(`${k.prefix}clone`);
      });

      it('clone(): a linked clone (no full: true) with a storage is a TypeError before any request', async () => {
        mockApi();
        await expect(guest().clone(120, { storage: 'local-lvm' })).rejects.toThrow(/storage and format apply to full clones only: pass full: true/);
        await expect(guest().clone(120, { full: false, storage: 'local-lvm' })).rejects.toThrow(TypeError);
        await expect(guest().clone(99)).rejects.toThrow(/newid must be/);
      });

      it('snapshotCreate/List/Rollback/Delete', async () => {
        const scope = mockApi();
        scope.post(`${base}/snapshot`, { snapname: 'nightly', description: 'n' }).replyData(200, upid(`${k.prefix}snapshot`));
        scope.get(`${base}/snapshot`).replyData(200, [
          { name: 'nightly', description: 'n', snaptime: '1710000000', parent: 'a' },
          { name: 'current', description: 'You are here!', digest: 'abc', parent: 'nightly' },
        ]);
        scope.post(`${base}/snapshot/nightly/rollback`, { start: '1' }).replyData(200, upid(`${k.prefix}rollback`));
        scope.delete(`${base}/snapshot/nightly`).query({ force: '1' }).replyData(200, upid(`${k.prefix}delsnapshot`));
        const g = guest();
        expect((await g.snapshotCreate('nightly', { description: 'n' })).type).toBe(`${k.prefix}snapshot`);
        await expect(g.snapshotList()).resolves.toEqual([{ name: 'nightly', description: 'n', snaptime: 1710000000, parent: 'a' }]);
        expect((await g.snapshotRollback('nightly', { start: true })).type).toBe(`${k.prefix}rollback`);
        expect((await g.snapshotDelete('nightly', { force: true })).type).toBe(`${k.prefix}delsnapshot`);
      });

      it('snapshots: bad names are TypeErrors before any request', async () => {
        mockApi();
        const g = guest();
        await expect(g.snapshotCreate('1st')).rejects.toThrow(/name must be a snapshot name/);
        await expect(g.snapshotCreate('current')).rejects.toThrow(/must not be "current"/);
        await expect(g.snapshotCreate('a'.repeat(41))).rejects.toThrow(TypeError);
        await expect(g.snapshotRollback('a b')).rejects.toThrow(TypeError);
        await expect(g.snapshotDelete('')).rejects.toThrow(TypeError);
      });

      it('migrate(): POST …/migrate with target and the storage mapping under this kind\'s name', async () => {
        const storageKey = k.type === 'qemu' ? 'targetstorage' : 'target-storage';
        mockApi().post(`${base}/migrate`, { target: 'pve2', online: '1', [storageKey]: 'local-lvm', bwlimit: '5000' }).replyData(200, upid(`${k.prefix === 'qm' ? 'qmigrate' : 'vzmigrate'}`));
        const task = await guest().migrate('pve2', { online: true, targetStorage: 'local-lvm', bwlimit: 5000 });
        expect(task.type).toBe(k.type === 'qemu' ? 'qmigrate' : 'vzmigrate');
        await expect(guest().migrate('bad node')).rejects.toThrow(/target must be a node name/);
      });

      it(`resize(): PUT …/resize; ${k.type === 'qemu' && release === '7.4' ? 'null on 7.4 → a completed Task' : 'a UPID → Task'}`, async () => {
        const answersNull = k.type === 'qemu' && release === '7.4';
        mockApi().put(`${base}/resize`, { disk: k.disk, size: '+10G' }).replyData(200, answersNull ? null : upid('resize'));
        const task = await guest().resize(k.disk, '+10G');
        expect(task).toBeInstanceOf(Task);
        if (answersNull) {
          expect(task.upid).toBeNull();
          expect(task.type).toBe('resize');
          expect(task.id).toBe(String(k.vmid));
          await expect(task.wait()).resolves.toMatchObject({ exitStatus: 'OK' });
        } else {
          expect(task.upid).toBe(upid('resize'));
        }
      });

      it('resize(): the other kind\'s disk names and bad sizes are TypeErrors', async () => {
        mockApi();
        await expect(guest().resize(k.otherDisk, '+1G')).rejects.toThrow(/disk must be a/);
        await expect(guest().resize(k.disk, '10 GB')).rejects.toThrow(/size must be a size like/);
        await expect(guest().resize(k.disk, '-1G')).rejects.toThrow(TypeError);
      });

      it(`moveVolume(): POST …/${k.type === 'qemu' ? 'move_disk with disk' : 'move_volume with volume'}`, async () => {
        const path = k.type === 'qemu' ? 'move_disk' : 'move_volume';
        const param = k.type === 'qemu' ? 'disk' : 'volume';
        mockApi().post(`${base}/${path}`, { [param]: k.disk, storage: 'nfs-shared', delete: '1', bwlimit: '100' }).replyData(200, upid(k.type === 'qemu' ? 'qmmove' : 'move_volume'));
        const task = await guest().moveVolume(k.disk, 'nfs-shared', { delete: true, bwlimit: 100 });
        expect(task.upid).not.toBeNull();
        await expect(guest().moveVolume(k.otherDisk, 'nfs-shared')).rejects.toThrow(/disk must be a/);
        await expect(guest().moveVolume(k.disk, '-bad')).rejects.toThrow(/storage must be a storage id/);
      });

      it('moveVolume(): reassigning to another guest maps target-vmid and the target key', async () => {
        const path = k.type === 'qemu' ? 'move_disk' : 'move_volume';
        const param = k.type === 'qemu' ? 'disk' : 'volume';
        const targetKey = k.type === 'qemu' ? 'target-disk' : 'target-volume';
        const targetDisk = k.type === 'qemu' ? 'scsi1' : 'mp1';
        mockApi()
          .post(`${base}/${path}`, { [param]: k.disk, storage: 'local-lvm', 'target-vmid': '150', [targetKey]: targetDisk, 'target-digest': 'abc' })
          .replyData(200, upid(k.type === 'qemu' ? 'qmmove' : 'move_volume'));
        await expect(guest().moveVolume(k.disk, 'local-lvm', { targetVmid: 150, targetDisk, targetDigest: 'abc' })).resolves.toBeInstanceOf(Task);
      });

      it(`template(): POST …/template; ${k.type === 'qemu' ? 'a UPID → Task' : 'null → a completed Task'}`, async () => {
        mockApi().post(`${base}/template`, {}).replyData(200, k.type === 'qemu' ? upid('qmtemplate') : null);
        const task = await guest().template();
        expect(task.type).toBe(`${k.prefix}template`);
        expect(task.upid === null).toBe(k.type === 'lxc');
      });

      it('vncproxy(): POST …/vncproxy, port coerced', async () => {
        mockApi().post(`${base}/vncproxy`, { websocket: '1' }).replyData(200, {
          port: '5900', ticket: 'PVEVNC:abc', cert: 'CERT', user: 'root@pam', upid: upid('vncproxy'),
        });
        await expect(guest().vncproxy({ websocket: true })).resolves.toEqual({
          port: 5900, ticket: 'PVEVNC:abc', cert: 'CERT', user: 'root@pam', upid: upid('vncproxy'),
        });
      });

      it('spiceproxy(): POST …/spiceproxy with proxy', async () => {
        const vv = { host: 'pvespiceproxy:abc', password: 'pw', proxy: 'http://pve1:3128', 'tls-port': 61000, type: 'spice', 'delete-this-file': 1 };
        mockApi().post(`${base}/spiceproxy`, { proxy: 'pve1.example.com' }).replyData(200, vv);
        await expect(guest().spiceproxy({ proxy: 'pve1.example.com' })).resolves.toEqual(vv);
      });

      it('firewall: a Firewall scoped to the guest', async () => {
        const fw = guest().firewall;
        expect(fw).toBeInstanceOf(Firewall);
        expect(fw.level).toBe(k.type === 'qemu' ? 'vm' : 'container');
        expect(fw.basePath).toBe(`${base}/firewall`);
        mockApi().get(`${base}/firewall/rules`).replyData(200, []);
        await expect(fw.rules()).resolves.toEqual([]);
      });

      it('a malformed UPID in an answer is an InvalidResponseError, not a TypeError', async () => {
        mockApi().post(`${base}/status/start`, {}).replyData(200, 'not-a-upid');
        expect((await rejection(guest().start())).name).toBe('InvalidResponseError');
      });
    });
  }
});

describe('Guest statics', () => {
  it('nock is clean between tests', () => {
    expect(nock.pendingMocks()).toEqual([]);
  });
});
