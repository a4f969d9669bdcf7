/**
 * `GuestAgent`: the QEMU guest agent of one VM (`/nodes/{node}/qemu/{vmid}/agent/…`), as `vm.agent`.
 *
 * @module
 */
import { z } from 'zod';
import type { ProxmoxAPI } from '../core/api.js';
import { AbortError, ProxmoxError } from '../core/errors.js';
import { path } from '../core/path.js';
import { requestOptions } from '../core/request-options.js';
import type { RequestOptions } from '../core/types.js';
import { atLeast } from '../core/version.js';
import { sleep } from '../tasks/clock.js';
import { mapOptions, opt, readers, requireGates, type Gate } from './action-options.js';
import {
  AgentExecStatusSchema,
  AgentFileReadSchema,
  AgentFsInfoSchema,
  AgentInfoSchema,
  AgentNetworkInterfaceSchema,
  AgentOsInfoSchema,
  agentResult,
  type AgentExecStatus,
  type AgentFileRead,
  type AgentFsInfo,
  type AgentInfo,
  type AgentNetworkInterface,
  type AgentOsInfo,
} from './schemas/agent.js';
import { check, nodeSchema, vmidSchema } from './validate.js';

/** The longest `input-data` and `file-write` `content` the schema accepts (characters). */
const MAX_INPUT = 65_536;
const MAX_CONTENT = 61_440;
const MIN_PASSWORD = 5;
const MAX_PASSWORD = 1024;
const MAX_READ = 16_777_216;

/**
 * Options of `vm.agent.exec()`.
 *
 * @example
 * ```ts
 * const pid = await vm.agent.exec(['tee', '/tmp/motd'], { inputData: 'hello\n' });
 * ```
 */
export interface AgentExecOptions {
  /** Text passed to the command's standard input (`input-data`, at most 65536 characters). */
  inputData?: string;
}

/**
 * Options of `vm.agent.run()`: those of `exec()` plus how to wait.
 *
 * @example
 * ```ts
 * const r = await vm.agent.run(['apt-get', 'update'], { timeoutMs: 300_000, pollIntervalMs: 1000 });
 * ```
 */
export interface AgentRunOptions extends AgentExecOptions {
  /** Pause between two `exec-status` polls, in milliseconds (default 200). */
  pollIntervalMs?: number;
  /** Give up (with `AgentExecTimeoutError`) after this many milliseconds (default 60000). The command goes on. */
  timeoutMs?: number;
  /** Stops waiting at once (with `AbortError`), in a pause or in a request. The command goes on. */
  signal?: AbortSignal;
}

/**
 * What `vm.agent.run()` resolves to: the final status of the command (it has exited) and its pid.
 *
 * @example
 * ```ts
 * const { exitcode, 'out-data': out }: AgentExecResult = await vm.agent.run(['hostname']);
 * ```
 */
export type AgentExecResult = AgentExecStatus & {
  /** The pid the agent gave the command. */
  pid: number;
};

/**
 * Options of `vm.agent.fileRead()`. All three need PVE 9.0 or later (7.4 and 8.4 read the whole
 * file, up to 16 MiB, as text).
 *
 * @example
 * ```ts
 * const head = await vm.agent.fileRead('/var/log/syslog', { offset: 0, count: 4096 });
 * ```
 */
export interface AgentFileReadOptions {
  /** How many bytes to read (1 to 16777216). */
  count?: number;
  /** Where to start, in bytes from the start of the file. */
  offset?: number;
  /** `false` to get the content base64-encoded, as the agent sends it (for binary files). Default `true`. */
  decode?: boolean;
}

/**
 * Options of `vm.agent.fileWrite()`.
 *
 * @example
 * ```ts
 * await vm.agent.fileWrite('/tmp/blob', Buffer.from(bytes).toString('base64'), { encode: false });
 * ```
 */
export interface AgentFileWriteOptions {
  /**
   * `true` (default): the content is text, which Proxmox base64-encodes for the agent. `false`: the
   * content is base64 already (binary files).
   */
  encode?: boolean;
}

/**
 * Options of `vm.agent.setUserPassword()`.
 *
 * @example
 * ```ts
 * await vm.agent.setUserPassword('root', '$6$salt$hash…', { crypted: true });
 * ```
 */
