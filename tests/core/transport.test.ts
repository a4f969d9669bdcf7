import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import axios, { AxiosError, AxiosHeaders, CanceledError } from 'axios';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { createHttpsAgent, createLeanAdapter } from '../../src/core/transport.js';

const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url)));
const SERVER_FP = '52:F4:54:B7:A8:18:8D:87:CD:E2:52:5B:5D:80:4B:72:1F:2B:C8:89:13:D6:DC:41:B6:3F:A8:03:ED:F6:17:2E';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A Proxmox-like loopback server: routes by path, records what it received. */
const seen: Seen[] = [];
const sockets = new Set<Socket>();
let closedSockets = 0;
let server: https.Server;
let base: string;

const BIG = JSON.stringify({ data: Array.from({ length: 4000 }, (_, i) => ({ vmid: 100 + i, name: `vm-${i}-ünïcødé-✓` })) });

function send(res: ServerResponse, status: number, reason: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, reason, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '';
    seen.push({ method: req.method ?? '', url, headers: req.headers, body });
    const path = url.split('?')[0] ?? '';
    const status = /^\/api2\/json\/status\/(\d+)$/.exec(path);
    if (status) {
      const code = Number(status[1]);
      const reasons: Record<number, string> = {
        200: 'OK',
        201: 'Created',
        400: 'Parameter verification failed.',
        401: 'authentication failure',
        403: 'Permission check failed (/vms/100, VM.PowerMgmt)',
        404: 'Method not found',
        500: "can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout",
        501: 'Method not implemented',
        595: 'Connection refused',
        596: 'Connection timed out',
      };
      if (code === 204) {
        res.writeHead(204, 'No Content');
        res.end();
        return;
      }
      const payload =
        code === 400 ? { errors: { vmid: 'value must be at least 100' }, data: null } : { data: code < 300 ? { code } : null };
      send(res, code, reasons[code] ?? 'Whatever', JSON.stringify(payload));
      return;
    }
    switch (path) {
      case '/api2/json/echo':
        send(res, 200, 'OK', JSON.stringify({ data: { method: req.method, url, headers: req.headers, body } }));
        return;
      case '/api2/json/big':
        // Written in small pieces so the client gets many chunks, multi-byte characters split among them.
        res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(BIG) });
        {
          const buf = Buffer.from(BIG);
          let i = 0;
          const step = (): void => {
            if (i >= buf.length) {
              res.end();
              return;
            }
            res.write(buf.subarray(i, i + 7001));
            i += 7001;
            setImmediate(step);
          };
          step();
        }
        return;
      case '/api2/json/bom':
        send(res, 200, 'OK', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"data":"bom"}')]));
        return;
      case '/api2/json/compressed': {
        const enc = new URLSearchParams(url.split('?')[1] ?? '').get('enc') ?? 'gzip';
        const plain = Buffer.from(JSON.stringify({ data: { compressed: enc, text: 'ünïcødé ✓' } }));
        const packed =
          enc === 'br'
            ? brotliCompressSync(plain)
            : enc === 'deflate'
              ? deflateSync(plain)
              : enc === 'deflate-raw'
                ? deflateRawSync(plain)
                : gzipSync(plain);
        send(res, 200, 'OK', packed, { 'Content-Encoding': enc === 'deflate-raw' ? 'deflate' : enc });
        return;
      }
      case '/api2/json/text':
        send(res, 200, 'OK', 'not json at all', { 'Content-Type': 'text/plain' });
        return;
      case '/api2/json/slow':
        return; // never answers
      case '/api2/json/slow-body':
        res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': '100' });
        res.write('{"data":');
        return; // never finishes
      case '/api2/json/reset':
        req.socket.destroy();
        return;
      case '/api2/json/cut':
        res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': '100' });
        res.write('{"data":', () => req.socket.destroy());
        return;
      default:
        send(res, 200, 'OK', JSON.stringify({ data: { path } }));
    }
  });
}

