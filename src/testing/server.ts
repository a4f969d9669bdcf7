/**
 * The HTTPS front of the simulator, behaving like pveproxy: `/api2/json` only, auth before
 * routing, form or JSON bodies (no chunked encoding), PVE's status lines and envelopes, offline
 * nodes answering 596, and the faults a test injected.
 *
 * @module
 * @internal
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { SimContext } from './context.js';
import { HttpError, paramError } from './http-error.js';
import { validate, type RawValue } from './params.js';
import { checkPermission } from './permissions.js';
import type { Method, Router } from './router.js';

/**
 * A request as the simulator received it, for the `onRequest` hook (the test suite's schema
 * oracle plugs in here).
 *
 * @example
 * ```ts
 * startSimulator({ onRequest: (r) => console.log(r.method, r.path, r.query, r.body) });
 * ```
 */
export interface SimRequest {
  /** The HTTP method. */
  method: string;
  /** The path relative to `/api2/json`, decoded, without the query string. */
  path: string;
  /** The query parameters. */
  query: Record<string, string | string[]>;
  /** The body parameters (form-encoded or JSON; JSON values are turned into strings). */
  body: Record<string, string | string[]>;
}

const MAX_BODY = 64 * 1024;
const BASE = '/api2/json';

function toStrings(obj: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    else if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'boolean') out[k] = v ? '1' : '0';
    else if (v !== null && v !== undefined) out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** A sanitized reason phrase: first line only, printable latin-1. */
function reasonPhrase(msg: string): string {
  const first = (msg.split('\n')[0] ?? '').trim();
  return first.replace(/[^\x20-\x7e\xa0-\xff]/g, '?') || 'Error';
}

/** Options of the request handler. */
export interface HandlerOptions {
  /** The simulator internals. */
  sim: SimContext;
  /** The routes. */
  router: Router;
  /** Latency added to every request, real ms. */
  latencyMs: number;
  /** The request hook. */
  onRequest?: ((req: SimRequest) => void) | undefined;
}

/** Builds the `(req, res)` listener of the HTTPS server. */
export function createHandler(opts: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      void handle(opts, req, res, Buffer.concat(chunks).toString('utf8'), tooLarge).catch((e: unknown) => {
        send(res, 500, reasonPhrase(e instanceof Error ? e.message : String(e)), { data: null });
      });
    });
    req.on('error', () => res.destroy());
  };
}

