import { inspect } from 'node:util';
import { z } from 'zod';
import { ProxmoxAPI, ProxmoxError, type ProxmoxOptions } from '../../src/index.js';
import { CA, closeLoopbacks, closedPort, startLoopback } from './loopback.js';
import { ADAPTERS, FAST, json, proxmox } from './support.js';
import { nockLifecycle, rejection } from '../support/session.js';

nockLifecycle();
afterEach(closeLoopbacks);

const TOKEN_SECRET = 'CANARY-token-5f0e2c1a';
const PASSWORD = 'CANARY-password-9b8a';
const TICKET = 'PVE:root@pam:66A1B2C3::CANARY-ticket-sig==';
const CSRF = '66A1B2C3:CANARY-csrf-77';
const OTP = 'CANARY-otp-424242';
const TICKET_SECRETS = ['CANARY-ticket-sig', 'CANARY-csrf'];

/** Every way an error or value gets printed. */
function renderings(value: unknown): string[] {
  const out = [
    inspect(value, { depth: Infinity, showHidden: true, getters: true }),
    inspect(value, { depth: Infinity }),
    inspect(value, { depth: Infinity, showHidden: true, customInspect: false }),
    JSON.stringify(value) ?? '',
    String(value),
  ];
  if (value instanceof Error) out.push(value.message, String(value.stack));
  return out;
}

/** Checks every rendering of `value` for the secrets a session knows (it cannot hide others'). */
function expectClean(value: unknown, label: string, secrets: readonly string[]): void {
  for (const text of renderings(value)) {
    for (const secret of secrets) {
      if (text.includes(secret)) throw new Error(`${label} reveals ${secret}: ${text.slice(0, 2000)}`);
    }
  }
}

type Make = (extra?: object) => ProxmoxAPI;
/** Arranges one error path (nock or a loopback server) and returns the session and its failing call. */
type ErrorPath = (make: Make) => Promise<[ProxmoxAPI, Promise<unknown>]> | [ProxmoxAPI, Promise<unknown>];
const on = (api: ProxmoxAPI, call: (api: ProxmoxAPI) => Promise<unknown>): [ProxmoxAPI, Promise<unknown>] => [api, call(api)];

