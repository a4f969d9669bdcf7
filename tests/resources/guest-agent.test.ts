/**
 * The guest agent (`vm.agent`) and cloud-init on VMs: exact requests, parsed answers, input checks
 * before any request, release gates, and a password that never leaks into an error.
 */
import { inspect } from 'node:util';
import nock from 'nock';
import { AbortError, AgentExecTimeoutError, GuestAgent, ServerError, UnsupportedError, VM } from '../../src/index.js';
import { describeEachRelease } from '../support/oracle.js';
import { mockApi } from '../support/nock.js';
import { nockLifecycle, rejection, testApi } from '../support/session.js';

nockLifecycle();

const BASE = '/nodes/pve1/qemu/100';
const AGENT = `${BASE}/agent`;
const vm = () => new VM(testApi(), 'pve1', 100);

describeEachRelease('GuestAgent', (release) => {
  it('vm.agent is a GuestAgent on the same VM; toJSON leaves the session out', () => {
    const agent = vm().agent;
    expect(agent).toBeInstanceOf(GuestAgent);
    expect(agent.basePath).toBe(AGENT);
    expect(JSON.stringify(agent)).toBe('{"node":"pve1","vmid":100}');
    expect(() => new GuestAgent(testApi(), 'pve1', 5)).toThrow(TypeError);
  });

  it('ping(), info(), osInfo(), hostName(), networkInterfaces(), fsInfo(): unwrap Proxmox\'s result', async () => {
    const scope = mockApi();
    scope.post(`${AGENT}/ping`).replyData(200, { result: {} });
    scope.get(`${AGENT}/info`).replyData(200, { result: { version: '8.1.3', supported_commands: [{ name: 'guest-ping', enabled: true, 'success-response': true }], extra: 1 } });
    scope.get(`${AGENT}/get-osinfo`).replyData(200, { result: { id: 'debian', 'pretty-name': 'Debian GNU/Linux 12 (bookworm)', 'version-id': '12' } });
    scope.get(`${AGENT}/get-host-name`).replyData(200, { result: { 'host-name': 'web01' } });
    scope.get(`${AGENT}/network-get-interfaces`).replyData(200, { result: [{ name: 'eth0', 'hardware-address': 'bc:24:11:00:00:01', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '10.0.0.5', prefix: '24' }] }] });
    scope.get(`${AGENT}/get-fsinfo`).replyData(200, { result: [{ name: 'sda1', mountpoint: '/', type: 'ext4', 'total-bytes': '1000', 'used-bytes': 10 }] });
    const a = vm().agent;
    await expect(a.ping()).resolves.toBeUndefined();
    await expect(a.info()).resolves.toEqual({ version: '8.1.3', supported_commands: [{ name: 'guest-ping', enabled: true, 'success-response': true }], extra: 1 });
    expect((await a.osInfo())['pretty-name']).toBe('Debian GNU/Linux 12 (bookworm)');
    await expect(a.hostName()).resolves.toBe('web01');
    expect((await a.networkInterfaces())[0]?.['ip-addresses']?.[0]?.prefix).toBe(24);
    expect((await a.fsInfo())[0]).toMatchObject({ mountpoint: '/', 'total-bytes': 1000, 'used-bytes': 10 });
    expect(scope.isDone()).toBe(true);
  });

  it('no agent configured: Proxmox\'s 500 is a ServerError with its reason', async () => {
    mockApi().post(`${AGENT}/ping`).replyError(500, 'No QEMU guest agent configured');
    const err = await rejection(vm().agent.ping());
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toBe(`POST ${AGENT}/ping: 500 No QEMU guest agent configured`);
  });

  it(`exec(): the command ${release === '7.4' ? 'NUL-joined (7.4\'s string-alist)' : 'as repeated keys (an array)'}, input-data; returns the pid`, async () => {
    const command = release === '7.4' ? 'sh\0-c\0echo hi, there' : ['sh', '-c', 'echo hi, there'];
    const scope = mockApi().mockVersion();
    scope.post(`${AGENT}/exec`, { command, 'input-data': 'stdin text' }).replyData(200, { pid: 4242 });
    await expect(vm().agent.exec(['sh', '-c', 'echo hi, there'], { inputData: 'stdin text' })).resolves.toBe(4242);
    expect(scope.isDone()).toBe(true);
  });

  it('execStatus(): GET with the pid; flags and numbers coerced, unknown fields kept', async () => {
    mockApi().get(`${AGENT}/exec-status`).query({ pid: '4242' }).replyData(200, { exited: 1, exitcode: '2', 'out-data': 'o', 'err-data': 'e', 'out-truncated': 0, later: 'x' });
    await expect(vm().agent.execStatus(4242)).resolves.toEqual({ exited: true, exitcode: 2, 'out-data': 'o', 'err-data': 'e', 'out-truncated': false, later: 'x' });
  });

  it('run(): exec, then poll exec-status until exited; returns the result with the pid', async () => {
    const scope = mockApi().mockVersion();
    scope.post(`${AGENT}/exec`).replyData(200, { pid: 7 });
    scope.get(`${AGENT}/exec-status`).query({ pid: '7' }).times(2).replyData(200, { exited: 0 });
    scope.get(`${AGENT}/exec-status`).query({ pid: '7' }).replyData(200, { exited: 1, exitcode: 0, 'out-data': 'hello\n' });
    await expect(vm().agent.run(['echo', 'hello'], { pollIntervalMs: 1 })).resolves.toEqual({ pid: 7, exited: true, exitcode: 0, 'out-data': 'hello\n' });
    expect(scope.isDone()).toBe(true);
  });

  it('run(): AgentExecTimeoutError past timeoutMs; AbortError when the signal fires', async () => {
    const scope = mockApi().mockVersion();
    scope.post(`${AGENT}/exec`).twice().replyData(200, { pid: 8 });
    scope.get(`${AGENT}/exec-status`).query({ pid: '8' }).times(20).optionally().replyData(200, { exited: 0 });
    const agent = vm().agent; // one session: the version is asked once
    const err = await rejection(agent.run(['sleep', '100'], { pollIntervalMs: 5, timeoutMs: 20 }));
    expect(err).toBeInstanceOf(AgentExecTimeoutError);
    expect(err).toMatchObject({ pid: 8, timeoutMs: 20 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 15);
    const aborted = await rejection(agent.run(['sleep', '100'], { pollIntervalMs: 50, timeoutMs: 10_000, signal: ac.signal }));
    expect(aborted).toBeInstanceOf(AbortError);
    nock.cleanAll();
  });

  it('bad input is a TypeError naming the argument, before any request', async () => {
    const a = vm().agent;
    await expect(a.exec([])).rejects.toThrow(/^command must be a non-empty array of strings/);
    await expect(a.exec('ls -l' as never)).rejects.toThrow(/^command must be/);
    await expect(a.exec(['ls', 1] as never)).rejects.toThrow(/^command must be/);
    await expect(a.exec(['ls'], { inputData: 'x'.repeat(65_537) })).rejects.toThrow(/^inputData must be/);
    await expect(a.exec(['ls'], { stdin: 'x' } as never)).rejects.toThrow(/unknown option "stdin"/);
    await expect(a.run([])).rejects.toThrow(/^command must be/);
    await expect(a.execStatus(0)).rejects.toThrow(/^pid must be a positive integer/);
    await expect(a.execStatus(1.5)).rejects.toThrow(/^pid must be a positive integer/);
    await expect(a.fileRead('')).rejects.toThrow(/^file must be a non-empty string/);
    await expect(a.fileWrite('', 'x')).rejects.toThrow(/^file must be a non-empty string/);
    await expect(a.fileWrite('/tmp/x', 'x'.repeat(61_441))).rejects.toThrow(/^content must be a string of at most 61440/);
    await expect(a.fileWrite('/tmp/x', 'x', { base64: true } as never)).rejects.toThrow(/unknown option "base64"/);
    await expect(a.setUserPassword('', 'pw123456')).rejects.toThrow(/^username must be a non-empty string/);
    await expect(a.setUserPassword('root', '')).rejects.toThrow(/^password must be a string of 5 to 1024 characters$/);
    await expect(a.setUserPassword('root', 'abcd')).rejects.toThrow(/^password must be a string of 5 to 1024 characters$/);
    expect(() => a.toJSON()).not.toThrow();
  });

  it('fileRead(): GET with the file; count/offset/decode only from 9.0 (UnsupportedError before any request)', async () => {
    const scope = mockApi();
    scope.get(`${AGENT}/file-read`).query({ file: '/etc/hostname' }).replyData(200, { content: 'web01\n' });
    await expect(vm().agent.fileRead('/etc/hostname')).resolves.toEqual({ content: 'web01\n' });
    scope.mockVersion();
    if (release === '9.1') {
      scope.get(`${AGENT}/file-read`).query({ file: '/var/log/x', count: '16', offset: '4', decode: '0' }).replyData(200, { content: 'aGk=', truncated: 1 });
      await expect(vm().agent.fileRead('/var/log/x', { count: 16, offset: 4, decode: false })).resolves.toEqual({ content: 'aGk=', truncated: true });
    } else {
      const err = await rejection(vm().agent.fileRead('/var/log/x', { count: 16 }));
      expect(err).toBeInstanceOf(UnsupportedError);
      expect(err.message).toBe(`fileRead option "count" is not supported by Proxmox ${release} (needs 9.0 or later)`);
    }
    await expect(vm().agent.fileRead('/x', { count: 0 })).rejects.toThrow(/^count must be an integer from 1 to 16777216/);
  });

  it('fileWrite(): POST with file, content and encode', async () => {
    const scope = mockApi();
    scope.post(`${AGENT}/file-write`, { file: '/etc/motd', content: 'hello\n' }).replyData(200, null);
    scope.post(`${AGENT}/file-write`, { file: '/tmp/b', content: 'aGk=', encode: '0' }).replyData(200, null);
    await expect(vm().agent.fileWrite('/etc/motd', 'hello\n')).resolves.toBeUndefined();
    await expect(vm().agent.fileWrite('/tmp/b', 'aGk=', { encode: false })).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('setUserPassword(): POST with username, password, crypted', async () => {
    mockApi().post(`${AGENT}/set-user-password`, { username: 'debian', password: 'n3w-Pass', crypted: '0' }).replyData(200, { result: {} });
    await expect(vm().agent.setUserPassword('debian', 'n3w-Pass', { crypted: false })).resolves.toBeUndefined();
  });

  it('setUserPassword(): the password never shows in a thrown error, its JSON, inspect or an event', async () => {
    const canary = 'CANARY-pw-7f3a9c';
    const api = testApi();
    const seen: string[] = [];
    for (const event of ['request', 'response', 'retry', 'warning'] as const) api.on(event, (e: unknown) => seen.push(JSON.stringify(e)));
    const agent = new VM(api, 'pve1', 100).agent;
    const scope = mockApi();
    scope.post(`${AGENT}/set-user-password`).replyError(500, 'Agent error: password change failed');
    scope.post(`${AGENT}/set-user-password`).replyError(500, `Agent error: chpasswd: bad password '${canary}'`);
    scope.post(`${AGENT}/set-user-password`).replyError(400, 'Parameter verification failed.', { password: `value '${canary}' is too weak` });
    const errors = [
      await rejection(agent.setUserPassword('root', canary)),
      await rejection(agent.setUserPassword('root', canary)),
      await rejection(agent.setUserPassword('root', canary)),
      await rejection(agent.setUserPassword('root', `${canary}${'x'.repeat(1100)}`)),
    ];
    expect(errors[0]).toBeInstanceOf(ServerError);
    expect(errors[0]?.message).toBe(`POST ${AGENT}/set-user-password: 500 Agent error: password change failed`);
    expect(errors[1]?.message).toBe(`POST ${AGENT}/set-user-password: 500 Agent error: chpasswd: bad password '***'`);
    expect(errors[1]).toBeInstanceOf(ServerError);
    expect(errors[2]).toMatchObject({ status: 400, errors: { password: "value '***' is too weak" } });
    expect(errors[3]).toBeInstanceOf(TypeError);
    for (const err of errors) {
      for (const text of [err.message, String(err.stack), JSON.stringify(err), inspect(err, { depth: 10, showHidden: true })]) {
        expect(text).not.toContain(canary);
      }
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.join('\n')).not.toContain(canary);
    expect(scope.isDone()).toBe(true);
  });
});

describeEachRelease('VM cloud-init', () => {
  it('cloudinitPending(): GET …/cloudinit; 7.4\'s documented old/new read as value/pending', async () => {
    mockApi().get(`${BASE}/cloudinit`).replyData(200, [
      { key: 'ciuser', value: 'debian', pending: 'admin' },
      { key: 'ipconfig0', value: 'ip=dhcp' },
      { key: 'nameserver', value: '1.1.1.1', delete: 1 },
      { key: 'sshkeys', old: 'a', new: 'b' },
    ]);
    await expect(vm().cloudinitPending()).resolves.toEqual([
      { key: 'ciuser', value: 'debian', pending: 'admin' },
      { key: 'ipconfig0', value: 'ip=dhcp' },
      { key: 'nameserver', value: '1.1.1.1', delete: true },
      { key: 'sshkeys', value: 'a', pending: 'b' },
    ]);
  });

  it('cloudinitRegenerate(): PUT …/cloudinit', async () => {
    const scope = mockApi();
    scope.put(`${BASE}/cloudinit`).replyData(200, null);
    await expect(vm().cloudinitRegenerate()).resolves.toBeUndefined();
    scope.put(`${BASE}/cloudinit`).replyError(500, 'no cloudinit drive found');
    await expect(vm().cloudinitRegenerate()).rejects.toBeInstanceOf(ServerError);
  });

  it('cloudinitDump(): GET …/cloudinit/dump?type=; the YAML text; another type is a TypeError before any request', async () => {
    mockApi().get(`${BASE}/cloudinit/dump`).query({ type: 'user' }).replyData(200, '#cloud-config\nuser: admin\n');
    await expect(vm().cloudinitDump('user')).resolves.toBe('#cloud-config\nuser: admin\n');
    await expect(vm().cloudinitDump('vendor' as never)).rejects.toThrow('type must be one of "user", "network", "meta", got "vendor"');
  });
});