beforeAll(async () => {
  server = https.createServer({ key: fixture('server-key.pem'), cert: fixture('server-cert.pem') }, handle);
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      closedSockets++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api2/json`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

const agents: https.Agent[] = [];
afterEach(() => {
  for (const agent of agents.splice(0)) agent.destroy();
});

type Kind = 'stock' | 'lean';

function client(kind: Kind, config: AxiosRequestConfig = {}, agent = createHttpsAgent({ fingerprint: SERVER_FP })): AxiosInstance {
  agents.push(agent);
  return axios.create({
    baseURL: base,
    httpsAgent: agent,
    // No redirects in Proxmox's API. With redirects on, the stock adapter goes through
    // follow-redirects, whose timeout covers only the headers (a body timeout then surfaces as
    // 'stream has been aborted'); with 0 it times out the whole exchange, as the lean adapter does.
    maxRedirects: 0,
    ...(kind === 'lean' ? { adapter: createLeanAdapter(agent) } : {}),
    ...config,
  });
}

async function failure(p: Promise<unknown>): Promise<AxiosError> {
  try {
    await p;
  } catch (err) {
    return err as AxiosError;
  }
  throw new Error('expected the request to fail');
}

const waitFor = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** What the session can observe of an outcome, to compare both adapters. */
function outcome(result: PromiseSettledResult<AxiosResponse>) {
  if (result.status === 'fulfilled') {
    const r = result.value;
    return { ok: true, status: r.status, statusText: r.statusText, data: r.data as unknown, type: r.headers['content-type'] as unknown };
  }
  const e = result.reason as AxiosError;
  return {
    ok: false,
    name: e.name,
    code: e.code,
    message: e.message,
    status: e.status,
    isAxiosError: axios.isAxiosError(e),
    response: e.response && {
      status: e.response.status,
      statusText: e.response.statusText,
      data: e.response.data as unknown,
      type: e.response.headers['content-type'] as unknown,
      headersAreAxiosHeaders: e.response.headers instanceof AxiosHeaders,
    },
  };
}

describe.each<Kind>(['stock', 'lean'])('%s adapter', (kind) => {
  it('GETs and parses JSON, with status, reason phrase and AxiosHeaders', async () => {
    const res = await client(kind).get('/version');
    expect(res.status).toBe(200);
    expect(res.statusText).toBe('OK');
    expect(res.data).toEqual({ data: { path: '/api2/json/version' } });
    expect(res.headers).toBeInstanceOf(AxiosHeaders);
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect((res.headers as AxiosHeaders).get('Content-Type')).toBe('application/json;charset=UTF-8');
    expect(res.request).toBeDefined();
  });

  it('joins baseURL and url however the slashes fall', async () => {
    const c = client(kind, { baseURL: `${base}/` });
    await c.get('/a');
    await c.get('b');
    await client(kind).get('c/d');
    expect(seen.map((s) => s.url)).toEqual(['/api2/json/a', '/api2/json/b', '/api2/json/c/d']);
  });

  it('keeps a pre-encoded query and appends serialized params', async () => {
    const paramsSerializer = (p: Record<string, unknown>) =>
      Object.entries(p)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&');
    const c = client(kind, { paramsSerializer });
    await c.get('/nodes?type=vm&name=a%20b');
    await c.get('/nodes', { params: { start: 0, limit: 50, sshkeys: 'ssh-ed25519 AAAA a@b' } });
    await c.get('/nodes?x=1', { params: { y: 2 } });
    await c.get('/nodes#frag', { params: {} });
    expect(seen.map((s) => s.url)).toEqual([
      '/api2/json/nodes?type=vm&name=a%20b',
      '/api2/json/nodes?start=0&limit=50&sshkeys=ssh-ed25519%20AAAA%20a%40b',
      '/api2/json/nodes?x=1&y=2',
      '/api2/json/nodes',
    ]);
  });

  it('POSTs a form body with Content-Length, never chunked', async () => {
    const body = 'vmid=100&name=caf%C3%A9&description=%E2%9C%93';
    const res = await client(kind).post('/echo', body);
    const got = seen[0]!;
    expect(got.method).toBe('POST');
    expect(got.body).toBe(body);
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(got.headers['transfer-encoding']).toBeUndefined();
    expect(got.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
  });

  it('counts bytes, not characters, in Content-Length', async () => {
    const body = JSON.stringify({ comment: 'ünïcødé ✓' });
    await client(kind).put('/echo', body, { headers: { 'Content-Type': 'application/json' } });
    expect(seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(seen[0]!.body).toBe(body);
  });

  it('sends a Buffer body (multipart built in memory) with Content-Length', async () => {
    const body = Buffer.from('--b\r\nContent-Disposition: form-data; name="content"\r\n\r\niso\r\n--b--\r\n');
    await client(kind).post('/echo', body, { headers: { 'Content-Type': 'multipart/form-data; boundary=b' } });
    expect(seen[0]!.headers['content-length']).toBe(String(body.length));
    expect(seen[0]!.headers['transfer-encoding']).toBeUndefined();
    expect(seen[0]!.body).toBe(body.toString());
  });

  it('sends a POST without body with Content-Length 0', async () => {
    await client(kind).post('/echo');
    expect(seen[0]!.headers['content-length']).toBe('0');
    expect(seen[0]!.headers['transfer-encoding']).toBeUndefined();
  });

  it('sends the configured headers, and DELETE with a query', async () => {
    const c = client(kind, { headers: { Authorization: 'PVEAPIToken=root@pam!t=secret', 'X-Many': ['a', 'b'] } });
    await c.delete('/nodes/pve1/qemu/100?purge=1', { headers: { CSRFPreventionToken: 'tok' } });
    const got = seen[0]!;
    expect(got.method).toBe('DELETE');
    expect(got.url).toBe('/api2/json/nodes/pve1/qemu/100?purge=1');
    expect(got.headers.authorization).toBe('PVEAPIToken=root@pam!t=secret');
    expect(got.headers.csrfpreventiontoken).toBe('tok');
    expect(got.headers['x-many']).toBe('a, b');
  });

  it('rejects a 400 with the parsed body and the reason phrase', async () => {
    const err = await failure(client(kind).post('/status/400', 'vmid=1'));
    expect(err).toBeInstanceOf(AxiosError);
    expect(err.code).toBe(AxiosError.ERR_BAD_REQUEST);
    expect(err.message).toBe('Request failed with status code 400');
    expect(err.status).toBe(400);
    expect(err.response?.status).toBe(400);
    expect(err.response?.statusText).toBe('Parameter verification failed.');
    expect(err.response?.data).toEqual({ errors: { vmid: 'value must be at least 100' }, data: null });
  });

  it('rejects a 5xx with ERR_BAD_RESPONSE and the reason phrase', async () => {
    const err = await failure(client(kind).get('/status/500'));
    expect(err.code).toBe(AxiosError.ERR_BAD_RESPONSE);
    expect(err.response?.statusText).toBe("can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout");
  });

  it('resolves every status when validateStatus says so', async () => {
    const c = client(kind, { validateStatus: () => true });
    for (const code of [400, 401, 404, 500, 596]) {
      const res = await c.get(`/status/${code}`);
      expect(res.status).toBe(code);
    }
  });

  it('reads a large body in many chunks, multi-byte characters split among them', async () => {
    const res = await client(kind).get('/big');
    expect(res.data).toEqual(JSON.parse(BIG));
  });

  it('strips a UTF-8 BOM', async () => {
    const res = await client(kind).get('/bom');
    expect(res.data).toEqual({ data: 'bom' });
  });

  it('returns a non-JSON body as a string, untouched', async () => {
    const res = await client(kind).get('/text');
    expect(res.data).toBe('not json at all');
    const raw = await client(kind).get('/version', { responseType: 'text' });
    expect(raw.data).toBe('{"data":{"path":"/api2/json/version"}}');
  });

  it('times out with ECONNABORTED and closes the connection', async () => {
    const before = closedSockets;
    const started = Date.now();
    const err = await failure(client(kind).get('/slow', { timeout: 150 }));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(err).toBeInstanceOf(AxiosError);
    expect(err.code).toBe('ECONNABORTED');
    expect(err.message).toBe('timeout of 150ms exceeded');
    await waitFor(() => closedSockets > before);
  });

  it('times out with ETIMEDOUT when transitional.clarifyTimeoutError is set, and while reading the body', async () => {
    const c = client(kind, { transitional: { clarifyTimeoutError: true } });
    expect((await failure(c.get('/slow', { timeout: 100 }))).code).toBe('ETIMEDOUT');
    const err = await failure(c.get('/slow-body', { timeout: 150, timeoutErrorMessage: 'too slow' }));
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.message).toBe('too slow');
  });

  it('aborts promptly with a CanceledError and closes the connection', async () => {
    const before = closedSockets;
    const ac = new AbortController();
    const started = Date.now();
    const p = client(kind).get('/slow', { signal: ac.signal });
    await waitFor(() => seen.length === 1);
    ac.abort();
    const err = await failure(p);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toBeInstanceOf(CanceledError);
    expect(axios.isCancel(err)).toBe(true);
    expect(err.code).toBe(AxiosError.ERR_CANCELED);
    await waitFor(() => closedSockets > before);
  });

  it('rejects at once on an already aborted signal, without a request', async () => {
    const err = await failure(client(kind).get('/version', { signal: AbortSignal.abort() }));
    expect(axios.isCancel(err)).toBe(true);
    expect(seen).toHaveLength(0);
  });

  it('aborts while the body is being read', async () => {
    const ac = new AbortController();
    const p = client(kind).get('/slow-body', { signal: ac.signal });
    await waitFor(() => seen.length === 1);
    setTimeout(() => ac.abort(), 30);
    expect(axios.isCancel(await failure(p))).toBe(true);
  });

  it('reports ECONNREFUSED', async () => {
    const probe = https.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const err = await failure(client(kind, { baseURL: `https://127.0.0.1:${port}/api2/json` }).get('/version'));
    expect(err).toBeInstanceOf(AxiosError);
    expect(err.code).toBe('ECONNREFUSED');
  });

  it('reports ECONNRESET when the server drops the connection', async () => {
    const err = await failure(client(kind).get('/reset'));
    expect(err).toBeInstanceOf(AxiosError);
    expect(err.code).toBe('ECONNRESET');
  });

  it('fails when the connection drops in the middle of the body', async () => {
    const err = await failure(client(kind).get('/cut'));
    expect(err).toBeInstanceOf(AxiosError);
    expect(err.response?.status ?? 200).toBe(200);
  });

  it('reports a TLS verification failure with its code', async () => {
    const err = await failure(client(kind, {}, createHttpsAgent(undefined)).get('/version'));
    expect(err).toBeInstanceOf(AxiosError);
    expect(err.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(seen).toHaveLength(0);
  });

  it('reuses kept-alive connections', async () => {
    const c = client(kind);
    await c.get('/a');
    const open = sockets.size;
    for (let i = 0; i < 10; i++) await c.get('/a');
    expect(sockets.size).toBe(open);
  });
});

