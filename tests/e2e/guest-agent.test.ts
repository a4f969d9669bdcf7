/**
 * The guest agent and cloud-init end to end: every method against the simulator over real HTTPS,
 * per release, with the oracle checking each request.
 */
import { ServerError, UnsupportedError, VM } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { FAST_WAIT, useSimulator } from './guest-sim.js';

describeEachRelease('guest agent e2e', (release) => {
  const ctx = useSimulator(release);
  const vm = (vmid: number, node = 'pve1') => new VM(ctx.api, node, vmid);

  it('ping, info, osInfo, hostName, networkInterfaces, fsInfo on a running VM with agent: 1', async () => {
    const a = vm(100).agent;
    await expect(a.ping()).resolves.toBeUndefined();
    expect((await a.info()).supported_commands.map((c) => c.name)).toContain('guest-exec');
    expect((await a.osInfo()).id).toBe('debian');
    await expect(a.hostName()).resolves.toBe('web01');
    expect((await a.networkInterfaces()).map((i) => i.name)).toEqual(['lo', 'eth0']);
    expect((await a.fsInfo())[0]?.mountpoint).toBe('/');
  });

  it('a VM without agent: ServerError "No QEMU guest agent configured"; after configSet agent: 1 and start it answers', async () => {
    const v = vm(101);
    await v.configSet({ agent: 0 });
    await (await v.start()).wait(FAST_WAIT);
    const err = await v.agent.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toContain('No QEMU guest agent configured');
    await v.configSet({ agent: 1 });
    await expect(v.agent.ping()).resolves.toBeUndefined();
  });

  it('exec + execStatus, and run() to the end', async () => {
    const a = vm(100).agent;
    const pid = await a.exec(['echo', 'hello', 'world']);
    expect(pid).toBeGreaterThan(0);
    let status = await a.execStatus(pid);
    while (!status.exited) {
      await new Promise((r) => setTimeout(r, 5));
      status = await a.execStatus(pid);
    }
    expect(status).toMatchObject({ exited: true, exitcode: 0, 'out-data': 'hello world\n' });
    await expect(a.run(['cat'], { inputData: 'from stdin', pollIntervalMs: 5 })).resolves.toMatchObject({ exited: true, exitcode: 0, 'out-data': 'from stdin' });
    await expect(a.run(['nosuchcmd'], { pollIntervalMs: 5 })).resolves.toMatchObject({ exitcode: 127 });
    await expect(a.run(['sleep', '2'], { pollIntervalMs: 5 })).resolves.toMatchObject({ exited: true, exitcode: 0 });
  });

  it('fileWrite then fileRead round trip (text and base64)', async () => {
    const a = vm(100).agent;
    await a.fileWrite('/tmp/sdk.txt', 'written by the SDK\n');
    await expect(a.fileRead('/tmp/sdk.txt')).resolves.toEqual({ content: 'written by the SDK\n' });
    await a.fileWrite('/tmp/sdk.b64', Buffer.from('binary-ish').toString('base64'), { encode: false });
    await expect(a.fileRead('/tmp/sdk.b64')).resolves.toMatchObject({ content: 'binary-ish' });
    expect((await a.run(['cat', '/tmp/sdk.txt'], { pollIntervalMs: 5 }))['out-data']).toBe('written by the SDK\n');
    if (release === '9.1') {
      await expect(a.fileRead('/tmp/sdk.txt', { offset: 15, count: 3 })).resolves.toEqual({ content: 'SDK' });
      await expect(a.fileRead('/tmp/sdk.txt', { count: 7, decode: false })).resolves.toEqual({ content: Buffer.from('written').toString('base64') });
    } else {
      await expect(a.fileRead('/tmp/sdk.txt', { offset: 11 })).rejects.toBeInstanceOf(UnsupportedError);
    }
  });

  it('setUserPassword(); the agent\'s refusal is a ServerError without the password', async () => {
    const a = vm(100).agent;
    const secret = 'e2e-canary-pw';
    await expect(a.setUserPassword('root', secret)).resolves.toBeUndefined();
    ctx.sim.faults.failNext({ method: 'POST', path: 'set-user-password', status: 500, reason: `Agent error: chpasswd failed for '${secret}'` });
    const err = await a.setUserPassword('root', secret).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toContain("chpasswd failed for '***'");
    expect(JSON.stringify(err) + String((err as Error).stack)).not.toContain(secret);
    const stopped = await new VM(ctx.api, 'pve1', 9000).agent.setUserPassword('root', secret).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(ServerError);
    expect((stopped as Error).message).toContain('VM 9000 is not running');
  });
});

describeEachRelease('cloud-init e2e', (release) => {
  const ctx = useSimulator(release);
  const tpl = () => new VM(ctx.api, 'pve1', 9000);
  const changes = async () => (await tpl().cloudinitPending()).filter((e) => e.pending !== undefined || e.delete === true);

  it('configSet → pending shows the change → regenerate → nothing pending; dump renders user, network and meta', async () => {
    const v = tpl();
    await v.cloudinitRegenerate();
    expect(await changes()).toEqual([]);
    await v.configSet({ ciuser: 'admin', ipconfig0: 'ip=10.0.0.5/24,gw=10.0.0.1', sshkeys: 'ssh-ed25519 AAAAC3Nza admin@laptop' });
    expect((await changes()).map((e) => e.key).sort()).toEqual(['ciuser', 'ipconfig0', 'sshkeys']);
    expect((await changes()).find((e) => e.key === 'ciuser')?.pending).toBe('admin');
    await v.cloudinitRegenerate();
    expect(await changes()).toEqual([]);
    expect((await v.cloudinitPending()).find((e) => e.key === 'ciuser')?.value).toBe('admin');
    const user = await v.cloudinitDump('user');
    expect(user).toMatch(/^#cloud-config\n/);
    expect(user).toContain('user: admin');
    expect(user).toContain('  - ssh-ed25519 AAAAC3Nza admin@laptop');
    const network = await v.cloudinitDump('network');
    expect(network).toContain("address: '10.0.0.5'");
    expect(network).toContain("netmask: '255.255.255.0'");
    expect(network).toContain("gateway: '10.0.0.1'");
    expect(await v.cloudinitDump('meta')).toMatch(/^instance-id: [0-9a-f]{40}\n$/);
    await v.configSet({}, { delete: ['ciuser'] });
    expect(await changes()).toEqual([{ key: 'ciuser', value: 'admin', delete: true }]);
  });

  it('regenerate on a VM without a cloud-init drive is a ServerError', async () => {
    await expect(new VM(ctx.api, 'pve1', 100).cloudinitRegenerate()).rejects.toBeInstanceOf(ServerError);
  });
});