/** The error paths of a session. */
const paths: Array<[string, ErrorPath]> = [
  [
    '400 with errors echoing the secret',
    (make) => {
      proxmox()
        .post('/nodes/pve1/qemu')
        .reply(400, { errors: { description: `invalid: ${TOKEN_SECRET} ${PASSWORD} ${TICKET} ${CSRF}` }, data: null }, json('Parameter verification failed.'));
      return on(make(), (api) => api.post('/nodes/pve1/qemu', { vmid: 100, description: 'x' }));
    },
  ],
  [
    '401',
    (make) => {
      proxmox().get('/nodes').reply(401, { data: null }, json('invalid ticket'));
      proxmox().get('/nodes').optionally().reply(401, { data: null }, json('invalid ticket'));
      proxmox().post('/access/ticket').optionally().reply(200, { data: { ticket: TICKET, CSRFPreventionToken: CSRF, username: 'root@pam' } }, json());
      return on(make(), (api) => api.get('/nodes'));
    },
  ],
  [
    '403',
    (make) => {
      proxmox().get('/nodes/pve1/qemu/100/config').reply(403, { data: null }, json('Permission check failed (/vms/100, VM.Audit)'));
      return on(make(), (api) => api.get('/nodes/pve1/qemu/100/config'));
    },
  ],
  [
    '500 lock, with the ticket in the reason phrase',
    (make) => {
      proxmox().put('/nodes/pve1/qemu/101/config').reply(500, { data: null }, json(`can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout ${TICKET}`));
      return on(make(), (api) => api.put('/nodes/pve1/qemu/101/config', { memory: 1024 }));
    },
  ],
  [
    '596',
    (make) => {
      proxmox().get('/nodes/pve2/status').reply(596, '', json('Connection timed out'));
      return on(make(), (api) => api.get('/nodes/pve2/status', undefined, { retries: 0 }));
    },
  ],
  [
    'PBS-style text body holding the secret',
    (make) => {
      proxmox().get('/cluster/status').reply(500, `error: ${TOKEN_SECRET} ${PASSWORD}`, json());
      return on(make(), (api) => api.get('/cluster/status', undefined, { retries: 0 }));
    },
  ],
  [
    'non-JSON body',
    (make) => {
      proxmox().get('/version').reply(200, `<html>${TOKEN_SECRET}${PASSWORD}${TICKET}</html>`, { 'content-type': 'text/html' });
      return on(make(), (api) => api.get('/version'));
    },
  ],
  [
    'schema mismatch',
    (make) => {
      proxmox().get('/cluster/status').reply(200, { data: [{ name: 5, token: TOKEN_SECRET, password: PASSWORD }] }, json());
      return on(make(), (api) => api.get('/cluster/status', undefined, { schema: z.array(z.object({ name: z.string() })) }));
    },
  ],
  [
    'connection reset (a real axios error, whose config holds the credentials)',
    async (make) => {
      const server = await startLoopback('reset');
      return on(make({ host: '127.0.0.1', port: server.port, tls: { ca: CA } }), (api) => api.post('/nodes/pve1/qemu/100/status/start'));
    },
  ],
  [
    'connection refused',
    async (make) => {
      const port = await closedPort();
      return on(make({ host: '127.0.0.1', port, tls: { ca: CA } }), (api) => api.put('/nodes/pve1/qemu/100/config', { memory: 512 }));
    },
  ],
  [
    'TLS verification failure',
    async (make) => {
      const server = await startLoopback('reset');
      return on(make({ host: '127.0.0.1', port: server.port }), (api) => api.get('/nodes'));
    },
  ],
  [
    'timeout',
    (make) => {
      // Optional: under load a password session's login may use up the whole timeout.
      proxmox().get('/nodes').optionally().delay(300).reply(200, { data: [] }, json());
      return on(make(), (api) => api.get('/nodes', undefined, { timeoutMs: 20, retries: 0 }));
    },
  ],
  [
    'abort',
    (make) => {
      proxmox().get('/nodes').optionally().delay(300).reply(200, { data: [] }, json());
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 10);
      return on(make(), (api) => api.get('/nodes', undefined, { signal: ac.signal }));
    },
  ],
];

type Session = (extra: object) => ProxmoxAPI;
const session = (options: object): Session => (extra) => new ProxmoxAPI({ host: 'pve.test', ...FAST, ...options, ...extra } as ProxmoxOptions);
const sessions: Array<[string, Session, () => void, string[]]> = [
  ['token', session({ tokenId: 'root@pam!ci', tokenSecret: TOKEN_SECRET }), () => undefined, [TOKEN_SECRET]],
  [
    'password',
    session({ username: 'root@pam', password: PASSWORD }),
    () => {
      // Optional: the loopback paths fail before any login can reach nock.
      proxmox().post('/access/ticket').optionally().reply(200, { data: { ticket: TICKET, CSRFPreventionToken: CSRF, username: 'root@pam' } }, json());
    },
    [PASSWORD, ...TICKET_SECRETS],
  ],
  ['ticket', session({ ticket: TICKET, csrfToken: CSRF }), () => undefined, TICKET_SECRETS],
];

