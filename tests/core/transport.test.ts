/**
 * The session's transports on the wire, against local HTTPS servers: the lean transport
 * (`createLeanTransport`, the default) and, where the session relies on it with `adapter: 'axios'`,
 * axios's stock adapter configured as `createStockAxios` in src/core/http.ts configures it.
 */
import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { AxiosError } from 'axios';
import {
  createHttpsAgent,
  createLeanTransport,
  LeanTransportError,
  type LeanReply,
  type LeanRequest,
  type LeanTransport,
} from '../../src/core/transport.js';
import { createStockAxios } from '../../src/core/http.js';

const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url)));
const KEY = fixture('server-key.pem');
const CERT = fixture('server-cert.pem');
const SERVER_FP = '52:F4:54:B7:A8:18:8D:87:CD:E2:52:5B:5D:80:4B:72:1F:2B:C8:89:13:D6:DC:41:B6:3F:A8:03:ED:F6:17:2E';
const FORM = 'application/x-www-form-urlencoded';
/** The session's fixed headers. */
const HEADERS = { Accept: 'application/json', 'User-Agent': 'proxmox-sdk-test/1' };
/** An API token's header, frozen as the session keeps it. */
const TOKEN = Object.freeze({ Authorization: 'PVEAPIToken=root@pam!t=secret' });

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The TLS server name the client sent (false: none). */
  servername: string | false | null;
  /** The connection it came on. */
  socket: Socket;
}

/** A Proxmox-like loopback server: routes by path, records what it received. */
const seen: Seen[] = [];
const sockets = new Set<Socket>();
let connections = 0;
/** Connections that closed. */
const closed = new WeakSet<Socket>();
let server: https.Server;
let port: number;

const BIG = JSON.stringify({ data: Array.from({ length: 4000 }, (_, i) => ({ vmid: 100 + i, name: `vm-${i}-ünïcødé-✓` })) });
const PLAIN = JSON.stringify({ data: { text: 'ünïcødé ✓' } });
const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Parameter verification failed.',
  401: 'authentication failure',
  403: 'Permission check failed (/vms/100, VM.PowerMgmt)',
  404: 'Method not found',
  500: "can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout",
  501: 'Method not implemented',
  595: 'Connection refused',
  596: 'Connection timed out',
};
const statusBody = (code: number): string => (code === 204 ? '' : JSON.stringify({ data: code < 300 ? { code } : null }));

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
    seen.push({ method: req.method ?? '', url, headers: req.headers, body, servername: (req.socket as tls.TLSSocket).servername, socket: req.socket });
    const path = url.split('?')[0] ?? '';
    const status = /^\/api2\/json\/status\/(\d+)$/.exec(path);
    if (status) {
      const code = Number(status[1]);
      if (code === 204) {
        res.writeHead(204, REASONS[204]);
        res.end();
        return;
      }
      send(res, code, REASONS[code] ?? 'Whatever', statusBody(code));
      return;
    }
    switch (path) {
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
        const plain = Buffer.from(PLAIN);
        const packed: Record<string, [Buffer, string]> = {
          gzip: [gzipSync(plain), 'gzip'],
          'x-gzip': [gzipSync(plain), 'x-gzip'],
          deflate: [deflateSync(plain), 'deflate'],
          'deflate-raw': [deflateRawSync(plain), 'deflate'],
          br: [brotliCompressSync(plain), 'br'],
          unknown: [plain, 'x-unknown'],
          corrupt: [Buffer.from('this is not gzip'), 'gzip'],
        };
        const [bytes, encoding] = packed[enc]!;
        send(res, 200, 'OK', bytes, { 'Content-Encoding': encoding });
        return;
      }
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

function track(s: https.Server): void {
  s.on('secureConnection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      closed.add(socket);
    });
  });
}

