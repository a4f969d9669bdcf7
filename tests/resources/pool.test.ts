/**
 * Pool: every method's request and parsed answer, once per release. The routes differ: 8.1+ address
 * a pool as `/pools` with `poolid`, 7.4 as `/pools/{poolid}`; the schema oracle checks that each
 * release gets the route it has.
 */
import { NotFoundError, Pool, UnsupportedError } from '../../src/index.js';
import { mockApi } from '../support/nock.js';
import { describeEachRelease } from '../support/oracle.js';
import { nockLifecycle, testApi } from '../support/session.js';


nockLifecycle();

const MEMBERS = [
  { id: 'qemu/100', type: 'qemu', node: 'pve1', vmid: '100', name: 'web', status: 'running', maxmem: '2147483648', template: 0 },
  { id: 'storage/pve1/local', type: 'storage', node: 'pve1', storage: 'local', status: 'available' },
];
const PARSED = [
  { id: 'qemu/100', type: 'qemu', node: 'pve1', vmid: 100, name: 'web', status: 'running', maxmem: '2147483648', template: false },
  { id: 'storage/pve1/local', type: 'storage', node: 'pve1', storage: 'local', status: 'available' },
];

describe('Pool (no release)', () => {
  it('checks the pool id without a request', () => {
    expect(() => new Pool(testApi(), 'a b')).toThrow(/^poolid must be a pool id/);
    expect(() => new Pool(testApi(), 'a/b/c/d')).toThrow(TypeError);
    expect(() => new Pool(testApi(), '/a')).toThrow(TypeError);
    expect(new Pool(testApi(), 'team/web.prod').poolid).toBe('team/web.prod');
  });
});

