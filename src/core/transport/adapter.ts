/**
 * A lean axios adapter on `node:https`: axios stays the session's HTTP interface (config,
 * interceptors, transforms, errors), but a request costs little more than a raw `https.request`.
 *
 * @module
 */
import type https from 'node:https';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { AxiosError, AxiosHeaders, CanceledError } from 'axios';
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { bodyText, decompress, dispatch, Exchange, type FailureKind } from './exchange.js';

/** Where a `baseURL` (or absolute URL) points, parsed once and cached. */
interface Origin {
  hostname: string;
  port: number | undefined;
  /** Path prefix without a trailing slash (`/api2/json`, or empty). */
  basePath: string;
}

const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;
const METHODS: Readonly<Record<string, string>> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  delete: 'DELETE',
  head: 'HEAD',
  patch: 'PATCH',
  options: 'OPTIONS',
};
const MAX_ORIGINS = 32;

type Resolve = (response: AxiosResponse) => void;
type Reject = (reason: unknown) => void;
type Body = string | Buffer | NodeJS.ReadableStream | undefined;

/**
 * Creates an axios adapter that sends each request with `node:https` through `agent`, as cheaply as
 * it can, and answers exactly as axios's stock Node adapter does where the session can tell:
 *
 * - the URL is `baseURL` + `url` (an absolute `url` wins unless `allowAbsoluteUrls: false`), plus
 *   `params` when it is a non-empty object (through `paramsSerializer` when one is set, else
 *   `URLSearchParams` with spaces as `%20`); a query already in `url` is kept;
 * - `data` must be a string or `Buffer` (sent with `Content-Length`, never chunked), or a stream
 *   with an explicit `Content-Length` header; `headers` are sent as given (no `User-Agent` or
 *   `Accept-Encoding` of its own, so the server never compresses); a value Node cannot send
 *   (characters beyond Latin-1) is an `ERR_INVALID_CHAR` error, where the stock adapter drops them;
 * - the body is read whole and returned as a UTF-8 string (BOM stripped), untransformed — axios's
 *   `transformResponse` parses it afterwards, as with the stock adapter (`responseType:
 *   'arraybuffer'` gives a `Buffer`, `'stream'` the response stream);
 * - every status settles as axios's `settle` does: resolved when `validateStatus` accepts it, else
 *   rejected with an `AxiosError` (`ERR_BAD_REQUEST` for 4xx, `ERR_BAD_RESPONSE` otherwise)
 *   carrying the response;
 * - `timeout` (wall clock, from the call until the body is read) rejects with an `AxiosError`
 *   `ECONNABORTED` (`ETIMEDOUT` with `transitional.clarifyTimeoutError`) and destroys the socket;
 *   `signal` rejects with a `CanceledError` at once and destroys the socket; a network or TLS
 *   error rejects with an `AxiosError` carrying the system code (`ECONNREFUSED`, `ECONNRESET`,
 *   `ERR_TLS_FINGERPRINT_MISMATCH`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …) and the original as `cause`.
 *
 * It may also be called directly, without `axios.request`, with a minimal config (`baseURL`, `url`,
 * `method`, `headers` as a plain object or `AxiosHeaders`, `data`, `timeout`, `signal`, and
 * `validateStatus` or none to resolve every status): that skips axios's per-request config merge,
 * interceptors and transforms (about half the CPU of a whole keep-alive request on `node:https`).
 *
 * A compressed answer (only if the caller sent `Accept-Encoding` itself) is decoded at the end.
 * Not supported (Proxmox needs none of them): `http:` URLs, proxies, redirects, progress events,
 * `maxRate`, `cancelToken`, `FormData` bodies (build multipart as a `Buffer`).
 *
 * @param agent - The agent that owns the connections and the TLS policy (see `createHttpsAgent`).
 * @returns An adapter for axios's `adapter` option.
 * @example
 * ```ts
 * const agent = createHttpsAgent({ fingerprint });
 * const http = axios.create({ baseURL: 'https://pve1:8006/api2/json', adapter: createLeanAdapter(agent) });
 * const { data } = await http.get('/version');
 * ```
 */
export function createLeanAdapter(agent: https.Agent): AxiosAdapter {
  const origins = new Map<string, Origin>();

  function originOf(base: string): Origin {
    let origin = origins.get(base);
    if (origin === undefined) {
      origin = parseOrigin(base);
      if (origins.size >= MAX_ORIGINS) origins.clear();
      origins.set(base, origin);
    }
    return origin;
  }

  return function leanAdapter(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
    return new Promise<AxiosResponse>((resolve, reject) => {
      try {
        send(agent, originOf, config, resolve, reject);
      } catch (err) {
        // A bad URL, or a header value Node refuses to send (ERR_INVALID_CHAR), before any I/O.
        if (err instanceof AxiosError) {
          err.config ??= config;
          reject(err);
        } else {
          const code = (err as { code?: unknown }).code;
          reject(AxiosError.from(err, typeof code === 'string' ? code : AxiosError.ERR_BAD_REQUEST, config));
        }
      }
    });
  };
}

