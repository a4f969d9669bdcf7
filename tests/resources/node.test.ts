/**
 * Node: every method's request (method, path, query, body) and parsed answer, once per release;
 * the schema oracle checks each request against that release's official schema.
 */
import { Container, Firewall, Node, Task, UnsupportedError, VM } from '../../src/index.js';
import { mockApi } from '../support/nock.js';
import { describeEachRelease } from '../support/oracle.js';
import { nockLifecycle, testApi } from '../support/session.js';

const upid = (type: string, id: string, node = 'pve1'): string => `UPID:${node}:000A1B2C:0123ABCD:65F1A2B3:${type}:${id}:root@pam:`;

nockLifecycle();

describe('Node (no release)', () => {
  it('checks the node name without a request', () => {
    expect(() => new Node(testApi(), 'bad name')).toThrow(/^node must be a node name/);
    expect(new Node(testApi(), 'pve1').node).toBe('pve1');
  });

  it('task(upid) is a Task of that node, without a request', () => {
    const node = new Node(testApi(), 'pve1');
    const task = node.task(upid('qmstart', '100'));
    expect(task).toBeInstanceOf(Task);
    expect(task.upid).toBe(upid('qmstart', '100'));
    expect(() => node.task(upid('qmstart', '100', 'pve2'))).toThrow('upid must be a task of node pve1, got one of pve2');
    expect(() => node.task('nope')).toThrow(TypeError);
  });
});

describe('Node navigation (no request)', () => {
  it('vm(vmid), container(vmid) and firewall are handles on this node', () => {
    const node = new Node(testApi(), 'pve1');
    const vm = node.vm(100);
    expect(vm).toBeInstanceOf(VM);
    expect([vm.node, vm.vmid]).toEqual(['pve1', 100]);
    const ct = node.container(200);
    expect(ct).toBeInstanceOf(Container);
    expect([ct.node, ct.vmid]).toEqual(['pve1', 200]);
    expect(() => node.vm(99)).toThrow(/^vmid must be an integer from 100/);
    expect(node.firewall).toBeInstanceOf(Firewall);
    expect(node.firewall.basePath).toBe('/nodes/pve1/firewall');
  });
});

