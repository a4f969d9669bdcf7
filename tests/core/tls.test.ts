import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { randomBytes, X509Certificate } from 'node:crypto';
import axios, { AxiosError } from 'axios';
import {
  createHttpsAgent,
  createLeanTransport,
  ERR_TLS_FINGERPRINT_MISMATCH,
  LeanTransportError,
  normalizeFingerprint,
  TlsFingerprintError,
} from '../../src/core/transport.js';
import type { TlsOptions } from '../../src/core/types.js';

const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url)));
const SERVER = { key: fixture('server-key.pem'), cert: fixture('server-cert.pem') };
const OTHER = { key: fixture('other-key.pem'), cert: fixture('other-cert.pem') };
const SERVER_FP = '52:F4:54:B7:A8:18:8D:87:CD:E2:52:5B:5D:80:4B:72:1F:2B:C8:89:13:D6:DC:41:B6:3F:A8:03:ED:F6:17:2E';
const OTHER_FP = new X509Certificate(OTHER.cert).fingerprint256;

type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

interface TestServer {
  port: number;
  url: string;
  /** HTTP requests that reached the server. */
  requests: number;
  /** TLS connections that completed a handshake. */
  connections: number;
  /** Of those, how many resumed a session. */
  resumed: number;
  close(): Promise<void>;
}

interface ServerOptions {
  pair?: { key: Buffer; cert: Buffer };
  maxVersion?: TlsVersion;
  /** Answer with `Connection: close`, so every request needs a new connection. */
  closeEach?: boolean;
  host?: string;
  port?: number;
  ticketKeys?: Buffer;
  /** Answer after this long. */
  delayMs?: number;
  /** A `Keep-Alive` header to answer with. */
  keepAlive?: string;
}

const open: TestServer[] = [];
const agents: https.Agent[] = [];

function agentFor(options: TlsOptions | undefined): https.Agent {
  const agent = createHttpsAgent(options);
  agents.push(agent);
  return agent;
}

async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const { pair = SERVER, maxVersion = 'TLSv1.3', closeEach = false, host = '127.0.0.1' } = options;
  const server = https.createServer(
    { ...pair, maxVersion, ...(options.ticketKeys ? { ticketKeys: options.ticketKeys } : {}) },
    (req: IncomingMessage, res: ServerResponse) => {
      state.requests++;
      req.resume();
      req.on('end', () => setTimeout(answer, options.delayMs ?? 0));
      const answer = (): void => {
        const body = JSON.stringify({ data: { ok: true } });
        res.writeHead(200, {
          'Content-Type': 'application/json;charset=UTF-8',
          'Content-Length': Buffer.byteLength(body),
          ...(closeEach ? { Connection: 'close' } : {}),
          ...(options.keepAlive !== undefined ? { 'Keep-Alive': options.keepAlive } : {}),
        });
        res.end(body);
      };
    },
  );
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    state.connections++;
    if (socket.isSessionReused()) state.resumed++;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const state: TestServer = {
    port,
    url: `https://${host}:${port}`,
    requests: 0,
    connections: 0,
    resumed: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  open.push(state);
  return state;
}

/** A bare TLS server that records every application byte it receives after the handshake. */
async function startRawTlsServer(pair: { key: Buffer; cert: Buffer }, maxVersion: TlsVersion = 'TLSv1.3') {
  const received: Buffer[] = [];
  let connections = 0;
  const server = tls.createServer({ ...pair, maxVersion, ticketKeys: randomBytes(48) }, (socket) => {
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => undefined);
  });
  server.on('connection', () => connections++);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    /** Application bytes received after a handshake. */
    bytes: () => Buffer.concat(received).length,
    /** TCP connections accepted. */
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One GET on `agent` through the session's lean transport (or axios's stock adapter); the body parsed. */
async function get(agent: https.Agent, url: string, lean = true): Promise<unknown> {
  if (!lean) return (await axios.get(url, { httpsAgent: agent, timeout: 5000 })).data;
  const { hostname, port, pathname } = new URL(url);
  const send = createLeanTransport(agent, { host: hostname, port: Number(port), basePath: '', headers: { Accept: 'application/json' } });
  const reply = await send({ method: 'GET', path: pathname, headers: {}, body: undefined, timeoutMs: 5000, signal: undefined });
  return JSON.parse(reply.body) as unknown;
}

