/**
 * `Storage`: one storage of the cluster — its configuration, its state and content on a node.
 *
 * @module
 */
import { z } from 'zod';
import type { ProxmoxAPI } from '../core/api.js';
import { path } from '../core/path.js';
import { requestOptions } from '../core/request-options.js';
import type { Params, RequestOptions } from '../core/types.js';
import type { VersionInfo } from '../core/version.js';
import { Task } from '../tasks/task.js';
import { configParams } from './config-params.js';
import { requireAvailable, requireParams, type Availability } from './release-gate.js';
import {
  StorageConfigSchema,
  StorageContentEntrySchema,
  StorageStatusSchema,
  StorageWriteResultSchema,
  type StorageChanges,
  type StorageConfig,
  type StorageContentEntry,
  type StorageOptions,
  type StorageStatus,
  type StorageType,
  type StorageWriteResult,
} from './schemas/storage.js';
import { check, nodeSchema, storageIdSchema, vmidSchema } from './validate.js';

/** Every storage type, and the releases that lack some (7.4 has no `esxi`, 9.1 no `glusterfs`). */
const STORAGE_TYPES: Readonly<Record<StorageType, Availability>> = {
  btrfs: {}, cephfs: {}, cifs: {}, dir: {}, esxi: { since: '8.0' }, glusterfs: { until: '9.0' }, iscsi: {},
  iscsidirect: {}, lvm: {}, lvmthin: {}, nfs: {}, pbs: {}, rbd: {}, zfs: {}, zfspool: {},
};

/** Options absent from the 7.4 schema (since 8.0), new in 9.1 (since 9.0), or gone in 9.1 (until 9.0). */
const STORAGE_OPTIONS: Readonly<Record<string, Availability>> = {
  'create-base-path': { since: '8.0' },
  'create-subdirs': { since: '8.0' },
  'skip-cert-verification': { since: '8.0' },
  'saferemove-stepsize': { since: '9.0' },
  'snapshot-as-volume-chain': { since: '9.0' },
  'zfs-base-path': { since: '9.0' },
  maxfiles: { until: '9.0' },
  server2: { until: '9.0' },
  transport: { until: '9.0' },
  volume: { until: '9.0' },
};

/** Options that are comma-separated lists: arrays are joined. */
const LIST_OPTIONS: ReadonlySet<string> = new Set(['content', 'nodes', 'delete']);

function checkType(name: string, type: unknown): StorageType {
  if (typeof type !== 'string' || !Object.hasOwn(STORAGE_TYPES, type)) {
    throw new TypeError(`${name} must be a storage type (${Object.keys(STORAGE_TYPES).join(', ')}), got ${JSON.stringify(type)}`);
  }
  return type as StorageType;
}

function requireType(info: VersionInfo, type: StorageType): void {
  requireAvailable(info, `storage type "${type}"`, STORAGE_TYPES[type]);
}

function optionParams(name: string, config: unknown): Params {
  const params = configParams(name, config, LIST_OPTIONS);
  for (const key of ['storage', 'type']) {
    if (key in params) throw new TypeError(`${name}.${key} must not be given: pass it as an argument`);
  }
  return params;
}

/**
 * Which storages `Storage.list()` lists.
 *
 * @example
 * ```ts
 * const opts: StorageListOptions = { type: 'nfs' };
 * ```
 */
export interface StorageListOptions {
  /** Only storages of this type. */
  type?: StorageType;
}

/**
 * Which volumes `storage.content()` lists.
 *
 * @example
 * ```ts
 * const filter: StorageContentFilter = { content: 'backup', vmid: 100 };
 * ```
 */
export interface StorageContentFilter {
  /** Only this content type (`images`, `rootdir`, `iso`, `vztmpl`, `backup`, `snippets`, `import`). */
  content?: string;
  /** Only volumes of this guest. */
  vmid?: number;
}

/**
 * Options of `storage.volumeDelete()`.
 *
 * @example
 * ```ts
 * await storage.volumeDelete('pve1', 'local:iso/old.iso', { delay: 5 });
 * ```
 */
export interface VolumeDeleteOptions {
  /** Wait up to this many seconds (1–30) for the deletion to end before answering. */
  delay?: number;
}

/**
 * A handle on one storage of the cluster (its configuration is cluster-wide; its state and content
 * are read on a node). Stateless: every method asks the server afresh.
 *
 * @example
 * ```ts
 * const local = new Storage(api, 'local');
 * const { avail } = await local.status('pve1');
 * const isos = await local.content('pve1', { content: 'iso' });
 * ```
 */
