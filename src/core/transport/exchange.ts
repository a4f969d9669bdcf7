/**
 * One `node:https` request and its answer, read whole, with a wall-clock timeout and an abort
 * signal: the machinery the lean transport and the lean axios adapter share. Each of them says
 * what an answer and a failure become by extending {@link Exchange}.
 *
 * Per request: one state object, and listeners defined once at module level (no closures).
 *
 * @internal
 * @module
 */
import https from 'node:https';
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { brotliDecompressSync, constants as zlibConstants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

/** Why an exchange ended without an answer. */
export type FailureKind = 'network' | 'timeout' | 'abort' | 'body';

/** What `https.request` is given (`agent` added by {@link dispatch}). */
export interface RequestSpec {
  hostname: string;
  port: number | undefined;
  /** The TLS server name; `''` for an IP address (computed by Node when absent). */
  servername?: string;
  path: string;
  method: string;
  /** An object, or Node's flat `[name, value, …]` array (sent as given, without Node's per-header checks). */
  headers: OutgoingHttpHeaders | string[];
}

/**
 * The state of one request/response exchange. Subclasses turn the outcome into what their caller
 * expects (a raw reply, an axios response).
 */
export abstract class Exchange {
  done = false;
  timer: NodeJS.Timeout | undefined = undefined;
  req: ClientRequest | undefined = undefined;
  res: IncomingMessage | undefined = undefined;
  first: Buffer | undefined = undefined;
  chunks: Buffer[] | undefined = undefined;
  total = 0;

  constructor(
    readonly signal: AbortSignal | undefined,
    readonly timeoutMs: number,
    /** Fail once more than this many body bytes arrived (-1: no limit). */
    readonly maxBytes: number,
  ) {}

  /**
   * The answer's head arrived. Return true to read the body (then {@link Exchange.complete} follows),
   * false when the subclass took the response itself (a stream).
   */
  protected abstract head(res: IncomingMessage): boolean;
  /** The whole body was read. */
  protected abstract complete(res: IncomingMessage, body: Buffer): void;
  /** The exchange failed. */
  protected abstract failed(kind: FailureKind, err: Error | undefined): void;

  /** Settles the exchange: no more timer, no more abort listener. */
  finish(): void {
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.signal !== undefined) watchers.get(this.signal)?.delete(this);
  }

  fail(kind: FailureKind, err: Error | undefined): void {
    if (this.done) return;
    this.finish();
    this.failed(kind, err);
  }

  /** Called when the signal aborts. */
  abort(): void {
    if (this.done) return;
    this.fail('abort', undefined);
    this.req?.destroy();
  }

  /** @internal */
  onHead(res: IncomingMessage): void {
    this.res = res;
    if (!this.head(res)) {
      this.finish();
      return;
    }
    res.on('data', onData);
    res.on('aborted', onAborted);
    res.on('error', onResponseError);
    res.on('end', onEnd);
  }

  /** @internal */
  onEnd(res: IncomingMessage): void {
    this.finish();
    const body = this.chunks !== undefined ? Buffer.concat(this.chunks, this.total) : (this.first ?? EMPTY);
    this.first = this.chunks = undefined;
    this.complete(res, body);
  }
}

const EMPTY = Buffer.alloc(0);
const kExchange = Symbol('proxmox-sdk.exchange');

/** The request, carrying its {@link Exchange} so that shared listeners can find it. */
type ExchangeRequest = ClientRequest & { [kExchange]: Exchange };
type ExchangeResponse = IncomingMessage & { req: ExchangeRequest };

/**
 * Sends the request through `agent` and follows it with `exchange`. A stream body is piped; a
 * string or `Buffer` is sent whole (its `Content-Length` is the caller's to set).
 *
 * @throws What `https.request` throws synchronously (a header value Node refuses, `ERR_INVALID_CHAR`).
 */
export function dispatch(agent: https.Agent, spec: RequestSpec, body: string | Buffer | NodeJS.ReadableStream | undefined, exchange: Exchange): void {
  const options: https.RequestOptions = { agent, hostname: spec.hostname, port: spec.port, path: spec.path, method: spec.method, headers: spec.headers as OutgoingHttpHeaders };
  if (spec.servername !== undefined) options.servername = spec.servername;
  const req = https.request(options) as ExchangeRequest;
  req[kExchange] = exchange;
  exchange.req = req;
  req.on('error', onRequestError);
  req.on('response', onResponse);
  if (exchange.timeoutMs > 0) exchange.timer = setTimeout(onTimeout, exchange.timeoutMs, exchange);
  if (exchange.signal !== undefined) watchSignal(exchange.signal, exchange);

  if (body === undefined) {
    req.end();
  } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
    req.end(body);
  } else {
    body.on('error', (err: Error) => {
      req.destroy(err);
    });
    body.pipe(req);
  }
}

/**
 * The exchanges in flight per signal. One signal often serves many concurrent requests (a script
 * that cancels everything on Ctrl-C): a single `abort` listener per signal, instead of one per
 * request, keeps Node from warning about a listener leak past ten and spares an add/remove per
 * request.
 */
const watchers = new WeakMap<AbortSignal, Set<Exchange>>();

function watchSignal(signal: AbortSignal, exchange: Exchange): void {
  let inFlight = watchers.get(signal);
  if (inFlight === undefined) {
    const set = new Set<Exchange>();
    inFlight = set;
    watchers.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        for (const ex of Array.from(set)) ex.abort();
        set.clear();
      },
      { once: true },
    );
  }
  inFlight.add(exchange);
}

function onTimeout(exchange: Exchange): void {
  if (exchange.done) return;
  exchange.fail('timeout', undefined);
  exchange.req?.destroy();
}

function onRequestError(this: ExchangeRequest, err: Error): void {
  this[kExchange].fail('network', err);
}

function onResponse(this: ExchangeRequest, res: IncomingMessage): void {
  const exchange = this[kExchange];
  if (exchange.done) {
    res.resume();
    return;
  }
  exchange.onHead(res);
}

function onData(this: ExchangeResponse, chunk: Buffer): void {
  const exchange = this.req[kExchange];
  exchange.total += chunk.length;
  if (exchange.maxBytes > -1 && exchange.total > exchange.maxBytes) {
    exchange.fail('body', undefined);
    exchange.req?.destroy();
    return;
  }
  if (exchange.first === undefined) exchange.first = chunk;
  else if (exchange.chunks === undefined) exchange.chunks = [exchange.first, chunk];
  else exchange.chunks.push(chunk);
}

function onAborted(this: ExchangeResponse): void {
  this.req[kExchange].fail('network', undefined);
}

function onResponseError(this: ExchangeResponse, err: Error): void {
  this.req[kExchange].fail('network', err);
}

function onEnd(this: ExchangeResponse): void {
  const exchange = this.req[kExchange];
  if (exchange.done) return;
  exchange.onEnd(this);
}

/**
 * Decodes a compressed body as axios's stock adapter would (gzip, deflate with or without its
 * zlib header, br); an unknown encoding is returned as it is.
 *
 * @param buffer - The body.
 * @param encoding - The `Content-Encoding`.
 * @returns The decoded body.
 */
export function decompress(buffer: Buffer, encoding: string): Buffer {
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
export function bodyText(buffer: Buffer): string {
  const text = buffer.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