/** One GET with plain `https.get` through `agent`: the agent alone decides. */
function rawGet(agent: https.Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  throw new Error('expected the request to fail');
}

afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('normalizeFingerprint', () => {
  it.each([
    ['upper case with colons', SERVER_FP],
    ['lower case with colons', SERVER_FP.toLowerCase()],
    ['bare hex', SERVER_FP.replace(/:/g, '')],
    ['bare lower-case hex', SERVER_FP.replace(/:/g, '').toLowerCase()],
    ['openssl output', `sha256 Fingerprint=${SERVER_FP}`],
    ['openssl output, upper-case prefix', `SHA256 Fingerprint=${SERVER_FP}`],
    ['surrounding whitespace', `  ${SERVER_FP}\n`],
  ])('accepts %s', (_label, input) => {
    expect(normalizeFingerprint(input)).toBe(SERVER_FP);
  });

  it.each([
    ['31 bytes', SERVER_FP.slice(0, -3)],
    ['33 bytes', `${SERVER_FP}:AB`],
    ['a non-hex digit', SERVER_FP.replace('52', '5G')],
    ['single-digit groups', SERVER_FP.replace('52:F4', '5:2F4')],
    ['SHA-1 length', 'AA:'.repeat(19) + 'AA'],
    ['an empty string', ''],
  ])('rejects %s with a TypeError', (_label, input) => {
    expect(() => normalizeFingerprint(input)).toThrow(TypeError);
  });

  it('rejects a non-string', () => {
    expect(() => normalizeFingerprint(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('createHttpsAgent options', () => {
  it('keeps connections alive, most recently used first, with a bounded pool', () => {
    const agent = agentFor(undefined);
    const options = agent.options as https.AgentOptions & { scheduling?: string };
    expect(options.keepAlive).toBe(true);
    expect(agent.maxSockets).toBe(64);
    expect(options.scheduling).toBe('lifo');
  });

  /** The idle timeout of the socket the agent keeps after one request. */
  async function idleTimeoutAfterOneRequest(server: TestServer): Promise<number | undefined> {
    const agent = agentFor({ fingerprint: SERVER_FP });
    await get(agent, `${server.url}/`);
    await new Promise((resolve) => setImmediate(resolve));
    const free = Object.values(agent.freeSockets).flat();
    return free.length === 1 ? free[0]!.timeout : undefined;
  }

  it('closes idle sockets before pveproxy does (5 s), sooner when the server says so', async () => {
    expect(await idleTimeoutAfterOneRequest(await startServer())).toBe(4000);
    expect(await idleTimeoutAfterOneRequest(await startServer({ keepAlive: 'timeout=3' }))).toBe(2000);
    expect(await idleTimeoutAfterOneRequest(await startServer({ keepAlive: 'timeout=1' }))).toBeUndefined();
  });

  it('does not cut a request that is silent for longer than the idle timeout', async () => {
    const server = await startServer({ delayMs: 300 });
    const agent = agentFor({ fingerprint: SERVER_FP });
    await get(agent, `${server.url}/`);
    await new Promise((resolve) => setImmediate(resolve));
    const socket = Object.values(agent.freeSockets).flat()[0]!;
    socket.setTimeout(50); // as if the idle timeout were 50 ms
    await expect(get(agent, `${server.url}/`)).resolves.toEqual({ data: { ok: true } });
    expect(server.connections).toBe(1);
  });

  it('rejects insecure combined with a fingerprint or a CA', () => {
    expect(() => createHttpsAgent({ insecure: true, fingerprint: SERVER_FP })).toThrow(/insecure.*fingerprint/);
    expect(() => createHttpsAgent({ insecure: true, ca: SERVER.cert })).toThrow(/insecure.*ca/);
  });

  it('rejects a malformed fingerprint, an empty CA and a non-boolean insecure', () => {
    expect(() => createHttpsAgent({ fingerprint: 'AA:BB' })).toThrow(TypeError);
    expect(() => createHttpsAgent({ ca: '' })).toThrow(TypeError);
    expect(() => createHttpsAgent({ insecure: 'yes' as unknown as boolean })).toThrow(TypeError);
  });

  it('accepts insecure: false next to a fingerprint', () => {
    expect(() => agentFor({ insecure: false, fingerprint: SERVER_FP })).not.toThrow();
  });

  it('never touches the process-wide TLS switch', async () => {
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    const server = await startServer();
    await get(agentFor({ insecure: true }), `${server.url}/`);
    await get(agentFor({ fingerprint: SERVER_FP }), `${server.url}/`);
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBe(before);
    // …and another agent still verifies.
    expect(await codeOf(get(agentFor(undefined), `${server.url}/`))).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});

describe('TLS verification against a real server', () => {
  it('connects with the right fingerprint, in any accepted form', async () => {
    const server = await startServer();
    await expect(get(agentFor({ fingerprint: SERVER_FP }), `${server.url}/`)).resolves.toEqual({ data: { ok: true } });
    await expect(get(agentFor({ fingerprint: SERVER_FP.replace(/:/g, '').toLowerCase() }), `${server.url}/`)).resolves.toEqual({
      data: { ok: true },
    });
    expect(await rawGet(agentFor({ fingerprint: `sha256 Fingerprint=${SERVER_FP}` }), `${server.url}/`)).toBe(200);
  });

  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    'fails a wrong fingerprint with a clear error before any request byte is sent (%s)',
    async (maxVersion) => {
      const raw = await startRawTlsServer(SERVER, maxVersion);
      try {
        const agent = agentFor({ fingerprint: OTHER_FP });
        let caught: unknown;
        try {
          await get(agent, `${raw.url}/api2/json/version`);
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(LeanTransportError);
        const err = caught as LeanTransportError;
        expect(err.kind).toBe('network');
        expect(err.code).toBe(ERR_TLS_FINGERPRINT_MISMATCH);
        expect(err.message).toContain(`expected ${OTHER_FP}`);
        expect(err.message).toContain(`received ${SERVER_FP}`);
        expect(err.cause).toBeInstanceOf(TlsFingerprintError);
        expect((err.cause as TlsFingerprintError).expected).toBe(OTHER_FP);
        expect((err.cause as TlsFingerprintError).received).toBe(SERVER_FP);
        // Also through plain https.request: the agent alone refuses.
        await expect(rawGet(agent, `${raw.url}/`)).rejects.toMatchObject({ code: ERR_TLS_FINGERPRINT_MISMATCH });
        await new Promise((resolve) => setTimeout(resolve, 50));
        // Both attempts reached the server (in TLS 1.2 the server even completes its handshake;
        // in TLS 1.3 the client is gone before sending its Finished), yet not one byte of a request.
        expect(raw.connections()).toBe(2);
        expect(raw.bytes()).toBe(0);
      } finally {
        await raw.close();
      }
    },
  );

  it('fails a wrong fingerprint through the stock adapter too, and no request reaches the server', async () => {
    const server = await startServer({ pair: OTHER });
    const err = await get(agentFor({ fingerprint: SERVER_FP }), `${server.url}/`, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AxiosError);
    expect((err as AxiosError).code).toBe(ERR_TLS_FINGERPRINT_MISMATCH);
    expect(server.requests).toBe(0);
  });

  it('rejects the self-signed certificate by default', async () => {
    const server = await startServer();
    expect(await codeOf(get(agentFor(undefined), `${server.url}/`))).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(await codeOf(get(agentFor({}), `${server.url}/`, false))).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(server.requests).toBe(0);
  });

  it('trusts the certificate given as ca, and only that one', async () => {
    const server = await startServer();
    await expect(get(agentFor({ ca: SERVER.cert }), `${server.url}/`)).resolves.toEqual({ data: { ok: true } });
    await expect(get(agentFor({ ca: SERVER.cert.toString('utf8') }), `${server.url}/`)).resolves.toEqual({ data: { ok: true } });
    const code = await codeOf(get(agentFor({ ca: OTHER.cert }), `${server.url}/`));
    expect(code).toMatch(/^(DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/);
  });

  it('still checks the host name with ca', async () => {
    // The certificate names localhost, 127.0.0.1 and ::1, not 127.0.0.2.
    let server: TestServer;
    try {
      server = await startServer({ host: '127.0.0.2' });
    } catch {
      console.warn('skipped: cannot bind 127.0.0.2 on this system');
      return;
    }
    expect(await codeOf(get(agentFor({ ca: SERVER.cert }), `${server.url}/`))).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    // A pin names the certificate itself: no host name check.
    await expect(get(agentFor({ fingerprint: SERVER_FP }), `${server.url}/`)).resolves.toEqual({ data: { ok: true } });
  });

  it('with ca and fingerprint, requires both', async () => {
    const server = await startServer();
    await expect(get(agentFor({ ca: SERVER.cert, fingerprint: SERVER_FP }), `${server.url}/`)).resolves.toEqual({
      data: { ok: true },
    });
    expect(await codeOf(get(agentFor({ ca: SERVER.cert, fingerprint: OTHER_FP }), `${server.url}/`))).toBe(
      ERR_TLS_FINGERPRINT_MISMATCH,
    );
    expect(await codeOf(get(agentFor({ ca: OTHER.cert, fingerprint: SERVER_FP }), `${server.url}/`))).not.toBe(
      ERR_TLS_FINGERPRINT_MISMATCH,
    );
    expect(server.requests).toBe(1);
  });

  it('connects to anything with insecure: true', async () => {
    const server = await startServer();
    const other = await startServer({ pair: OTHER });
    const agent = agentFor({ insecure: true });
    await expect(get(agent, `${server.url}/`)).resolves.toEqual({ data: { ok: true } });
    await expect(get(agent, `${other.url}/`, false)).resolves.toEqual({ data: { ok: true } });
  });
});

describe('pinning with keep-alive and TLS session resumption', () => {
  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    'holds across 50 concurrent requests on resumed sessions (%s)',
    async (maxVersion) => {
      // Connection: close on every answer, so each request opens a connection that resumes the session.
      const server = await startServer({ maxVersion, closeEach: true });
      const agent = agentFor({ fingerprint: SERVER_FP });
      await get(agent, `${server.url}/warm`);
      await new Promise((resolve) => setTimeout(resolve, 20)); // let the (TLS 1.3) ticket arrive
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => get(agent, `${server.url}/r/${i}`, i % 2 === 0)));
      expect(results).toHaveLength(50);
      expect(results.every((r) => JSON.stringify(r) === '{"data":{"ok":true}}')).toBe(true);
      expect(server.requests).toBe(51);
      expect(server.connections).toBe(51);
      expect(server.resumed).toBeGreaterThan(0);
    },
  );

  it('holds across 50 concurrent requests on kept-alive connections', async () => {
    const server = await startServer();
    const agent = agentFor({ fingerprint: SERVER_FP });
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => get(agent, `${server.url}/k/${i}`)));
      expect(results).toHaveLength(50);
    }
    expect(server.requests).toBe(150);
    expect(server.connections).toBeLessThanOrEqual(50);
  });

  it('rejects a server with another certificate after sessions were resumed from the right one', async () => {
    const good = await startServer({ maxVersion: 'TLSv1.2', closeEach: true });
    const agent = agentFor({ fingerprint: SERVER_FP });
    await get(agent, `${good.url}/1`);
    await Promise.all(Array.from({ length: 5 }, () => get(agent, `${good.url}/2`)));
    expect(good.resumed).toBeGreaterThan(0);

    // Another server elsewhere…
    const other = await startServer({ pair: OTHER });
    expect(await codeOf(get(agent, `${other.url}/`))).toBe(ERR_TLS_FINGERPRINT_MISMATCH);

    // …and one that takes over the very same host:port, where the agent offers its cached session.
    const port = good.port;
    await good.close();
    open.splice(open.indexOf(good), 1);
    const impostor = await startServer({ pair: OTHER, port });
    expect(await codeOf(get(agent, `${impostor.url}/`))).toBe(ERR_TLS_FINGERPRINT_MISMATCH);
    expect(await codeOf(get(agent, `${impostor.url}/`, false))).toBe(ERR_TLS_FINGERPRINT_MISMATCH);
    expect(other.requests + impostor.requests).toBe(0);
  });

  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    'never caches the session of a connection that failed the pin (%s)',
    async (maxVersion) => {
      // An impostor that hands out session tickets it can later resume (fixed ticket keys). If the
      // agent kept a session from the failed handshake, the second connection would resume it and
      // show no certificate to check.
      const ticketKeys = randomBytes(48);
      const impostor = await startServer({ pair: OTHER, maxVersion, ticketKeys });
      const agent = agentFor({ fingerprint: SERVER_FP });
      for (let i = 0; i < 3; i++) {
        expect(await codeOf(get(agent, `${impostor.url}/`))).toBe(ERR_TLS_FINGERPRINT_MISMATCH);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(impostor.resumed).toBe(0);
      expect(impostor.requests).toBe(0);
    },
  );
});