export interface AgentSetUserPasswordOptions {
  /** The password is already hashed by `crypt()`. */
  crypted?: boolean;
}

/**
 * `vm.agent.run()` gave up before the command ended. The command goes on in the guest; its status
 * stays readable with `execStatus(pid)`.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof AgentExecTimeoutError) console.warn(`pid ${e.pid} still running`); }
 * ```
 */
export class AgentExecTimeoutError extends ProxmoxError {
  /** The command's pid in the guest. */
  readonly pid: number;
  /** The timeout that ran out, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param pid - The command's pid.
   * @param timeoutMs - The timeout.
   */
  constructor(pid: number, timeoutMs: number) {
    super(`guest agent command (pid ${pid}) still running after ${timeoutMs} ms`);
    this.pid = pid;
    this.timeoutMs = timeoutMs;
  }
}

const fileReadOptions = {
  count: opt('count', (name, v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_READ) throw new TypeError(`${name} must be an integer from 1 to ${MAX_READ}`);
    return v;
  }, '9.0'),
  offset: opt('offset', readers.count, '9.0'),
  decode: opt('decode', readers.boolean, '9.0'),
};
const execOptions = {
  inputData: opt('input-data', (name, v) => {
    if (typeof v !== 'string' || v.length > MAX_INPUT) throw new TypeError(`${name} must be a string of at most ${MAX_INPUT} characters`);
    return v;
  }),
};
const fileWriteOptions = { encode: opt('encode', readers.boolean) };
const passwordOptions = { crypted: opt('crypted', readers.boolean) };

const PidSchema = z.looseObject({ pid: z.number().int() });
const HostNameSchema = z.looseObject({ 'host-name': z.string() });

/** A `TypeError` naming `name` unless `value` is a non-empty string. */
function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

/** Checks a command: a non-empty array of strings, the first non-empty. */
function readCommand(command: unknown): string[] {
  if (!Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === 'string') || command[0] === '') {
    throw new TypeError('command must be a non-empty array of strings (the program, then its arguments), e.g. ["ls", "-l", "/"]');
  }
  if (command.some((c: string) => c.includes('\0'))) throw new TypeError('command must not contain NUL characters');
  return [...(command as string[])];
}

function readPid(pid: unknown): number {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid < 1) throw new TypeError(`pid must be a positive integer, got ${typeof pid === 'number' ? pid : typeof pid}`);
  return pid;
}

/**
 * The QEMU guest agent of one VM: a stateless handle (`api`, `node`, `vmid`), reached as `vm.agent`.
 *
 * The VM must run with `agent: 1` (or `enabled=1`) in its config and have `qemu-guest-agent`
 * installed and running inside. Otherwise Proxmox answers 500 "No QEMU guest agent configured" or
 * "QEMU guest agent is not running", thrown as a `ServerError` (a stopped VM: "VM 100 is not running").
 *
 * @example
 * ```ts
 * const vm = new VM(api, 'pve1', 100);
 * await vm.agent.ping();
 * const { exitcode, 'out-data': out } = await vm.agent.run(['uname', '-a']);
 * ```
 */
export class GuestAgent {
  /** The session. */
  readonly api: ProxmoxAPI;
  /** The node the VM is on. */
  readonly node: string;
  /** The VM's id. */
  readonly vmid: number;

  /**
   * Makes a handle on one VM's agent. Sends no request; `vm.agent` is the usual way to get one.
   *
   * @param api - The session.
   * @param node - The node the VM is on.
   * @param vmid - The VM's id.
   * @throws TypeError for a malformed node name or vmid.
   * @example
   * ```ts
   * const agent = new GuestAgent(api, 'pve1', 100);
   * ```
   */
  constructor(api: ProxmoxAPI, node: string, vmid: number) {
    this.api = api;
    this.node = check('node', nodeSchema, node);
    this.vmid = check('vmid', vmidSchema, vmid);
  }

  /**
   * The agent's API path (`/nodes/pve1/qemu/100/agent`), for raw calls of commands not wrapped here.
   *
   * @example
   * ```ts
   * const { result } = await vm.agent.api.get(`${vm.agent.basePath}/get-timezone`) as { result: unknown };
   * ```
   */
  get basePath(): string {
    return path`/nodes/${this.node}/qemu/${this.vmid}/agent`;
  }

