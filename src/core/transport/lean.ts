/**
 * The session's own transport on `node:https`: what a raw keep-alive `https.request` costs, plus
 * a wall-clock timeout and an abort signal, and nothing else (no config merge, no response object
 * of an HTTP library, no header checks repeated per request).
 *
 * Per request: one state object (`Pending`), found by listeners defined once at module level
 * (no closures per request), one timer, and a place in the set of requests in flight on its signal.
 *
 * @internal
 * @module
 */
import https from 'node:https';
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import { isIP } from 'node:net';
import { brotliDecompressSync, constants as zlibConstants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

/**
 * One request of the session.
 *
 * @example
 * ```ts
 * const request: LeanRequest = { method: 'POST', path: '/nodes/pve1/qemu/100/status/start', headers: { Authorization: token }, body: '', timeoutMs: 30_000, signal: undefined };
 * ```
 */
export interface LeanRequest {
  method: string;
  /** Path and query, below the base path (`/nodes/pve1/qemu?full=1`). */
  path: string;
  /** Headers of this request besides `Host`, `Accept` and `User-Agent` (authentication). */
  headers: Readonly<Record<string, string>>;
  /** A form body (`application/x-www-form-urlencoded`, sent with its `Content-Length`), or none. */
  body: string | undefined;
  /** Wall clock, from the call until the whole body is read (0: none). */
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/**
 * The answer, read whole: every status, the body decoded should the server compress it, as UTF-8
 * text without a byte order mark.
 *
 * @example
 * ```ts
 * const reply: LeanReply = await send(request);
 * if (reply.status >= 400) console.log(reply.reason); // Proxmox's error message
 * ```
 */
export interface LeanReply {
  status: number;
  /** The HTTP reason phrase (Node's standard one when the server sent none). */
  reason: string;
  contentType: string | undefined;
  body: string;
  /** Milliseconds from the call to the whole answer. */
  ms: number;
}

/**
 * Why a request got no answer: the connection failed (or closed before the whole answer), the time
 * ran out, or the signal fired.
 *
 * @example
 * ```ts
 * const kind: LeanFailureKind = err instanceof LeanTransportError ? err.kind : 'network';
 * ```
 */
export type LeanFailureKind = 'network' | 'timeout' | 'abort';

/**
 * Why a request got no answer: `kind` says whether the time ran out, the signal fired or the
 * connection failed (then `cause` is Node's error, with its system or TLS `code`).
 *
 * @example
 * ```ts
 * try {
 *   await send(request);
 * } catch (err) {
 *   if (err instanceof LeanTransportError && err.kind === 'network') console.log(err.code); // ECONNREFUSED
 * }
 * ```
 */
export class LeanTransportError extends Error {
  override readonly name = 'LeanTransportError';

  /**
   * @param kind - `network`, `timeout` or `abort`.
   * @param cause - Node's error, for `network`.
   */
  constructor(
    readonly kind: LeanFailureKind,
    cause: Error | undefined,
  ) {
    super(cause?.message ?? (kind === 'network' ? 'the connection closed before the whole answer arrived' : kind), cause === undefined ? undefined : { cause });
  }

  /**
   * The system or TLS error code (`ECONNREFUSED`, `ERR_TLS_FINGERPRINT_MISMATCH`, …), if any.
   *
   * @example
   * ```ts
   * if (err.code === 'ECONNREFUSED') console.log('pveproxy is down');
   * ```
   */
  get code(): string | undefined {
    const code = (this.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' && code !== '' ? code : undefined;
  }
}

/**
 * Sends one request of the session: resolves with the answer for every HTTP status, rejects with a
 * {@link LeanTransportError} when none came (or with Node's `ERR_INVALID_CHAR` `TypeError`, before
 * anything is sent, for a header value Node would refuse).
 *
 * @example
 * ```ts
 * const send: LeanTransport = createLeanTransport(agent, target);
 * const { status, body } = await send({ method: 'GET', path: '/version', headers: {}, body: undefined, timeoutMs: 30_000, signal: undefined });
 * ```
 */
export type LeanTransport = (request: LeanRequest) => Promise<LeanReply>;

/**
 * Creates the transport of one session: every request goes to `host:port` under `basePath` through
 * `agent` (which owns the connections and the TLS policy), with `Host`, `Accept` and `User-Agent`
 * built and checked once, and the TLS server name computed once. The headers of each request are
 * passed to Node as its flat header array, so Node writes them as they are: each value is checked
 * here (the same check Node makes, so a value with a line break or beyond Latin-1 is an
 * `ERR_INVALID_CHAR` error before anything is sent), once per headers object for those a session
 * reuses frozen (an API token's).
 *
 * @param agent - The session's agent (see `createHttpsAgent`).
 * @param target - Host (brackets allowed around IPv6), port, base path and the fixed headers.
 * @returns The transport.
 * @throws TypeError for a fixed header Node would refuse.
 * @example
 * ```ts
 * const send = createLeanTransport(createHttpsAgent(undefined), { host: 'pve1', port: 8006, basePath: '/api2/json', headers: { Accept: 'application/json' } });
 * const reply = await send({ method: 'GET', path: '/version', headers: {}, body: undefined, timeoutMs: 30_000, signal: undefined });
 * ```
 */
export function createLeanTransport(
  agent: https.Agent,
  target: { host: string; port: number; basePath: string; headers: Readonly<Record<string, string>> },
): LeanTransport {
  const hostname = target.host.replace(/^\[(.*)\]$/, '$1');
  const hostHeader = (hostname.includes(':') ? `[${hostname}]` : hostname) + (target.port === 443 ? '' : `:${target.port}`);
  const fixed = ['Host', hostHeader, ...headerLines(target.headers)];
  // Node computes the same per request when absent; '' (an IP address) sends no SNI.
  const servername = isIP(hostname) ? '' : hostname;
  const { port, basePath } = target;
  const checked = new WeakMap<object, readonly string[]>();

  return (request) =>
    new Promise<LeanReply>((resolve, reject) => {
      const signal = request.signal;
      if (signal?.aborted) {
        reject(new LeanTransportError('abort', undefined));
        return;
      }
      let own = checked.get(request.headers);
      if (own === undefined) {
        own = headerLines(request.headers);
        if (Object.isFrozen(request.headers)) checked.set(request.headers, own);
      }
      const headers = fixed.concat(own);
      const body = request.body;
      if (body !== undefined) headers.push('Content-Type', FORM, 'Content-Length', String(Buffer.byteLength(body)));
      const options: https.RequestOptions = {
        agent,
        hostname,
        port,
        servername,
        path: basePath + request.path,
        method: request.method,
        // Node's flat [name, value, …] array: written as given, without Node's per-header checks.
        headers: headers as unknown as OutgoingHttpHeaders,
      };
      const req = https.request(options) as PendingRequest;
      const pending = new Pending(req, resolve, reject);
      req[kPending] = pending;
      req.on('error', onRequestError);
      req.on('response', onResponse);
      if (request.timeoutMs > 0) pending.timer = setTimeout(onTimeout, request.timeoutMs, pending);
      if (signal !== undefined) watchSignal(signal, pending);
      if (body === undefined) req.end();
      else req.end(body);
    });
}

/** A headers object as Node's flat array, each name and value checked as Node checks them. */
function headerLines(headers: Readonly<Record<string, string>>): string[] {
  const lines: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name] as string;
    validateHeaderName(name);
    validateHeaderValue(name, value);
    lines.push(name, value);
  }
  return lines;
}

const FORM = 'application/x-www-form-urlencoded';
const EMPTY = Buffer.alloc(0);
const kPending = Symbol('proxmox-sdk.pending');

/** The request, carrying its `Pending` so that the shared listeners can find it. */
type PendingRequest = ClientRequest & { [kPending]: Pending };
type PendingResponse = IncomingMessage & { req: PendingRequest };

/** The state of one request until it settles: the promise's callbacks, its timer, the body so far. */
class Pending {
  done = false;
  timer: NodeJS.Timeout | undefined = undefined;
  /** The requests in flight on this one's signal, this one among them (none without a signal). */
  inFlight: Set<Pending> | undefined = undefined;
  first: Buffer | undefined = undefined;
  chunks: Buffer[] | undefined = undefined;
  total = 0;
  readonly started = performance.now();

  constructor(
    readonly req: ClientRequest,
    readonly resolve: (reply: LeanReply) => void,
    readonly reject: (err: LeanTransportError) => void,
  ) {}

  /** Settles: no more timer, no more place among the signal's requests. */
  finish(): void {
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.inFlight?.delete(this);
  }

  /** The connection failed, or closed before the whole answer. */
  fail(err: Error | undefined): void {
    if (this.done) return;
    this.finish();
    this.reject(new LeanTransportError('network', err));
  }

  /** The time ran out or the signal fired: settles and closes the connection. */
  stop(kind: 'timeout' | 'abort'): void {
    if (this.done) return;
    this.finish();
    this.reject(new LeanTransportError(kind, undefined));
    this.req.destroy();
  }

  /** The whole body was read. */
  complete(res: IncomingMessage): void {
    this.finish();
    let body = this.chunks !== undefined ? Buffer.concat(this.chunks, this.total) : (this.first ?? EMPTY);
    this.first = this.chunks = undefined;
    const headers = res.headers;
    const encoding = headers['content-encoding'];
    if (encoding !== undefined) {
      // The session never asks for compression; decode it should a server send it anyway.
      try {
        body = decompress(body, encoding);
      } catch (err) {
        this.reject(new LeanTransportError('network', err as Error));
        return;
      }
    }
    const status = res.statusCode ?? 0;
    this.resolve({
      status,
      reason: res.statusMessage || STATUS_CODES[status] || '',
      contentType: headers['content-type'],
      body: bodyText(body),
      ms: Math.round(performance.now() - this.started),
    });
  }
}

/**
 * The requests in flight per signal. One signal often serves many concurrent requests (a script
 * that cancels everything on Ctrl-C): a single `abort` listener per signal, instead of one per
 * request, keeps Node from warning about a listener leak past ten and spares an add/remove per
 * request.
 */
const watchers = new WeakMap<AbortSignal, Set<Pending>>();
const ONCE = { once: true } as const;

function watchSignal(signal: AbortSignal, pending: Pending): void {
  let inFlight = watchers.get(signal);
  if (inFlight === undefined) {
    inFlight = new Set<Pending>();
    watchers.set(signal, inFlight);
    signal.addEventListener('abort', onSignalAbort, ONCE);
  }
  inFlight.add(pending);
  pending.inFlight = inFlight;
}

function onSignalAbort(this: AbortSignal): void {
  const inFlight = watchers.get(this);
  if (inFlight === undefined) return;
  for (const pending of Array.from(inFlight)) pending.stop('abort');
  inFlight.clear();
}

function onTimeout(pending: Pending): void {
  pending.stop('timeout');
}

function onRequestError(this: PendingRequest, err: Error): void {
  this[kPending].fail(err);
}

function onResponse(this: PendingRequest, res: IncomingMessage): void {
  if (this[kPending].done) {
    res.resume();
    return;
  }
  res.on('data', onData);
  res.on('aborted', onAborted);
  res.on('error', onResponseError);
  res.on('end', onEnd);
}

function onData(this: PendingResponse, chunk: Buffer): void {
  const pending = this.req[kPending];
  pending.total += chunk.length;
  if (pending.first === undefined) pending.first = chunk;
  else if (pending.chunks === undefined) pending.chunks = [pending.first, chunk];
  else pending.chunks.push(chunk);
}

function onAborted(this: PendingResponse): void {
  this.req[kPending].fail(undefined);
}

function onResponseError(this: PendingResponse, err: Error): void {
  this.req[kPending].fail(err);
}

function onEnd(this: PendingResponse): void {
  const pending = this.req[kPending];
  if (!pending.done) pending.complete(this);
}

/**
 * Decodes a compressed body as axios's stock adapter would (gzip, deflate with or without its
 * zlib header, br); an unknown encoding is returned as it is.
 *
 * @param buffer - The body.
 * @param encoding - The `Content-Encoding`.
 * @returns The decoded body.
 */
function decompress(buffer: Buffer, encoding: string): Buffer {
  if (buffer.length === 0) return buffer;
  switch (encoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(buffer, SYNC_FLUSH);
    case 'deflate':
      // RFC 9110 deflate is zlib-wrapped; some servers send it raw.
      return (buffer[0]! & 0x0f) === 8 ? inflateSync(buffer, SYNC_FLUSH) : inflateRawSync(buffer, SYNC_FLUSH);
    case 'br':
      return brotliDecompressSync(buffer);
    default:
      return buffer;
  }
}

/** Accept a body whose compressed stream ends without its final block, as axios does. */
const SYNC_FLUSH = { finishFlush: zlibConstants.Z_SYNC_FLUSH };

/**
 * The body as text: UTF-8, without a byte order mark.
 *
 * @param buffer - The body.
 * @returns The text.
 */
function bodyText(buffer: Buffer): string {
  const text = buffer.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
