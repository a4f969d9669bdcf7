/**
 * `ProxmoxAPI`: one session with a Proxmox VE or Backup Server host. The only code that speaks HTTP.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import { raceAbort } from './abort.js';
import { AbortError } from './errors.js';
import { Authenticator, blankOut } from './auth.js';
import { optionsFromEnv } from './env.js';
import { createHttp, exchange, urlHost, type Http, type Method, type RawResponse } from './http.js';
import { resolveOptions, type ProxmoxOptions, type ResolvedOptions } from './options.js';
import { readResponse } from './response.js';
import { retryAfter, withRetry, type RetryPolicy } from './retry.js';
import type { CallOptions, Params, Product, ProxmoxEvents, RequestOptions } from './types.js';
import { VersionInfoSchema, type VersionInfo } from './version.js';

/**
 * A session with one Proxmox VE or Proxmox Backup Server host: authentication, TLS, retries,
 * timeouts, error mapping and typed events. Domain classes (`VM`, `Node`, …) all share one.
 *
 * @example
 * ```ts
 * const api = new ProxmoxAPI({ host: 'pve1.example.com', tokenId: 'root@pam!ci', tokenSecret: process.env.SECRET!,
 *   tls: { fingerprint: 'AA:BB:…' } });
 * api.on('retry', (e) => console.warn(`retrying ${e.path}: ${e.reason}`));
 * const nodes = await api.get<Array<{ node: string }>>('/nodes');
 * api.close();
 * ```
 */
export class ProxmoxAPI extends EventEmitter<ProxmoxEvents> {
  /** The product this session talks to. */
  readonly product: Product;
  /** The host name or address (without brackets or port). */
  readonly host: string;
  /** The TCP port. */
  readonly port: number;
  /** The API's base URL (`https://pve1:8006/api2/json`). */
  readonly baseUrl: string;

  readonly #opts: ResolvedOptions;
  readonly #http: Http;
  readonly #auth: Authenticator;
  /** Removes the session's secrets from a text (one function for every request). */
  readonly #redact = (text: string): string => this.#auth.redact(text);
  #version: Promise<VersionInfo> | undefined;