  /**
   * Checks that the agent answers (`POST …/agent/ping`).
   *
   * @param options - Signal, timeout and retries.
   * @returns When the agent answered.
   * @throws ServerError when no agent is configured or it does not answer; the errors of a request.
   * @example
   * ```ts
   * const up = await vm.agent.ping().then(() => true, () => false);
   * ```
   */
  async ping(options?: RequestOptions): Promise<void> {
    await this.api.post(`${this.basePath}/ping`, undefined, requestOptions(options));
  }

  /**
   * The agent's version and the commands it supports (`GET …/agent/info`).
   *
   * @param options - Signal, timeout and retries.
   * @returns `version` and `supported_commands` (`name`, `enabled`, …), unwrapped from Proxmox's `result`.
   * @throws ServerError when no agent is configured or running; the errors of a request.
   * @example
   * ```ts
   * const names = (await vm.agent.info()).supported_commands.map((c) => c.name);
   * ```
   */
  async info(options?: RequestOptions): Promise<AgentInfo> {
    return this.api.get(`${this.basePath}/info`, undefined, { ...requestOptions(options), schema: agentResult(AgentInfoSchema) });
  }

  /**
   * The guest's operating system (`GET …/agent/get-osinfo`).
   *
   * @param options - Signal, timeout and retries.
   * @returns `id`, `name`, `pretty-name`, `version`, `kernel-release`, `machine`, …, unwrapped from `result`.
   * @throws ServerError when no agent is configured or running; the errors of a request.
   * @example
   * ```ts
   * console.log((await vm.agent.osInfo())['pretty-name']);
   * ```
   */
  async osInfo(options?: RequestOptions): Promise<AgentOsInfo> {
    return this.api.get(`${this.basePath}/get-osinfo`, undefined, { ...requestOptions(options), schema: agentResult(AgentOsInfoSchema) });
  }

  /**
   * The guest's host name (`GET …/agent/get-host-name`).
   *
   * @param options - Signal, timeout and retries.
   * @returns The host name, as the guest sees it.
   * @throws ServerError when no agent is configured or running; the errors of a request.
   * @example
   * ```ts
   * const name = await vm.agent.hostName(); // 'web01'
   * ```
   */
  async hostName(options?: RequestOptions): Promise<string> {
    const r = await this.api.get(`${this.basePath}/get-host-name`, undefined, { ...requestOptions(options), schema: agentResult(HostNameSchema) });
    return r['host-name'];
  }

  /**
   * The guest's network interfaces and addresses (`GET …/agent/network-get-interfaces`).
   *
   * @param options - Signal, timeout and retries.
   * @returns One entry per interface (`name`, `hardware-address`, `ip-addresses`, `statistics`), `lo` included.
   * @throws ServerError when no agent is configured or running; the errors of a request.
   * @example
   * ```ts
   * const ipv4 = (await vm.agent.networkInterfaces())
   *   .flatMap((i) => i['ip-addresses'] ?? [])
   *   .filter((a) => a['ip-address-type'] === 'ipv4' && a['ip-address'] !== '127.0.0.1');
   * ```
   */
  async networkInterfaces(options?: RequestOptions): Promise<AgentNetworkInterface[]> {
    return this.api.get(`${this.basePath}/network-get-interfaces`, undefined, {
      ...requestOptions(options),
      schema: agentResult(AgentNetworkInterfaceSchema.array()),
    });
  }

  /**
   * The guest's mounted file systems (`GET …/agent/get-fsinfo`).
   *
   * @param options - Signal, timeout and retries.
   * @returns One entry per mount (`name`, `mountpoint`, `type`, `total-bytes`, `used-bytes`, `disk`).
   * @throws ServerError when no agent is configured or running; the errors of a request.
   * @example
   * ```ts
   * for (const fs of await vm.agent.fsInfo()) console.log(fs.mountpoint, fs['used-bytes'], '/', fs['total-bytes']);
   * ```
   */
  async fsInfo(options?: RequestOptions): Promise<AgentFsInfo[]> {
    return this.api.get(`${this.basePath}/get-fsinfo`, undefined, { ...requestOptions(options), schema: agentResult(AgentFsInfoSchema.array()) });
  }

