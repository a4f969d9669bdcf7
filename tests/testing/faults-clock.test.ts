import https from 'node:https';
import { startSimulator, type Simulator } from '../../src/testing/index.js';
import { oracleHook } from '../support/oracle.js';
import { call, taskStatus } from './client.js';

describe('simulator faults', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ clock: { manual: true }, onRequest: oracleHook() });
  });
  afterAll(() => sim.close());
  afterEach(() => sim.faults.clear());

  it('fails the next N matching requests with the given status', async () => {
    sim.faults.failNext({ method: 'GET', path: '/version', status: 503, count: 2 });
    expect((await call(sim, 'GET', '/nodes')).status).toBe(200);
    const a = await call(sim, 'GET', '/version');
    expect(a.status).toBe(503);
    expect(a.reason).toBe('Service Unavailable');
    expect((await call(sim, 'GET', '/version')).status).toBe(503);
    expect((await call(sim, 'GET', '/version')).status).toBe(200);
    sim.faults.failNext({ path: /^\/nodes\/pve2\//, status: 596 });
    const p = await call(sim, 'GET', '/nodes/pve2/qemu');
    expect(p.status).toBe(596);
    expect(p.reason).toBe('Connection timed out');
  });

  it('drops the connection of the next matching request', async () => {
    sim.faults.dropNext({ path: '/version' });
    await expect(call(sim, 'GET', '/version')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await call(sim, 'GET', '/version')).status).toBe(200);
  });

  it('answers 596 for calls to an offline node and shows it offline', async () => {
    sim.faults.setNodeOffline('pve3');
    const r = await call(sim, 'GET', '/nodes/pve3/qemu');
    expect(r.status).toBe(596);
    const nodes = (await call(sim, 'GET', '/nodes')).body.data as Array<Record<string, unknown>>;
    expect(nodes.find((n) => n.node === 'pve3')?.status).toBe('offline');
    const status = (await call(sim, 'GET', '/cluster/status')).body.data as Array<Record<string, unknown>>;
    expect(status.find((n) => n.name === 'pve3')?.online).toBe(0);
    expect((await call(sim, 'GET', '/nodes/pve1/qemu')).status).toBe(200);
    sim.faults.setNodeOffline('pve3', false);
    expect((await call(sim, 'GET', '/nodes/pve3/qemu')).status).toBe(200);
  });

  it('adds latency', async () => {
    sim.faults.latency(150);
    const t0 = Date.now();
    await call(sim, 'GET', '/version');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});

describe('simulator clock', () => {
  it('runs tasks on scaled real time', async () => {
    const sim = await startSimulator({ clock: { speed: 100 }, onRequest: oracleHook() });
    try {
      const r = await call(sim, 'POST', '/nodes/pve1/qemu/101/status/start');
      const upid = String(r.body.data);
      const t0 = Date.now();
      // 2 s of simulated time is 20 ms here: poll until it ends, well before 2 s of real time.
      let st = await taskStatus(sim, upid);
      while (st.status === 'running' && Date.now() - t0 < 1500) {
        await new Promise((res) => setTimeout(res, 10));
        st = await taskStatus(sim, upid);
      }
      expect(st).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      await sim.close();
    }
  });

  it('stands still in manual mode until advanced, and runAll finishes everything', async () => {
    const sim = await startSimulator({ clock: { manual: true, start: Date.UTC(2025, 0, 1) }, onRequest: oracleHook() });
    try {
      expect(sim.clock.now()).toBe(Date.UTC(2025, 0, 1));
      const r = await call(sim, 'POST', '/nodes/pve1/qemu/100/migrate', { target: 'pve3', online: 1, 'with-local-disks': 1 });
      const upid = String(r.body.data);
      expect(upid.split(':')[4]).toBe((Date.UTC(2025, 0, 1) / 1000).toString(16).toUpperCase());
      await new Promise((res) => setTimeout(res, 50));
      expect((await taskStatus(sim, upid)).status).toBe('running');
      sim.clock.advance(19_000);
      expect((await taskStatus(sim, upid)).status).toBe('running');
      sim.clock.runAll();
      expect((await taskStatus(sim, upid)).status).toBe('stopped');
      expect(sim.clock.pending()).toBe(0);
      expect(sim.state.guest(100)?.node).toBe('pve3');
    } finally {
      await sim.close();
    }
  });

  it('reuses no connection after an error (Connection: close, as pveproxy)', async () => {
    const sim = await startSimulator();
    try {
      const agent = new https.Agent({ keepAlive: true, ca: sim.ca });
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
        https.get(`${sim.url}/api2/json/version`, { agent }, (res) => {
          res.resume();
          resolve(res.headers);
        }).on('error', reject);
      });
      expect(headers.connection).toBe('close');
      agent.destroy();
    } finally {
      await sim.close();
    }
  });
});

describe('simulator reset', () => {
  it('forgets tasks and their timers but keeps a test\'s own clock timers', async () => {
    const sim = await startSimulator({ clock: { manual: true } });
    try {
      let fired = false;
      sim.clock.at(sim.clock.now() + 5_000, () => {
        fired = true;
      });
      await call(sim, 'POST', '/nodes/pve1/qemu/101/status/start');
      expect(sim.clock.pending()).toBe(2);
      sim.state.reset();
      expect(sim.tasks.list()).toEqual([]);
      expect(sim.clock.pending()).toBe(1);
      sim.clock.advance(5_000);
      expect(fired).toBe(true);
      expect(sim.state.guest(101)?.status).toBe('stopped');
    } finally {
      await sim.close();
    }
  });
});
