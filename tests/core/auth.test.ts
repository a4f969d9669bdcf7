import { jest } from '@jest/globals';
import { AuthenticationError, ProxmoxAPI, type TfaChallenge, type TicketEvent } from '../../src/index.js';
import { ADAPTERS, FAST, json, passwordApi, proxmox } from './support.js';
import { nockLifecycle, rejection } from '../support/session.js';

nockLifecycle();

const T1 = 'PVE:root@pam:66A1B2C3::c2lnbmF0dXJlLW9uZQ==';
const T2 = 'PVE:root@pam:66A1C0D3::c2lnbmF0dXJlLXR3bw==';
const CSRF1 = '66A1B2C3:Y3NyZi1vbmU';
const CSRF2 = '66A1C0D3:Y3NyZi10d28';

type Headers = Record<string, string | string[] | undefined>;

/** Expects one `POST /access/ticket` with exactly `body`, answering with `ticket`. */
function expectLogin(body: Record<string, string>, ticket = T1, csrf = CSRF1, product: 'pve' | 'pbs' = 'pve'): void {
  proxmox(product)
    .post('/access/ticket', body)
    .reply(200, { data: { ticket, CSRFPreventionToken: csrf, username: 'root@pam', cap: { vms: {} } } }, json());
}

describe.each(ADAPTERS)('ticket sessions (%s adapter)', (adapter) => {
  const api = (extra: object = {}): ProxmoxAPI => passwordApi({ adapter, ...extra });

  it('logs in lazily, sends the cookie, and the CSRF token on writes only', async () => {
    expectLogin({ username: 'root@pam', password: 'pass-word-1234' });
    const seen: Headers[] = [];
    proxmox()
      .get('/nodes')
      .reply(function () {
        seen.push(this.req.headers);
        return [200, { data: [] }, json()];
      })
      .post('/nodes/pve1/qemu/100/status/start')
      .reply(function () {
        seen.push(this.req.headers);
        return [200, { data: 'UPID:pve1:00001234:00005678:66A1B2C3:qmstart:100:root@pam:' }, json()];
      });
    const a = api();
    const tickets: TicketEvent[] = [];
    a.on('ticket', (e) => tickets.push(e));
    await a.get('/nodes');
    await a.post('/nodes/pve1/qemu/100/status/start');
    expect(seen[0]?.['cookie']).toBe(`PVEAuthCookie=${T1}`);
    expect(seen[0]?.['csrfpreventiontoken']).toBeUndefined();
    expect(seen[1]?.['cookie']).toBe(`PVEAuthCookie=${T1}`);
    expect(seen[1]?.['csrfpreventiontoken']).toBe(CSRF1);
    expect(tickets).toEqual([{ reason: 'login', username: 'root@pam' }]);
  });

  it('uses the PBS cookie for Proxmox Backup Server', async () => {
    const pbsTicket = 'PBS:root@pam:66A1B2C3::c2ln';
    expectLogin({ username: 'root@pam', password: 'pw-pbs-1234' }, pbsTicket, CSRF1, 'pbs');
    proxmox('pbs').get('/version').matchHeader('cookie', `PBSAuthCookie=${pbsTicket}`).reply(200, { data: { version: '4.0', release: '14', repoid: 'abcdef12' } }, json());
    const pbs = new ProxmoxAPI({ host: 'pbs.test', product: 'pbs', username: 'root@pam', password: 'pw-pbs-1234', adapter });
    await expect(pbs.version()).resolves.toMatchObject({ major: 4 });
  });

  it('asks a password function at each full login', async () => {
    let asked = 0;
    expectLogin({ username: 'root@pam', password: 'from-vault-1' });
    proxmox().get('/nodes').reply(200, { data: [] }, json());
    const a = new ProxmoxAPI({ host: 'pve.test', username: 'root@pam', password: async () => `from-vault-${++asked}`, adapter });
    await a.get('/nodes');
    expect(asked).toBe(1);
  });

  it('login() logs in up front, and shares its login with concurrent requests', async () => {
    expectLogin({ username: 'root@pam', password: 'pass-word-1234' });
    proxmox().get('/cluster/status').reply(200, { data: [] }, json());
    const a = api();
    await Promise.all([a.login(), a.get('/cluster/status'), a.login()]);
  });

  it('a refused password is an AuthenticationError, not retried', async () => {
    proxmox().post('/access/ticket').reply(401, { data: null }, json('authentication failure'));
    const err = await rejection(api().get('/nodes'));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe('POST /access/ticket: 401 authentication failure');
  });

  it('uses a given ticket and CSRF token without logging in', async () => {
    proxmox()
      .put('/nodes/pve1/qemu/100/config')
      .matchHeader('cookie', `PVEAuthCookie=${T1}`)
      .matchHeader('csrfpreventiontoken', CSRF1)
      .reply(200, { data: null }, json());
    const a = new ProxmoxAPI({ host: 'pve.test', ticket: T1, csrfToken: CSRF1, adapter });
    await a.put('/nodes/pve1/qemu/100/config', { memory: 2048 });
  });

  it('after a 401 logs in once for 50 concurrent requests and replays each once', async () => {
    expectLogin({ username: 'root@pam', password: 'pass-word-1234' }, T1, CSRF1);
    const a = api();
    await a.login();
    proxmox().get('/nodes').matchHeader('cookie', `PVEAuthCookie=${T1}`).times(50).reply(401, { data: null }, json('invalid ticket'));
    let logins = 0;
    proxmox()
      .post('/access/ticket', { username: 'root@pam', password: 'pass-word-1234' })
      .reply(() => {
        logins += 1;
        return [200, { data: { ticket: T2, CSRFPreventionToken: CSRF2, username: 'root@pam' } }, json()];
      });
    proxmox().get('/nodes').matchHeader('cookie', `PVEAuthCookie=${T2}`).times(50).reply(200, { data: [{ node: 'pve1' }] }, json());
    const tickets: TicketEvent[] = [];
    a.on('ticket', (e) => tickets.push(e));
    const results = await Promise.all(Array.from({ length: 50 }, () => a.get('/nodes')));
    expect(results).toHaveLength(50);
    expect(logins).toBe(1);
    expect(tickets).toEqual([{ reason: 'relogin', username: 'root@pam' }]);
  });

  it('replays only once: a second 401 is an AuthenticationError', async () => {
    expectLogin({ username: 'root@pam', password: 'pass-word-1234' }, T1, CSRF1);
    expectLogin({ username: 'root@pam', password: 'pass-word-1234' }, T2, CSRF2);
    proxmox().get('/access/permissions').times(2).reply(401, { data: null }, json('permission denied - invalid PVE ticket'));
    const err = await rejection(api().get('/access/permissions'));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, path: '/access/permissions' });
  });

  it('completes a second factor through otp and tfa-challenge', async () => {
    const challenge = `PVE:!tfa!${encodeURIComponent(JSON.stringify({ totp: true, recovery: [0, 1] }))}:66A1B2C3::c2ln`;
    proxmox()
      .post('/access/ticket', { username: 'root@pam', password: 'pass-word-1234' })
      .reply(200, { data: { ticket: challenge, CSRFPreventionToken: 'x', username: 'root@pam', NeedTFA: 1 } }, json());
    expectLogin({ username: 'root@pam', 'tfa-challenge': challenge, password: 'totp:123456' });
    proxmox().get('/nodes').matchHeader('cookie', `PVEAuthCookie=${T1}`).reply(200, { data: [] }, json());
    const asked: TfaChallenge[] = [];
    const a = api({
      otp: async (c: TfaChallenge) => {
        asked.push(c);
        return '123456';
      },
    });
    await a.get('/nodes');
    expect(asked).toEqual([{ username: 'root@pam', types: ['totp', 'recovery'] }]);
  });

  it('a second factor without otp is an AuthenticationError', async () => {
    proxmox()
      .post('/access/ticket')
      .reply(200, { data: { ticket: 'PVE:!tfa!%7B%22totp%22%3Atrue%7D:66A1B2C3::c2ln', username: 'root@pam', NeedTFA: 1 } }, json());
    const err = await rejection(api().get('/nodes'));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toContain('needs a second factor, but option otp is not set');
  });
});

