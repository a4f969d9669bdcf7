/**
 * Zod schemas of the answers of `/storage`, `/storage/{storage}` and a node's
 * `/storage/{storage}/status` and `/content`, and the types of the configs sent to them. Loose:
 * unknown fields pass through and numbers or booleans sent as strings are coerced.
 *
 * @module
 */
import { z } from 'zod';
import type { ConfigValue } from '../config-params.js';
import { looseBoolean, looseNumber, propertyStringOrObject } from './loose.js';

/**
 * A storage's configuration (`GET /storage`, `GET /storage/{storage}`): Proxmox's keys, which
 * depend on the storage type.
 *
 * @example
 * ```ts
 * StorageConfigSchema.parse({ storage: 'local', type: 'dir', path: '/var/lib/vz', content: 'iso,backup', shared: '0' }).shared; // false
 * ```
 */
export const StorageConfigSchema = z.looseObject({
  storage: z.string(),
  type: z.string().optional(),
  content: z.string().optional(),
  path: z.string().optional(),
  nodes: z.string().optional(),
  shared: looseBoolean.optional(),
  disable: looseBoolean.optional(),
  digest: z.string().optional(),
  'prune-backups': propertyStringOrObject.optional(),
});

/**
 * A storage configuration as `Storage.list()` and `storage.get()` return it.
 *
 * @example
 * ```ts
 * const nfs = (await Storage.list(api, { type: 'nfs' })).map((s: StorageConfig) => s.storage);
 * ```
 */
export type StorageConfig = z.infer<typeof StorageConfigSchema>;

/**
 * The answer of `POST /storage` and `PUT /storage/{storage}`: the storage, its type, and `config`
 * with what Proxmox generated (a PBS storage's `encryption-key`).
 *
 * @example
 * ```ts
 * StorageWriteResultSchema.parse({ storage: 'pbs', type: 'pbs', config: { 'encryption-key': '{…}' } }).config;
 * ```
 */
export const StorageWriteResultSchema = z.looseObject({
  storage: z.string(),
  type: z.string(),
  config: z.looseObject({ 'encryption-key': z.string().optional() }).optional(),
});

/**
 * What `Storage.create()` and `storage.update()` return.
 *
 * @example
 * ```ts
 * const { config }: StorageWriteResult = await Storage.create(api, 'pbs', 'pbs', { server: 'pbs1', datastore: 'main', 'encryption-key': 'autogen' });
 * ```
 */
export type StorageWriteResult = z.infer<typeof StorageWriteResultSchema>;

/**
 * A storage's state on one node (`GET /nodes/{node}/storage/{storage}/status`).
 *
 * @example
 * ```ts
 * StorageStatusSchema.parse({ type: 'dir', active: 1, total: '100', used: 40, avail: 60 }).total; // 100
 * ```
 */
export const StorageStatusSchema = z.looseObject({
  type: z.string().optional(),
  content: z.string().optional(),
  active: looseBoolean.optional(),
  enabled: looseBoolean.optional(),
  shared: looseBoolean.optional(),
  total: looseNumber.optional(),
  used: looseNumber.optional(),
  avail: looseNumber.optional(),
});

/**
 * What `storage.status(node)` returns.
 *
 * @example
 * ```ts
 * const { avail, total }: StorageStatus = await storage.status('pve1');
 * ```
 */
export type StorageStatus = z.infer<typeof StorageStatusSchema>;

/**
 * One volume of `GET /nodes/{node}/storage/{storage}/content`.
 *
 * @example
 * ```ts
 * StorageContentEntrySchema.parse({ volid: 'local:iso/debian.iso', format: 'iso', size: '600000000', content: 'iso' }).size; // 600000000
 * ```
 */
export const StorageContentEntrySchema = z.looseObject({
  volid: z.string(),
  content: z.string().optional(),
  format: z.string().optional(),
  size: looseNumber.optional(),
  used: looseNumber.optional(),
  ctime: looseNumber.optional(),
  vmid: looseNumber.optional(),
  parent: z.string().optional(),
  notes: z.string().optional(),
  protected: looseBoolean.optional(),
  encrypted: z.string().optional(),
});

/**
 * One volume as `storage.content(node)` returns it.
 *
 * @example
 * ```ts
 * const isos = (await storage.content('pve1', { content: 'iso' })).map((v: StorageContentEntry) => v.volid);
 * ```
 */
export type StorageContentEntry = z.infer<typeof StorageContentEntrySchema>;

/**
 * The storage types of `POST /storage` on some release: `esxi` needs PVE 8, `glusterfs` is gone in 9.
 *
 * @example
 * ```ts
 * const type: StorageType = 'nfs';
 * ```
 */
export type StorageType =
  | 'btrfs' | 'cephfs' | 'cifs' | 'dir' | 'esxi' | 'glusterfs' | 'iscsi' | 'iscsidirect'
  | 'lvm' | 'lvmthin' | 'nfs' | 'pbs' | 'rbd' | 'zfs' | 'zfspool';

/**
 * A storage's options, with Proxmox's own names (they depend on the type: `path` for `dir`,
 * `server` and `export` for `nfs`, …). Lists (`content`, `nodes`) may be arrays and property strings
 * (`prune-backups`) objects. Options of one release only are refused elsewhere with `UnsupportedError`.
 *
 * @example
 * ```ts
 * const config: StorageOptions = { path: '/mnt/backup', content: ['backup', 'iso'], 'prune-backups': { 'keep-last': 3 } };
 * ```
 */
export interface StorageOptions {
  /** Content types (`images`, `rootdir`, `iso`, `vztmpl`, `backup`, `snippets`, `import`). */
  content?: string | ReadonlyArray<string>;
  /** Nodes that may use it (default: all). */
  nodes?: string | ReadonlyArray<string>;
  /** Whether it is shared by all nodes (for types that do not say so themselves). */
  shared?: boolean;
  /** Disable it. */
  disable?: boolean;
  /** Retention of backups. */
  'prune-backups'?: string | Readonly<Record<string, number | boolean | undefined>>;
  /** Any other option of `POST /storage` / `PUT /storage/{storage}`. */
  [option: string]: ConfigValue;
}

/**
 * Changes to a storage: options to set, and `delete`, the options to remove.
 *
 * @example
 * ```ts
 * const changes: StorageChanges = { disable: true, delete: ['nodes'] };
 * ```
 */
export interface StorageChanges extends StorageOptions {
  /** Options to remove. */
  delete?: string | ReadonlyArray<string>;
  /** Refuse the change if the configuration changed since this digest was read. */
  digest?: string;
}
