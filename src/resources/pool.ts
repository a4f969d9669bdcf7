/**
 * `Pool`: a resource pool — its comment and members (guests and storages).
 *
 * @module
 */
import { z } from 'zod';
import type { ProxmoxAPI } from '../core/api.js';
import { NotFoundError } from '../core/errors.js';
import { path } from '../core/path.js';
import { requestOptions } from '../core/request-options.js';
import type { Params, RequestOptions } from '../core/types.js';
import { atLeast, type VersionInfo } from '../core/version.js';
import { requireAvailable } from './release-gate.js';
import { PoolConfigSchema, PoolSummarySchema, type PoolInfo, type PoolMember, type PoolSummary } from './schemas/pool.js';
import { check, poolIdSchema, storageIdSchema, vmidSchema } from './validate.js';

/**
 * From pve-manager 8.1.0 (nested pools) pools are addressed as `/pools` with a `poolid` parameter;
 * `/pools/{poolid}` remains, deprecated, and cannot address a nested pool.
 */
const POOLID_PARAM = '8.1';
/** `allow-move` (named `transfer` in 8.0.5) exists from pve-manager 8.0.6. */
const ALLOW_MOVE = '8.0.6';

/**
 * Options of `Pool.create()`.
 *
 * @example
 * ```ts
 * await Pool.create(api, 'dev', { comment: 'Developers' });
 * ```
 */
export interface PoolCreateOptions {
  /** A description. */
  comment?: string;
}

/**
 * Which members `pool.get()` and `pool.members()` return.
 *
 * @example
 * ```ts
 * const filter: PoolMemberFilter = { type: 'storage' };
 * ```
 */
export interface PoolMemberFilter {
  /** Only guests of this kind (`qemu`, `lxc`) or storages. */
  type?: 'qemu' | 'lxc' | 'storage';
}

/**
 * Changes of `pool.update()`: the comment, and guests or storages to add — or, with `delete`, to
 * remove.
 *
 * @example
 * ```ts
 * const add: PoolUpdate = { vms: [100, 101], storage: ['local-lvm'], allowMove: true };
 * const remove: PoolUpdate = { vms: [101], delete: true };
 * ```
 */
export interface PoolUpdate {
  /** The new description. */
  comment?: string;
  /** Guests to add (or remove). */
  vms?: ReadonlyArray<number>;
  /** Storages to add (or remove). */
  storage?: ReadonlyArray<string>;
  /** Remove `vms` and `storage` instead of adding them. */
  delete?: boolean;
  /** Move guests that are in another pool (PVE 8.0.6 and later) — `allow-move`. */
  allowMove?: boolean;
}

const TYPES = ['qemu', 'lxc', 'storage'];

function memberParams(filter: PoolMemberFilter): Params {
  if (typeof filter !== 'object' || filter === null) throw new TypeError('filter must be an object');
  if (filter.type !== undefined && !TYPES.includes(filter.type)) {
    throw new TypeError(`filter.type must be one of ${TYPES.join(', ')}, got ${JSON.stringify(filter.type)}`);
  }
  return { type: filter.type };
}