export class Storage {
  /** The session. */
  readonly api: ProxmoxAPI;
  /** The storage id. */
  readonly storage: string;

  /**
   * Makes a handle. Sends no request.
   *
   * @param api - The session.
   * @param storage - The storage id.
   * @throws TypeError when `storage` is not a valid storage id.
   * @example
   * ```ts
   * const storage = new Storage(api, 'local-lvm');
   * ```
   */
  constructor(api: ProxmoxAPI, storage: string) {
    this.api = api;
    this.storage = check('storage', storageIdSchema, storage);
  }

  /**
   * The storages of the cluster with their configuration (`GET /storage`).
   *
   * @param api - The session.
   * @param opts - `type`: only storages of this type.
   * @param options - Signal, timeout and retries.
   * @returns The configurations.
   * @throws TypeError for an unknown type, UnsupportedError for a type the release lacks, before any
   *   request; ProxmoxApiError subclasses, ConnectionError, TimeoutError, AbortError, InvalidResponseError.
   * @example
   * ```ts
   * for (const s of await Storage.list(api)) console.log(s.storage, s.type, s.content);
   * ```
   */
  static async list(api: ProxmoxAPI, opts: StorageListOptions = {}, options?: RequestOptions): Promise<StorageConfig[]> {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('opts must be an object');
    const type = opts.type === undefined ? undefined : checkType('type', opts.type);
    if (type !== undefined) requireType(await api.version(options), type);
    return api.get('/storage', { type }, { ...requestOptions(options), schema: z.array(StorageConfigSchema) });
  }

  /**
   * Adds a storage to the cluster (`POST /storage`).
   *
   * @param api - The session.
   * @param storage - The new storage's id.
   * @param type - Its type (`dir`, `nfs`, `lvmthin`, `pbs`, …).
   * @param config - Its options, with Proxmox's names (`path`, `server`, `export`, `content`, …).
   * @param options - Signal, timeout and retries.
   * @returns The storage and type, and `config` with what Proxmox generated (a PBS `encryption-key`).
   * @throws TypeError for a malformed argument, UnsupportedError for a type or option the release lacks,
   *   before any request; otherwise as {@link Storage.list}.
   * @example
   * ```ts
   * await Storage.create(api, 'backup', 'dir', { path: '/mnt/backup', content: ['backup'], 'create-base-path': true });
   * ```
   */
  static async create(
    api: ProxmoxAPI,
    storage: string,
    type: StorageType,
    config: StorageOptions = {},
    options?: RequestOptions,
  ): Promise<StorageWriteResult> {
    const id = check('storage', storageIdSchema, storage);
    const storageType = checkType('type', type);
    const params = optionParams('config', config);
    const info = await api.version(options);
    requireType(info, storageType);
    requireParams(info, 'storage option', params, STORAGE_OPTIONS);
    return api.post('/storage', { storage: id, type: storageType, ...params }, { ...requestOptions(options), schema: StorageWriteResultSchema });
  }

  /**
   * The storage's configuration (`GET /storage/{storage}`).
   *
   * @param options - Signal, timeout and retries.
   * @returns The configuration, with its `digest`.
   * @throws As {@link Storage.list}.
   * @example
   * ```ts
   * const { content, nodes } = await storage.get();
   * ```
   */
  get(options?: RequestOptions): Promise<StorageConfig> {
    return this.api.get(path`/storage/${this.storage}`, undefined, { ...requestOptions(options), schema: StorageConfigSchema });
  }

  /**
   * Changes the storage's configuration (`PUT /storage/{storage}`).
   *
   * @param changes - Options to set, `delete`: options to remove, `digest`: refuse if changed meanwhile.
   * @param options - Signal, timeout and retries.
   * @returns The storage and type (and `config`, with what Proxmox generated).
   * @throws TypeError for malformed changes, UnsupportedError for an option the release lacks, before any
   *   request; otherwise as {@link Storage.list}.
   * @example
   * ```ts
   * await storage.update({ content: ['images', 'rootdir'], delete: ['nodes'] });
   * ```
   */
  async update(changes: StorageChanges, options?: RequestOptions): Promise<StorageWriteResult> {
    const params = optionParams('changes', changes);
    requireParams(await this.api.version(options), 'storage option', params, STORAGE_OPTIONS);
    return this.api.put(path`/storage/${this.storage}`, params, { ...requestOptions(options), schema: StorageWriteResultSchema });
  }

