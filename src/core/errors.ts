/**
 * The SDK's one error hierarchy. Every error the SDK throws is a {@link ProxmoxError}
 * (or a `TypeError` for bad input caught before any request).
 *
 * No error ever holds a password, ticket, token secret or CSRF token: errors are built from the
 * HTTP status, the reason phrase, the body's `errors` and the method and path, never from request
 * headers or an axios config.
 *
 * @module
 */

/**
 * The base class of every error the SDK raises about Proxmox or the connection to it.
 *
 * @example
 * ```ts
 * try { await vm.start(); } catch (e) { if (e instanceof ProxmoxError) console.error(e.message); }
 * ```
 */
export class ProxmoxError extends Error {
  /**
   * @param message - What went wrong, free of secrets.
   * @param options - The standard `cause`, which must never be an axios error or request.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /**
   * A plain, secret-free view of the error for logs and `JSON.stringify`.
   *
   * @returns The error's name, message and own enumerable fields.
   * @example
   * ```ts
   * console.log(JSON.stringify(err)); // {"name":"NotFoundError","message":"…","status":404,…}
   * ```
   */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [k, v] of Object.entries(this)) if (k !== 'cause') out[k] = v;
    return out;
  }
}

/**
 * What every error from an HTTP exchange knows about the request that caused it.
 *
 * @example
 * ```ts
 * const where: RequestInfo = { method: 'POST', path: '/nodes/pve1/qemu/100/status/start' };
 * ```
 */
export interface RequestInfo {
  /** The HTTP method, upper case. */
  method: string;
  /** The API path, relative to `/api2/json`, without the query string. */
  path: string;
}

/**
 * The fields of an error answered by Proxmox.
 *
 * @example
 * ```ts
 * const info: ApiErrorInfo = { method: 'POST', path: '/nodes/pve1/qemu', status: 400, reason: 'Parameter verification failed.', errors: { vmid: 'invalid format' } };
 * ```
 */
export interface ApiErrorInfo extends RequestInfo {
  /** The HTTP status code. */
  status: number;
  /** The HTTP reason phrase, where Proxmox puts its error message. */
  reason: string;
  /** Per-parameter messages of a 400 (`{ vmid: 'invalid format' }`). */
  errors?: Record<string, string> | undefined;
}

/**
 * Proxmox answered with an error status. The message is Proxmox's reason phrase.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ProxmoxApiError) console.log(e.status, e.method, e.path, e.reason); }
 * ```
 */
export class ProxmoxApiError extends ProxmoxError {
  /** The HTTP status code. */
  readonly status: number;
  /** The HTTP reason phrase. */
  readonly reason: string;
  /** Per-parameter messages (a 400's `errors`), when Proxmox sent them. */
  readonly errors: Record<string, string> | undefined;
  /** The HTTP method of the request. */
  readonly method: string;
  /** The API path of the request. */
  readonly path: string;

  /**
   * @param info - Status, reason, method, path and parameter errors.
   * @param message - Overrides the default message (`METHOD path: status reason`).
   */
  constructor(info: ApiErrorInfo, message?: string) {
    super(message ?? `${info.method} ${info.path}: ${info.status} ${info.reason}`);
    this.status = info.status;
    this.reason = info.reason;
    this.errors = info.errors;
    this.method = info.method;
    this.path = info.path;
  }
}

/**
 * 400: Proxmox rejected the parameters ("Parameter verification failed."); `errors` says which.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ParameterError) console.log(e.errors); } // { memory: 'value must be at least 16' }
 * ```
 */
export class ParameterError extends ProxmoxApiError {
  /** @param info - The error's fields. */
  constructor(info: ApiErrorInfo) {
    const detail = info.errors
      ? ' (' + Object.entries(info.errors).map(([k, v]) => `${k}: ${v.trim()}`).join('; ') + ')'
      : '';
    super(info, `${info.method} ${info.path}: ${info.status} ${info.reason}${detail}`);
  }
}

/**
 * 401: the credentials were refused, or the ticket expired and logging in again failed.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof AuthenticationError) console.error('check PROXMOX_TOKEN_ID/SECRET'); }
 * ```
 */
export class AuthenticationError extends ProxmoxApiError {}