describe('both adapters answer the same', () => {
  const cases: Array<[string, AxiosRequestConfig]> = [
    ...[200, 201, 204, 400, 401, 403, 404, 500, 501, 595, 596].map(
      (code): [string, AxiosRequestConfig] => [`status ${code}`, { url: `/status/${code}` }],
    ),
    ['400 on a POST', { method: 'post', url: '/status/400', data: 'vmid=1' }],
    ['all statuses accepted', { url: '/status/596', validateStatus: () => true }],
    ['only 2xx but 201 rejected', { url: '/status/201', validateStatus: (s) => s === 200 }],
    ['no validateStatus', { url: '/status/500', validateStatus: null }],
    ['text body', { url: '/text' }],
    ['responseType text', { url: '/version', responseType: 'text' }],
    ['strict JSON on a non-JSON body', { url: '/text', transitional: { silentJSONParsing: false, forcedJSONParsing: true }, responseType: 'json' }],
    ['big body', { url: '/big' }],
    ['BOM', { url: '/bom' }],
    ...['gzip', 'deflate', 'deflate-raw', 'br'].map(
      (enc): [string, AxiosRequestConfig] => [`${enc} body`, { url: `/compressed?enc=${enc}` }],
    ),
    ['compressed body, decompress: false', { url: '/compressed?enc=gzip', decompress: false, responseType: 'arraybuffer' }],
    ['connection reset before the answer', { url: '/reset' }],
    ['connection cut in the middle of the body', { url: '/cut' }],
    ['timeout', { url: '/slow', timeout: 80 }],
    ['timeout while reading the body', { url: '/slow-body', timeout: 80 }],
    ['clarified timeout', { url: '/slow', timeout: 80, transitional: { clarifyTimeoutError: true } }],
  ];

  it.each(cases)('%s', async (_label, config) => {
    const [stock, lean] = await Promise.all([
      Promise.allSettled([client('stock').request(config)]),
      Promise.allSettled([client('lean').request(config)]),
    ]);
    expect(outcome(lean[0]!)).toEqual(outcome(stock[0]!));
  });
});

