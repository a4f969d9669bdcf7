import { inspect } from 'node:util';
import { z } from 'zod';
import { ProxmoxAPI, ProxmoxError } from '../../src/index.js';
import { ADAPTERS, FAST, json, nockLifecycle, proxmox, rejection } from './support.js';

nockLifecycle();

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

const systemError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

/** The error paths of a session, each arranged with nock and then run. */
const paths: Array<[string, (api: ProxmoxAPI) => Promise<unknown>]> = [
  [
    '400 with errors echoing the secret',
    (api) => {
      proxmox()
        .post('/api2/json/nodes/pve1/qemu')
        .reply(400, { errors: { description: `invalid: ${TOKEN_SECRET} ${PASSWORD} ${TICKET} ${CSRF}` }, data: null }, json('Parameter verification failed.'));
      return api.post('/nodes/pve1/qemu', { vmid: 100, description: 'x' });
    },
  ],
  [
    '401',
    (api) => {
      proxmox().get('/api2/json/nodes').reply(401, { data: null }, json('invalid ticket'));
      proxmox().get('/api2/json/nodes').optionally().reply(401, { data: null }, json('invalid ticket'));
      proxmox().post('/api2/json/access/ticket').optionally().reply(200, { data: { ticket: TICKET, CSRFPreventionToken: CSRF, username: 'root@pam' } }, json());
      return api.get('/nodes');
    },
  ],
  [
    '403',
    (api) => {
      proxmox().get('/api2/json/nodes/pve1/qemu/100/config').reply(403, { data: null }, json('Permission check failed (/vms/100, VM.Audit)'));
      return api.get('/nodes/pve1/qemu/100/config');
    },
  ],
  [
    '500 lock, with the ticket in the reason phrase',
    (api) => {
      proxmox().put('/api2/json/nodes/pve1/qemu/101/config').reply(500, { data: null }, json(`can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout ${TICKET}`));
      return api.put('/nodes/pve1/qemu/101/config', { memory: 1024 });
    },
  ],
  [
    '596',
    (api) => {
      proxmox().get('/api2/json/nodes/pve2/status').reply(596, '', json('Connection timed out'));
      return api.get('/nodes/pve2/status', undefined, { retries: 0 });
    },
  ],
  [
    'PBS-style text body holding the secret',
    (api) => {
      proxmox().get('/api2/json/cluster/status').reply(500, `error: ${TOKEN_SECRET} ${PASSWORD}`, json());
      return api.get('/cluster/status', undefined, { retries: 0 });
    },
  ],
  [
    'non-JSON body',
    (api) => {
      proxmox().get('/api2/json/version').reply(200, `<html>${TOKEN_SECRET}${PASSWORD}${TICKET}</html>`, { 'content-type': 'text/html' });
      return api.get('/version');
    },
  ],
  [
    'schema mismatch',
    (api) => {
      proxmox().get('/api2/json/cluster/status').reply(200, { data: [{ name: 5, token: TOKEN_SECRET, password: PASSWORD }] }, json());
      return api.get('/cluster/status', undefined, { schema: z.array(z.object({ name: z.string() })) });
    },
  ],
  [
    'connection error whose message holds a secret',
    (api) => {
      proxmox().post('/api2/json/nodes/pve1/qemu/100/status/start').replyWithError(systemError('ECONNRESET', `reset ${TOKEN_SECRET} ${PASSWORD} ${TICKET}`));
      return api.post('/nodes/pve1/qemu/100/status/start');
    },
  ],
  [
    'TLS-like error',
    (api) => {
      proxmox().get('/api2/json/nodes').replyWithError(systemError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'));
      return api.get('/nodes');
    },
  ],
  [
    'timeout',
    (api) => {
      proxmox().get('/api2/json/nodes').delay(300).reply(200, { data: [] }, json());
      return api.get('/nodes', undefined, { timeoutMs: 20, retries: 0 });
    },
  ],
  [
    'abort',
    (api) => {
      proxmox().get('/api2/json/nodes').delay(300).reply(200, { data: [] }, json());
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 10);
      return api.get('/nodes', undefined, { signal: ac.signal });
    },
  ],
];

