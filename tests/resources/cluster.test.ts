/**
 * Cluster: every method's request (method, path, query, body) and parsed answer, once per release;
 * the schema oracle checks each request against that release's official schema.
 */
import { Cluster, Firewall, Node, UnsupportedError } from '../../src/index.js';
import { mockApi } from '../support/nock.js';
import { describeEachRelease } from '../support/oracle.js';
import { nockLifecycle, testApi } from '../support/session.js';


nockLifecycle();

it('cluster.firewall is the cluster-level Firewall', () => {
  const fw = new Cluster(testApi()).firewall;
  expect(fw).toBeInstanceOf(Firewall);
  expect(fw.basePath).toBe('/cluster/firewall');
});

describeEachRelease('Cluster', (release) => {
  it('status(): GET /cluster/status, booleans and numbers coerced, unknown fields kept', async () => {
    const scope = mockApi()
      .get('/cluster/status')
      .replyData(200, [
        { type: 'cluster', id: 'cluster', name: 'lab', nodes: '3', quorate: 1, version: 7, extra: 'x' },
        { type: 'node', id: 'node/pve1', name: 'pve1', ip: '10.0.0.1', nodeid: '1', online: '1', local: 0, level: '' },
      ]);
    const status = await new Cluster(testApi()).status();
    expect(status).toEqual([
      { type: 'cluster', id: 'cluster', name: 'lab', nodes: 3, quorate: true, version: 7, extra: 'x' },
      { type: 'node', id: 'node/pve1', name: 'pve1', ip: '10.0.0.1', nodeid: 1, online: true, local: false, level: '' },
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('tasks(): GET /cluster/tasks', async () => {
    const upid = 'UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam:';
    const scope = mockApi()
      .get('/cluster/tasks')
      .replyData(200, [{ upid, node: 'pve1', type: 'qmstart', id: '100', user: 'root@pam', starttime: '1710334643', status: 'OK', saved: '1', endtime: 1710334650 }]);
    const [task] = await new Cluster(testApi()).tasks();
    expect(task).toEqual({ upid, node: 'pve1', type: 'qmstart', id: '100', user: 'root@pam', starttime: 1710334643, status: 'OK', saved: true, endtime: 1710334650 });
    expect(scope.isDone()).toBe(true);
  });

  it('log({ max }): GET /cluster/log?max=', async () => {
    const scope = mockApi()
      .get('/cluster/log')
      .query({ max: '2' })
      .replyData(200, [{ uid: 1, time: '1710334643', node: 'pve1', pri: '6', tag: 'pvedaemon', pid: 42, user: 'root@pam', msg: 'start VM 100' }]);
    const log = await new Cluster(testApi()).log({ max: 2 });
    expect(log).toEqual([{ uid: '1', time: 1710334643, node: 'pve1', pri: 6, tag: 'pvedaemon', pid: 42, user: 'root@pam', msg: 'start VM 100' }]);
    expect(scope.isDone()).toBe(true);
  });

  it('log(): no query without max; a bad max is a TypeError before any request', async () => {
    const scope = mockApi().get('/cluster/log').replyData(200, []);
    await expect(new Cluster(testApi()).log()).resolves.toEqual([]);
    expect(scope.isDone()).toBe(true);
    await expect(new Cluster(testApi()).log({ max: 0 })).rejects.toThrow(new TypeError('max must be a positive integer, got 0'));
  });

  it('resources({ type }): GET /cluster/resources?type=', async () => {
    const scope = mockApi()
      .get('/cluster/resources')
      .query({ type: 'vm' })
      .replyData(200, [
        { id: 'qemu/100', type: 'qemu', node: 'pve1', vmid: '100', name: 'web', status: 'running', template: 0, maxmem: '2147483648', cpu: '0.05', new: 1 },
      ]);
    const [r] = await new Cluster(testApi()).resources({ type: 'vm' });
    expect(r).toEqual({ id: 'qemu/100', type: 'qemu', node: 'pve1', vmid: 100, name: 'web', status: 'running', template: false, maxmem: 2147483648, cpu: 0.05, new: 1 });
    expect(scope.isDone()).toBe(true);
  });

  it('resources(): all types; an unknown type is a TypeError before any request', async () => {
    const scope = mockApi().get('/cluster/resources').replyData(200, [{ id: 'node/pve1', type: 'node', node: 'pve1', status: 'online' }]);
    await expect(new Cluster(testApi()).resources()).resolves.toHaveLength(1);
    expect(scope.isDone()).toBe(true);
    await expect(new Cluster(testApi()).resources({ type: 'qemu' as never })).rejects.toThrow(/^type must be one of vm, storage, node, sdn/);
  });

  it('nextId(): GET /cluster/nextid, the string answer as a number', async () => {
    const scope = mockApi().get('/cluster/nextid').replyData(200, '104');
    await expect(new Cluster(testApi()).nextId()).resolves.toBe(104);
    expect(scope.isDone()).toBe(true);
  });

  it('nodes(): GET /nodes as Node handles; nodeList() the entries', async () => {
    const entries = [
      { node: 'pve1', status: 'online', maxcpu: '8', mem: 1024, ssl_fingerprint: 'AA:BB' },
      { node: 'pve2', status: 'offline' },
    ];
    const scope = mockApi().get('/nodes').replyData(200, entries).get('/nodes').replyData(200, entries);
    const nodes = await new Cluster(testApi()).nodes();
    expect(nodes.map((n) => n.node)).toEqual(['pve1', 'pve2']);
    expect(nodes[0]).toBeInstanceOf(Node);
    const list = await new Cluster(testApi()).nodeList();
    expect(list[0]).toEqual({ node: 'pve1', status: 'online', maxcpu: 8, mem: 1024, ssl_fingerprint: 'AA:BB' });
    expect(scope.isDone()).toBe(true);
  });

  describe('backup jobs', () => {
    const job = {
      id: 'nightly', type: 'vzdump', schedule: '01:00', storage: 'local', vmid: '100,101', enabled: '1',
      mode: 'snapshot', 'prune-backups': 'keep-last=3', 'next-run': '1710334643', 'notes-template': '{{guestname}}', future: true,
    };

    it('backupJobs(): GET /cluster/backup', async () => {
      const scope = mockApi().get('/cluster/backup').replyData(200, [job]);
      const [j] = await new Cluster(testApi()).backupJobs();
      expect(j).toEqual({ ...job, enabled: true, 'next-run': 1710334643 });
      expect(scope.isDone()).toBe(true);
    });

    it('backupJobGet(id): GET /cluster/backup/{id}; a malformed id is a TypeError before any request', async () => {
      const scope = mockApi().get('/cluster/backup/nightly').replyData(200, { ...job, 'prune-backups': { 'keep-last': 3 } });
      const j = await new Cluster(testApi()).backupJobGet('nightly');
      expect(j['prune-backups']).toEqual({ 'keep-last': 3 });
      expect(j.enabled).toBe(true);
      expect(scope.isDone()).toBe(true);
      await expect(new Cluster(testApi()).backupJobGet('has space')).rejects.toThrow(/^id must be a backup job id/);
      await expect(new Cluster(testApi()).backupJobGet('x'.repeat(51))).rejects.toThrow(TypeError);
    });

    it('backupJobCreate(config): POST /cluster/backup, lists joined, property strings built', async () => {
      const scope = mockApi()
        .mockVersion()
        .post(
          '/cluster/backup',
          'id=nightly&schedule=01%3A00&storage=local&vmid=100%2C101&mode=snapshot&enabled=1&prune-backups=keep-last%3D3%2Ckeep-daily%3D7&notes-template=%7B%7Bguestname%7D%7D',
        )
        .replyData(200, null);
      await new Cluster(testApi()).backupJobCreate({
        id: 'nightly', schedule: '01:00', storage: 'local', vmid: [100, 101], mode: 'snapshot', enabled: true,
        'prune-backups': { 'keep-last': 3, 'keep-daily': 7 }, 'notes-template': '{{guestname}}',
      });
      expect(scope.isDone()).toBe(true);
    });

    it('backupJobCreate: exclude-path is NUL-separated on 7.4 and repeated on 8+', async () => {
      const body = release === '7.4'
        ? 'all=1&storage=local&exclude-path=%2Ftmp%2F%3F*%00%2Fvar%2Fcache'
        : 'all=1&storage=local&exclude-path=%2Ftmp%2F%3F*&exclude-path=%2Fvar%2Fcache';
      const scope = mockApi().mockVersion().post('/cluster/backup', body).replyData(200, null);
      await new Cluster(testApi()).backupJobCreate({ all: true, storage: 'local', 'exclude-path': ['/tmp/?*', '/var/cache'] });
      expect(scope.isDone()).toBe(true);
    });

    it('backupJobCreate: options of newer releases are UnsupportedError on older ones, before the write', async () => {
      const cases: Array<[Record<string, string>, boolean]> = [
        [{ fleecing: 'enabled=1,storage=local-lvm' }, release !== '7.4'],
        [{ 'notification-mode': 'notification-system' }, release !== '7.4'],
        [{ 'pbs-change-detection-mode': 'metadata' }, release !== '7.4'],
        [{ 'notification-policy': 'failure' }, release === '8.4'],
      ];
      for (const [extra, supported] of cases) {
        const session = testApi();
        const scope = mockApi().mockVersion();
        if (supported) scope.post('/cluster/backup', new URLSearchParams({ storage: 'local', all: '1', ...extra }).toString().replace(/\+/g, '%20')).replyData(200, null);
        const call = new Cluster(session).backupJobCreate({ storage: 'local', all: true, ...extra });
        if (supported) await expect(call).resolves.toBeUndefined();
        else await expect(call).rejects.toThrow(UnsupportedError);
        expect(scope.isDone()).toBe(true);
      }
    });

    it('backupJobUpdate(id, changes): PUT /cluster/backup/{id} with delete joined', async () => {
      const scope = mockApi().mockVersion().put('/cluster/backup/nightly', 'schedule=02%3A30&enabled=0&delete=comment%2Cmailto').replyData(200, null);
      await new Cluster(testApi()).backupJobUpdate('nightly', { schedule: '02:30', enabled: false, delete: ['comment', 'mailto'] });
      expect(scope.isDone()).toBe(true);
    });

    it('backupJobUpdate: refuses changes.id and release-gated options before any request', async () => {
      await expect(new Cluster(testApi()).backupJobUpdate('nightly', { id: 'other' })).rejects.toThrow(/changes.id must not be given/);
      const scope = mockApi().mockVersion();
      const call = new Cluster(testApi()).backupJobUpdate('nightly', { 'notification-target': 'mail-to-root' });
      if (release === '8.4') {
        scope.put('/cluster/backup/nightly', 'notification-target=mail-to-root').replyData(200, null);
        await expect(call).resolves.toBeUndefined();
      } else {
        await expect(call).rejects.toThrow(release === '9.1' ? /removed in 9\.0.*Proxmox 9\.1/ : /needs 8\.0 or later/);
      }
      expect(scope.isDone()).toBe(true);
    });

    it('backupJobDelete(id): DELETE /cluster/backup/{id}', async () => {
      const scope = mockApi().delete('/cluster/backup/nightly').replyData(200, null);
      await expect(new Cluster(testApi()).backupJobDelete('nightly')).resolves.toBeUndefined();
      expect(scope.isDone()).toBe(true);
    });
  });
});
