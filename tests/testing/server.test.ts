import https from 'node:https';
import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { startSimulator, type Simulator } from '../../src/testing/index.js';
import { oracleHook, takeViolations } from '../support/oracle.js';
import { call } from './client.js';

describe('simulator server', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ onRequest: oracleHook() });
  });
  afterAll(() => sim.close());

  it('listens on 127.0.0.1 with a pinned-able certificate', () => {
    expect(sim.host).toBe('127.0.0.1');
    expect(sim.url).toBe(`https://127.0.0.1:${sim.port}`);
    expect(sim.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(sim.ca).toContain('BEGIN CERTIFICATE');
    expect(sim.tokenId).toBe('root@pam!sim');
  });

  it('answers { data } as application/json;charset=UTF-8', async () => {
    const r = await call(sim, 'GET', '/version');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(r.body).toEqual({ data: { release: '9.1', repoid: expect.any(String), version: expect.stringMatching(/^9\.1/) } });
  });

  it('answers a bad parameter with PVE\'s 400', async () => {
    const r = await call(sim, 'POST', '/nodes/pve1/qemu/101/snapshot', { snapname: '1bad', bogus: 1 });
    expect(r.status).toBe(400);
    expect(r.reason).toBe('Parameter verification failed.');
    expect(r.body).toEqual({
      data: null,
      errors: {
        snapname: "invalid configuration ID '1bad'",
        bogus: 'property is not defined in schema and the schema does not allow additional properties',
      },
    });
    const missing = await call(sim, 'POST', '/nodes/pve1/qemu/101/snapshot', {});
    expect(missing.body.errors).toEqual({ snapname: 'property is missing and it is not optional' });
    const typed = await call(sim, 'GET', '/nodes/pve1/qemu/abc/status/current');
    expect(typed.body.errors).toEqual({ vmid: "type check ('integer') failed - got 'abc'" });
    const range = await call(sim, 'GET', '/nodes/pve1/qemu/99/status/current');
    expect(range.body.errors).toEqual({ vmid: 'value must have a minimum value of 100' });
    const enumerated = await call(sim, 'GET', '/cluster/resources', { type: 'vms' });
    expect(enumerated.body.errors?.type).toBe("value 'vms' does not have a value in the enumeration 'vm, storage, node, sdn'");
    // The schema oracle agrees: each of these requests breaks the official schema.
    expect(takeViolations().length).toBeGreaterThanOrEqual(5);
  });

  it('answers 501 for an unknown path or method', async () => {
    const r = await call(sim, 'GET', '/nodes/pve1/nothing');
    expect(r.status).toBe(501);
    expect(r.reason).toBe("Method 'GET /nodes/pve1/nothing' not implemented");
    const m = await call(sim, 'DELETE', '/version');
    expect(m.status).toBe(501);
    expect(takeViolations().length).toBe(2);
  });

  it('answers PVE\'s "does not exist" for an unknown guest', async () => {
    const r = await call(sim, 'GET', '/nodes/pve1/qemu/999/status/current');
    expect(r.status).toBe(500);
    expect(r.reason).toBe("Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist");
    const ct = await call(sim, 'GET', '/nodes/pve2/lxc/200/config');
    expect(ct.reason).toBe("Configuration file 'nodes/pve2/lxc/200.conf' does not exist");
  });

  it('rejects chunked bodies as pveproxy does', async () => {
    const reply = await new Promise<{ status: number; reason: string }>((resolve, reject) => {
      const req = https.request(`${sim.url}/api2/json/nodes/pve1/qemu/101/config`, {
        method: 'PUT', ca: sim.ca, agent: false,
        headers: {
          Authorization: `PVEAPIToken=${sim.tokenId}=${sim.tokenSecret}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          'Transfer-Encoding': 'chunked',
        },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '' }));
      });
      req.on('error', reject);
      req.write('description=x');
      req.end();
    });
    expect(reply).toEqual({ status: 501, reason: 'chunked transfer encoding not supported' });
  });

  it('gzips a large body when the client accepts gzip, as pveproxy', async () => {
    const res = await new Promise<{ encoding: unknown; body: Buffer }>((resolve, reject) => {
      https.get(`${sim.url}/api2/json/cluster/resources`, {
        ca: sim.ca, agent: false,
        headers: { Authorization: `PVEAPIToken=${sim.tokenId}=${sim.tokenSecret}`, 'Accept-Encoding': 'gzip' },
      }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ encoding: r.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    expect(res.encoding).toBe('gzip');
    const data = (JSON.parse(gunzipSync(res.body).toString('utf8')) as { data: unknown[] }).data;
    expect(data.length).toBeGreaterThan(10);
    const plain = await call(sim, 'GET', '/cluster/resources');
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('does not trust anyone by default: a client without the CA refuses it', async () => {
    await expect(fetch(`${sim.url}/api2/json/version`)).rejects.toThrow();
  });

  it('runs two simulators at once, and close() frees the port', async () => {
    const other = await startSimulator({ release: '7.4', onRequest: oracleHook({ release: '7.4' }) });
    expect(other.port).not.toBe(sim.port);
    const a = await call(sim, 'GET', '/version');
    const b = await call(other, 'GET', '/version');
    expect((a.body.data as Record<string, unknown>).release).toBe('9.1');
    expect((b.body.data as Record<string, unknown>).release).toBe('7.4');
    const port = other.port;
    await other.close();
    await new Promise<void>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
    });
  });

  it('calls onRequest for every request with path, query and body', async () => {
    const seen: Array<{ method: string; path: string; query: unknown; body: unknown }> = [];
    const oracle = sim.onRequest;
    sim.onRequest = (r) => seen.push(r);
    await call(sim, 'GET', '/cluster/resources', { type: 'vm' });
    await call(sim, 'PUT', '/nodes/pve1/qemu/101/config', { description: 'hello world' });
    sim.onRequest = oracle;
    expect(seen).toEqual([
      { method: 'GET', path: '/cluster/resources', query: { type: 'vm' }, body: {} },
      { method: 'PUT', path: '/nodes/pve1/qemu/101/config', query: {}, body: { description: 'hello world' } },
    ]);
  });
});