  /**
   * Checks the options and sets up the session. No request is sent until the first call.
   *
   * @param options - Host, one credential, and optional TLS, timeout, retry and adapter settings.
   * @throws TypeError naming the option that is missing, unknown, malformed or conflicting.
   * @example
   * ```ts
   * const api = new ProxmoxAPI({ host: 'https://pve1:8006', username: 'root@pam', password: 'secret' });
   * ```
   */
  constructor(options: ProxmoxOptions) {
    super();
    const opts = resolveOptions(options);
    this.#opts = opts;
    this.product = opts.product;
    this.host = opts.host.replace(/^\[(.*)\]$/, '$1');
    this.port = opts.port;
    this.baseUrl = `https://${urlHost(this.host)}:${opts.port}/api2/json`;
    this.#http = createHttp(opts);
    this.#auth = new Authenticator(
      opts.product,
      opts.credential,
      (params, o) => this.#call({ method: 'POST', path: '/access/ticket', params, options: o, schema: undefined, authenticated: false, redact: this.#redact }),
      {
        ticket: (event) => this.emit('ticket', event),
        warning: (code, message) => this.emit('warning', { code, message }),
      },
    );
    if (opts.tls?.insecure) {
      // Emitted after construction, so a listener attached right after `new` sees it.
      queueMicrotask(() =>
        this.emit('warning', {
          code: 'TLS_INSECURE',
          message: `TLS verification is off for ${this.host}:${this.port}: anyone on the path can read this session's credentials`,
        }),
      );
    }
  }

  /**
   * Makes a session from `PROXMOX_*` environment variables: `PROXMOX_HOST`, `PROXMOX_PORT`,
   * `PROXMOX_PRODUCT`, `PROXMOX_TOKEN_ID` + `PROXMOX_TOKEN_SECRET` or `PROXMOX_USER` +
   * `PROXMOX_PASSWORD`, `PROXMOX_FINGERPRINT`, `PROXMOX_CA_FILE`, `PROXMOX_INSECURE`.
   *
   * @param env - The variables (default `process.env`).
   * @returns A new session.
   * @throws TypeError naming the variable that is missing or malformed.
   * @example
   * ```ts
   * const api = ProxmoxAPI.fromEnv(); // PROXMOX_HOST=pve1 PROXMOX_TOKEN_ID=root@pam!ci PROXMOX_TOKEN_SECRET=…
   * ```
   */
  static fromEnv(env: Readonly<Record<string, string | undefined>> = process.env): ProxmoxAPI {
    return new ProxmoxAPI(optionsFromEnv(env));
  }

  /**
   * `GET path` with `params` in the query.
   *
   * @param path - API path relative to `/api2/json` (build it with the `path` tag).
   * @param params - Query parameters.
   * @param options - Signal, timeout, retries, and a zod schema for the answer.
   * @returns The answer's `data`, parsed by `options.schema` when given.
   * @throws ProxmoxApiError subclasses for error statuses, InvalidResponseError, ConnectionError,
   *   TimeoutError, AbortError.
   * @example
   * ```ts
   * const vms = await api.get(path`/nodes/${'pve1'}/qemu`, { full: true });
   * ```
   */
  get<T = unknown>(path: string, params?: Params, options?: CallOptions<T>): Promise<T> {
    return this.request('GET', path, params, options);
  }

  /**
   * `POST path` with `params` form-encoded.
   *
   * @param path - API path relative to `/api2/json`.
   * @param params - Body parameters.
   * @param options - Signal, timeout, retries, and a zod schema for the answer.
   * @returns The answer's `data` (often a task's UPID).
   * @throws As {@link ProxmoxAPI.get}; a POST is retried only when nothing was sent.
   * @example
   * ```ts
   * const upid = await api.post(path`/nodes/${'pve1'}/qemu/${100}/status/start`);
   * ```
   */
  post<T = unknown>(path: string, params?: Params, options?: CallOptions<T>): Promise<T> {
    return this.request('POST', path, params, options);
  }

  /**
   * `PUT path` with `params` form-encoded.
   *
   * @param path - API path relative to `/api2/json`.
   * @param params - Body parameters.
   * @param options - Signal, timeout, retries, and a zod schema for the answer.
   * @returns The answer's `data`.
   * @throws As {@link ProxmoxAPI.get}; a PUT is retried only when nothing was sent.
   * @example
   * ```ts
   * await api.put(path`/nodes/${'pve1'}/qemu/${100}/resize`, { disk: 'scsi0', size: '+10G' });
   * ```
   */
  put<T = unknown>(path: string, params?: Params, options?: CallOptions<T>): Promise<T> {
    return this.request('PUT', path, params, options);
  }

  /**
   * `DELETE path` with `params` in the query.
   *
   * @param path - API path relative to `/api2/json`.
   * @param params - Query parameters.
   * @param options - Signal, timeout, retries, and a zod schema for the answer.
   * @returns The answer's `data`.
   * @throws As {@link ProxmoxAPI.get}; a DELETE is retried only when nothing was sent.
   * @example
   * ```ts
   * await api.delete(path`/nodes/${'pve1'}/qemu/${100}`, { purge: true });
   * ```
   */
  delete<T = unknown>(path: string, params?: Params, options?: CallOptions<T>): Promise<T> {
    return this.request('DELETE', path, params, options);
  }

  /**
   * Any method: what `get/post/put/delete` call.
   *
   * @param method - `GET`, `POST`, `PUT` or `DELETE`.
   * @param path - API path relative to `/api2/json`.
   * @param params - Query (GET/DELETE) or form body (POST/PUT) parameters.
   * @param options - Signal, timeout, retries, and a zod schema for the answer.
   * @returns The answer's `data`, parsed by `options.schema` when given.
   * @throws TypeError for a malformed path or option, before any request; otherwise as {@link ProxmoxAPI.get}.
   * @example
   * ```ts
   * await api.request('POST', '/cluster/backup', { storage: 'local', all: true });
   * ```
   */
  request<T = unknown>(method: Method, path: string, params?: Params, options?: CallOptions<T>): Promise<T> {
    try {
      if (!METHODS.has(method)) throw new TypeError(`method must be GET, POST, PUT or DELETE, got ${JSON.stringify(method)}`);
      checkPath(path);
      checkCallOptions(options);
    } catch (err) {
      return Promise.reject(err);
    }
    const secrets = options?.secrets;
    const redact = secrets === undefined || secrets.length === 0 ? this.#redact : (text: string) => blankOut(this.#redact(text), secrets);
    return this.#call({ method, path, params, options: options ?? {}, schema: options?.schema, authenticated: true, redact });
  }

  /**
   * Logs in now rather than on the first request (password sessions; others need nothing).
   * Concurrent calls and requests share one login.
   *
   * @param options - Signal, timeout and retries of the login.
   * @returns When the session holds a ticket.
   * @throws AuthenticationError when the credentials (or the second factor) are refused.
   * @example
   * ```ts
   * await api.login(); // fail fast on a wrong password
   * ```
   */
  async login(options?: RequestOptions): Promise<void> {
    checkCallOptions(options);
    await this.#auth.login(options ?? {});
  }

  /**
   * The release of the connected host (`GET /version`), asked once per session and cached.
   * Concurrent callers share one request; a failed request is asked again next time.
   *
   * @param options - Signal, timeout and retries (the signal stops only this caller's wait).
   * @returns The version, with `major`, `minor` and `patch` parsed.
   * @throws As {@link ProxmoxAPI.get}.
   * @example
   * ```ts
   * const { major } = await api.version();
   * ```
   */
  version(options?: RequestOptions): Promise<VersionInfo> {
    checkCallOptions(options);
    if (!this.#version) {
      const { signal: _ignored, ...shared } = options ?? {};
      const pending = this.get('/version', undefined, { ...shared, schema: VersionInfoSchema });
      this.#version = pending;
      pending.catch(() => {
        if (this.#version === pending) this.#version = undefined;
      });
    }
    const signal = options?.signal;
    return signal ? raceAbort(this.#version, signal, () => new AbortError('GET /version', { cause: signal.reason })) : this.#version;
  }

  /**
   * A plain view of the session for logs: where it points, never its credentials.
   *
   * @returns `product`, `host`, `port` and `baseUrl`.
   * @example
   * ```ts
   * console.log(JSON.stringify(api)); // {"product":"pve","host":"pve1","port":8006,"baseUrl":"https://pve1:8006/api2/json"}
   * ```
   */
  toJSON(): { product: Product; host: string; port: number; baseUrl: string } {
    return { product: this.product, host: this.host, port: this.port, baseUrl: this.baseUrl };
  }

  /**
   * What `util.inspect` and `console.log` show: where the session points, never its credentials.
   *
   * @returns The same plain view as {@link ProxmoxAPI.toJSON}.
   * @example
   * ```ts
   * console.log(api); // ProxmoxAPI { product: 'pve', host: 'pve1', port: 8006, baseUrl: 'https://pve1:8006/api2/json' }
   * ```
   */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return Object.assign(new InspectView(), this.toJSON());
  }

  /**
   * Closes the session's kept-alive connections. Requests after this open new ones.
   *
   * @example
   * ```ts
   * try { await run(api); } finally { api.close(); }
   * ```
   */
  close(): void {
    this.#http.agent.destroy();
  }

  /**
   * One request with its retries. The first attempt runs on its own: the retry policy and the
   * closures of p-retry are built only after it fails (a CPU profile of `vm.status()` showed
   * them, and the copies of the options they took, on every request). The layers below are plain
   * promise chains rather than `async` functions: each `async` layer cost a promise and a
   * resumption per request.
   */
  #call<T>(call: Call<T>): Promise<T> {
    if (call.options.signal?.aborted) return this.#retried(withRetry(this.#attempts(call), this.#retryPolicy(call)), call);
    return this.#once(call, 1).then(undefined, (first: unknown) => this.#retried(retryAfter(first, this.#attempts(call), this.#retryPolicy(call)), call));
  }

  /** The attempts of one request, numbered, for the retry policy. */
  #attempts<T>(call: Call<T>): (attempt: number) => Promise<T> {
    return (attempt) => this.#once(call, attempt);
  }

  /** A request's retries; an error after the caller's signal fired is an `AbortError`. */
  async #retried<T>(retrying: Promise<T>, call: Call<T>): Promise<T> {
    try {
      return await retrying;
    } catch (err) {
      const signal = call.options.signal;
      if (signal?.aborted && !(err instanceof AbortError)) throw new AbortError(`${call.method} ${call.path}`, { cause: signal.reason });
      throw err;
    }
  }

  #retryPolicy<T>({ method, path, options, redact }: Call<T>): RetryPolicy {
    return {
      method,
      retries: options.retries ?? this.#opts.retries,
      minDelayMs: this.#opts.retryMinDelayMs,
      maxDelayMs: this.#opts.retryMaxDelayMs,
      signal: options.signal,
      onRetry: (attempt, delayMs, error) => this.emit('retry', { method, path, attempt, delayMs, reason: redact(error.message) }),
    };
  }

  /** One attempt and the reading of its answer. */
  #once<T>(call: Call<T>, attempt: number): Promise<T> {
    let raw: Promise<RawResponse>;
    // A token session's headers never change and need no login: no wait for them.
    const token = call.authenticated ? this.#auth.tokenHeaders : NO_HEADERS;
    try {
      raw = token === undefined ? this.#withTicket(call, attempt) : this.#send(call, token, attempt);
    } catch (err) {
      // A bad parameter (encodeParams) or a throwing `request` listener: a rejection, as from an async call.
      return Promise.reject(err as Error);
    }
    return raw.then((answer) => {
      if (token !== undefined) this.#responded(call, answer);
      return readResponse(answer, call.method, call.path, call.schema, call.redact);
    });
  }

  /** One attempt of a ticket session: log in if needed, send, and on a 401 log in again and replay once. */
  async #withTicket<T>(call: Call<T>, attempt: number): Promise<RawResponse> {
    // A login inside a request is not retried on its own: the request's retries cover it.
    const loginOptions: RequestOptions = { ...call.options, retries: 0 };
    const auth = await this.#auth.headers(call.method, loginOptions);
    const raw = await this.#send(call, auth.headers, attempt);
    this.#responded(call, raw);
    if (raw.status !== 401 || !this.#auth.canRelogin) return raw;
    await this.#auth.relogin(auth.generation, loginOptions);
    const again = await this.#auth.headers(call.method, loginOptions);
    const replayed = await this.#send(call, again.headers, attempt);
    this.#responded(call, replayed);
    return replayed;
  }

  /** Sends one request, with its `request` event (the caller emits `response`: one promise less per request). */
  #send<T>({ method, path, params, options, redact }: Call<T>, headers: Readonly<Record<string, string>>, attempt: number): Promise<RawResponse> {
    // Events are objects: built only for a listener (the request path allocates little else).
    if (this.listenerCount('request') > 0) this.emit('request', { method, path, attempt });
    return exchange(this.#http, { method, path, params, headers, signal: options.signal, timeoutMs: options.timeoutMs ?? this.#opts.timeoutMs }, redact);
  }

  #responded<T>({ method, path }: Call<T>, raw: RawResponse): void {
    if (this.listenerCount('response') > 0) this.emit('response', { method, path, status: raw.status, ms: raw.ms });
  }
}