beforeAll(async () => {
  server = https.createServer({ key: KEY, cert: CERT }, handle);
  track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as AddressInfo).port;
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

/** A session's agent, pinned to the test certificate. */
function pinnedAgent(): https.Agent {
  const agent = createHttpsAgent({ fingerprint: SERVER_FP });
  agents.push(agent);
  return agent;
}

type Target = Partial<Parameters<typeof createLeanTransport>[1]>;

/** The lean transport of a session on the test server. */
function lean(agent = pinnedAgent(), target: Target = {}): LeanTransport {
  return createLeanTransport(agent, { host: '127.0.0.1', port, basePath: '/api2/json', headers: HEADERS, ...target });
}

/**
 * axios's stock adapter on the session's own axios instance (`createStockAxios`), sent as
 * `stockExchange` in src/core/http.ts sends it: a form body's Content-Type set by the caller.
 */
function stock(agent = pinnedAgent(), to = port): LeanTransport {
  const instance = createStockAxios(agent, `https://127.0.0.1:${to}/api2/json`, HEADERS);
  return async (r) => {
    const headers = r.body !== undefined ? { ...r.headers, 'Content-Type': FORM } : r.headers;
    const res = await instance.request<string>({ method: r.method, url: r.path, headers, timeout: r.timeoutMs, ...(r.signal ? { signal: r.signal } : {}), ...(r.body ? { data: r.body } : {}) });
    return { status: res.status, reason: res.statusText, contentType: res.headers['content-type'] as string | undefined, body: res.data, ms: 0 };
  };
}

/** A request of the session, GET with the token header by default. */
function request(path: string, extra: Partial<LeanRequest> = {}): LeanRequest {
  return { method: 'GET', path, headers: TOKEN, body: undefined, timeoutMs: 5000, signal: undefined, ...extra };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the request to fail');
}

/** The failure as a LeanTransportError, checked to be one. */
async function leanFailure(p: Promise<unknown>): Promise<LeanTransportError> {
  const err = await failure(p);
  expect(err).toBeInstanceOf(LeanTransportError);
  return err as LeanTransportError;
}

const waitFor = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** Waits until the connection of the `i`-th request the server saw has closed. */
const connectionClosed = (i = 0): Promise<void> => waitFor(() => closed.has(seen[i]!.socket));

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** No request was handed to the agent: nothing was sent, no connection opened. */
function agentIdle(agent: https.Agent): boolean {
  return Object.keys(agent.sockets).length === 0 && Object.keys(agent.requests).length === 0 && Object.keys(agent.freeSockets).length === 0;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = https.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const free = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return free;
}

type Kind = 'lean' | 'stock';
const sender = (kind: Kind, agent?: https.Agent): LeanTransport => (kind === 'lean' ? lean(agent) : stock(agent));

/** A failure with no answer: a LeanTransportError of kind network (lean), an AxiosError (stock), with `code`. */
async function networkFailure(kind: Kind, p: Promise<unknown>): Promise<string | undefined> {
  const err = await failure(p);
  if (kind === 'lean') {
    expect(err).toBeInstanceOf(LeanTransportError);
    expect((err as LeanTransportError).kind).toBe('network');
    // Node's own error (from Node's realm, so not an `Error` of Jest's): its code is the one read.
    expect((err as LeanTransportError).cause).toMatchObject({ code: (err as LeanTransportError).code });
  } else {
    expect(err).toBeInstanceOf(AxiosError);
  }
  return (err as { code?: string }).code;
}

describe.each<Kind>(['lean', 'stock'])('%s: what the session relies on', (kind) => {
  it('GETs: status, reason phrase, content type and the body text, untouched', async () => {
    const reply = await sender(kind)(request('/version'));
    expect(reply).toEqual({ status: 200, reason: 'OK', contentType: 'application/json;charset=UTF-8', body: '{"data":{"path":"/api2/json/version"}}', ms: expect.any(Number) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/api2/json/version', body: '' });
    expect(seen[0]!.headers).toMatchObject({ accept: 'application/json', 'user-agent': 'proxmox-sdk-test/1', authorization: TOKEN.Authorization });
  });

  it('keeps the query of the path', async () => {
    await sender(kind)(request('/nodes/pve1/qemu/100?purge=1&name=a%20b', { method: 'DELETE' }));
    expect(seen[0]).toMatchObject({ method: 'DELETE', url: '/api2/json/nodes/pve1/qemu/100?purge=1&name=a%20b' });
  });

  it('POSTs a form body with its Content-Type and a Content-Length counting bytes, never chunked', async () => {
    const body = 'vmid=100&name=caf%C3%A9&description=%E2%9C%93 ✓ ünï';
    const reply = await sender(kind)(request('/echo', { method: 'POST', body }));
    expect(reply.status).toBe(200);
    const got = seen[0]!;
    expect(got.method).toBe('POST');
    expect(got.body).toBe(body);
    expect(got.headers['content-type']).toBe(FORM);
    expect(body.length).toBe(51);
    expect(got.headers['content-length']).toBe('55');
    expect(got.headers['transfer-encoding']).toBeUndefined();
  });

  it('sends an empty POST with Content-Length: 0, not chunked', async () => {
    await sender(kind)(request('/echo', { method: 'POST', body: '' }));
    const got = seen[0]!;
    expect(got.method).toBe('POST');
    expect(got.headers['content-length']).toBe('0');
    expect(got.headers['transfer-encoding']).toBeUndefined();
    expect(got.body).toBe('');
  });

  it('resolves every status with its reason phrase and body', async () => {
    const send = sender(kind);
    const codes = [200, 201, 204, 400, 401, 403, 404, 500, 501, 595, 596];
    const replies: LeanReply[] = [];
    for (const code of codes) replies.push(await send(request(`/status/${code}`)));
    expect(replies.map((r) => [r.status, r.reason, r.body])).toEqual(codes.map((code) => [code, REASONS[code], statusBody(code)]));
  });

  it('reads a large body in many chunks, multi-byte characters split among them', async () => {
    const reply = await sender(kind)(request('/big'));
    expect(reply.body.length).toBe(BIG.length);
    expect(reply.body).toBe(BIG);
  });

  it('strips a UTF-8 byte order mark', async () => {
    expect((await sender(kind)(request('/bom'))).body).toBe('{"data":"bom"}');
  });

  it.each(['gzip', 'x-gzip', 'deflate', 'deflate-raw', 'br'])('decodes a %s body a server sends anyway', async (enc) => {
    expect((await sender(kind)(request(`/compressed?enc=${enc}`))).body).toBe(PLAIN);
  });

  it('reports ECONNREFUSED', async () => {
    const free = await closedPort();
    const send = kind === 'lean' ? lean(undefined, { port: free }) : stock(undefined, free);
    expect(await networkFailure(kind, send(request('/version')))).toBe('ECONNREFUSED');
  });

  it('reports ECONNRESET when the server drops the connection before answering', async () => {
    expect(await networkFailure(kind, sender(kind)(request('/reset')))).toBe('ECONNRESET');
    expect(seen).toHaveLength(1);
  });

  it('reports a TLS verification failure with its code, before any request', async () => {
    const agent = createHttpsAgent(undefined);
    agents.push(agent);
    expect(await networkFailure(kind, sender(kind, agent)(request('/version')))).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(seen).toHaveLength(0);
  });

  it('reuses kept-alive connections', async () => {
    const send = sender(kind);
    for (let i = 0; i < 10; i++) await send(request('/a'));
    expect(seen).toHaveLength(10);
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
  });
});

/**
 * A bare TLS server that records every request it receives byte for byte (head and body) and
 * answers each with `{}`, keeping the connection open.
 */
async function startRawServer(host = '127.0.0.1') {
  const received: string[] = [];
  const open = new Set<tls.TLSSocket>();
  const raw = tls.createServer({ key: KEY, cert: CERT }, (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    let buf = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        const total = end + 4 + (length ? Number(length[1]) : 0);
        if (buf.length < total) return;
        received.push(buf.subarray(0, total).toString('latin1'));
        buf = buf.subarray(total);
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
      }
    });
  });
  await new Promise<void>((resolve) => raw.listen(0, host, () => resolve()));
  return {
    port: (raw.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        raw.close(() => resolve());
        for (const socket of open) socket.destroy();
      }),
  };
}