  /**
   * Removes the storage from the cluster's configuration (`DELETE /storage/{storage}`). The data on
   * it is left alone.
   *
   * @param options - Signal, timeout and retries.
   * @returns When it is gone.
   * @throws As {@link Storage.list}.
   * @example
   * ```ts
   * await new Storage(api, 'old-nfs').delete();
   * ```
   */
  async delete(options?: RequestOptions): Promise<void> {
    await this.api.delete(path`/storage/${this.storage}`, undefined, requestOptions(options));
  }

  /**
   * The storage's state on a node (`GET /nodes/{node}/storage/{storage}/status`): active, size, usage.
   *
   * @param node - The node to ask.
   * @param options - Signal, timeout and retries.
   * @returns The state.
   * @throws TypeError for a malformed `node`, before any request; otherwise as {@link Storage.list}.
   * @example
   * ```ts
   * const { used, total } = await storage.status('pve1');
   * ```
   */
  async status(node: string, options?: RequestOptions): Promise<StorageStatus> {
    const n = check('node', nodeSchema, node);
    return this.api.get(path`/nodes/${n}/storage/${this.storage}/status`, undefined, { ...requestOptions(options), schema: StorageStatusSchema });
  }

  /**
   * The volumes on the storage, as a node sees it (`GET /nodes/{node}/storage/{storage}/content`).
   *
   * @param node - The node to ask.
   * @param filter - `content`: one content type; `vmid`: one guest's volumes.
   * @param options - Signal, timeout and retries.
   * @returns The volumes.
   * @throws TypeError for a malformed argument, before any request; otherwise as {@link Storage.list}.
   * @example
   * ```ts
   * const backups = await storage.content('pve1', { content: 'backup', vmid: 100 });
   * ```
   */
  async content(node: string, filter: StorageContentFilter = {}, options?: RequestOptions): Promise<StorageContentEntry[]> {
    const n = check('node', nodeSchema, node);
    if (typeof filter !== 'object' || filter === null) throw new TypeError('filter must be an object');
    if (filter.content !== undefined && (typeof filter.content !== 'string' || !/^[a-z]+$/.test(filter.content))) {
      throw new TypeError(`filter.content must be one content type (images, rootdir, iso, vztmpl, backup, snippets, …), got ${JSON.stringify(filter.content)}`);
    }
    const params: Params = {
      content: filter.content,
      vmid: filter.vmid === undefined ? undefined : check('filter.vmid', vmidSchema, filter.vmid),
    };
    return this.api.get(path`/nodes/${n}/storage/${this.storage}/content`, params, {
      ...options,
      schema: z.array(StorageContentEntrySchema),
    });
  }

  /**
   * Deletes a volume (`DELETE /nodes/{node}/storage/{storage}/content/{volume}`). Proxmox deletes it
   * in a task; with `delay` it waits for that task up to so many seconds and answers nothing when it
   * ended in time — the returned task is then already complete.
   *
   * @param node - The node to do it on.
   * @param volume - The volume: its full id (`local:iso/old.iso`, on this storage) or its name on it.
   * @param opts - `delay`: seconds (1–30) to wait for the deletion before answering.
   * @param options - Signal, timeout and retries.
   * @returns The task deleting it (complete when Proxmox answered after it ended).
   * @throws TypeError for a malformed argument or a volume of another storage, before any request;
   *   otherwise as {@link Storage.list}.
   * @example
   * ```ts
   * await (await storage.volumeDelete('pve1', 'local:backup/vzdump-qemu-100-2024_01_01-00_00_00.vma.zst')).wait();
   * ```
   */
  async volumeDelete(node: string, volume: string, opts: VolumeDeleteOptions = {}, options?: RequestOptions): Promise<Task> {
    const n = check('node', nodeSchema, node);
    if (typeof volume !== 'string' || volume === '') throw new TypeError(`volume must be a volume id, got ${JSON.stringify(volume)}`);
    const colon = volume.indexOf(':');
    if (colon >= 0 && volume.slice(0, colon) !== this.storage) {
      throw new TypeError(`volume must be on storage ${this.storage}, got ${JSON.stringify(volume)}`);
    }
    const { delay } = opts;
    if (delay !== undefined && (!Number.isInteger(delay) || delay < 1 || delay > 30)) {
      throw new TypeError(`opts.delay must be an integer from 1 to 30, got ${String(delay)}`);
    }
    const upid = await this.api.delete(path`/nodes/${n}/storage/${this.storage}/content/${volume}`, { delay }, {
      ...options,
      schema: z.string().nullable(),
    });
    return upid ? new Task(this.api, upid) : Task.completed(this.api, { node: n, type: 'imgdel', id: this.storage });
  }
}