describe('ticket renewal on a fake clock', () => {
  const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
  beforeEach(() => {
    jest.useFakeTimers({
      now: T0,
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    });
  });
  afterEach(() => jest.useRealTimers());

  it('keeps the ticket for the first hour', async () => {
    expectLogin({ username: 'root@pam', password: 'pass-word-1234' });
    proxmox().get('/nodes').times(2).matchHeader('cookie', `PVEAuthCookie=${T1}`).reply(200, { data: [] }, json());
    const api = passwordApi();
    await api.get('/nodes');
    jest.setSystemTime(T0 + 30 * 60_000);
    await api.get('/nodes');
  });

  it('renews at 1 h 50 by posting the ticket as the password, unnoticed by the caller', async () => {
    expectLogin({ username: 'root@pam', password: 'pass-word-1234' });
    proxmox().get('/nodes').matchHeader('cookie', `PVEAuthCookie=${T1}`).reply(200, { data: [] }, json());
    expectLogin({ username: 'root@pam', password: T1 }, T2, CSRF2);
    proxmox()
      .post('/nodes/pve1/qemu/100/status/start')
      .matchHeader('cookie', `PVEAuthCookie=${T2}`)
      .matchHeader('csrfpreventiontoken', CSRF2)
      .reply(200, { data: 'UPID:pve1:00001234:00005678:66A1C0D3:qmstart:100:root@pam:' }, json());
    const api = passwordApi();
    const tickets: TicketEvent[] = [];
    api.on('ticket', (e) => tickets.push(e));
    await api.get('/nodes');
    jest.setSystemTime(T0 + 110 * 60_000);
    await expect(api.post('/nodes/pve1/qemu/100/status/start')).resolves.toMatch(/^UPID:/);
    expect(tickets.map((t) => t.reason)).toEqual(['login', 'renew']);
  });

  it('logs in afresh once the ticket is past two hours', async () => {
    expectLogin({ username: 'root@pam', password: 'pass-word-1234' });
    proxmox().get('/nodes').reply(200, { data: [] }, json());
    expectLogin({ username: 'root@pam', password: 'pass-word-1234' }, T2, CSRF2);
    proxmox().get('/nodes').matchHeader('cookie', `PVEAuthCookie=${T2}`).reply(200, { data: [] }, json());
    const api = passwordApi();
    await api.get('/nodes');
    jest.setSystemTime(T0 + 125 * 60_000);
    await api.get('/nodes');
  });

  it('renews a given ticket from its own timestamp', async () => {
    const issued = Math.floor((T0 - 100 * 60_000) / 1000).toString(16).toUpperCase();
    const given = `PVE:root@pam:${issued}::c2ln`;
    expectLogin({ username: 'root@pam', password: given }, T2, CSRF2);
    proxmox().get('/nodes').matchHeader('cookie', `PVEAuthCookie=${T2}`).reply(200, { data: [] }, json());
    const api = new ProxmoxAPI({ host: 'pve.test', ticket: given, csrfToken: CSRF1, ...FAST });
    await api.get('/nodes');
  });

  it('keeps the old ticket when renewal fails, with a warning', async () => {
    expectLogin({ username: 'root@pam', password: 'pass-word-1234' });
    proxmox().get('/nodes').times(3).matchHeader('cookie', `PVEAuthCookie=${T1}`).reply(200, { data: [] }, json());
    proxmox().post('/access/ticket', { username: 'root@pam', password: T1 }).reply(500, { data: null }, json('cluster not ready - no quorum?'));
    const api = passwordApi();
    const warnings: string[] = [];
    api.on('warning', (w) => warnings.push(w.code));
    await api.get('/nodes');
    jest.setSystemTime(T0 + 70 * 60_000);
    await api.get('/nodes');
    await api.get('/nodes'); // within the back-off: no second renewal attempt
    expect(warnings).toEqual(['TICKET_RENEW_FAILED']);
  });
});
