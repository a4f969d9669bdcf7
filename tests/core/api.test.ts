import { inspect } from 'node:util';
import { z } from 'zod';
import {
  AuthenticationError,
  InvalidResponseError,
  LockTimeoutError,
  NodeUnreachableError,
  NotFoundError,
  ParameterError,
  PermissionError,
  ProxmoxAPI,
  ServerError,
  atLeast,
  path,
  type ResponseEvent,
  type RequestEvent,
  type WarningEvent,
} from '../../src/index.js';
import { ADAPTERS, FAST, json, proxmox, tokenApi } from './support.js';
import { nockLifecycle, rejection } from '../support/session.js';

nockLifecycle();

describe.each(ADAPTERS)('requests (%s adapter)', (adapter) => {
  const api = (): ProxmoxAPI => tokenApi({ adapter });

  it('sends the PVE token header and unwraps data', async () => {
    proxmox()
      .get('/nodes')
      .matchHeader('authorization', 'PVEAPIToken=root@pam!ci=token-secret-1234')
      .matchHeader('accept', 'application/json')
      .reply(200, { data: [{ node: 'pve1', status: 'online' }] }, json());
    await expect(api().get('/nodes')).resolves.toEqual([{ node: 'pve1', status: 'online' }]);
  });

  it('sends the session headers (Accept, User-Agent) once, on every method', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const scope = proxmox()
      .get('/nodes').reply(200, { data: [] }, json())
      .post('/nodes/pve1/qemu/100/status/start').reply(200, { data: null }, json())
      .put('/nodes/pve1/qemu/100/config').reply(200, { data: null }, json())
      .delete('/nodes/pve1/qemu/100').reply(200, { data: null }, json());
    scope.on('request', (req: { headers: Record<string, unknown> }) => seen.push(req.headers));
    const a = tokenApi({ adapter, userAgent: 'bench-ua/1' });
    await a.get('/nodes');
    await a.post('/nodes/pve1/qemu/100/status/start');
    await a.put('/nodes/pve1/qemu/100/config', { onboot: true });
    await a.delete('/nodes/pve1/qemu/100');
    expect(seen).toHaveLength(4);
    for (const headers of seen) {
      expect(headers['accept']).toBe('application/json');
      expect(headers['user-agent']).toBe('bench-ua/1');
      expect(headers['authorization']).toBe('PVEAPIToken=root@pam!ci=token-secret-1234');
    }
    expect(seen[2]?.['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('sends the PBS token header (with a colon) to port 8007', async () => {
    proxmox('pbs')
      .get('/version')
      .matchHeader('authorization', 'PBSAPIToken=root@pam!ci:token-secret-1234')
      .reply(200, { data: { version: '4.0', release: '14', repoid: 'abcdef12' } }, json());
    const pbs = new ProxmoxAPI({ host: 'pbs.test', product: 'pbs', tokenId: 'root@pam!ci', tokenSecret: 'token-secret-1234', adapter });
    await expect(pbs.version()).resolves.toMatchObject({ major: 4, minor: 0, patch: 14 });
  });

  it('puts GET and DELETE parameters in the query', async () => {
    proxmox().get('/cluster/resources').query({ type: 'vm' }).reply(200, { data: [] }, json());
    proxmox()
      .delete('/nodes/pve1/qemu/100')
      .query((q) => q['purge'] === '1' && q['destroy-unreferenced-disks'] === '0')
      .reply(200, { data: 'UPID:pve1:0000A1B2:0001C3D4:66A1B2C3:qmdestroy:100:root@pam:' }, json());
    await api().get('/cluster/resources', { type: 'vm', max: undefined });
    await api().delete(path`/nodes/${'pve1'}/qemu/${100}`, { purge: true, 'destroy-unreferenced-disks': false });
  });

  it('form-encodes POST and PUT bodies: 0/1, repeated keys, %20, nothing for undefined', async () => {
    const bodies: string[] = [];
    const scope = proxmox()
      .post('/nodes/pve1/qemu/100/agent/exec')
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, { data: { pid: 42 } }, json())
      .put('/nodes/pve1/qemu/100/config')
      .reply(200, { data: null }, json());
    scope.on('request', (_req: unknown, _interceptor: unknown, body: string) => bodies.push(body));
    const a = api();
    await a.post('/nodes/pve1/qemu/100/agent/exec', { command: ['ls', '-l /tmp'] });
    // PVE reads sshkeys as a urlencoded string: the caller encodes it (encodeURIComponent), the form encodes it again.
    const sshkeys = encodeURIComponent('ssh-ed25519 AAAA a@b');
    await a.put('/nodes/pve1/qemu/100/config', { sshkeys, description: 'web server', onboot: true, delete: undefined, tags: null });
    expect(bodies).toEqual([
      'command=ls&command=-l%20%2Ftmp',
      'sshkeys=ssh-ed25519%2520AAAA%2520a%2540b&description=web%20server&onboot=1',
    ]);
  });

  it('parses data with the schema', async () => {
    proxmox().get('/nodes').reply(200, { data: [{ node: 'pve1', maxmem: 1024, extra: true }] }, json());
    const Nodes = z.array(z.looseObject({ node: z.string(), maxmem: z.number() }));
    const nodes = await api().get('/nodes', undefined, { schema: Nodes });
    expect(nodes[0]?.node).toBe('pve1');
  });

  it('summarises a schema mismatch without the body', async () => {
    proxmox().get('/nodes').reply(200, { data: [{ node: 42, secretish: 'do-not-show-me' }] }, json());
    const err = await rejection(api().get('/nodes', undefined, { schema: z.array(z.object({ node: z.string() })) }));
    expect(err).toBeInstanceOf(InvalidResponseError);
    expect(err.message).toMatch(/^GET \/nodes: invalid response \(does not match the schema: data\.0\.node: .*expected string/);
    expect(JSON.stringify(err) + err.stack).not.toContain('do-not-show-me');
  });

  it.each([
    ['HTML', '<html><body>Bad</body></html>', 'text/html'],
    ['empty', '', 'application/json;charset=UTF-8'],
    ['truncated', '{"data":[', 'application/json;charset=UTF-8'],
  ])('turns a %s body into InvalidResponseError', async (_kind, body, type) => {
    proxmox().get('/nodes').reply(200, body, { 'content-type': type });
    const err = await rejection(api().get('/nodes'));
    expect(err).toBeInstanceOf(InvalidResponseError);
    expect(err.message).toMatch(/GET \/nodes: invalid response \(body is not JSON/);
    expect(err).toMatchObject({ status: 200, method: 'GET', path: '/nodes' });
  });

  it('needs a data field', async () => {
    proxmox().get('/nodes').reply(200, { nodes: [] }, json());
    await expect(api().get('/nodes')).rejects.toThrow(/no "data" in the body/);
  });

  it('emits request and response events', async () => {
    proxmox().get('/cluster/status').reply(200, { data: [] }, json());
    const a = api();
    const requests: RequestEvent[] = [];
    const responses: ResponseEvent[] = [];
    a.on('request', (e) => requests.push(e));
    a.on('response', (e) => responses.push(e));
    await a.get('/cluster/status');
    expect(requests).toEqual([{ method: 'GET', path: '/cluster/status', attempt: 1 }]);
    expect(responses).toEqual([{ method: 'GET', path: '/cluster/status', status: 200, ms: expect.any(Number) }]);
  });

  it('rejects a malformed path or option before any request', async () => {
    await expect(api().get('nodes')).rejects.toThrow(TypeError);
    await expect(api().get('/nodes?x=1')).rejects.toThrow(/must not hold a query/);
    await expect(api().get('/nodes/../x')).rejects.toThrow(/"\." or "\.\." segments/);
    await expect(api().get('/nodes/.')).rejects.toThrow(/"\." or "\.\." segments/);
    await expect(api().get('/./nodes')).rejects.toThrow(/"\." or "\.\." segments/);
    await expect(api().get('/nodes', undefined, { timeoutMs: -1 })).rejects.toThrow(/timeoutMs/);
    await expect(api().post('/nodes', { bad: Number.NaN })).rejects.toThrow(/parameter bad must be a finite number/);
    await expect(api().request('PATCH' as 'PUT', '/nodes')).rejects.toThrow(/method must be GET, POST, PUT or DELETE/);
  });
});

describe.each(ADAPTERS)('error mapping (%s adapter)', (adapter) => {
  const api = (): ProxmoxAPI => tokenApi({ adapter, retries: 0 });

  it('400 → ParameterError with the per-parameter messages', async () => {
    proxmox()
      .post('/nodes/pve1/qemu')
      .reply(
        400,
        { errors: { vmid: 'VM 100 already exists on node pve2\n', scsi0: "storage 'fast' does not exist\n" }, data: null },
        json('Parameter verification failed.'),
      );
    const err = await rejection(api().post('/nodes/pve1/qemu', { vmid: 100, scsi0: 'fast:32' }));
    expect(err).toBeInstanceOf(ParameterError);
    expect(err).toMatchObject({
      status: 400,
      reason: 'Parameter verification failed.',
      method: 'POST',
      path: '/nodes/pve1/qemu',
      errors: { vmid: expect.stringContaining('already exists'), scsi0: expect.stringContaining("storage 'fast' does not exist") },
    });
    expect(err.message).toBe(
      "POST /nodes/pve1/qemu: 400 Parameter verification failed. (vmid: VM 100 already exists on node pve2; scsi0: storage 'fast' does not exist)",
    );
  });

  it('401 → AuthenticationError', async () => {
    proxmox().get('/nodes').reply(401, { data: null }, json('invalid token value!'));
    const err = await rejection(api().get('/nodes'));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe('GET /nodes: 401 invalid token value!');
  });

  it('403 → PermissionError', async () => {
    proxmox().post('/nodes/pve1/qemu/100/status/start').reply(403, { data: null }, json('Permission check failed (/vms/100, VM.PowerMgmt)'));
    const err = await rejection(api().post('/nodes/pve1/qemu/100/status/start'));
    expect(err).toBeInstanceOf(PermissionError);
    expect(err).toMatchObject({ status: 403, reason: 'Permission check failed (/vms/100, VM.PowerMgmt)' });
  });

  it('500 "can\'t lock file" → LockTimeoutError', async () => {
    proxmox()
      .put('/nodes/pve1/qemu/101/config')
      .reply(500, { data: null }, json("can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout"));
    const err = await rejection(api().put('/nodes/pve1/qemu/101/config', { memory: 2048 }));
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect(err.message).toBe("PUT /nodes/pve1/qemu/101/config: 500 can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout");
  });

  it('500 "does not exist" → NotFoundError', async () => {
    proxmox()
      .get('/nodes/pve1/qemu/999/config')
      .reply(500, { data: null }, json("Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist"));
    const err = await rejection(api().get('/nodes/pve1/qemu/999/config'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ status: 500, path: '/nodes/pve1/qemu/999/config' });
  });

  it('596 → NodeUnreachableError naming the node', async () => {
    proxmox().get('/nodes/pve2/status').reply(596, '', json('Connection timed out'));
    const err = await rejection(api().get('/nodes/pve2/status'));
    expect(err).toBeInstanceOf(NodeUnreachableError);
    expect(err).toMatchObject({ status: 596, node: 'pve2' });
    expect(err.message).toContain('node pve2 unreachable');
  });

  it('other 5xx → ServerError', async () => {
    proxmox().post('/nodes/pve1/qemu/100/status/start').reply(500, { data: null }, json('start failed: QEMU exited with code 1'));
    const err = await rejection(api().post('/nodes/pve1/qemu/100/status/start'));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ reason: 'start failed: QEMU exited with code 1' });
  });

  it('a PBS error: message in a plain-text body, generic reason phrase', async () => {
    proxmox('pbs')
      .get('/admin/datastore/store1/snapshots')
      .reply(400, 'no such datastore \'store1\'\n', { 'content-type': 'application/json;charset=UTF-8' });
    const pbs = new ProxmoxAPI({ host: 'pbs.test', product: 'pbs', tokenId: 'root@pam!ci', tokenSecret: 's3cret', adapter, retries: 0 });
    const err = await rejection(pbs.get('/admin/datastore/store1/snapshots'));
    expect(err).toBeInstanceOf(ParameterError);
    expect(err).toMatchObject({ status: 400, reason: "no such datastore 'store1'" });
  });
});