describe('lean transport: the request on the wire', () => {
  it('sends exactly the request line and headers: Host with port, the fixed ones, the request’s, keep-alive, no Accept-Encoding', async () => {
    const raw = await startRawServer();
    try {
      const send = lean(undefined, { port: raw.port });
      await send(request('/nodes/pve1/qemu?full=1'));
      await send(
        request('/nodes/pve1/qemu/100/config', {
          method: 'PUT',
          headers: { CSRFPreventionToken: '6710ABCD:tok', Cookie: 'PVEAuthCookie=PVE%3Aroot@pam' },
          body: 'onboot=1&description=caf%C3%A9 ✓',
        }),
      );
      const host = `Host: 127.0.0.1:${raw.port}\r\n`;
      const fixed = 'Accept: application/json\r\nUser-Agent: proxmox-sdk-test/1\r\n';
      expect(raw.received).toEqual([
        `GET /api2/json/nodes/pve1/qemu?full=1 HTTP/1.1\r\n${host}${fixed}Authorization: PVEAPIToken=root@pam!t=secret\r\nConnection: keep-alive\r\n\r\n`,
        `PUT /api2/json/nodes/pve1/qemu/100/config HTTP/1.1\r\n${host}${fixed}CSRFPreventionToken: 6710ABCD:tok\r\nCookie: PVEAuthCookie=PVE%3Aroot@pam\r\n` +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 34\r\nConnection: keep-alive\r\n\r\n` +
          Buffer.from('onboot=1&description=caf%C3%A9 ✓').toString('latin1'),
      ]);
    } finally {
      await raw.close();
    }
  });

  it('brackets an IPv6 address in Host, given with or without brackets, and sends no server name for it', async () => {
    const v6 = https.createServer({ key: KEY, cert: CERT }, handle);
    try {
      await new Promise<void>((resolve, reject) => {
        v6.once('error', reject);
        v6.listen(0, '::1', () => resolve());
      });
    } catch {
      console.warn('skipped: cannot bind ::1 on this system');
      return;
    }
    try {
      const v6port = (v6.address() as AddressInfo).port;
      await lean(undefined, { host: '::1', port: v6port })(request('/version'));
      await lean(undefined, { host: '[::1]', port: v6port })(request('/version'));
      expect(seen.map((s) => [s.headers.host, s.servername])).toEqual([
        [`[::1]:${v6port}`, false],
        [`[::1]:${v6port}`, false],
      ]);
    } finally {
      v6.closeAllConnections();
      await new Promise<void>((resolve) => v6.close(() => resolve()));
    }
  });

  it('sends the host name as the TLS server name, and none for an IP address', async () => {
    await lean(undefined, { host: 'localhost' })(request('/version'));
    await lean()(request('/version'));
    expect(seen.map((s) => [s.headers.host, s.servername])).toEqual([
      [`localhost:${port}`, 'localhost'],
      [`127.0.0.1:${port}`, false],
    ]);
  });
});

describe('lean transport: header checks', () => {
  it.each([
    ['a line break', 'PVEAPIToken=x\r\nInjected: 1'],
    ['a lone LF', 'PVEAPIToken=x\nInjected: 1'],
    ['a character beyond Latin-1', 'PVEAPIToken=ok ✓'],
  ])('rejects a header value with %s with ERR_INVALID_CHAR before anything is sent', async (_label, value) => {
    const agent = pinnedAgent();
    const err = await failure(lean(agent)(request('/echo', { headers: { Authorization: value } })));
    // Node's TypeError, from Node's realm: not a TypeError of Jest's, hence the name.
    expect(err.name).toBe('TypeError');
    expect(err).not.toBeInstanceOf(LeanTransportError);
    expect((err as { code?: string }).code).toBe('ERR_INVALID_CHAR');
    expect(agentIdle(agent)).toBe(true);
    await settle(50);
    expect(seen).toHaveLength(0);
  });

  it('rejects a header name that is not a token with ERR_INVALID_HTTP_TOKEN', async () => {
    const agent = pinnedAgent();
    const err = await failure(lean(agent)(request('/echo', { headers: { 'Bad Name': 'x' } })));
    expect((err as { code?: string }).code).toBe('ERR_INVALID_HTTP_TOKEN');
    expect(agentIdle(agent)).toBe(true);
  });

  it('sends a Latin-1 value (its single bytes, as Node does)', async () => {
    await lean()(request('/echo', { headers: { 'X-Comment': 'café' } }));
    expect(seen[0]!.headers['x-comment']).toBe('café');
  });

  it('checks the fixed headers once, when the transport is created', () => {
    const agent = pinnedAgent();
    let err: unknown;
    try {
      createLeanTransport(agent, { host: '127.0.0.1', port, basePath: '/api2/json', headers: { ...HEADERS, 'User-Agent': 'ua\r\nX: 1' } });
    } catch (e) {
      err = e;
    }
    expect((err as Error).name).toBe('TypeError');
    expect((err as { code?: string }).code).toBe('ERR_INVALID_CHAR');
  });

  /** Headers whose Authorization value counts how often it is read. */
  function countingHeaders(): { headers: Record<string, string>; reads: () => number } {
    let reads = 0;
    const headers = {
      get Authorization(): string {
        reads++;
        return TOKEN.Authorization;
      },
    };
    return { headers, reads: () => reads };
  }

  it('checks a frozen headers object once, however many requests send it', async () => {
    const { headers, reads } = countingHeaders();
    Object.freeze(headers);
    const send = lean();
    for (let i = 0; i < 3; i++) await send(request('/echo', { headers }));
    await Promise.all([send(request('/echo', { headers })), send(request('/echo', { headers }))]);
    expect(reads()).toBe(1);
    expect(seen.map((s) => s.headers.authorization)).toEqual(Array(5).fill(TOKEN.Authorization));
  });

  it('checks a headers object that may change on every request, and refuses it once it holds a bad value', async () => {
    const { headers, reads } = countingHeaders();
    const send = lean();
    for (let i = 0; i < 3; i++) await send(request('/echo', { headers }));
    expect(reads()).toBe(3);
    const mutable: Record<string, string> = { Authorization: TOKEN.Authorization };
    await send(request('/echo', { headers: mutable }));
    mutable.Authorization = 'x\r\nInjected: 1';
    expect((await failure(send(request('/echo', { headers: mutable })))) as { code?: string }).toMatchObject({ code: 'ERR_INVALID_CHAR' });
    expect(seen).toHaveLength(4);
  });
});

describe('lean transport: the answer', () => {
  it('returns an unknown Content-Encoding as it is', async () => {
    expect((await lean()(request('/compressed?enc=unknown'))).body).toBe(PLAIN);
  });

  it('fails a body that does not decode as its Content-Encoding says, as a network failure with zlib’s code', async () => {
    const err = await leanFailure(lean()(request('/compressed?enc=corrupt')));
    expect(err.kind).toBe('network');
    expect(err.code).toBe('Z_DATA_ERROR');
  });

  it('fails when the connection drops in the middle of the body', async () => {
    const err = await leanFailure(lean()(request('/cut')));
    expect(err.kind).toBe('network');
    expect(err.message).toBe('the connection closed before the whole answer arrived');
    expect(err.code).toBeUndefined();
  });

  it('wraps Node’s error as the cause, its code readable on the error', async () => {
    const err = await leanFailure(lean()(request('/reset')));
    expect(err.name).toBe('LeanTransportError');
    expect(err.message).toBe('socket hang up');
    expect((err.cause as { code?: string }).code).toBe('ECONNRESET');
    expect(err.code).toBe('ECONNRESET');
  });

  it('handles 200 concurrent requests over the pool', async () => {
    const send = lean();
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => send(request(`/n/${i}`))));
    expect(replies.map((r) => r.body)).toEqual(Array.from({ length: 200 }, (_, i) => `{"data":{"path":"/api2/json/n/${i}"}}`));
    expect(sockets.size).toBeLessThanOrEqual(64);
  });
});

describe('lean transport: timeout and abort', () => {
  it('times out (kind timeout) and closes the connection', async () => {
    const started = Date.now();
    const err = await leanFailure(lean()(request('/slow', { timeoutMs: 150 })));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe('timeout');
    expect(err.code).toBeUndefined();
    expect(seen).toHaveLength(1);
    await connectionClosed();
  });

  it('times out while the body is being read, and closes the connection', async () => {
    const err = await leanFailure(lean()(request('/slow-body', { timeoutMs: 150 })));
    expect(err.kind).toBe('timeout');
    await connectionClosed();
  });

  it('aborts promptly (kind abort) and closes the connection', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = lean()(request('/slow', { signal: ac.signal, timeoutMs: 10_000 }));
    await waitFor(() => seen.length === 1);
    ac.abort();
    const err = await leanFailure(p);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err.kind).toBe('abort');
    expect(err.message).toBe('abort');
    await connectionClosed();
  });

  it('rejects at once on an already aborted signal, without sending anything', async () => {
    const agent = pinnedAgent();
    const signal = AbortSignal.abort();
    const before = connections;
    const err = await leanFailure(lean(agent)(request('/version', { signal })));
    expect(err.kind).toBe('abort');
    expect(agentIdle(agent)).toBe(true);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    await settle(50);
    expect(seen).toHaveLength(0);
    expect(connections).toBe(before);
  });

  it('aborts while the body is being read, and closes the connection', async () => {
    const ac = new AbortController();
    const p = lean()(request('/slow-body', { signal: ac.signal }));
    await waitFor(() => seen.length === 1);
    setTimeout(() => ac.abort(), 30);
    expect((await leanFailure(p)).kind).toBe('abort');
    await connectionClosed();
  });

  it('aborts 50 concurrent requests sharing one signal, with one listener on it, not 50', async () => {
    const ac = new AbortController();
    const send = lean();
    // Finished requests leave nothing behind on the signal…
    await Promise.all(Array.from({ length: 20 }, () => send(request('/version', { signal: ac.signal }))));
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    // …and pending ones are all cancelled by it. More than 10 listeners would make Node warn of a leak.
    const pending = Array.from({ length: 50 }, () => send(request('/slow', { signal: ac.signal })).catch((e: unknown) => e));
    await waitFor(() => seen.length === 70);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    ac.abort();
    const errors = await Promise.all(pending);
    expect(errors.map((e) => (e instanceof LeanTransportError ? e.kind : e))).toEqual(Array(50).fill('abort'));
  });

  it('holds one timer per request in flight, cleared once the answer is complete', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const send = lean();
    await send(request('/version', { timeoutMs: 0 })); // the connection is open
    const before = timers();
    await send(request('/version', { timeoutMs: 60_000 }));
    expect(timers()).toBe(before);
    const ac = new AbortController();
    const pending = send(request('/slow', { timeoutMs: 60_000, signal: ac.signal }));
    await waitFor(() => seen.length === 3);
    expect(timers()).toBe(before + 1);
    ac.abort();
    expect((await leanFailure(pending)).kind).toBe('abort');
    expect(timers()).toBe(before);
  });

  it('leaves a settled request’s kept-alive connection alone when its timeout passes and its signal fires', async () => {
    const ac = new AbortController();
    const send = lean();
    await expect(send(request('/version', { signal: ac.signal, timeoutMs: 50 }))).resolves.toMatchObject({ status: 200 });
    ac.abort();
    await settle(150); // past the timeout
    expect(closed.has(seen[0]!.socket)).toBe(false);
    await expect(send(request('/version'))).resolves.toMatchObject({ status: 200 });
    expect(seen[1]!.socket).toBe(seen[0]!.socket);
  });
});