function send(res: ServerResponse, status: number, reason: string, body: Record<string, unknown> | undefined): void {
  if (res.headersSent || res.destroyed) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  // pveproxy gzips a body over 1 KiB when the client accepts gzip.
  const acceptEncoding = res.req.headers['accept-encoding'];
  const gzip = text.length > 1024 && typeof acceptEncoding === 'string' && /\bgzip\b/.test(acceptEncoding);
  const date = new Date().toUTCString();
  res.statusCode = status;
  res.statusMessage = reasonPhrase(reason);
  res.setHeader('Cache-Control', 'max-age=0');
  res.setHeader('Date', date);
  res.setHeader('Expires', date);
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Server', 'pve-api-daemon/3.0');
  if (status >= 400) res.setHeader('Connection', 'close');
  if (!text) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json;charset=UTF-8');
  const payload = gzip ? gzipSync(text) : Buffer.from(text, 'utf8');
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', payload.length);
  res.end(payload);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function handle(opts: HandlerOptions, req: IncomingMessage, res: ServerResponse, bodyText: string, tooLarge: boolean): Promise<void> {
  const { sim, router } = opts;
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'https://localhost');
  const rawPath = url.pathname;

  if (!['GET', 'POST', 'PUT', 'DELETE'].includes(method)) {
    send(res, 501, `method '${method}' not available`, undefined);
    return;
  }
  const delay = opts.latencyMs + sim.faults.addedLatency;
  if (delay > 0) await sleep(delay);

  if (!rawPath.startsWith(`${BASE}/`) && rawPath !== BASE) {
    send(res, 501, rawPath.startsWith('/api2/') ? 'no such uri' : `no such file '${rawPath}'`, undefined);
    return;
  }
  const relRaw = rawPath.slice(BASE.length) || '/';
  let relPath: string;
  try {
    relPath = decodeURIComponent(relRaw);
  } catch {
    relPath = relRaw;
  }
  const query = parseForm(url.search.slice(1));
  let body: Record<string, string | string[]> = {};
  let bodyError: HttpError | undefined;
  const te = req.headers['transfer-encoding'];
  if (te && te.toLowerCase() === 'chunked') bodyError = new HttpError(501, 'chunked transfer encoding not supported');
  else if (tooLarge) bodyError = new HttpError(501, 'for data too large');
  else if (bodyText.length > 0) {
    if (method !== 'POST' && method !== 'PUT') bodyError = new HttpError(501, `Unexpected content for method '${method}'`);
    const ct = (req.headers['content-type'] ?? '').split(/[;,]/)[0]?.trim().toLowerCase() ?? '';
    if (ct === 'application/json') {
      try {
        const parsed: unknown = JSON.parse(bodyText);
        body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? toStrings(parsed as Record<string, unknown>) : {};
      } catch {
        bodyError ??= new HttpError(400, 'malformed JSON string');
      }
    } else if (ct === '' || ct === 'application/x-www-form-urlencoded') {
      body = parseForm(bodyText);
    } else {
      bodyError ??= new HttpError(506, `upload 'Content-Type '${ct}' not implemented`);
    }
  }

  if (opts.onRequest) {
    try {
      opts.onRequest({ method, path: relPath, query, body });
    } catch (e) {
      send(res, 500, `onRequest hook failed: ${e instanceof Error ? e.message : String(e)}`, { data: null });
      return;
    }
  }

  const fault = sim.faults.takeRequestFault(method, relPath);
  if (fault && 'drop' in fault) {
    req.socket.destroy();
    return;
  }
  if (fault) {
    send(res, fault.status, fault.reason, { data: null });
    return;
  }
  if (bodyError) {
    send(res, bodyError.status, bodyError.message, bodyError.errors ? { errors: bodyError.errors, data: null } : { data: null });
    return;
  }

  try {
    const isLogin = relPath === '/access/ticket' && (method === 'POST' || method === 'GET');
    const isPublic = isLogin || (relPath === '/access/domains' && method === 'GET');
    const user = isPublic ? '' : sim.auth.authenticate(method, req.headers).userid;

    const match = router.match(method, relRaw);
    if (match.kind !== 'ok') throw new HttpError(501, `Method '${method} ${relPath}' not implemented`);

    const node = match.pathParams.node;
    if (node !== undefined && match.route.path.startsWith('/nodes/{node}')) checkNodeReachable(sim, node);

    // Query parameters win over body parameters, as in pveproxy.
    const raw: Record<string, RawValue> = { ...body, ...query, ...match.pathParams };
    delete raw._dc;
    const shape = typeof match.route.params === 'function' ? match.route.params(sim.release) : match.route.params;
    const checked = validate(shape, raw);
    if (!checked.ok) throw paramError(checked.errors);
    if (!isPublic) checkPermission(sim.state, user, method, relPath, checked.values);

    const attribs: Record<string, unknown> = {};
    const data = match.route.handler({
      sim, params: checked.values, user, method: method as Method, path: relPath,
      setAttrib: (k, v) => {
        attribs[k] = v;
      },
    });
    send(res, 200, 'OK', { ...attribs, data: data === undefined ? null : data });
  } catch (e) {
    if (e instanceof HttpError) {
      send(res, e.status, e.message, e.errors ? { errors: e.errors, data: null } : { data: null });
      return;
    }
    throw e;
  }
}

/** Throws what pveproxy answers for a node that is unknown or unreachable. */
function checkNodeReachable(sim: SimContext, node: string): void {
  if (!sim.state.nodes.has(node)) {
    throw new HttpError(500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
  }
  if (sim.faults.isNodeOffline(node)) throw new HttpError(596, 'Connection timed out');
}
