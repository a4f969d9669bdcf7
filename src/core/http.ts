/**
 * One HTTP exchange with Proxmox through the session's axios adapter: the raw status, reason
 * phrase and body text, or a secret-free `ConnectionError` / `TimeoutError` / `AbortError`.
 *
 * With the lean adapter (the default) the adapter is called directly with a minimal config; with
 * the stock one, through `axios.request`.
 *
 * Nothing from axios (error, config, request) ever leaves this file: its config holds the headers.
 *
 * @module
 */
import type https from 'node:https';
import { STATUS_CODES } from 'node:http';
import axios, { type AxiosAdapter, type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { AbortError, ConnectionError, TimeoutError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { encodeParams } from './encode.js';
import type { Params } from './types.js';
import { createHttpsAgent, createLeanAdapter } from './transport.js';

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

/** The axios instance of a session and the agent that owns its sockets. */
export interface Http {
  /** The session's axios instance. */
  axios: AxiosInstance;
  /** The keep-alive agent (destroyed by `close()`). */
  agent: https.Agent;
  /** The lean adapter, called directly by `exchange` (undefined with axios's stock adapter). */
  lean: AxiosAdapter | undefined;
  /** The API's base URL. */
  baseURL: string;
  /** The headers of every request (`Accept`, `User-Agent`). */
  headers: Readonly<Record<string, string>>;
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

/** What came back, before any interpretation. */
export interface RawResponse {
  status: number;
  /** The HTTP reason phrase (Proxmox VE's error message). */
  reason: string;
  contentType: string | undefined;
  body: string;
  /** Time from sending to the whole answer. */
  ms: number;
}

/**
 * Builds the axios instance of a session: raw text in and out (the session encodes and parses
 * itself), every status resolved, no redirects, no proxy from the environment.
 *
 * @param opts - The validated session options.
 * @returns The axios instance and its agent.
 */
export function createHttp(opts: ResolvedOptions): Http {
  const agent = createHttpsAgent(opts.tls);
  const lean = opts.adapter === 'lean' ? createLeanAdapter(agent) : undefined;
  const baseURL = `https://${urlHost(opts.host)}:${opts.port}/api2/json`;
  const headers = { Accept: 'application/json', 'User-Agent': opts.userAgent };
  const instance = axios.create({
    baseURL,
    adapter: lean ?? 'http',
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
  return { axios: instance, agent, lean, baseURL, headers };
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
export async function exchange(http: Http, ex: Exchange, redact: (text: string) => string): Promise<RawResponse> {
  const info = { method: ex.method, path: ex.path };
  const what = `${ex.method} ${ex.path}`;
  if (ex.signal?.aborted) throw new AbortError(what, { cause: ex.signal.reason });
  const encoded = encodeParams(ex.params);
  const hasBody = ex.method === 'POST' || ex.method === 'PUT';
  const url = ex.path + (!hasBody && encoded !== '' ? `?${encoded}` : '');
  // Every POST/PUT is a form, even an empty one (as axios's stock pipeline sends it, and pveproxy expects).
  const headers = hasBody ? { ...ex.headers, 'Content-Type': 'application/x-www-form-urlencoded' } : ex.headers;
  const data = hasBody && encoded !== '' ? encoded : undefined;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  let res: AxiosResponse<unknown>;
  try {
    if (http.lean !== undefined) {
      // The lean adapter, called directly (as its documentation allows): no per-request merge of
      // axios's config and headers, interceptors or transforms, which a CPU profile showed at
      // about a third of the SDK's cost per request. Its timeout runs from the call until the
      // body is read (wall clock), so no deadline of our own is needed; every status resolves.
      const config: Record<string, unknown> = { baseURL: http.baseURL, url, method: ex.method, headers: { ...http.headers, ...headers }, timeout: ex.timeoutMs };
      if (data !== undefined) config.data = data;
      if (ex.signal !== undefined) config.signal = ex.signal;
      res = await http.lean(config as unknown as InternalAxiosRequestConfig);
    } else {
      // The stock adapter's timeout is the socket's idle time: add a deadline for the whole exchange.
      const deadline = new AbortController();
      timer = setTimeout(() => {
        timedOut = true;
        deadline.abort();
      }, ex.timeoutMs);
      const signal = ex.signal ? AbortSignal.any([ex.signal, deadline.signal]) : deadline.signal;
      res = await http.axios.request<unknown>({
        method: ex.method,
        url,
        headers,
        signal,
        timeout: ex.timeoutMs,
        ...(data !== undefined ? { data } : {}),
      });
    }
  } catch (err) {
    if (ex.signal?.aborted) throw new AbortError(what, { cause: ex.signal.reason });
    if (timedOut || isTimeout(err)) throw new TimeoutError(info, ex.timeoutMs);
    const code = readCode(err);
    throw new ConnectionError(info, redact(`connection failed: ${readMessage(err, code)}`), code);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  return {
    status: res.status,
    reason: res.statusText || STATUS_CODES[res.status] || '',
    contentType: readContentType(res.headers),
    body: toText(res.data),
    ms: Math.round(performance.now() - started),
  };
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