/** One request through the session's layers: what to send, how to read it, what to keep secret. */
interface Call<T> {
  method: Method;
  path: string;
  params: Params | undefined;
  options: RequestOptions;
  schema: CallOptions<T>['schema'];
  /** False for the login itself. */
  authenticated: boolean;
  /** Removes the session's secrets, and this call's, from a text. */
  redact: (text: string) => string;
}

/** The headers of a request sent without authentication (the login itself). */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** A class named `ProxmoxAPI` without the custom inspection, so `util.inspect` prints the session's name. */
const InspectView = { ProxmoxAPI: class {} }.ProxmoxAPI;

const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'DELETE']);

/** Rejects a path that is not `/…` relative to `/api2/json`, or that has a query, fragment or dot segment. */
function checkPath(path: unknown): void {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(`path must be a string starting with "/", got ${typeof path === 'string' ? JSON.stringify(path) : typeof path}`);
  }
  if (/[?#\s]/.test(path)) throw new TypeError(`path must not hold a query, fragment or whitespace (pass params instead): ${JSON.stringify(path)}`);
  // Splitting every path showed at 1 % of a request's CPU in the benchmark's profile: only a path
  // with a dot can have a dot segment.
  if (path.includes('.') && path.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new TypeError(`path must not hold "." or ".." segments: ${JSON.stringify(path)}`);
  }
}

function checkCallOptions(options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) throw new TypeError('request options must be an object');
  const { signal, timeoutMs, retries, secrets } = options as Record<string, unknown>;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('option signal must be an AbortSignal');
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)) {
    throw new TypeError('option timeoutMs must be a positive number');
  }
  if (retries !== undefined && (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0)) {
    throw new TypeError('option retries must be a non-negative integer');
  }
  if (secrets !== undefined && (!Array.isArray(secrets) || !secrets.every((s) => typeof s === 'string'))) {
    throw new TypeError('option secrets must be an array of strings');
  }
}