  /**
   * Starts a command in the guest (`POST …/agent/exec`) and returns at once with its pid; read its
   * end with {@link GuestAgent.execStatus} (or use {@link GuestAgent.run}). No shell is involved: to
   * use pipes or globs, run `['sh', '-c', '…']`. Asks `api.version()` once per session: PVE 7.4
   * takes the command as one NUL-separated string (its `string-alist` format), 8+ as an array.
   *
   * @param command - The program and its arguments, e.g. `['ls', '-l', '/']`.
   * @param opts - `inputData` (standard input).
   * @param options - Signal, timeout and retries.
   * @returns The command's pid in the guest.
   * @throws TypeError for an empty command, a non-string part or bad options, before any request;
   *   ServerError when no agent is configured or running; the errors of a request.
   * @example
   * ```ts
   * const pid = await vm.agent.exec(['systemctl', 'restart', 'nginx']);
   * ```
   */
  async exec(command: string[], opts?: AgentExecOptions, options?: RequestOptions): Promise<number> {
    const argv = readCommand(command);
    const params = mapOptions('exec', execOptions, opts);
    const info = await this.api.version(requestOptions(options));
    const wire = atLeast(info, '8.0') ? argv : argv.join('\0');
    const r = await this.api.post(`${this.basePath}/exec`, { command: wire, ...params }, { ...requestOptions(options), schema: PidSchema });
    return r.pid;
  }

  /**
   * The state of a command started with `exec()` (`GET …/agent/exec-status`). The agent forgets a
   * command once it has reported it exited: read the result once.
   *
   * @param pid - The pid `exec()` returned.
   * @param options - Signal, timeout and retries.
   * @returns `exited`, and once it has: `exitcode` (or `signal`), `out-data`, `err-data`, `…-truncated`.
   * @throws TypeError for a pid that is not a positive integer, before any request; ServerError for an
   *   unknown pid; the errors of a request.
   * @example
   * ```ts
   * const s = await vm.agent.execStatus(pid);
   * if (s.exited && s.exitcode !== 0) console.error(s['err-data']);
   * ```
   */
  async execStatus(pid: number, options?: RequestOptions): Promise<AgentExecStatus> {
    const p = readPid(pid);
    return this.api.get(`${this.basePath}/exec-status`, { pid: p }, { ...requestOptions(options), schema: AgentExecStatusSchema });
  }