describeEachRelease('Pool', (release) => {
  const modern = release !== '7.4';

  it('list(): GET /pools, unknown fields kept', async () => {
    const entry = modern ? { poolid: 'dev', comment: 'Developers', members: MEMBERS, new: 1 } : { poolid: 'dev', comment: 'Developers', new: 1 };
    const scope = mockApi().get('/pools').replyData(200, [entry]);
    const [pool] = await Pool.list(testApi());
    expect(pool).toEqual(modern ? { poolid: 'dev', comment: 'Developers', members: PARSED, new: 1 } : { poolid: 'dev', comment: 'Developers', new: 1 });
    expect(scope.isDone()).toBe(true);
  });

  it('create(): POST /pools → a handle', async () => {
    const scope = mockApi().mockVersion().post('/pools', 'poolid=dev&comment=Developers').replyData(200, null);
    const pool = await Pool.create(testApi(), 'dev', { comment: 'Developers' });
    expect(pool).toBeInstanceOf(Pool);
    expect(pool.poolid).toBe('dev');
    expect(scope.isDone()).toBe(true);
  });

  it('create(): a nested id needs 8.1', async () => {
    const scope = mockApi().mockVersion();
    if (modern) scope.post('/pools', 'poolid=team%2Fweb').replyData(200, null);
    const call = Pool.create(testApi(), 'team/web');
    if (modern) await expect(call).resolves.toBeInstanceOf(Pool);
    else await expect(call).rejects.toThrow('nested pool ids is not supported by Proxmox 7.4 (needs 8.1 or later)');
    expect(scope.isDone()).toBe(true);
  });

  it(modern ? 'get(): GET /pools?poolid=, the one entry' : 'get(): GET /pools/{poolid}, poolid added', async () => {
    const scope = mockApi().mockVersion();
    if (modern) scope.get('/pools').query({ poolid: 'dev' }).replyData(200, [{ poolid: 'dev', comment: 'Developers', members: MEMBERS }]);
    else scope.get('/pools/dev').replyData(200, { comment: 'Developers', members: MEMBERS });
    await expect(new Pool(testApi(), 'dev').get()).resolves.toEqual({ poolid: 'dev', comment: 'Developers', members: PARSED });
    expect(scope.isDone()).toBe(true);
  });

  it('members({ type }): the members of that type, through the release\'s route', async () => {
    const scope = mockApi().mockVersion();
    if (modern) scope.get('/pools').query({ poolid: 'dev', type: 'qemu' }).replyData(200, [{ poolid: 'dev', members: [MEMBERS[0]] }]);
    else scope.get('/pools/dev').query({ type: 'qemu' }).replyData(200, { members: [MEMBERS[0]] });
    await expect(new Pool(testApi(), 'dev').members({ type: 'qemu' })).resolves.toEqual([PARSED[0]]);
    expect(scope.isDone()).toBe(true);
    await expect(new Pool(testApi(), 'dev').members({ type: 'vm' as never })).rejects.toThrow(/^filter.type must be one of qemu, lxc, storage/);
  });

  it('members(): an empty pool has no members', async () => {
    const scope = mockApi().mockVersion();
    if (modern) scope.get('/pools').query({ poolid: 'dev' }).replyData(200, [{ poolid: 'dev' }]);
    else scope.get('/pools/dev').replyData(200, { members: [] });
    await expect(new Pool(testApi(), 'dev').members()).resolves.toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  if (modern) {
    it('get(): a pool the answer leaves out is a NotFoundError', async () => {
      const scope = mockApi().mockVersion().get('/pools').query({ poolid: 'ghost' }).replyData(200, []);
      await expect(new Pool(testApi(), 'ghost').get()).rejects.toThrow(NotFoundError);
      expect(scope.isDone()).toBe(true);
    });
  }

  it(modern ? 'update(): PUT /pools with poolid' : 'update(): PUT /pools/{poolid}', async () => {
    const body = 'comment=Web%20team&vms=100%2C101&storage=local%2Clocal-lvm';
    const scope = mockApi().mockVersion();
    if (modern) scope.put('/pools', `poolid=dev&${body}`).replyData(200, null);
    else scope.put('/pools/dev', body).replyData(200, null);
    await new Pool(testApi(), 'dev').update({ comment: 'Web team', vms: [100, 101], storage: ['local', 'local-lvm'] });
    expect(scope.isDone()).toBe(true);
  });

  it('update({ delete }): removes members', async () => {
    const scope = mockApi().mockVersion();
    if (modern) scope.put('/pools', 'poolid=dev&vms=101&delete=1').replyData(200, null);
    else scope.put('/pools/dev', 'vms=101&delete=1').replyData(200, null);
    await new Pool(testApi(), 'dev').update({ vms: [101], delete: true });
    expect(scope.isDone()).toBe(true);
  });

  it('update({ allowMove }): allow-move on 8+, UnsupportedError on 7.4', async () => {
    const scope = mockApi().mockVersion();
    if (modern) scope.put('/pools', 'poolid=dev&vms=100&allow-move=1').replyData(200, null);
    const call = new Pool(testApi(), 'dev').update({ vms: [100], allowMove: true });
    if (modern) await expect(call).resolves.toBeUndefined();
    else await expect(call).rejects.toThrow(new UnsupportedError('pool option "allow-move"', '7.4', '8.0.6'));
    expect(scope.isDone()).toBe(true);
  });

  it('update(): malformed changes are TypeErrors before any request', async () => {
    const pool = new Pool(testApi(), 'dev');
    await expect(pool.update({ vms: [99] })).rejects.toThrow(/^changes.vms\[0\] must be an integer from 100/);
    await expect(pool.update({ storage: ['bad id'] })).rejects.toThrow(/^changes.storage\[0\] must be a storage id/);
    await expect(pool.update({ vms: 100 as never })).rejects.toThrow('changes.vms must be an array');
  });

  it(modern ? 'delete(): DELETE /pools?poolid=' : 'delete(): DELETE /pools/{poolid}', async () => {
    const scope = mockApi().mockVersion();
    if (modern) scope.delete('/pools').query({ poolid: 'team/web' }).replyData(200, null);
    else scope.delete('/pools/dev').replyData(200, null);
    await new Pool(testApi(), modern ? 'team/web' : 'dev').delete();
    expect(scope.isDone()).toBe(true);
  });
});
