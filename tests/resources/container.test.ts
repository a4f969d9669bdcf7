/**
 * What containers map differently from VMs: the host name of a clone, `target-storage`, restart
 * migration, console size, and the actions that take no options.
 */
import { Container, Task } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { mockApi } from '../support/nock.js';
import { upid } from './guest-support.js';
import { nockLifecycle, testApi } from '../support/session.js';

nockLifecycle();

const BASE = '/nodes/pve1/lxc/200';
const ct = () => new Container(testApi(), 'pve1', 200);

describeEachRelease('Container', () => {
  it('create(): ostemplate is required, before any request', async () => {
    mockApi();
    await expect(Container.create(testApi(), 'pve1', 210, { hostname: 'x' })).rejects.toThrow('config.ostemplate is required to create a container');
  });

  it('start({ debug }), delete({ force })', async () => {
    const scope = mockApi();
    scope.post(`${BASE}/status/start`, { debug: '1' }).replyData(200, upid('vzstart', 200));
    scope.delete(BASE).query({ force: '1', purge: '1' }).replyData(200, upid('vzdestroy', 200));
    await ct().start({ debug: true });
    await ct().delete({ force: true, purge: true });
    expect(scope.isDone()).toBe(true);
  });

  it('suspend/resume/template take no options', async () => {
    mockApi();
    await expect(ct().suspend({ todisk: true } as never)).rejects.toThrow('suspend: unknown option "todisk" (it takes none)');
    await expect(ct().template({ disk: 'rootfs' } as never)).rejects.toThrow(/template: unknown option "disk"/);
    await expect(ct().shutdown({ keepActive: true } as never)).rejects.toThrow(/unknown option "keepActive"/);
  });

  it('clone(): name is the new host name; format does not exist', async () => {
    mockApi().post(`${BASE}/clone`, { newid: '220', hostname: 'ct220', full: '1', bwlimit: '10.5' }).replyData(200, upid('vzclone', 200));
    await expect(ct().clone(220, { name: 'ct220', full: true, bwlimit: 10.5 })).resolves.toBeInstanceOf(Task);
    await expect(ct().clone(220, { full: true, format: 'raw' } as never)).rejects.toThrow(/unknown option "format"/);
  });

  it('migrate(): restart migration with timeout and target-storage', async () => {
    mockApi().post(`${BASE}/migrate`, { target: 'pve2', restart: '1', timeout: '60', 'target-storage': 'local-lvm' }).replyData(200, upid('vzmigrate', 200));
    const task = await ct().migrate('pve2', { restart: true, timeout: 60, targetStorage: 'local-lvm' });
    expect(task.type).toBe('vzmigrate');
    await expect(ct().migrate('pve2', { withLocalDisks: true } as never)).rejects.toThrow(/unknown option "withLocalDisks"/);
  });

  it('moveVolume(): target-volume', async () => {
    mockApi().post(`${BASE}/move_volume`, { volume: 'mp0', storage: 'local-lvm', 'target-vmid': '201', 'target-volume': 'mp1' }).replyData(200, upid('move_volume', 200));
    await expect(ct().moveVolume('mp0', 'local-lvm', { targetVmid: 201, targetDisk: 'mp1' })).resolves.toBeInstanceOf(Task);
  });

  it('vncproxy(): width and height', async () => {
    mockApi().post(`${BASE}/vncproxy`, { websocket: '1', width: '1024', height: '768' }).replyData(200, {
      port: '5900', ticket: 'PVEVNC:x', cert: 'c', user: 'root@pam', upid: upid('vncproxy', 200),
    });
    await expect(ct().vncproxy({ websocket: true, width: 1024, height: 768 })).resolves.toMatchObject({ port: 5900 });
    await expect(ct().vncproxy({ width: 8000 })).rejects.toThrow('width must be an integer from 16 to 4096, got 8000');
  });

  it('template(): null → a completed vztemplate Task whose wait() sends nothing', async () => {
    mockApi().post(`${BASE}/template`, {}).replyData(200, null);
    const task = await ct().template();
    expect(task.upid).toBeNull();
    expect(task.type).toBe('vztemplate');
    await expect(task.wait()).resolves.toMatchObject({ exitStatus: 'OK' });
  });
});