/**
 * 403: the user or token lacks the privilege the call needs.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof PermissionError) console.error(e.reason); } // "Permission check failed (/vms/100, VM.PowerMgmt)"
 * ```
 */
export class PermissionError extends ProxmoxApiError {}

/**
 * The path, or the object it names, does not exist (404, 501 for an unknown method/path, or
 * Proxmox's "does not exist" / "no such" 500 errors).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof NotFoundError) console.log('no such VM'); }
 * ```
 */
export class NotFoundError extends ProxmoxApiError {}

/**
 * Proxmox could not take the guest's lock in time: another task holds it.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof LockTimeoutError) await sleep(5000); } // then try again
 * ```
 */
export class LockTimeoutError extends ProxmoxApiError {}

/**
 * 595–599: pveproxy could not forward the call to the node that owns the object.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof NodeUnreachableError) console.log(`${e.node} is down`); }
 * ```
 */
export class NodeUnreachableError extends ProxmoxApiError {
  /** The node named in the path, if the path has one. */
  readonly node: string | undefined;

  /** @param info - The error's fields. */
  constructor(info: ApiErrorInfo) {
    const node = /^\/nodes\/([^/]+)/.exec(info.path)?.[1];
    const decoded = node === undefined ? undefined : decodeURIComponent(node);
    super(info, `${info.method} ${info.path}: ${info.status} ${info.reason}${decoded ? ` (node ${decoded} unreachable)` : ''}`);
    this.node = decoded;
  }
}

/**
 * Any other error status (5xx) from Proxmox.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ServerError) console.error(e.status, e.reason); }
 * ```
 */
export class ServerError extends ProxmoxApiError {}

/**
 * Proxmox answered with a body the SDK could not read: not JSON, or not the shape expected.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof InvalidResponseError) console.error(e.message); }
 * ```
 */
export class InvalidResponseError extends ProxmoxError {
  /** The HTTP method of the request. */
  readonly method: string;
  /** The API path of the request. */
  readonly path: string;
  /** The HTTP status of the response. */
  readonly status: number;

  /**
   * @param info - The request and status.
   * @param detail - What was wrong with the body.
   * @param options - An optional `cause` (a zod error, never an axios one).
   */
  constructor(info: RequestInfo & { status: number }, detail: string, options?: { cause?: unknown }) {
    super(`${info.method} ${info.path}: invalid response (${detail})`, options);
    this.method = info.method;
    this.path = info.path;
    this.status = info.status;
  }
}

/**
 * The request never got an answer: DNS, refused connection, reset, TLS failure.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ConnectionError) console.error(e.code); } // 'ECONNREFUSED'
 * ```
 */
export class ConnectionError extends ProxmoxError {
  /** The HTTP method of the request. */
  readonly method: string;
  /** The API path of the request. */
  readonly path: string;
  /** The system or TLS error code (`ECONNREFUSED`, `ERR_TLS_CERT_ALTNAME_INVALID`, …), if any. */
  readonly code: string | undefined;

  /**
   * @param info - The request.
   * @param detail - What happened, free of secrets.
   * @param code - The error code.
   */
  constructor(info: RequestInfo, detail: string, code?: string) {
    super(`${info.method} ${info.path}: ${detail}`);
    this.method = info.method;
    this.path = info.path;
    this.code = code;
  }
}

/**
 * The request took longer than its `timeoutMs` (distinct from the caller's abort).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof TimeoutError) console.error(`gave up after ${e.timeoutMs} ms`); }
 * ```
 */