describeEachRelease('Node', (release) => {
  it('vms(): GET /nodes/{node}/qemu as VM handles', async () => {
    const scope = mockApi()
      .get('/nodes/pve1/qemu')
      .replyData(200, [{ vmid: '100', name: 'web', status: 'running' }, { vmid: 101, status: 'stopped', template: 1 }]);
    const vms = await new Node(testApi(), 'pve1').vms();
    expect(vms.map((v) => [v.constructor, v.node, v.vmid])).toEqual([[VM, 'pve1', 100], [VM, 'pve1', 101]]);
    expect(scope.isDone()).toBe(true);
  });

  it('containers(): GET /nodes/{node}/lxc as Container handles', async () => {
    const scope = mockApi().get('/nodes/pve1/lxc').replyData(200, [{ vmid: '200', name: 'ct', status: 'running', type: 'lxc' }]);
    const cts = await new Node(testApi(), 'pve1').containers();
    expect(cts.map((c) => [c.constructor, c.node, c.vmid])).toEqual([[Container, 'pve1', 200]]);
    expect(scope.isDone()).toBe(true);
  });

  it('status(): GET /nodes/{node}/status, numbers coerced, unknown fields kept', async () => {
    const scope = mockApi()
      .get('/nodes/pve1/status')
      .replyData(200, {
        uptime: '3600', cpu: 0.03, loadavg: ['0.10', '0.20', '0.30'], memory: { total: '16000000000', used: 4000000000, free: '12000000000' },
        rootfs: { total: 100, used: 20, avail: 80, free: 80 }, cpuinfo: { cpus: '8', model: 'EPYC', sockets: 1 }, pveversion: 'pve-manager/8.4.1', ksm: { shared: 0 },
      });
    const status = await new Node(testApi(), 'pve1').status();
    expect(status.uptime).toBe(3600);
    expect(status.memory).toEqual({ total: 16000000000, used: 4000000000, free: 12000000000 });
    expect(status.cpuinfo?.cpus).toBe(8);
    expect(status.ksm).toEqual({ shared: 0 });
    expect(scope.isDone()).toBe(true);
  });

  it('tasks(filter): GET /nodes/{node}/tasks with the camelCase filter mapped', async () => {
    const scope = mockApi()
      .get('/nodes/pve1/tasks')
      .query({
        typefilter: 'vzdump', vmid: '100', userfilter: 'root@pam', statusfilter: 'ok,warning', errors: '0', source: 'all',
        since: '1710000000', until: '1710086400', limit: '10', start: '5',
      })
      .replyData(200, [{ upid: upid('vzdump', '100'), node: 'pve1', pid: '1234', pstart: 19114957, starttime: '1710334643', endtime: 1710334700, type: 'vzdump', id: '100', user: 'root@pam', status: 'OK' }]);
    const tasks = await new Node(testApi(), 'pve1').tasks({
      typeFilter: 'vzdump', vmid: 100, userFilter: 'root@pam', statusFilter: ['ok', 'warning'], errors: false, source: 'all',
      since: new Date(1710000000 * 1000), until: 1710086400, limit: 10, start: 5,
    });
    expect(tasks).toEqual([{ upid: upid('vzdump', '100'), node: 'pve1', pid: 1234, pstart: 19114957, starttime: 1710334643, endtime: 1710334700, type: 'vzdump', id: '100', user: 'root@pam', status: 'OK' }]);
    expect(scope.isDone()).toBe(true);
  });

  it('tasks(): no query without a filter; a malformed filter is a TypeError before any request', async () => {
    const scope = mockApi().get('/nodes/pve1/tasks').replyData(200, []);
    await expect(new Node(testApi(), 'pve1').tasks()).resolves.toEqual([]);
    expect(scope.isDone()).toBe(true);
    const node = new Node(testApi(), 'pve1');
    await expect(node.tasks({ vmid: 5 })).rejects.toThrow(/^filter.vmid must be an integer from 100/);
    await expect(node.tasks({ limit: -1 })).rejects.toThrow('filter.limit must be a non-negative integer, got -1');
    await expect(node.tasks({ source: 'old' as never })).rejects.toThrow(/^filter.source must be one of/);
    await expect(node.tasks({ statusFilter: ['fine' as never] })).rejects.toThrow(/^filter.statusFilter must be/);
    await expect(node.tasks({ since: 1.5 })).rejects.toThrow(/^filter.since must be a Date or UNIX seconds/);
  });

  it('services(): GET /nodes/{node}/services', async () => {
    const scope = mockApi()
      .get('/nodes/pve1/services')
      .replyData(200, [{ service: 'pveproxy', name: 'pveproxy', desc: 'PVE API Proxy Server', state: 'running', 'active-state': 'active', 'unit-state': 'enabled', more: 1 }]);
    const services = await new Node(testApi(), 'pve1').services();
    expect(services).toEqual([{ service: 'pveproxy', name: 'pveproxy', desc: 'PVE API Proxy Server', state: 'running', 'active-state': 'active', 'unit-state': 'enabled', more: 1 }]);
    expect(scope.isDone()).toBe(true);
  });

  it('serviceState(name): GET /nodes/{node}/services/{service}/state', async () => {
    const scope = mockApi().get('/nodes/pve1/services/pveproxy/state').replyData(200, { service: 'pveproxy', state: 'running', 'unit-state': 'enabled' });
    await expect(new Node(testApi(), 'pve1').serviceState('pveproxy')).resolves.toEqual({ service: 'pveproxy', state: 'running', 'unit-state': 'enabled' });
    expect(scope.isDone()).toBe(true);
  });

  it.each(['start', 'stop', 'restart', 'reload'] as const)('service %s: POST /nodes/{node}/services/{service}/%s → Task', async (command) => {
    const id = upid(`srv${command}`, 'pvestatd');
    const scope = mockApi().post(`/nodes/pve1/services/pvestatd/${command}`, '').replyData(200, id);
    const node = new Node(testApi(), 'pve1');
    const method = { start: node.serviceStart, stop: node.serviceStop, restart: node.serviceRestart, reload: node.serviceReload }[command];
    const task = await method.call(node, 'pvestatd');
    expect(task).toBeInstanceOf(Task);
    expect(task.upid).toBe(id);
    expect(scope.isDone()).toBe(true);
  });

  it('services of PVE 9 only are UnsupportedError before 9, and unknown ones a TypeError', async () => {
    const scope = mockApi().mockVersion();
    const node = new Node(testApi(), 'pve1');
    if (release === '9.1') {
      scope.post('/nodes/pve1/services/qmeventd/restart', '').replyData(200, upid('srvrestart', 'qmeventd'));
      await expect(node.serviceRestart('qmeventd')).resolves.toBeInstanceOf(Task);
    } else {
      await expect(node.serviceRestart('qmeventd')).rejects.toThrow(UnsupportedError);
      await expect(node.serviceState('lxcfs')).rejects.toThrow('service "lxcfs" is not supported by Proxmox ' + release + ' (needs 9.0 or later)');
    }
    expect(scope.isDone()).toBe(true);
    await expect(node.serviceStart('apache2' as never)).rejects.toThrow(/^name must be a service name/);
  });

  it('storage(filter): GET /nodes/{node}/storage with the filter', async () => {
    const scope = mockApi()
      .get('/nodes/pve1/storage')
      .query({ content: 'images,rootdir', enabled: '1', format: '1', storage: 'local-lvm', target: 'pve2' })
      .replyData(200, [{ storage: 'local-lvm', type: 'lvmthin', content: 'images,rootdir', active: 1, enabled: '1', shared: 0, total: '100', used: 40, avail: '60', used_fraction: '0.4', formats: {} }]);
    const list = await new Node(testApi(), 'pve1').storage({ content: ['images', 'rootdir'], enabled: true, format: true, storage: 'local-lvm', target: 'pve2' });
    expect(list).toEqual([{ storage: 'local-lvm', type: 'lvmthin', content: 'images,rootdir', active: true, enabled: true, shared: false, total: 100, used: 40, avail: 60, used_fraction: 0.4, formats: {} }]);
    expect(scope.isDone()).toBe(true);
  });

  it('storage(): no query without a filter; a malformed storage id is a TypeError', async () => {
    const scope = mockApi().get('/nodes/pve1/storage').replyData(200, []);
    await expect(new Node(testApi(), 'pve1').storage()).resolves.toEqual([]);
    expect(scope.isDone()).toBe(true);
    await expect(new Node(testApi(), 'pve1').storage({ storage: '1bad' })).rejects.toThrow(/^filter.storage must be a storage id/);
  });
});