/** Parses the scheme, host and port of a base URL once; only `https:` is supported. */
function parseOrigin(base: string): Origin {
  const url = new URL(base);
  if (url.protocol !== 'https:') {
    throw new AxiosError(`Unsupported protocol ${url.protocol}`, AxiosError.ERR_BAD_REQUEST);
  }
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let basePath = url.pathname;
  while (basePath.endsWith('/')) basePath = basePath.slice(0, -1);
  return { hostname, port: url.port === '' ? undefined : Number(url.port), basePath };
}

/** Splits a URL into its origin (`https://host:port`) and the rest (path, query). */
function splitUrl(full: string): [string, string] {
  const afterScheme = full.indexOf('//') + 2;
  let cut = full.length;
  for (let i = afterScheme; i < full.length; i++) {
    const c = full.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) {
      cut = i;
      break;
    }
  }
  return [full.slice(0, cut), full.slice(cut)];
}

/** Serializes `params` as the caller asked (`paramsSerializer`), else with `%20` for spaces. */
function serializeParams(config: InternalAxiosRequestConfig, params: object): string {
  const custom = config.paramsSerializer as
    | { serialize?: (params: object, options?: unknown) => string }
    | ((params: object) => string)
    | undefined;
  if (typeof custom === 'function') return custom(params);
  if (custom !== undefined && typeof custom.serialize === 'function') return custom.serialize(params, custom);
  if (params instanceof URLSearchParams) return params.toString().replace(/\+/g, '%20');
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) search.append(key, String(item));
    } else {
      search.append(key, String(value));
    }
  }
  // URLSearchParams writes a space as `+` and a literal `+` as `%2B`, so this is exact.
  return search.toString().replace(/\+/g, '%20');
}

function hasKeys(obj: object): boolean {
  for (const _ in obj) return true;
  return false;
}

function send(
  agent: https.Agent,
  originOf: (base: string) => Origin,
  config: InternalAxiosRequestConfig,
  resolve: Resolve,
  reject: Reject,
): void {
  // --- URL -----------------------------------------------------------------------------------
  let url = config.url ?? '';
  const hash = url.indexOf('#');
  if (hash !== -1) url = url.slice(0, hash);
  let origin: Origin;
  let path: string;
  const baseURL = config.baseURL;
  // A url starting with a single `/` (the usual case) cannot be absolute: skip the regex.
  const absolute = (url.charCodeAt(0) !== 47 || url.charCodeAt(1) === 47) && ABSOLUTE_URL.test(url);
  if (baseURL && !(absolute && config.allowAbsoluteUrls !== false)) {
    origin = originOf(baseURL);
    let i = 0;
    while (url.charCodeAt(i) === 47 /* / */) i++;
    path = origin.basePath + '/' + (i === 0 ? url : url.slice(i));
  } else {
    const [base, rest] = splitUrl(url);
    origin = originOf(base);
    path = origin.basePath + (rest === '' || rest.charCodeAt(0) === 63 /* ? */ ? '/' + rest : rest);
  }
  const params: unknown = config.params;
  if (
    params !== undefined &&
    params !== null &&
    typeof params === 'object' &&
    (params instanceof URLSearchParams ? params.size > 0 : hasKeys(params))
  ) {
    const query = serializeParams(config, params);
    if (query !== '') path += (path.includes('?') ? '&' : '?') + query;
  }

  // --- Headers -------------------------------------------------------------------------------
  const source = config.headers as unknown as Record<string, unknown>;
  const headers: OutgoingHttpHeaders = {};
  let hasLength = false;
  for (const name of Object.keys(source)) {
    const value = source[name];
    if (value === undefined || value === null || value === false) continue;
    if (name.length === 14 && name.toLowerCase() === 'content-length') hasLength = true;
    headers[name] = typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : String(value);
  }

  // --- Body ----------------------------------------------------------------------------------
  let body: Body;
  const data: unknown = config.data;
  if (data !== undefined && data !== null) {
    let length: number;
    if (typeof data === 'string') {
      body = data;
      length = Buffer.byteLength(data);
    } else if (Buffer.isBuffer(data)) {
      body = data;
      length = data.length;
    } else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      body = data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      length = body.length;
    } else if (typeof (data as NodeJS.ReadableStream).pipe === 'function') {
      if (!hasLength) {
        reject(
          new AxiosError(
            'The lean adapter sends a stream only with an explicit Content-Length header (no chunked encoding)',
            AxiosError.ERR_BAD_REQUEST,
            config,
          ),
        );
        return;
      }
      body = data as NodeJS.ReadableStream;
      length = -1;
    } else {
      reject(
        new AxiosError(
          'Data after transformation must be a string, an ArrayBuffer, a Buffer, or a Stream',
          AxiosError.ERR_BAD_REQUEST,
          config,
        ),
      );
      return;
    }
    const maxBodyLength = config.maxBodyLength;
    if (maxBodyLength !== undefined && maxBodyLength > -1 && length > maxBodyLength) {
      reject(new AxiosError('Request body larger than maxBodyLength limit', AxiosError.ERR_BAD_REQUEST, config));
      return;
    }
    if (!hasLength && length >= 0) headers['Content-Length'] = length;
  }

  // --- Timeout (validated before anything is sent) --------------------------------------------
  let timeoutMs = 0;
  const rawTimeout: unknown = config.timeout;
  if (rawTimeout) {
    timeoutMs = typeof rawTimeout === 'number' ? Math.trunc(rawTimeout) : parseInt(String(rawTimeout), 10);
    if (Number.isNaN(timeoutMs)) {
      reject(
        new AxiosError('error trying to parse `config.timeout` to int', AxiosError.ERR_BAD_OPTION_VALUE, config),
      );
      return;
    }
  }

  const signal = config.signal as AbortSignal | undefined;
  if (signal?.aborted) {
    reject(new CanceledError(undefined, config));
    return;
  }

  // --- Send ----------------------------------------------------------------------------------
  const method = config.method ? (METHODS[config.method] ?? config.method.toUpperCase()) : 'GET';
  const maxContentLength = config.maxContentLength;
  const exchange = new AxiosExchange(config, resolve, reject, signal, timeoutMs, maxContentLength !== undefined && maxContentLength > -1 ? maxContentLength : -1);
  dispatch(agent, { hostname: origin.hostname, port: origin.port, path, method, headers }, body, exchange);
}

