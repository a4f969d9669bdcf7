import { startSimulator, type Simulator } from '../../src/testing/index.js';
import { oracleHook } from '../support/oracle.js';
import { call } from './client.js';

describe('simulator auth', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ clock: { manual: true }, onRequest: oracleHook() });
  });
  afterAll(() => sim.close());
  afterEach(() => {
    sim.faults.clear();
  });

  async function login(username: string, password: string, extra: Record<string, string> = {}) {
    return call(sim, 'POST', '/access/ticket', { username, password, ...extra }, {});
  }

  it('answers 401 "No ticket" without credentials', async () => {
    const r = await call(sim, 'GET', '/version', {}, {});
    expect(r.status).toBe(401);
    expect(r.reason).toBe('No ticket');
  });

  it('refuses a wrong password with 401 "authentication failure"', async () => {
    const r = await login(sim.username, 'wrong');
    expect(r.status).toBe(401);
    expect(r.reason).toBe('authentication failure');
  });

  it('logs in, uses the cookie, and needs the CSRF token on writes', async () => {
    const r = await login(sim.username, sim.password);
    expect(r.status).toBe(200);
    const data = r.body.data as Record<string, unknown>;
    expect(data.username).toBe('root@pam');
    expect(data.ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::/);
    expect(data.CSRFPreventionToken).toMatch(/^[0-9A-F]{8}:\S+$/);
    expect(data.clustername).toBe('simcluster');
    const ticket = String(data.ticket);
    const csrf = String(data.CSRFPreventionToken);

    expect((await call(sim, 'GET', '/version', {}, { ticket })).status).toBe(200);
    const noCsrf = await call(sim, 'POST', '/nodes/pve1/qemu/101/status/start', {}, { ticket });
    expect(noCsrf.status).toBe(401);
    expect(noCsrf.reason).toBe('Permission denied - invalid csrf token');
    const withCsrf = await call(sim, 'PUT', '/nodes/pve1/qemu/101/config', { description: 'x' }, { ticket, csrf });
    expect(withCsrf.status).toBe(200);
  });

  it('accepts the realm separately and renews with the ticket as password', async () => {
    const first = await login('root', sim.password, { realm: 'pam' });
    expect(first.status).toBe(200);
    const ticket = String((first.body.data as Record<string, unknown>).ticket);
    sim.clock.advance(3600_000);
    const renewed = await login('root@pam', ticket);
    expect(renewed.status).toBe(200);
    expect((renewed.body.data as Record<string, unknown>).ticket).not.toBe(ticket);
  });

  it('expires tickets after two hours of simulator time', async () => {
    const r = await login(sim.username, sim.password);
    const ticket = String((r.body.data as Record<string, unknown>).ticket);
    sim.clock.advance(7199_000);
    expect((await call(sim, 'GET', '/version', {}, { ticket })).status).toBe(200);
    sim.clock.advance(2_000);
    const late = await call(sim, 'GET', '/version', {}, { ticket });
    expect(late.status).toBe(401);
    expect(late.reason).toContain('invalid PVE ticket');
    expect((await login(sim.username, ticket)).status).toBe(401);
  });

  it('expires every ticket at once on the expireTickets fault', async () => {
    const r = await login(sim.username, sim.password);
    const ticket = String((r.body.data as Record<string, unknown>).ticket);
    sim.faults.expireTickets();
    expect((await call(sim, 'GET', '/version', {}, { ticket })).status).toBe(401);
  });

  it('accepts API tokens and rejects a wrong secret', async () => {
    expect((await call(sim, 'GET', '/version')).status).toBe(200);
    const bad = await call(sim, 'GET', '/version', {}, { token: { id: sim.tokenId, secret: 'nope' } });
    expect(bad.status).toBe(401);
    expect(bad.reason).toBe('invalid token value!');
    const unknown = await call(sim, 'GET', '/version', {}, { token: { id: 'root@pam!other', secret: 'x' } });
    expect(unknown.reason).toBe("no such token 'other' for user 'root@pam'");
  });

  it('does not let a token create a ticket', async () => {
    const r = await call(sim, 'POST', '/access/ticket', { username: sim.tokenId, password: sim.tokenSecret }, {});
    expect(r.status).toBe(401);
  });

  it('asks for a second factor and completes it with tfa-challenge', async () => {
    const first = await login('tfa@pve', 'tfa-pass');
    expect(first.status).toBe(200);
    const half = first.body.data as Record<string, unknown>;
    expect(half.NeedTFA).toBe(1);
    const halfTicket = String(half.ticket);
    expect((await call(sim, 'GET', '/version', {}, { ticket: halfTicket })).status).toBe(401);
    const wrong = await login('tfa@pve', 'totp:000000', { 'tfa-challenge': halfTicket });
    expect(wrong.status).toBe(401);
    const done = await login('tfa@pve', 'totp:123456', { 'tfa-challenge': halfTicket });
    expect(done.status).toBe(200);
    const full = done.body.data as Record<string, unknown>;
    expect(full.NeedTFA).toBeUndefined();
    expect((await call(sim, 'GET', '/version', {}, { ticket: String(full.ticket) })).status).toBe(200);
  });

  it('refuses a disabled user', async () => {
    expect((await login('disabled@pve', 'disabled-pass')).status).toBe(401);
  });
});

describe('simulator permissions', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ clock: { manual: true }, onRequest: oracleHook() });
  });
  afterAll(() => sim.close());

  it('lets an auditor read but answers 403 on writes', async () => {
    const r = await call(sim, 'POST', '/access/ticket', { username: 'auditor@pve', password: 'audit-pass' }, {});
    const data = r.body.data as Record<string, string>;
    const auth = { ticket: String(data.ticket), csrf: String(data.CSRFPreventionToken) };
    expect((await call(sim, 'GET', '/nodes/pve1/qemu', {}, auth)).status).toBe(200);
    const w = await call(sim, 'POST', '/nodes/pve1/qemu/101/status/start', {}, auth);
    expect(w.status).toBe(403);
    expect(w.reason).toBe('Permission check failed (/vms/101, VM.PowerMgmt)');
  });
});