const sessions: Array<[string, () => ProxmoxAPI, () => void, string[]]> = [
  ['token', () => new ProxmoxAPI({ host: 'pve.test', tokenId: 'root@pam!ci', tokenSecret: TOKEN_SECRET, ...FAST }), () => undefined, [TOKEN_SECRET]],
  [
    'password',
    () => new ProxmoxAPI({ host: 'pve.test', username: 'root@pam', password: PASSWORD, ...FAST }),
    () => {
      proxmox().post('/api2/json/access/ticket').reply(200, { data: { ticket: TICKET, CSRFPreventionToken: CSRF, username: 'root@pam' } }, json());
    },
    [PASSWORD, ...TICKET_SECRETS],
  ],
  ['ticket', () => new ProxmoxAPI({ host: 'pve.test', ticket: TICKET, csrfToken: CSRF, ...FAST }), () => undefined, TICKET_SECRETS],
];

describe.each(ADAPTERS)('no secret in any error or event (%s adapter)', (adapter) => {
  describe.each(sessions)('%s session', (_kind, make, arrange, sessionSecrets) => {
    it.each(paths)('%s', async (label, run) => {
      const secrets = sessionSecrets;
      arrange();
      const api = make();
      void adapter;
      const events: unknown[] = [];
      for (const name of ['request', 'response', 'retry', 'ticket', 'warning'] as const) api.on(name, (e: unknown) => events.push(e));
      const err = await rejection(run(api));
      expect(err).toBeInstanceOf(ProxmoxError);
      expectClean(err, `${label}: the error`, secrets);
      expectClean(err.cause, `${label}: the cause`, secrets);
      expectClean(events, `${label}: the events`, secrets);
      expectClean(api, `${label}: the session`, secrets);
    });
  });

  it('a refused login and a refused second factor reveal neither password nor answer', async () => {
    proxmox().post('/api2/json/access/ticket').reply(401, { data: null }, json(`authentication failure for ${PASSWORD}`));
    const api = new ProxmoxAPI({ host: 'pve.test', username: 'root@pam', password: PASSWORD, ...FAST });
    expectClean(await rejection(api.login()), 'refused login', [PASSWORD]);

    const challenge = 'PVE:!tfa!%7B%22totp%22%3Atrue%7D:66A1B2C3::CANARY-ticket-sig';
    proxmox().post('/api2/json/access/ticket').reply(200, { data: { ticket: challenge, username: 'root@pam', NeedTFA: 1 } }, json());
    proxmox().post('/api2/json/access/ticket').reply(401, { data: null }, json(`bad otp ${OTP}`));
    const tfa = new ProxmoxAPI({ host: 'pve.test', username: 'root@pam', password: PASSWORD, otp: async () => OTP, ...FAST });
    const events: unknown[] = [];
    tfa.on('ticket', (e) => events.push(e));
    const all = [PASSWORD, OTP, ...TICKET_SECRETS];
    expectClean(await rejection(tfa.get('/nodes')), 'refused second factor', all);
    expectClean(events, 'ticket events', all);
    expectClean(tfa, 'the TFA session', all);
  });

  it('a logged-in session shows no secret when inspected or serialised', async () => {
    proxmox().post('/api2/json/access/ticket').reply(200, { data: { ticket: TICKET, CSRFPreventionToken: CSRF, username: 'root@pam' } }, json());
    const api = new ProxmoxAPI({ host: 'pve.test', username: 'root@pam', password: PASSWORD, ...FAST });
    await api.login();
    expectClean(api, 'the session', [PASSWORD, ...TICKET_SECRETS]);
    expect(JSON.parse(JSON.stringify(api))).toEqual({ product: 'pve', host: 'pve.test', port: 8006, baseUrl: 'https://pve.test:8006/api2/json' });
  });
});