export class TimeoutError extends ConnectionError {
  /** The timeout that ran out, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param info - The request.
   * @param timeoutMs - The timeout that ran out.
   */
  constructor(info: RequestInfo, timeoutMs: number) {
    super(info, `timed out after ${timeoutMs} ms`, 'ETIMEDOUT');
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The caller's `AbortSignal` fired. `cause` is the signal's reason.
 *
 * @example
 * ```ts
 * const ac = new AbortController(); setTimeout(() => ac.abort(), 1000);
 * try { await task.wait({ signal: ac.signal }); } catch (e) { if (e instanceof AbortError) console.log('stopped waiting'); }
 * ```
 */
export class AbortError extends ProxmoxError {
  /** @param what - What was aborted (`GET /nodes`, `waiting for UPID:…`). */
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what}: aborted`, options);
  }
}

/**
 * The connected Proxmox release lacks this call. Thrown before any request is sent.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof UnsupportedError) console.log(e.release); } // '7.4'
 * ```
 */
export class UnsupportedError extends ProxmoxError {
  /** What is not supported. */
  readonly feature: string;
  /** The release that lacks it (`7.4`). */
  readonly release: string;

  /**
   * @param feature - What is not supported (`HA rules`).
   * @param release - The connected release.
   * @param since - The first release that has it, if any.
   */
  constructor(feature: string, release: string, since?: string) {
    super(`${feature} is not supported by Proxmox ${release}${since ? ` (needs ${since} or later)` : ''}`);
    this.feature = feature;
    this.release = release;
  }
}

/**
 * One line of a task log.
 *
 * @example
 * ```ts
 * const line: TaskLogLine = { n: 1, t: 'starting migration of VM 100 to node \'pve2\'' };
 * ```
 */
export interface TaskLogLine {
  /** The line number, from 1. */
  n: number;
  /** The text. */
  t: string;
}

/**
 * A Proxmox task ended with an error. `exitStatus` is Proxmox's text; `log` the whole task log.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof TaskFailedError) console.error(e.exitStatus, e.log.map((l) => l.t).join('\n')); }
 * ```
 */
export class TaskFailedError extends ProxmoxError {
  /** The task's UPID. */
  readonly upid: string;
  /** The task's exit status (the error text). */
  readonly exitStatus: string;
  /** The whole task log. */
  readonly log: TaskLogLine[];

  /**
   * @param upid - The task.
   * @param exitStatus - Its exit status.
   * @param log - Its whole log.
   */
  constructor(upid: string, exitStatus: string, log: TaskLogLine[]) {
    super(`task ${upid} failed: ${exitStatus}`);
    this.upid = upid;
    this.exitStatus = exitStatus;
    this.log = log;
  }
}

/**
 * `wait` gave up before the task ended. The task itself goes on.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof TaskTimeoutError) await new Task(api, e.upid).stop(); }
 * ```
 */
export class TaskTimeoutError extends ProxmoxError {
  /** The task's UPID. */
  readonly upid: string;
  /** The timeout that ran out, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param upid - The task.
   * @param timeoutMs - The timeout.
   */
  constructor(upid: string, timeoutMs: number) {
    super(`task ${upid} still running after ${timeoutMs} ms`);
    this.upid = upid;
    this.timeoutMs = timeoutMs;
  }
}

const LOCK_TIMEOUT = /can't lock file .* got timeout/i;
const NOT_FOUND = /does not exist|no such /i;

/**
 * Makes the right {@link ProxmoxApiError} subclass from an HTTP status, reason phrase and body.
 * The one place where statuses are mapped to classes.
 *
 * @param info - Status, reason, method and path.
 * @param body - The parsed response body, if any (`{ errors, data }`).
 * @returns The error to throw.
 * @example
 * ```ts
 * const err = createApiError({ status: 400, reason: 'Parameter verification failed.', method: 'POST', path: '/nodes/pve1/qemu' },
 *   { errors: { vmid: 'invalid format' }, data: null }); // a ParameterError
 * ```
 */
export function createApiError(info: Omit<ApiErrorInfo, 'errors'>, body?: unknown): ProxmoxApiError {
  const errors = readErrors(body);
  const full: ApiErrorInfo = { ...info, errors };
  const { status, reason } = info;
  if (status >= 595 && status <= 599) return new NodeUnreachableError(full);
  if (status === 400) return new ParameterError(full);
  if (status === 401) return new AuthenticationError(full);
  if (status === 403) return new PermissionError(full);
  if (status === 404 || status === 501) return new NotFoundError(full);
  if (LOCK_TIMEOUT.test(reason)) return new LockTimeoutError(full);
  if (NOT_FOUND.test(reason)) return new NotFoundError(full);
  if (status >= 500) return new ServerError(full);
  return new ProxmoxApiError(full);
}

function readErrors(body: unknown): Record<string, string> | undefined {
  if (typeof body !== 'object' || body === null || !('errors' in body)) return undefined;
  const errors = (body as { errors: unknown }).errors;
  if (typeof errors !== 'object' || errors === null) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return Object.keys(out).length > 0 ? out : undefined;
}
