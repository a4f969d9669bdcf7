import { startSimulator, type Simulator } from '../../src/testing/index.js';
import { oracleHook, takeViolations } from '../support/oracle.js';
import { call } from './client.js';

type Row = Record<string, unknown>;

describe('simulator guest agent and cloud-init', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ clock: { manual: true }, onRequest: oracleHook() });
  });
  afterAll(() => sim.close());
  afterEach(() => sim.state.reset());

  const base = '/nodes/pve1/qemu/100/agent';

  it('answers ping, info, OS and network facts on a running VM with an agent', async () => {
    expect((await call(sim, 'POST', `${base}/ping`)).body.data).toEqual({ result: {} });
    const os = (await call(sim, 'GET', `${base}/get-osinfo`)).body.data as { result: Row };
    expect(os.result).toMatchObject({ id: 'debian', 'version-id': '12' });
    const net = (await call(sim, 'GET', `${base}/network-get-interfaces`)).body.data as { result: Row[] };
    expect(net.result.map((i) => i.name)).toEqual(['lo', 'eth0']);
    expect((await call(sim, 'POST', base, { command: 'get-host-name' })).body.data).toEqual({ result: { 'host-name': 'web01' } });
  });

  it('refuses without an agent or when the VM is stopped', async () => {
    expect((await call(sim, 'POST', '/nodes/pve2/qemu/102/agent/ping')).reason).toBe('No QEMU guest agent configured');
    expect((await call(sim, 'POST', '/nodes/pve1/qemu/9000/agent/ping')).reason).toBe('VM 9000 is not running');
  });

  it('runs a command on the simulator clock and reports its output', async () => {
    const r = await call(sim, 'POST', `${base}/exec`, { command: 'sleep' }); // one argument per form field
    expect(r.status).toBe(200);
    const echo = (await call(sim, 'POST', `${base}/exec`, { command: 'echo hello' })).body.data as { pid: number };
    expect((await call(sim, 'GET', `${base}/exec-status`, { pid: echo.pid })).body.data).toEqual({ exited: 0 });
    sim.clock.advance(100);
    expect((await call(sim, 'GET', `${base}/exec-status`, { pid: echo.pid })).body.data).toEqual({ exited: 1, exitcode: 0, 'out-data': 'hello\n' });
    const missing = (await call(sim, 'POST', `${base}/exec`, { command: 'nosuchcmd' })).body.data as { pid: number };
    sim.clock.advance(100);
    expect((await call(sim, 'GET', `${base}/exec-status`, { pid: missing.pid })).body.data).toMatchObject({ exitcode: 127 });
  });

  it('writes and reads files', async () => {
    expect((await call(sim, 'POST', `${base}/file-write`, { file: '/tmp/x', content: 'hi there' })).status).toBe(200);
    expect((await call(sim, 'GET', `${base}/file-read`, { file: '/tmp/x' })).body.data).toEqual({ content: 'hi there' });
    expect((await call(sim, 'POST', `${base}/file-write`, { file: '/tmp/y', content: Buffer.from('b64').toString('base64'), encode: 0 })).status).toBe(200);
    expect((await call(sim, 'GET', `${base}/file-read`, { file: '/tmp/y' })).body.data).toEqual({ content: 'b64' });
    expect((await call(sim, 'GET', `${base}/file-read`, { file: '/nope' })).status).toBe(500);
  });

  it('checks sshkeys is percent-encoded, and shows cloud-init values and dumps', async () => {
    const key = 'ssh-ed25519 AAAAC3Nza user@host';
    const bad = await call(sim, 'PUT', '/nodes/pve1/qemu/9000/config', { sshkeys: key });
    expect(bad.status).toBe(400);
    expect(takeViolations()).toHaveLength(1);
    const encoded = encodeURIComponent(key);
    expect((await call(sim, 'PUT', '/nodes/pve1/qemu/9000/config', { sshkeys: encoded, ciuser: 'debian' })).status).toBe(200);
    const ci = (await call(sim, 'GET', '/nodes/pve1/qemu/9000/cloudinit')).body.data as Row[];
    expect(ci.map((e) => e.key)).toEqual(['ciuser', 'ipconfig0', 'sshkeys']);
    const dump = String((await call(sim, 'GET', '/nodes/pve1/qemu/9000/cloudinit/dump', { type: 'user' })).body.data);
    expect(dump).toContain(`  - ${key}`);
    expect((await call(sim, 'PUT', '/nodes/pve1/qemu/9000/cloudinit')).status).toBe(200);
  });
});
