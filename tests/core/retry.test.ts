import {
  AbortError,
  ConnectionError,
  NodeUnreachableError,
  ServerError,
  TimeoutError,
  type RetryEvent,
} from '../../src/index.js';
import { isRetryable, withRetry } from '../../src/core/retry.js';
import { ADAPTERS, json, proxmox, tokenApi } from './support.js';
import { nockLifecycle, rejection } from '../support/session.js';
import { CA, closeLoopbacks, closedPort, startLoopback } from './loopback.js';

nockLifecycle();

afterEach(closeLoopbacks);

/** A session on a real loopback server (nock's replyWithError is flaky under load). */
const loopbackApi = (adapter: 'lean' | 'axios', port: number, extra: object = {}) =>
  tokenApi({ adapter, host: '127.0.0.1', port, tls: { ca: CA }, ...extra });

describe.each(ADAPTERS)('retries (%s adapter)', (adapter) => {
  it('retries a GET on 503 and emits a retry event', async () => {
    proxmox().get('/cluster/status').reply(503, '', json('Service Unavailable'));
    proxmox().get('/cluster/status').reply(200, { data: [{ type: 'cluster', name: 'lab' }] }, json());
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
    proxmox().get('/nodes/pve2/status').times(3).reply(596, '', json('Connection timed out'));
    const api = tokenApi({ adapter, retries: 2 });
    const events: RetryEvent[] = [];
    api.on('retry', (e) => events.push(e));
    await expect(api.get('/nodes/pve2/status')).rejects.toBeInstanceOf(NodeUnreachableError);
    expect(events.map((e) => e.attempt)).toEqual([1, 2]);
  });

  it('honours per-call retries', async () => {
    proxmox().get('/nodes').reply(502, '', json('Bad Gateway'));
    await expect(tokenApi({ adapter }).get('/nodes', undefined, { retries: 0 })).rejects.toBeInstanceOf(ServerError);
  });

  it('retries a GET on a connection reset', async () => {
    let calls = 0;
    const server = await startLoopback((req, res) => {
      calls += 1;
      if (calls === 1) req.socket.destroy();
      else res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' }).end('{"data":[]}');
    });
    await expect(loopbackApi(adapter, server.port).get('/nodes')).resolves.toEqual([]);
    expect(server.requests).toBe(2);
  });

  it('never retries a POST on 503 or a reset', async () => {
    proxmox().post('/nodes/pve1/qemu/100/status/start').reply(503, '', json('Service Unavailable'));
    const api = tokenApi({ adapter });
    const events: RetryEvent[] = [];
    api.on('retry', (e) => events.push(e));
    await expect(api.post('/nodes/pve1/qemu/100/status/start')).rejects.toBeInstanceOf(ServerError);
    const server = await startLoopback('reset');
    const local = loopbackApi(adapter, server.port);
    local.on('retry', (e) => events.push(e));
    const err = await rejection(local.post('/nodes/pve1/qemu/100/status/start'));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ code: 'ECONNRESET', method: 'POST', path: '/nodes/pve1/qemu/100/status/start' });
    expect(events).toEqual([]);
    expect(server.requests).toBe(1);
  });

  it('retries a POST whose connection was refused (nothing was sent)', async () => {
    const api = loopbackApi(adapter, await closedPort());
    const attempts: number[] = [];
    api.on('request', (e) => attempts.push(e.attempt));
    const err = await rejection(api.post('/nodes/pve1/qemu/100/status/start'));
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('maps a refused connection to ConnectionError with its code, and no cause', async () => {
    const port = await closedPort();
    const err = await rejection(loopbackApi(adapter, port).get('/nodes'));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'ECONNREFUSED', method: 'GET', path: '/nodes' });
    expect(err.message).toMatch(/^GET \/nodes: connection failed: .*ECONNREFUSED/);
    expect(err.cause).toBeUndefined();
  });

  it('keeps the TLS error code and does not retry it', async () => {
    const server = await startLoopback('reset');
    const attempts: number[] = [];
    const untrusted = tokenApi({ adapter, host: '127.0.0.1', port: server.port });
    untrusted.on('request', (e) => attempts.push(e.attempt));
    const err = await rejection(untrusted.get('/nodes'));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(attempts).toEqual([1]);
    const pinnedWrong = tokenApi({ adapter, host: '127.0.0.1', port: server.port, tls: { fingerprint: 'AB'.repeat(32) } });
    await expect(pinnedWrong.get('/nodes')).rejects.toMatchObject({ code: 'ERR_TLS_FINGERPRINT_MISMATCH' });
    expect(server.requests).toBe(0);
  });

  it('reads the reason phrase of a real server, with a pinned fingerprint', async () => {
    const server = await startLoopback((_req, res) =>
      res.writeHead(500, "can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout", { 'content-type': 'application/json;charset=UTF-8' }).end('{"data":null}'),
    );
    const fp = '52:F4:54:B7:A8:18:8D:87:CD:E2:52:5B:5D:80:4B:72:1F:2B:C8:89:13:D6:DC:41:B6:3F:A8:03:ED:F6:17:2E';
    const api = tokenApi({ adapter, host: '127.0.0.1', port: server.port, tls: { fingerprint: fp } });
    await expect(api.put('/nodes/pve1/qemu/101/config', { memory: 1024 })).rejects.toMatchObject({
      name: 'LockTimeoutError',
      reason: "can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout",
    });
    api.close();
  });

  it('times out an attempt with TimeoutError, distinct from abort', async () => {
    proxmox().get('/nodes').delay(400).reply(200, { data: [] }, json());
    const err = await rejection(tokenApi({ adapter }).get('/nodes', undefined, { timeoutMs: 50, retries: 0 }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).not.toBeInstanceOf(AbortError);
    expect(err).toMatchObject({ timeoutMs: 50, code: 'ETIMEDOUT', method: 'GET', path: '/nodes' });
  });

  it('aborts at once on the caller\'s signal, in flight', async () => {
    proxmox().get('/nodes').delay(400).reply(200, { data: [] }, json());
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
    proxmox().get('/nodes').reply(503, '', json('Service Unavailable'));
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

describe('withRetry', () => {
  const info = { method: 'GET', path: '/nodes' };
  const policy = (over: Partial<Parameters<typeof withRetry>[1]> = {}) => {
    const events: Array<[number, number, string]> = [];
    return {
      events,
      policy: {
        method: 'GET', retries: 2, minDelayMs: 0, maxDelayMs: 0, signal: undefined,
        onRetry: (attempt: number, delayMs: number, error: Error) => events.push([attempt, delayMs, error.message]),
        ...over,
      },
    };
  };

  it('runs a first attempt that succeeds once, with attempt number 1, and no event', async () => {
    const seen: number[] = [];
    const { events, policy: p } = policy();
    await expect(withRetry(async (n) => (seen.push(n), 'ok'), p)).resolves.toBe('ok');
    expect(seen).toEqual([1]);
    expect(events).toEqual([]);
  });

  it('hands a failed first attempt to p-retry: same attempt numbers, events and last error', async () => {
    const seen: number[] = [];
    const { events, policy: p } = policy();
    const err = await rejection(
      withRetry(async (n) => {
        seen.push(n);
        throw new TimeoutError(info, n);
      }, p),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toContain('3');
    expect(seen).toEqual([1, 2, 3]);
    expect(events.map(([attempt, , message]) => [attempt, message.includes(String(attempt))])).toEqual([[1, true], [2, true]]);
  });

  it('succeeds on a retry after a failed first attempt', async () => {
    const seen: number[] = [];
    const { events, policy: p } = policy();
    const result = withRetry(async (n) => {
      seen.push(n);
      if (n === 1) throw new ConnectionError(info, 'reset', 'ECONNRESET');
      return n;
    }, p);
    await expect(result).resolves.toBe(2);
    expect(seen).toEqual([1, 2]);
    expect(events).toHaveLength(1);
  });

  it('throws a first failure that may not be retried as it is, without an event', async () => {
    const { events, policy: p } = policy({ method: 'POST' });
    const original = new TimeoutError({ method: 'POST', path: '/nodes' }, 10);
    await expect(withRetry(() => Promise.reject(original), p)).rejects.toBe(original);
    expect(events).toEqual([]);
  });

  it('with an already aborted signal, does not run the attempt', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    let ran = false;
    const { policy: p } = policy({ signal: ac.signal });
    await expect(withRetry(async () => (ran = true), p)).rejects.toThrow('stop');
    expect(ran).toBe(false);
  });
});