function list<T>(name: string, value: ReadonlyArray<T> | undefined, each: (name: string, item: unknown) => T): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array`);
  return value.map((item, i) => String(each(`${name}[${i}]`, item))).join(',');
}

/**
 * A handle on one resource pool. Stateless: every method asks the server afresh. It takes the route
 * the connected release has: `/pools?poolid=…` on PVE 8.1 and later, `/pools/{poolid}` before.
 *
 * @example
 * ```ts
 * const pool = await Pool.create(api, 'dev', { comment: 'Developers' });
 * await pool.update({ vms: [100, 101] });
 * console.log((await pool.members()).map((m) => m.id));
 * ```
 */
export class Pool {
  /** The session. */
  readonly api: ProxmoxAPI;
  /** The pool id (`dev`, or nested `team/dev` on PVE 8.1+). */
  readonly poolid: string;

  /**
   * Makes a handle. Sends no request.
   *
   * @param api - The session.
   * @param poolid - The pool id.
   * @throws TypeError when `poolid` is not a valid pool id.
   * @example
   * ```ts
   * const pool = new Pool(api, 'dev');
   * ```
   */
  constructor(api: ProxmoxAPI, poolid: string) {
    this.api = api;
    this.poolid = check('poolid', poolIdSchema, poolid);
  }

  /**
   * The pools (`GET /pools`). From PVE 8.1 each entry may list its members too.
   *
   * @param api - The session.
   * @param options - Signal, timeout and retries.
   * @returns The pools.
   * @throws ProxmoxApiError subclasses, ConnectionError, TimeoutError, AbortError, InvalidResponseError.
   * @example
   * ```ts
   * for (const p of await Pool.list(api)) console.log(p.poolid, p.comment ?? '');
   * ```
   */
  static list(api: ProxmoxAPI, options?: RequestOptions): Promise<PoolSummary[]> {
    return api.get('/pools', undefined, { ...requestOptions(options), schema: z.array(PoolSummarySchema) });
  }

  /**
   * Creates a pool (`POST /pools`).
   *
   * @param api - The session.
   * @param poolid - The new pool's id; `parent/child` nests it (PVE 8.1 and later).
   * @param opts - `comment`.
   * @param options - Signal, timeout and retries.
   * @returns A handle on the new pool.
   * @throws TypeError for a malformed argument, UnsupportedError for a nested id before PVE 8.1, before
   *   any request; otherwise as {@link Pool.list}.
   * @example
   * ```ts
   * const pool = await Pool.create(api, 'dev', { comment: 'Developers' });
   * ```
   */
  static async create(api: ProxmoxAPI, poolid: string, opts: PoolCreateOptions = {}, options?: RequestOptions): Promise<Pool> {
    const pool = new Pool(api, poolid);
    if (typeof opts !== 'object' || opts === null) throw new TypeError('opts must be an object');
    if (opts.comment !== undefined && typeof opts.comment !== 'string') throw new TypeError('opts.comment must be a string');
    await pool.#release(options);
    await api.post('/pools', { poolid: pool.poolid, comment: opts.comment }, requestOptions(options));
    return pool;
  }

  /**
   * The pool: its comment and members (`GET /pools?poolid=…` on PVE 8.1+, `GET /pools/{poolid}` before).
   *
   * @param filter - `type`: only members of this kind.
   * @param options - Signal, timeout and retries.
   * @returns `poolid`, `comment` and `members`.
   * @throws NotFoundError when there is no such pool; TypeError for a malformed filter and UnsupportedError
   *   for a nested id before PVE 8.1, before any request; otherwise as {@link Pool.list}.
   * @example
   * ```ts
   * const { comment, members } = await pool.get();
   * ```
   */
  async get(filter: PoolMemberFilter = {}, options?: RequestOptions): Promise<PoolInfo> {
    const params = memberParams(filter);
    const info = await this.#release(options);
    if (!atLeast(info, POOLID_PARAM)) {
      const config = await this.api.get(path`/pools/${this.poolid}`, params, { ...requestOptions(options), schema: PoolConfigSchema });
      return { ...config, poolid: this.poolid };
    }
    const found = await this.api.get('/pools', { poolid: this.poolid, ...params }, { ...requestOptions(options), schema: z.array(PoolSummarySchema) });
    const entry = found.find((p) => p.poolid === this.poolid);
    if (!entry) {
      // Proxmox leaves out pools the user may not see.
      throw new NotFoundError({ status: 404, reason: `pool '${this.poolid}' does not exist`, method: 'GET', path: '/pools' });
    }
    return { ...entry, members: entry.members ?? [] };
  }

  /**
   * The pool's members: guests and storages, with their state.
   *
   * @param filter - `type`: only members of this kind.
   * @param options - Signal, timeout and retries.
   * @returns The members.
   * @throws As {@link Pool.get}.
   * @example
   * ```ts
   * const vmids = (await pool.members({ type: 'qemu' })).map((m) => m.vmid);
   * ```
   */
  async members(filter: PoolMemberFilter = {}, options?: RequestOptions): Promise<PoolMember[]> {
    return (await this.get(filter, options)).members;
  }

  /**
   * Changes the pool (`PUT /pools` with `poolid` on PVE 8.1+, `PUT /pools/{poolid}` before): sets the
   * comment, adds guests and storages — or removes them with `delete`.
   *
   * @param changes - `comment`, `vms`, `storage`, `delete`, `allowMove`.
   * @param options - Signal, timeout and retries.
   * @returns When the pool is changed.
   * @throws TypeError for malformed changes, UnsupportedError for `allowMove` before PVE 8.0.6 or a
   *   nested id before 8.1, before any request; otherwise as {@link Pool.list}.
   * @example
   * ```ts
   * await pool.update({ vms: [100, 101], allowMove: true });
   * await pool.update({ storage: ['local-lvm'], delete: true });
   * ```
   */
  async update(changes: PoolUpdate, options?: RequestOptions): Promise<void> {
    if (typeof changes !== 'object' || changes === null) throw new TypeError('changes must be an object');
    if (changes.comment !== undefined && typeof changes.comment !== 'string') throw new TypeError('changes.comment must be a string');
    const params: Params = {
      comment: changes.comment,
      vms: list('changes.vms', changes.vms, (name, v) => check(name, vmidSchema, v)),
      storage: list('changes.storage', changes.storage, (name, v) => check(name, storageIdSchema, v)),
      delete: changes.delete,
      'allow-move': changes.allowMove,
    };
    const info = await this.#release(options);
    if (changes.allowMove !== undefined) requireAvailable(info, 'pool option "allow-move"', { since: ALLOW_MOVE });
    if (atLeast(info, POOLID_PARAM)) await this.api.put('/pools', { poolid: this.poolid, ...params }, requestOptions(options));
    else await this.api.put(path`/pools/${this.poolid}`, params, requestOptions(options));
  }

  /**
   * Deletes the pool (`DELETE /pools?poolid=…` on PVE 8.1+, `DELETE /pools/{poolid}` before). Proxmox
   * refuses while it has members.
   *
   * @param options - Signal, timeout and retries.
   * @returns When it is gone.
   * @throws UnsupportedError for a nested id before PVE 8.1, before any request; otherwise as {@link Pool.list}.
   * @example
   * ```ts
   * await new Pool(api, 'dev').delete();
   * ```
   */
  async delete(options?: RequestOptions): Promise<void> {
    const info = await this.#release(options);
    if (atLeast(info, POOLID_PARAM)) await this.api.delete('/pools', { poolid: this.poolid }, requestOptions(options));
    else await this.api.delete(path`/pools/${this.poolid}`, undefined, requestOptions(options));
  }

  /** The release, after checking that it can address this pool. */
  async #release(options: RequestOptions | undefined): Promise<VersionInfo> {
    const info = await this.api.version(options);
    if (this.poolid.includes('/')) requireAvailable(info, 'nested pool ids', { since: POOLID_PARAM });
    return info;
  }
}
