import type { ZodType } from 'zod';

/**
 * Per-call options every SDK method accepts as its last argument.
 *
 * @example
 * ```ts
 * const ac = new AbortController();
 * await vm.status({ signal: ac.signal, timeoutMs: 5000, retries: 0 });
 * ```
 */
export interface RequestOptions {
  /** Aborts the call (and its retries) at once. */
  signal?: AbortSignal;
  /** Timeout of each HTTP attempt, in milliseconds (default: the session's `timeoutMs`). */
  timeoutMs?: number;
  /** How many times a safe request is retried (default: the session's `retries`). */
  retries?: number;
}

/**
 * Options of the raw `api.get/post/put/delete` calls: {@link RequestOptions} plus a zod schema
 * the response's `data` is parsed with, and secrets of this call to keep out of its errors.
 *
 * @example
 * ```ts
 * const nodes = await api.get('/nodes', undefined, { schema: z.array(z.object({ node: z.string() }).loose()) });
 * ```
 */
export interface CallOptions<T = unknown> extends RequestOptions {
  /** Parses (and types) the response's `data`; a mismatch is an `InvalidResponseError`. */
  schema?: ZodType<T>;
  /**
   * Values this call sends that must never show (a password parameter): should Proxmox echo one
   * in an error, it is replaced with `***` in the error and the `retry` event, as the session's own
   * credentials are.
   */
  secrets?: readonly string[];
}

/**
 * A parameter value: booleans are sent as `0`/`1`, arrays as repeated keys; `undefined` and `null` are left out.
 *
 * @example
 * ```ts
 * const online: ParamValue = true;            // online=1
 * const vmids: ParamValue = [100, 101];       // vmid=100&vmid=101
 * ```
 */
export type ParamValue = string | number | boolean | undefined | null | ReadonlyArray<string | number>;

/**
 * Request parameters: the query of a GET/DELETE, the form body of a POST/PUT.
 *
 * @example
 * ```ts
 * await api.post(path`/nodes/${'pve1'}/qemu/${100}/status/start`, { skiplock: true });
 * ```
 */
export type Params = Readonly<Record<string, ParamValue>>;

/**
 * TLS settings of a session. Verification is on by default.
 *
 * @example
 * ```ts
 * new ProxmoxAPI({ host: 'pve1', tokenId, tokenSecret, tls: { fingerprint: 'AA:BB:…' } });
 * ```
 */
export interface TlsOptions {
  /** PEM certificate(s) of the CA to trust (e.g. `/etc/pve/pve-root-ca.pem`). */
  ca?: string | Buffer;
  /** SHA-256 fingerprint of the server certificate (`AA:BB:…`, as `pvenode cert info` prints). */
  fingerprint?: string;
  /** Turns verification off for this session only (emits one `warning` event). */
  insecure?: boolean;
}

/**
 * Which Proxmox product the session talks to: Proxmox VE (`pve`, port 8006) or Backup Server (`pbs`, port 8007).
 *
 * @example
 * ```ts
 * new ProxmoxAPI({ host: 'pbs1', product: 'pbs', tokenId: 'backup@pbs!check', tokenSecret });
 * ```
 */
export type Product = 'pve' | 'pbs';

/**
 * Emitted before each HTTP attempt.
 *
 * @example
 * ```ts
 * api.on('request', (e) => console.log(e.method, e.path, e.attempt));
 * ```
 */
export interface RequestEvent {
  /** HTTP method. */
  method: string;
  /** API path, without query. */
  path: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
}

/**
 * Emitted after each HTTP answer, error statuses included.
 *
 * @example
 * ```ts
 * api.on('response', (e) => console.log(e.method, e.path, e.status, `${e.ms} ms`));
 * ```
 */
export interface ResponseEvent {
  /** HTTP method. */
  method: string;
  /** API path, without query. */
  path: string;
  /** HTTP status. */
  status: number;
  /** Time from sending to the whole answer, in milliseconds. */
  ms: number;
}

/**
 * Emitted before a retry.
 *
 * @example
 * ```ts
 * api.on('retry', (e) => console.warn(`retry ${e.attempt} of ${e.path} in ${e.delayMs} ms: ${e.reason}`));
 * ```
 */
export interface RetryEvent {
  /** HTTP method. */
  method: string;
  /** API path, without query. */
  path: string;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  /** Delay before the next attempt, in milliseconds. */
  delayMs: number;
  /** Why (the error's message). */
  reason: string;
}

/**
 * Emitted when a ticket is obtained: first login, renewal, or login after a 401. Never holds the ticket.
 *
 * @example
 * ```ts
 * api.on('ticket', (e) => console.log(`${e.reason} as ${e.username}`));
 * ```
 */
export interface TicketEvent {
  /** Why the ticket was obtained. */
  reason: 'login' | 'renew' | 'relogin';
  /** The user the ticket is for. */
  username: string;
}

/**
 * Something the user should know (e.g. TLS verification turned off).
 *
 * @example
 * ```ts
 * api.on('warning', (e) => console.warn(e.code, e.message));
 * ```
 */
export interface WarningEvent {
  /** A stable code (`TLS_INSECURE`). */
  code: string;
  /** A readable message. */
  message: string;
}

/**
 * New lines of a task log seen while waiting.
 *
 * @example
 * ```ts
 * api.on('task:log', (e) => e.lines.forEach((l) => console.log(l.t)));
 * ```
 */
export interface TaskLogEvent {
  /** The task's UPID. */
  upid: string;
  /** The new lines, in order. */
  lines: Array<{ n: number; t: string }>;
}

/**
 * A task that was being waited on ended.
 *
 * @example
 * ```ts
 * api.on('task:done', (e) => console.log(e.upid, e.exitStatus));
 * ```
 */
export interface TaskDoneEvent {
  /** The task's UPID. */
  upid: string;
  /** `OK`, `WARNINGS: n` or the error text. */
  exitStatus: string;
  /** Whether it counts as a success (`OK` or warnings). */
  ok: boolean;
}

/**
 * The session's typed events, for `api.on(name, listener)`.
 *
 * @example
 * ```ts
 * api.on('task:done', ({ upid, exitStatus }) => console.log(upid, exitStatus));
 * ```
 */
export interface ProxmoxEvents {
  /** Before each HTTP attempt. */
  request: (event: RequestEvent) => void;
  /** After each HTTP answer. */
  response: (event: ResponseEvent) => void;
  /** Before a retry. */
  retry: (event: RetryEvent) => void;
  /** A ticket was obtained or renewed. */
  ticket: (event: TicketEvent) => void;
  /** Something to know (TLS off, …). */
  warning: (event: WarningEvent) => void;
  /** New task log lines. */
  'task:log': (event: TaskLogEvent) => void;
  /** A waited-on task ended. */
  'task:done': (event: TaskDoneEvent) => void;
}
