/**
 * The session end to end, through the simulator's faults: password login and its CSRF token, ticket
 * expiry and the one re-login it causes, TFA, retries on 503/596/dropped connections (GET only), the
 * pinned certificate, and task outcomes forced on the server side.
 */
import {
  AuthenticationError, ConnectionError, NodeUnreachableError, ProxmoxAPI, ServerError, TaskFailedError, VM,
  type PasswordCredentials, type TicketEvent,
} from '../../src/index.js';
import { startSimulator, type Simulator } from '../../src/testing/index.js';
import { oracleHook, RELEASES } from '../support/oracle.js';
import { FAST_WAIT, SPEED } from './guest-sim.js';

const fast = { retryMinDelayMs: 1, retryMaxDelayMs: 5 } as const;

describe.each(RELEASES)('session on the %s simulator', (release) => {
  let sim: Simulator;
  const open: ProxmoxAPI[] = [];
  const track = (api: ProxmoxAPI): ProxmoxAPI => {
    open.push(api);
    return api;
  };
  const session = (credentials: Pick<PasswordCredentials, 'password' | 'otp'> & { username?: string } = { password: sim.password }) =>
    track(new ProxmoxAPI({ host: sim.url, tls: { fingerprint: sim.fingerprint }, ...fast, username: sim.username, ...credentials }));
  const token = (fingerprint = sim.fingerprint) =>
    track(new ProxmoxAPI({ host: sim.url, tls: { fingerprint }, ...fast, tokenId: sim.tokenId, tokenSecret: sim.tokenSecret }));

  beforeAll(async () => {
    sim = await startSimulator({ release, clock: { speed: SPEED }, onRequest: oracleHook({ release }) });
  });
  beforeEach(() => {
    sim.state.reset();
    sim.faults.clear();
  });
  afterEach(() => {
    for (const api of open.splice(0)) api.close();
  });
  afterAll(async () => {
    await sim.close();
  });

  test('a password session logs in once, writes with its CSRF token, and logs in again once when the ticket expires', async () => {
    const api = session();
    const tickets: TicketEvent[] = [];
    api.on('ticket', (e) => tickets.push(e));
    await (await new VM(api, 'pve1', 101).start()).wait(FAST_WAIT);
    expect(tickets).toEqual([{ reason: 'login', username: 'root@pam' }]);

    sim.faults.expireTickets();
    const statuses = await Promise.all(Array.from({ length: 10 }, () => new VM(api, 'pve1', 101).status()));
    expect(statuses.map((s) => s.status)).toEqual(Array(10).fill('running'));
    expect(tickets.map((t) => t.reason)).toEqual(['login', 'relogin']);
  });

  test('a wrong password is an AuthenticationError, with no secret in it', async () => {
    const api = session({ password: 'not-the-password-canary' });
    const error = await api.get('/nodes').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain('not-the-password-canary');
  });

  test('a user with a second factor logs in through the otp callback', async () => {
    const asked: string[] = [];
    const api = session({ username: 'tfa@pve', password: 'tfa-pass', otp: async (c) => { asked.push(c.username); return '123456'; } });
    await expect(api.get('/nodes')).resolves.toHaveLength(3);
    expect(asked).toEqual(['tfa@pve']);
  });

  test('a GET is retried through 503, 596 and a dropped connection; a POST is not', async () => {
    const api = token();
    const retries: string[] = [];
    api.on('retry', (e) => retries.push(e.reason));
    sim.faults.failNext({ method: 'GET', path: '/cluster/resources', status: 503 });
    sim.faults.dropNext({ method: 'GET', path: '/cluster/resources' });
    await expect(api.get('/cluster/resources')).resolves.toEqual(expect.any(Array));
    expect(retries).toHaveLength(2);

    sim.faults.failNext({ method: 'GET', path: '/nodes/pve2/status', status: 596, reason: 'Connection timed out' });
    await expect(api.get('/nodes/pve2/status')).resolves.toEqual(expect.objectContaining({ uptime: expect.any(Number) }));
    expect(retries).toHaveLength(3);

    sim.faults.failNext({ method: 'POST', path: '/status/start', status: 503 });
    await expect(new VM(api, 'pve1', 101).start()).rejects.toBeInstanceOf(ServerError);
    expect(retries).toHaveLength(3);
    expect((await new VM(api, 'pve1', 101).status()).status).toBe('stopped');
  });

  test('an offline node is a NodeUnreachableError naming it, after the retries', async () => {
    const api = token();
    sim.faults.setNodeOffline('pve3');
    const error = await new VM(api, 'pve3', 103).status().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeUnreachableError);
    expect(error).toMatchObject({ status: 596, node: 'pve3' });
  });

  test('a task the server fails throws TaskFailedError with its log; the early 400 of its status is waited out', async () => {
    const api = token();
    const early: number[] = [];
    api.on('response', (e) => { if (e.path.endsWith('/status') && e.method === 'GET') early.push(e.status); });
    sim.faults.taskStatusNotReady({ requests: 2 });
    sim.faults.failNextTask({ type: 'qmstart', error: 'start failed: QEMU exited with code 1' });
    const task = await new VM(api, 'pve1', 101).start();
    const error = await task.wait(FAST_WAIT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).exitStatus).toBe('start failed: QEMU exited with code 1');
    expect((error as TaskFailedError).log.at(-1)?.t).toBe('TASK ERROR: start failed: QEMU exited with code 1');
    expect(early.slice(0, 2)).toEqual([400, 400]);
  });

  test('a pinned session refuses the simulator when the pin is another certificate', async () => {
    const wrong = sim.fingerprint.replace(/^../, sim.fingerprint.startsWith('00') ? '11' : '00');
    const pinnedWrong = token(wrong);
    await expect(token().version()).resolves.toMatchObject({ release });
    await expect(pinnedWrong.version()).rejects.toMatchObject({ constructor: ConnectionError, code: 'ERR_TLS_FINGERPRINT_MISMATCH' });
  });
});