describe('lean adapter specifics', () => {
  it('adds neither Accept-Encoding nor a User-Agent of its own', async () => {
    await client('lean').get('/echo');
    expect(seen[0]!.headers['accept-encoding']).toBeUndefined();
    expect(seen[0]!.headers['user-agent']).toBeUndefined();
    await client('lean', { headers: { 'User-Agent': 'proxmox-sdk/0.1' } }).get('/echo');
    expect(seen[1]!.headers['user-agent']).toBe('proxmox-sdk/0.1');
  });

  it('serializes params itself with %20 for spaces when no serializer is set', async () => {
    await client('lean').get('/nodes', {
      params: { sshkeys: 'ssh-ed25519 AAAA+b/c= a@b', skip: undefined, none: null, list: ['a', 'b'], on: true },
    });
    expect(seen[0]!.url).toBe('/api2/json/nodes?sshkeys=ssh-ed25519%20AAAA%2Bb%2Fc%3D%20a%40b&list=a&list=b&on=true');
    await client('lean').get('/nodes', { params: new URLSearchParams({ q: 'a b' }) });
    expect(seen[1]!.url).toBe('/api2/json/nodes?q=a%20b');
  });

  it('uses paramsSerializer.serialize when given as an object', async () => {
    await client('lean', { paramsSerializer: { serialize: () => 'custom=1' } }).get('/nodes', { params: { a: 1 } });
    expect(seen[0]!.url).toBe('/api2/json/nodes?custom=1');
  });

  it('takes an absolute url, and refuses http:', async () => {
    const origin = base.replace('/api2/json', '');
    await client('lean', { baseURL: 'https://example.invalid/api2/json' }).get(`${origin}/abs/path?q=1`);
    expect(seen[0]!.url).toBe('/abs/path?q=1');
    const err = await failure(client('lean', { baseURL: 'http://127.0.0.1:1/api2/json' }).get('/version'));
    expect(err).toBeInstanceOf(AxiosError);
    expect(err.message).toMatch(/Unsupported protocol http:/);
  });

  it('sends a stream only with an explicit Content-Length', async () => {
    const c = client('lean');
    const err = await failure(c.post('/echo', Readable.from([Buffer.from('a=1')])));
    expect(err.code).toBe(AxiosError.ERR_BAD_REQUEST);
    await c.post('/echo', Readable.from([Buffer.from('a='), Buffer.from('1')]), { headers: { 'Content-Length': '3' } });
    expect(seen[0]!.body).toBe('a=1');
    expect(seen[0]!.headers['transfer-encoding']).toBeUndefined();
  });

  it('returns a Buffer for responseType arraybuffer and the stream for responseType stream', async () => {
    const buf = await client('lean').get('/version', { responseType: 'arraybuffer' });
    expect(Buffer.isBuffer(buf.data)).toBe(true);
    const stream = await client('lean').get<Readable>('/version', { responseType: 'stream' });
    let text = '';
    for await (const chunk of stream.data) text += String(chunk);
    expect(JSON.parse(text)).toEqual({ data: { path: '/api2/json/version' } });
  });

  it('enforces maxContentLength and maxBodyLength', async () => {
    const c = client('lean');
    expect((await failure(c.get('/big', { maxContentLength: 1000 }))).message).toMatch(/maxContentLength size of 1000 exceeded/);
    expect((await failure(c.post('/echo', 'x'.repeat(100), { maxBodyLength: 10 }))).code).toBe(AxiosError.ERR_BAD_REQUEST);
  });

  it('cannot be made to inject a header (axios strips CR/LF from values before any adapter)', async () => {
    await client('lean').get('/echo', { headers: { 'X-Bad': 'a\r\nInjected: 1' } });
    expect(seen[0]!.headers['x-bad']).toBe('aInjected: 1');
    expect(seen[0]!.headers.injected).toBeUndefined();
  });

  it('rejects a header value outside Latin-1 rather than silently dropping characters', async () => {
    const err = await failure(client('lean').get('/echo', { headers: { 'X-Bad': 'ok \u2713' } }));
    expect(err).toBeInstanceOf(AxiosError);
    expect(err.code).toBe('ERR_INVALID_CHAR');
    expect(seen).toHaveLength(0);
  });

  it('rejects a non-numeric timeout', async () => {
    const err = await failure(client('lean').get('/version', { timeout: 'soon' as unknown as number }));
    expect(err.code).toBe(AxiosError.ERR_BAD_OPTION_VALUE);
  });

  it('aborts 50 concurrent requests sharing one signal, with one listener on it, not 50', async () => {
    const ac = new AbortController();
    const c = client('lean');
    // Finished requests leave nothing behind on the signal…
    await Promise.all(Array.from({ length: 20 }, () => c.get('/version', { signal: ac.signal })));
    // …and pending ones are all cancelled by it. More than 10 listeners would make Node warn of a leak.
    const pending = Array.from({ length: 50 }, () => c.get('/slow', { signal: ac.signal }).catch((e: unknown) => e));
    await waitFor(() => seen.length === 70);
    expect(getEventListeners(ac.signal, 'abort').length).toBe(1);
    ac.abort();
    const errors = await Promise.all(pending);
    expect(errors.every((e) => axios.isCancel(e))).toBe(true);
  });

  it('can be called directly with a minimal config (no axios.request around it)', async () => {
    const agent = createHttpsAgent({ fingerprint: SERVER_FP });
    agents.push(agent);
    const adapter = createLeanAdapter(agent);
    const minimal = (extra: Record<string, unknown>) =>
      ({ baseURL: base, method: 'get', headers: { Accept: 'application/json' }, timeout: 5000, ...extra }) as unknown as InternalAxiosRequestConfig;
    const ok = await adapter(minimal({ url: '/version' }));
    expect(ok.status).toBe(200);
    expect(ok.data).toBe('{"data":{"path":"/api2/json/version"}}');
    expect(seen[0]!.headers.accept).toBe('application/json');
    // Without validateStatus every status resolves, the raw body untouched.
    const bad = await adapter(minimal({ url: '/status/400', method: 'post', data: 'vmid=1' }));
    expect(bad.status).toBe(400);
    expect(bad.statusText).toBe('Parameter verification failed.');
    expect(JSON.parse(bad.data as string)).toEqual({ errors: { vmid: 'value must be at least 100' }, data: null });
    expect(seen[1]!.headers['content-length']).toBe('6');
    const err = await failure(adapter(minimal({ url: '/slow', timeout: 50 })));
    expect(err.code).toBe('ECONNABORTED');
  });

  it('handles 200 concurrent requests over the pool', async () => {
    const c = client('lean');
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => c.get(`/n/${i}`)));
    expect(results.map((r) => (r.data as { data: { path: string } }).data.path)).toEqual(
      Array.from({ length: 200 }, (_, i) => `/api2/json/n/${i}`),
    );
    expect(sockets.size).toBeLessThanOrEqual(64);
  });
});