describe.each(ADAPTERS)('version() (%s adapter)', (adapter) => {
  it('asks once per session, shared by concurrent callers, and parses the release', async () => {
    proxmox().get('/version').once().reply(200, { data: { version: '8.4.1', release: '8.4', repoid: '2a5fa54a8503f96d' } }, json());
    const api = tokenApi({ adapter });
    const [a, b] = await Promise.all([api.version(), api.version()]);
    const c = await api.version();
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(a).toMatchObject({ version: '8.4.1', release: '8.4', major: 8, minor: 4, patch: 1 });
    expect(atLeast(a, '8.0')).toBe(true);
    expect(atLeast(a, '9')).toBe(false);
  });

  it('asks again after a failure', async () => {
    proxmox().get('/version').reply(500, { data: null }, json('oops'));
    proxmox().get('/version').reply(200, { data: { version: '7.4-3', release: '7.4', repoid: 'abcdef12' } }, json());
    const api = tokenApi({ adapter, retries: 0 });
    await expect(api.version()).rejects.toBeInstanceOf(ServerError);
    await expect(api.version()).resolves.toMatchObject({ major: 7, minor: 4 });
  });
});

describe('the session object', () => {
  it('inspects and serialises as where it points', () => {
    const api = tokenApi();
    expect(inspect(api)).toBe(
      "ProxmoxAPI {\n  product: 'pve',\n  host: 'pve.test',\n  port: 8006,\n  baseUrl: 'https://pve.test:8006/api2/json'\n}",
    );
    expect(JSON.parse(JSON.stringify(api))).toEqual({ product: 'pve', host: 'pve.test', port: 8006, baseUrl: 'https://pve.test:8006/api2/json' });
  });
});

describe('TLS warning', () => {
  it('emits exactly one warning for an insecure session, seen by a listener attached after construction', async () => {
    const api = tokenApi({ tls: { insecure: true } });
    const warnings: WarningEvent[] = [];
    api.on('warning', (w) => warnings.push(w));
    await new Promise((r) => setTimeout(r, 10));
    expect(warnings).toEqual([{ code: 'TLS_INSECURE', message: expect.stringContaining('TLS verification is off for pve.test:8006') }]);
  });

  it('emits none otherwise', async () => {
    const api = tokenApi({ ...FAST });
    const warnings: WarningEvent[] = [];
    api.on('warning', (w) => warnings.push(w));
    await new Promise((r) => setTimeout(r, 10));
    expect(warnings).toEqual([]);
  });
});