  /**
   * Runs a command to its end: `exec()`, then `execStatus()` every `pollIntervalMs` (200 ms by
   * default) until it has exited, at most `timeoutMs` (60 s by default; never sleeping past it).
   * A non-zero exit code is a result, not an error: check `exitcode`.
   *
   * @param command - The program and its arguments.
   * @param opts - `inputData`, `pollIntervalMs`, `timeoutMs`, `signal`.
   * @param options - Timeout and retries of each request (and a signal, if `opts` has none).
   * @returns The final status (`exited: true`, `exitcode`, `out-data`, `err-data`, …) and the `pid`.
   * @throws TypeError for a bad command or option, before any request; AgentExecTimeoutError when it
   *   runs longer than `timeoutMs`; AbortError when `signal` fires; the errors of a request.
   * @example
   * ```ts
   * const r = await vm.agent.run(['sh', '-c', 'df -h / | tail -1'], { timeoutMs: 10_000 });
   * if (r.exitcode !== 0) throw new Error(r['err-data']);
   * console.log(r['out-data']);
   * ```
   */
  async run(command: string[], opts?: AgentRunOptions, options?: RequestOptions): Promise<AgentExecResult> {
    const { inputData, pollIntervalMs = 200, timeoutMs = 60_000, signal, ...rest } = opts ?? {};
    for (const key of Object.keys(rest)) throw new TypeError(`run: unknown option "${key}" (known: inputData, pollIntervalMs, timeoutMs, signal)`);
    if (typeof pollIntervalMs !== 'number' || !(pollIntervalMs >= 0) || !Number.isFinite(pollIntervalMs)) throw new TypeError('pollIntervalMs must be a number ≥ 0');
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) throw new TypeError('timeoutMs must be a number ≥ 0');
    const reqOptions = requestOptions(options);
    const sig = signal ?? reqOptions.signal;
    if (sig !== undefined) reqOptions.signal = sig;
    const pid = await this.exec(command, inputData === undefined ? {} : { inputData }, reqOptions);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const status = await this.execStatus(pid, reqOptions);
      if (status.exited) return { ...status, pid };
      const left = deadline - performance.now();
      if (left <= 0) throw new AgentExecTimeoutError(pid, timeoutMs);
      try {
        await sleep(Math.min(pollIntervalMs, left), sig);
      } catch (err) {
        throw new AbortError(`waiting for guest agent command (pid ${pid})`, { cause: err });
      }
    }
  }

  /**
   * Reads a file in the guest (`GET …/agent/file-read`), at most 16 MiB.
   *
   * @param file - The file's path in the guest.
   * @param opts - `count`, `offset`, `decode` (PVE 9.0+ only).
   * @param options - Signal, timeout and retries.
   * @returns `content` (text, or base64 with `decode: false`) and `truncated`.
   * @throws TypeError for an empty path or a bad option, before any request.
   * @throws UnsupportedError for `count`, `offset` or `decode` before PVE 9.0, before any request.
   * @example
   * ```ts
   * const { content } = await vm.agent.fileRead('/etc/os-release');
   * ```
   */
  async fileRead(file: string, opts?: AgentFileReadOptions, options?: RequestOptions): Promise<AgentFileRead> {
    const f = nonEmpty('file', file);
    const gates: Gate[] = [];
    const params = mapOptions('fileRead', fileReadOptions, opts, gates);
    await requireGates(this.api, gates, requestOptions(options));
    return this.api.get(`${this.basePath}/file-read`, { file: f, ...params }, { ...requestOptions(options), schema: AgentFileReadSchema });
  }

  /**
   * Writes a file in the guest (`POST …/agent/file-write`), replacing it. Proxmox takes at most
   * 61440 characters of `content`; write bigger files in parts with `exec` (`['sh', '-c', 'cat >> f']`
   * and `inputData`).
   *
   * @param file - The file's path in the guest.
   * @param content - Text, or base64 with `encode: false`.
   * @param opts - `encode`.
   * @param options - Signal, timeout and retries.
   * @returns When the file is written.
   * @throws TypeError for an empty path, a content that is not a string or longer than 61440
   *   characters, or a bad option, before any request; the errors of a request.
   * @example
   * ```ts
   * await vm.agent.fileWrite('/etc/motd', 'Managed by proxmox-sdk\n');
   * ```
   */
  async fileWrite(file: string, content: string, opts?: AgentFileWriteOptions, options?: RequestOptions): Promise<void> {
    const f = nonEmpty('file', file);
    if (typeof content !== 'string' || content.length > MAX_CONTENT) throw new TypeError(`content must be a string of at most ${MAX_CONTENT} characters`);
    const params = mapOptions('fileWrite', fileWriteOptions, opts);
    await this.api.post(`${this.basePath}/file-write`, { file: f, content, ...params }, requestOptions(options));
  }

  /**
   * Sets a user's password in the guest (`POST …/agent/set-user-password`). The password is never
   * put in an error, event or log line: should Proxmox echo it in an error, it is blanked out.
   *
   * @param username - The user in the guest.
   * @param password - The new password (5 to 1024 characters, as the schema wants), or its `crypt()` hash with `crypted: true`.
   * @param opts - `crypted`.
   * @param options - Signal, timeout and retries.
   * @returns When the password is set.
   * @throws TypeError for an empty username, or a password shorter than 5 or longer than 1024 characters, before
   *   any request; ServerError when the agent refuses (e.g. an unknown user); the errors of a request.
   * @example
   * ```ts
   * await vm.agent.setUserPassword('debian', process.env.NEW_PASSWORD ?? '');
   * ```
   */
  async setUserPassword(username: string, password: string, opts?: AgentSetUserPasswordOptions, options?: RequestOptions): Promise<void> {
    const user = nonEmpty('username', username);
    if (typeof password !== 'string' || password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
      throw new TypeError(`password must be a string of ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`);
    }
    const params = mapOptions('setUserPassword', passwordOptions, opts);
    await this.api.post(`${this.basePath}/set-user-password`, { username: user, password, ...params }, { ...requestOptions(options), secrets: [password] });
  }

  /**
   * A plain view for logs and `JSON.stringify` (without the session).
   *
   * @returns `node` and `vmid`.
   * @example
   * ```ts
   * JSON.stringify(vm.agent); // {"node":"pve1","vmid":100}
   * ```
   */
  toJSON(): { node: string; vmid: number } {
    return { node: this.node, vmid: this.vmid };
  }
}