describe.each(ADAPTERS)('no secret in any error or event (%s adapter)', (adapter) => {
  describe.each(sessions)('%s session', (_kind, make, arrange, sessionSecrets) => {
    it.each(paths)('%s', async (label, run) => {
      const secrets = sessionSecrets;
      arrange();
      const events: unknown[] = [];
      const [api, call] = await run((extra = {}) => {
        const created = make({ adapter, ...extra });
        for (const name of ['request', 'response', 'retry', 'ticket', 'warning'] as const) created.on(name, (e: unknown) => events.push(e));
        return created;
      });
      const err = await rejection(call);
      expect(err).toBeInstanceOf(ProxmoxError);
      expectClean(err, `${label}: the error`, secrets);
      expectClean(err.cause, `${label}: the cause`, secrets);
      expectClean(events, `${label}: the events`, secrets);
      expectClean(api, `${label}: the session`, secrets);
    });
  });

  it('a refused login and a refused second factor reveal neither password nor answer', async () => {
    proxmox().post('/access/ticket').reply(401, { data: null }, json(`authentication failure for ${PASSWORD}`));
    const api = new ProxmoxAPI({ host: 'pve.test', username: 'root@pam', password: PASSWORD, ...FAST });
    expectClean(await rejection(api.login()), 'refused login', [PASSWORD]);

    const challenge = 'PVE:!tfa!%7B%22totp%22%3Atrue%7D:66A1B2C3::CANARY-ticket-sig';
    proxmox().post('/access/ticket').reply(200, { data: { ticket: challenge, username: 'root@pam', NeedTFA: 1 } }, json());
    proxmox().post('/access/ticket').reply(401, { data: null }, json(`bad otp ${OTP}`));
    const tfa = new ProxmoxAPI({ host: 'pve.test', username: 'root@pam', password: PASSWORD, otp: async () => OTP, ...FAST });
    const events: unknown[] = [];
    tfa.on('ticket', (e) => events.push(e));
    const all = [PASSWORD, OTP, ...TICKET_SECRETS];
    expectClean(await rejection(tfa.get('/nodes')), 'refused second factor', all);
    expectClean(events, 'ticket events', all);
    expectClean(tfa, 'the TFA session', all);
  });

  it('a call\'s own secrets (option secrets) are blanked out of its errors and retry events, not others\'', async () => {
    const CALL_SECRET = 'CANARY-call-31d7';
    proxmox().put('/access/password').reply(400, { errors: { password: `too weak: ${CALL_SECRET}` }, data: null }, json('Parameter verification failed.'));
    proxmox().get('/nodes').reply(503, { data: null }, json(`busy with ${CALL_SECRET}`));
    proxmox().get('/nodes').reply(500, { data: null }, json(`failed: ${CALL_SECRET}`));
    proxmox().get('/version').reply(500, { data: null }, json(`failed: ${CALL_SECRET}`));
    const api = new ProxmoxAPI({ host: 'pve.test', tokenId: 'root@pam!ci', tokenSecret: TOKEN_SECRET, adapter, ...FAST });
    const events: unknown[] = [];
    api.on('retry', (e) => events.push(e));
    const refused = await rejection(api.put('/access/password', { userid: 'a@pve', password: CALL_SECRET }, { secrets: [CALL_SECRET] }));
    expect(refused).toMatchObject({ status: 400, errors: { password: 'too weak: ***' } });
    const failed = await rejection(api.get('/nodes', undefined, { secrets: [CALL_SECRET], retries: 1 }));
    expect(failed.message).toBe('GET /nodes: 500 failed: ***');
    expect(events).toMatchObject([{ path: '/nodes', reason: 'GET /nodes: 503 busy with ***' }]);
    for (const [value, label] of [[refused, 'the 400'], [failed, 'the 500'], [events, 'the retry event']] as const) expectClean(value, label, [CALL_SECRET, TOKEN_SECRET]);
    // Another call's secret is not this one's: nothing to blank out there.
    expect((await rejection(api.get('/version'))).message).toBe(`GET /version: 500 failed: ${CALL_SECRET}`);
    await expect(api.get('/nodes', undefined, { secrets: 'x' as unknown as string[] })).rejects.toThrow('option secrets must be an array of strings');
  });

  it('a logged-in session shows no secret when inspected or serialised', async () => {
    proxmox().post('/access/ticket').reply(200, { data: { ticket: TICKET, CSRFPreventionToken: CSRF, username: 'root@pam' } }, json());
    const api = new ProxmoxAPI({ host: 'pve.test', username: 'root@pam', password: PASSWORD, ...FAST });
    await api.login();
    expectClean(api, 'the session', [PASSWORD, ...TICKET_SECRETS]);
    expect(JSON.parse(JSON.stringify(api))).toEqual({ product: 'pve', host: 'pve.test', port: 8006, baseUrl: 'https://pve.test:8006/api2/json' });
  });
});
