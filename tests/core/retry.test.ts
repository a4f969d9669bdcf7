import {
  AbortError,
  ConnectionError,
  NodeUnreachableError,
  ServerError,
  TimeoutError,
  type RetryEvent,
} from '../../src/index.js';
import { isRetryable } from '../../src/core/retry.js';
import { ADAPTERS, json, nockLifecycle, proxmox, rejection, tokenApi } from './support.js';

nockLifecycle();

/** A system error as node:net raises it (nock hangs on a plain object). */
const systemError = (code: string, message: string): Error => Object.assign(new Error(message), { code });
const refused = systemError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:8006');
const reset = systemError('ECONNRESET', 'socket hang up');

describe.each(ADAPTERS)('retries (%s adapter)', (adapter) => {
  it('retries a GET on 503 and emits a retry event', async () => {
    proxmox().get('/api2/json/cluster/status').reply(503, '', json('Service Unavailable'));
    proxmox().get('/api2/json/cluster/status').reply(200, { data: [{ type: 'cluster', name: 'lab' }] }, json());
    const api = tokenApi({ adapter });
    const retries: RetryEvent[] = [];
    api.on('retry', (e) => retries.push(e));
    await expect(api.get('/cluster/status')).resolves.toEqual([{ type: 'cluster', name: 'lab' }]);
    expect(retries).toEqual([
      { method: 'GET', path: '/cluster/status', attempt: 1, delayMs: expect.any(Number), reason: 'GET /cluster/status: 503 Service Unavailable' },
    ]);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(5);
  });

  it('gives up after `retries` and throws the last error', async () => {
    proxmox().get('/api2/json/nodes/pve2/status').times(3).reply(596, '', json('Connection timed out'));
    const api = tokenApi({ adapter, retries: 2 });
    const events: RetryEvent[] = [];
    api.on('retry', (e) => events.push(e));
    await expect(api.get('/nodes/pve2/status')).rejects.toBeInstanceOf(NodeUnreachableError);
    expect(events.map((e) => e.attempt)).toEqual([1, 2]);
  });

  it('honours per-call retries', async () => {
    proxmox().get('/api2/json/nodes').reply(502, '', json('Bad Gateway'));
    await expect(tokenApi({ adapter }).get('/nodes', undefined, { retries: 0 })).rejects.toBeInstanceOf(ServerError);
  });

  it('retries a GET on a connection reset', async () => {
    proxmox().get('/api2/json/nodes').replyWithError(reset);
    proxmox().get('/api2/json/nodes').reply(200, { data: [] }, json());
    await expect(tokenApi({ adapter }).get('/nodes')).resolves.toEqual([]);
  });

  it('never retries a POST on 503 or a reset', async () => {
    proxmox().post('/api2/json/nodes/pve1/qemu/100/status/start').reply(503, '', json('Service Unavailable'));
    const api = tokenApi({ adapter });
    const events: RetryEvent[] = [];
    api.on('retry', (e) => events.push(e));
    await expect(api.post('/nodes/pve1/qemu/100/status/start')).rejects.toBeInstanceOf(ServerError);
    proxmox().post('/api2/json/nodes/pve1/qemu/100/status/start').replyWithError(reset);
    const err = await rejection(api.post('/nodes/pve1/qemu/100/status/start'));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ code: 'ECONNRESET', method: 'POST', path: '/nodes/pve1/qemu/100/status/start' });
    expect(events).toEqual([]);
  });

  it('retries a POST whose connection was refused (nothing was sent)', async () => {
    proxmox().post('/api2/json/nodes/pve1/qemu/100/status/start').replyWithError(refused);
    proxmox().post('/api2/json/nodes/pve1/qemu/100/status/start').reply(200, { data: 'UPID:pve1:00001234:00005678:66A1B2C3:qmstart:100:root@pam:' }, json());
    await expect(tokenApi({ adapter }).post('/nodes/pve1/qemu/100/status/start')).resolves.toMatch(/^UPID:/);
  });

  it('maps a refused connection to ConnectionError with its code', async () => {
    proxmox().get('/api2/json/nodes').times(3).replyWithError(refused);
    const err = await rejection(tokenApi({ adapter }).get('/nodes'));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
    expect(err.message).toBe('GET /nodes: connection failed: connect ECONNREFUSED 10.0.0.5:8006');
    expect(err.cause).toBeUndefined();
  });

  it('times out an attempt with TimeoutError, distinct from abort', async () => {
    proxmox().get('/api2/json/nodes').delay(400).reply(200, { data: [] }, json());
    const err = await rejection(tokenApi({ adapter }).get('/nodes', undefined, { timeoutMs: 50, retries: 0 }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).not.toBeInstanceOf(AbortError);
    expect(err).toMatchObject({ timeoutMs: 50, code: 'ETIMEDOUT', method: 'GET', path: '/nodes' });
  });

  it('aborts at once on the caller\'s signal, in flight', async () => {
    proxmox().get('/api2/json/nodes').delay(400).reply(200, { data: [] }, json());
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(new Error('user pressed ^C')), 30);
    const err = await rejection(tokenApi({ adapter }).get('/nodes', undefined, { signal: ac.signal }));
    expect(err).toBeInstanceOf(AbortError);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect(err.message).toBe('GET /nodes: aborted');
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('aborts at once while waiting to retry', async () => {
    proxmox().get('/api2/json/nodes').reply(503, '', json('Service Unavailable'));
    const api = tokenApi({ adapter, retryMinDelayMs: 5000, retryMaxDelayMs: 8000 });
    const ac = new AbortController();
    api.on('retry', () => setTimeout(() => ac.abort(), 10));
    const started = Date.now();
    const err = await rejection(api.get('/nodes', undefined, { signal: ac.signal }));
    expect(err).toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('does not send when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(tokenApi({ adapter }).get('/nodes', undefined, { signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
  });
});

describe('isRetryable', () => {
  const info = { method: 'GET', path: '/nodes' };
  it('refuses TLS verification failures even for GET', () => {
    expect(isRetryable('GET', new ConnectionError(info, 'bad cert', 'DEPTH_ZERO_SELF_SIGNED_CERT'))).toBe(false);
    expect(isRetryable('GET', new ConnectionError(info, 'pin', 'ERR_TLS_FINGERPRINT_MISMATCH'))).toBe(false);
  });
  it('retries writes only when nothing was sent', () => {
    expect(isRetryable('PUT', new ConnectionError(info, 'dns', 'ENOTFOUND'))).toBe(true);
    expect(isRetryable('DELETE', new TimeoutError(info, 10))).toBe(false);
    expect(isRetryable('GET', new TimeoutError(info, 10))).toBe(true);
  });
});
