/**
 * One HTTP exchange with Proxmox: the raw status, reason phrase and body text, or a secret-free
 * `ConnectionError` / `TimeoutError` / `AbortError`.
 *
 * The session's lean transport on `node:https` (the default), or axios's stock Node adapter
 * through `axios.request` (`adapter: 'axios'`).
 *
 * Nothing from axios or Node (error, config, request) ever leaves this file: they hold the headers.
 *
 * @module
 */
import type https from 'node:https';
import { STATUS_CODES } from 'node:http';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { AbortError, ConnectionError, TimeoutError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { encodeParams } from './encode.js';
import type { Params } from './types.js';
import { createHttpsAgent, createLeanTransport, LeanTransportError, type LeanReply, type LeanRequest, type LeanTransport } from './transport.js';

/**
 * The HTTP methods Proxmox's API uses.
 *
 * @example
 * ```ts
 * const method: Method = 'POST';
 * await api.request(method, '/cluster/backup', { storage: 'local', all: true });
 * ```
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The transport of a session and the agent that owns its sockets. */
export interface Http {
  /** The axios instance of the stock adapter (undefined with the lean transport). */
  axios: AxiosInstance | undefined;
  /** The keep-alive agent (destroyed by `close()`). */
  agent: https.Agent;
  /** The lean transport (undefined with axios's stock adapter). */
  lean: LeanTransport | undefined;
}

/** One request to send. */
export interface Exchange {
  method: Method;
  /** API path relative to `/api2/json`. */
  path: string;
  params: Params | undefined;
  headers: Readonly<Record<string, string>>;
  /** The caller's signal. */
  signal: AbortSignal | undefined;
  timeoutMs: number;
}

/** What came back, before any interpretation (the lean transport's reply). */
export type RawResponse = LeanReply;

/**
 * Builds the transport of a session: the lean one, or axios's stock adapter.
 *
 * @param opts - The validated session options.
 * @returns The transport and its agent.
 */
export function createHttp(opts: ResolvedOptions): Http {
  const agent = createHttpsAgent(opts.tls);
  const baseURL = `https://${urlHost(opts.host)}:${opts.port}/api2/json`;
  const headers = { Accept: 'application/json', 'User-Agent': opts.userAgent };
  if (opts.adapter === 'lean') {
    const lean = createLeanTransport(agent, { host: opts.host, port: opts.port, basePath: '/api2/json', headers });
    return { axios: undefined, agent, lean };
  }
  return { axios: createStockAxios(agent, baseURL, headers), agent, lean: undefined };
}

/**
 * The axios instance of the stock adapter: raw text in and out (the session encodes and parses
 * itself), every status resolved, no redirects, no proxy from the environment.
 *
 * @internal
 */
export function createStockAxios(agent: https.Agent, baseURL: string, headers: Readonly<Record<string, string>>): AxiosInstance {
  const instance = axios.create({
    baseURL,
    adapter: 'http',
    httpsAgent: agent,
    responseType: 'text',
    responseEncoding: 'utf8',
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxRedirects: 0,
    proxy: false,
    headers,
  });
  // axios merges the instance's defaults into every request's config, the header buckets of every
  // method deeply. Keep only what the session uses: flat headers, and none of the browser (xsrf,
  // env), limit or timeout defaults (both adapters read an absent limit as none, as they read -1;
  // every request sets its timeout). That halves axios's own CPU per request.
  instance.defaults.headers = { ...headers } as unknown as typeof instance.defaults.headers;
  const defaults = instance.defaults as unknown as Record<string, unknown>;
  for (const key of ['transitional', 'timeout', 'xsrfCookieName', 'xsrfHeaderName', 'maxContentLength', 'maxBodyLength', 'env']) {
    delete defaults[key];
  }
  return instance;
}

/**
 * The host as it goes in a URL: IPv6 addresses in brackets.
 *
 * @param host - A host name or address.
 * @returns The URL form.
 */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Sends one request. Resolves for every HTTP status; rejects only when no answer came.
 *
 * @param http - The session's axios instance.
 * @param ex - The request.
 * @param redact - Removes the session's secrets from a text.
 * @returns The raw answer.
 * @throws AbortError when the caller's signal fired, TimeoutError when `timeoutMs` ran out,
 *   ConnectionError (with the system or TLS code) otherwise.
 */
export function exchange(http: Http, ex: Exchange, redact: (text: string) => string): Promise<RawResponse> {
  const encoded = encodeParams(ex.params);
  const hasBody = ex.method === 'POST' || ex.method === 'PUT';
  const url = !hasBody && encoded !== '' ? `${ex.path}?${encoded}` : ex.path;
  if (http.lean === undefined) return stockExchange(http.axios as AxiosInstance, ex, url, hasBody ? encoded : undefined, redact);
  // Every POST/PUT is a form, even an empty one (as axios's stock pipeline sends it, and pveproxy expects).
  const request: LeanRequest = { method: ex.method, path: url, headers: ex.headers, body: hasBody ? encoded : undefined, timeoutMs: ex.timeoutMs, signal: ex.signal };
  let pending: Promise<RawResponse>;
  try {
    pending = http.lean(request);
  } catch (err) {
    // A header value Node would refuse (ERR_INVALID_CHAR), before anything is sent.
    pending = Promise.reject(err as Error);
  }
  return pending.then(undefined, (err: unknown) => {
    throw noAnswer(ex, err, err instanceof LeanTransportError && err.kind === 'timeout', redact);
  });
}

/** Through axios's stock adapter, whose timeout is the socket's idle time: a deadline covers the whole exchange. */
async function stockExchange(instance: AxiosInstance, ex: Exchange, url: string, form: string | undefined, redact: (text: string) => string): Promise<RawResponse> {
  const started = performance.now();
  if (ex.signal?.aborted) throw new AbortError(`${ex.method} ${ex.path}`, { cause: ex.signal.reason });
  let timedOut = false;
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort();
  }, ex.timeoutMs);
  const signal = ex.signal ? AbortSignal.any([ex.signal, deadline.signal]) : deadline.signal;
  let res: AxiosResponse<unknown>;
  try {
    const headers = form !== undefined ? { ...ex.headers, 'Content-Type': 'application/x-www-form-urlencoded' } : ex.headers;
    res = await instance.request<unknown>({ method: ex.method, url, headers, signal, timeout: ex.timeoutMs, ...(form ? { data: form } : {}) });
  } catch (err) {
    throw noAnswer(ex, err, timedOut || isTimeout(err), redact);
  } finally {
    clearTimeout(timer);
  }
  return {
    status: res.status,
    reason: res.statusText || STATUS_CODES[res.status] || '',
    contentType: readContentType(res.headers),
    body: toText(res.data),
    ms: Math.round(performance.now() - started),
  };
}

