/**
 * The session's own transport on `node:https`: what a raw keep-alive `https.request` costs, plus
 * a wall-clock timeout and an abort signal, and nothing else (no config merge, no response object
 * of an HTTP library, no header checks repeated per request).
 *
 * @internal
 * @module
 */
import type https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { isIP } from 'node:net';
import { bodyText, decompress, dispatch, Exchange, type FailureKind } from './exchange.js';

/** One request of the session. */
export interface LeanRequest {
  method: string;
  /** Path and query, below the base path (`/nodes/pve1/qemu?full=1`). */
  path: string;
  /** Headers of this request besides `Host`, `Accept` and `User-Agent` (authentication). */
  headers: Readonly<Record<string, string>>;
  /** A form body (`application/x-www-form-urlencoded`, sent with its `Content-Length`), or none. */
  body: string | undefined;
  /** Wall clock, from the call until the whole body is read. */
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/** The answer, read whole. */
export interface LeanReply {
  status: number;
  /** The HTTP reason phrase. */
  reason: string;
  contentType: string | undefined;
  body: string;
}

/**
 * Why a request got no answer: `kind` says whether the time ran out, the signal fired or the
 * connection failed (then `cause` is Node's error, with its system or TLS `code`).
 */
export class LeanTransportError extends Error {
  override readonly name = 'LeanTransportError';

  /**
   * @param kind - `network`, `timeout` or `abort`.
   * @param cause - Node's error, for `network`.
   */
  constructor(
    readonly kind: FailureKind,
    cause: Error | undefined,
  ) {
    super(cause?.message ?? (kind === 'network' ? 'the connection closed before the whole answer arrived' : kind), cause === undefined ? undefined : { cause });
  }

  /** The system or TLS error code (`ECONNREFUSED`, `ERR_TLS_FINGERPRINT_MISMATCH`, …), if any. */
  get code(): string | undefined {
    const code = (this.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' && code !== '' ? code : undefined;
  }
}

/** Sends one request of the session. */
export type LeanTransport = (request: LeanRequest) => Promise<LeanReply>;

/**
 * Creates the transport of one session: every request goes to `host:port` under `basePath` through
 * `agent` (which owns the connections and the TLS policy), with `Host`, `Accept` and `User-Agent`
 * built and checked once. The headers of each request are passed to Node as its flat header array,
 * so Node writes them as they are: each value is checked here (the same check Node makes, so a
 * value with a line break or beyond Latin-1 is an `ERR_INVALID_CHAR` error before anything is
 * sent), once per headers object for those a session reuses (an API token's).
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
  const servername = isIP(hostname) ? '' : hostname;
  const checked = new WeakMap<object, readonly string[]>();

  return (request) =>
    new Promise<LeanReply>((resolve, reject) => {
      if (request.signal?.aborted) {
        reject(new LeanTransportError('abort', undefined));
        return;
      }
      let own = checked.get(request.headers);
      if (own === undefined) {
        own = headerLines(request.headers);
        if (Object.isFrozen(request.headers)) checked.set(request.headers, own);
      }
      const headers = fixed.concat(own);
      if (request.body !== undefined) headers.push('Content-Type', FORM, 'Content-Length', String(Buffer.byteLength(request.body)));
      const exchange = new ReplyExchange(resolve, reject, request.signal, request.timeoutMs);
      dispatch(agent, { hostname, port: target.port, servername, path: target.basePath + request.path, method: request.method, headers }, request.body, exchange);
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

/** An exchange whose outcome is a {@link LeanReply} or a {@link LeanTransportError}. */
class ReplyExchange extends Exchange {
  constructor(
    readonly resolve: (reply: LeanReply) => void,
    readonly reject: (err: LeanTransportError) => void,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    super(signal, timeoutMs, -1);
  }

  protected head(): boolean {
    return true;
  }

  protected complete(res: IncomingMessage, body: Buffer): void {
    const headers = res.headers;
    const encoding = headers['content-encoding'];
    let buffer = body;
    if (encoding !== undefined) {
      // The session never asks for compression; decode it should a server send it anyway.
      try {
        buffer = decompress(body, encoding);
      } catch (err) {
        this.reject(new LeanTransportError('network', err as Error));
        return;
      }
    }
    this.resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', contentType: headers['content-type'], body: bodyText(buffer) });
  }

  protected failed(kind: FailureKind, err: Error | undefined): void {
    this.reject(new LeanTransportError(kind, err));
  }
}