/** An exchange whose outcome is an axios response, or an `AxiosError` as the stock adapter words it. */
class AxiosExchange extends Exchange {
  response: AxiosResponse | undefined = undefined;

  constructor(
    readonly config: InternalAxiosRequestConfig,
    readonly resolve: Resolve,
    readonly reject: Reject,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    maxBytes: number,
  ) {
    super(signal, timeoutMs, maxBytes);
  }

  protected head(res: IncomingMessage): boolean {
    const response: AxiosResponse = {
      data: undefined,
      status: res.statusCode ?? 0,
      statusText: res.statusMessage ?? '',
      // What axios builds from `res.headers` anyway, without its per-header case-insensitive merge:
      // Node's names are already lower case and unique, its values trimmed.
      headers: Object.assign(new AxiosHeaders(), res.headers) as AxiosResponse['headers'],
      config: this.config,
      request: this.req,
    };
    this.response = response;
    if (this.config.responseType !== 'stream') return true;
    response.data = res;
    settle(this.resolve, this.reject, response);
    return false;
  }

  protected complete(res: IncomingMessage, body: Buffer): void {
    const response = this.response as AxiosResponse;
    let buffer = body;
    // Nothing asks for compression, but a caller may send Accept-Encoding itself.
    const encoding = res.headers['content-encoding'];
    if (encoding !== undefined && this.config.decompress !== false) {
      try {
        buffer = decompress(buffer, encoding);
      } catch (err) {
        this.reject(AxiosError.from(err, undefined, this.config, this.req, response));
        return;
      }
      delete (response.headers as Record<string, unknown>)['content-encoding'];
    }
    response.data = this.config.responseType === 'arraybuffer' ? buffer : bodyText(buffer);
    settle(this.resolve, this.reject, response);
  }

  protected failed(kind: FailureKind, err: Error | undefined): void {
    const config = this.config;
    switch (kind) {
      case 'abort':
        this.reject(new CanceledError(undefined, config, this.req));
        return;
      case 'timeout':
        this.reject(
          new AxiosError(
            config.timeoutErrorMessage || `timeout of ${this.timeoutMs}ms exceeded`,
            config.transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED,
            config,
            this.req,
          ),
        );
        return;
      case 'body':
        this.reject(new AxiosError(`maxContentLength size of ${this.maxBytes} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, this.req));
        return;
      case 'network':
        this.reject(
          err !== undefined
            ? AxiosError.from(err, undefined, config, this.req, this.response)
            : new AxiosError('stream has been aborted', AxiosError.ERR_BAD_RESPONSE, config, this.req, this.response),
        );
    }
  }
}

/** axios's `settle`: resolves when `validateStatus` accepts the status (or there is none), else rejects. */
function settle(resolve: Resolve, reject: Reject, response: AxiosResponse): void {
  const validateStatus = response.config.validateStatus;
  let ok: boolean;
  try {
    ok = !response.status || !validateStatus || validateStatus(response.status);
  } catch (err) {
    reject(err);
    return;
  }
  if (ok) {
    resolve(response);
  } else {
    reject(
      new AxiosError(
        'Request failed with status code ' + response.status,
        response.status >= 400 && response.status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE,
        response.config,
        response.request,
        response,
      ),
    );
  }
}