/** The error of a request that got no answer: aborted, timed out, or a connection failure (secret-free). */
function noAnswer(ex: Exchange, err: unknown, timedOut: boolean, redact: (text: string) => string): Error {
  if (ex.signal?.aborted) return new AbortError(`${ex.method} ${ex.path}`, { cause: ex.signal.reason });
  const info = { method: ex.method, path: ex.path };
  if (timedOut) return new TimeoutError(info, ex.timeoutMs);
  const code = readCode(err);
  return new ConnectionError(info, redact(`connection failed: ${readMessage(err, code)}`), code);
}

function isTimeout(err: unknown): boolean {
  const code = readCode(err);
  return code === 'ECONNABORTED' || code === 'ETIMEDOUT';
}

/** The error's code, looking through axios's wrapper to the system or TLS error. */
function readCode(err: unknown): string | undefined {
  const own = codeOf(err);
  if (own !== undefined && own !== 'ERR_BAD_RESPONSE' && own !== 'ERR_NETWORK') return own;
  const cause = typeof err === 'object' && err !== null ? (err as { cause?: unknown }).cause : undefined;
  return codeOf(cause) ?? own;
}

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/** A short description: the error's own message (system messages name no secrets), never its config. */
function readMessage(err: unknown, code: string | undefined): string {
  const message = err instanceof Error ? err.message : undefined;
  const text = message && message.length > 0 ? message.slice(0, 300) : 'no answer';
  return code && !text.includes(code) ? `${text} (${code})` : text;
}

function readContentType(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value = (headers as Record<string, unknown>)['content-type'];
  return typeof value === 'string' ? value : undefined;
}

function toText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data === undefined || data === null) return '';
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return String(data);
}
