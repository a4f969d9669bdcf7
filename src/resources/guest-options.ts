/**
 * The option types of the guest actions, and the tables that check and map them: what `VM` and
 * `Container` share, and the shape (`GuestKind`) in which each states what differs.
 *
 * @module
 */
import type { z } from 'zod';
import { opt, readers, type OptionTable } from './action-options.js';
import { nodeSchema, snapshotNameSchema, storageIdSchema, vmidSchema } from './validate.js';

/**
 * A guest config to create or change, with Proxmox's own keys (`memory`, `cores`, `net0`,
 * `scsi0`, `rootfs`, …) as its documentation lists them. Booleans are sent as `1`/`0`.
 *
 * @example
 * ```ts
 * const config: GuestConfigInput = { name: 'web02', memory: 4096, cores: 2, scsi0: 'local-lvm:32', net0: 'virtio,bridge=vmbr0' };
 * await VM.create(api, 'pve1', 110, config);
 * ```
 */
export interface GuestConfigInput {
  /** Any key Proxmox takes for this kind of guest. */
  [key: string]: string | number | boolean | undefined;
  /** A VM's name (a DNS name). */
  name?: string;
  /** A container's host name. */
  hostname?: string;
  /** Memory in MiB (PVE 8+ also takes `current=…` for VMs). */
  memory?: number | string;
  /** CPU cores (per socket for VMs). */
  cores?: number;
  /** A description, shown in the web interface. */
  description?: string;
  /** Tags, separated by `;`. */
  tags?: string;
  /** Start at boot. */
  onboot?: boolean;
  /** First network device (`virtio,bridge=vmbr0` for a VM; `name=eth0,bridge=vmbr0,ip=dhcp` for a container). */
  net0?: string;
  /** Create only: start the guest once created. */
  start?: boolean;
  /** Create only: add the guest to this pool. */
  pool?: string;
}

/**
 * No options: the action takes none on this kind of guest.
 *
 * @example
 * ```ts
 * const none: NoOptions = {};
 * await container.suspend(none);
 * ```
 */
export type NoOptions = Record<string, never>;

/**
 * Options of `start()`, common to VMs and containers.
 *
 * @example
 * ```ts
 * await (await vm.start({ skiplock: true })).wait();
 * ```
 */
export interface StartOptions {
  /** Ignore the config lock (root only). */
  skiplock?: boolean;
}

/**
 * Options of `stop()`, common to VMs and containers.
 *
 * @example
 * ```ts
 * await (await vm.stop({ overruleShutdown: true })).wait();
 * ```
 */
export interface StopOptions {
  /** Ignore the config lock (root only). */
  skiplock?: boolean;
  /** Abort a running shutdown task first (`overrule-shutdown`, PVE 8+). */
  overruleShutdown?: boolean;
}

/**
 * Options of `shutdown()`, common to VMs and containers.
 *
 * @example
 * ```ts
 * await (await vm.shutdown({ timeout: 120, forceStop: true })).wait();
 * ```
 */
export interface ShutdownOptions {
  /** Seconds to wait for the guest to shut down. */
  timeout?: number;
  /** Stop it hard when the timeout passes. */
  forceStop?: boolean;
}

/**
 * Options of `reboot()`.
 *
 * @example
 * ```ts
 * await (await vm.reboot({ timeout: 300 })).wait();
 * ```
 */
export interface RebootOptions {
  /** Seconds to wait for the shutdown part. */
  timeout?: number;
}

/**
 * Options of `delete()`, common to VMs and containers.
 *
 * @example
 * ```ts
 * await (await vm.delete({ purge: true, destroyUnreferencedDisks: true })).wait();
 * ```
 */
export interface DeleteOptions {
  /** Also remove the guest from backup jobs, replication and HA (`purge`). */
  purge?: boolean;
  /** Also destroy disks with the guest's id that its config does not reference (`destroy-unreferenced-disks`). */
  destroyUnreferencedDisks?: boolean;
}

/**
 * Options of `configGet()`.
 *
 * @example
 * ```ts
 * const old = await vm.configGet({ snapshot: 'pre-upgrade' });
 * ```
 */
export interface ConfigGetOptions {
  /** The values in effect, not the pending ones. */
  current?: boolean;
  /** The config saved in this snapshot. */
  snapshot?: string;
}

/**
 * Options of `configSet()`, common to VMs and containers.
 *
 * @example
 * ```ts
 * const { digest } = await vm.configGet();
 * await vm.configSet({ memory: 4096 }, { delete: ['balloon'], digest });
 * ```
 */
export interface ConfigSetOptions {
  /** Keys to remove (an array or `"a,b"`). */
  delete?: readonly string[] | string;
  /** Refuse the change if the config changed since this digest was read. */
  digest?: string;
  /** Pending changes to revert (an array or `"a,b"`). */
  revert?: readonly string[] | string;
}

/**
 * Options of `clone()`, common to VMs and containers.
 *
 * @example
 * ```ts
 * await (await template.clone(120, { name: 'web20', full: true, storage: 'local-lvm' })).wait();
 * ```
 */
export interface CloneOptions {
  /** Copy every disk. Proxmox copies anyway unless the source is a template; `storage` (and a VM's `format`) need `full: true`. */
  full?: boolean;
  /** The new guest's name (a container's host name). */
  name?: string;
  /** The node to create it on (the source must be on shared storage). */
  target?: string;
  /** Where to put the copied disks (full clones only). */
  storage?: string;
  /** Add the new guest to this pool. */
  pool?: string;
  /** Clone the state of this snapshot. */
  snapname?: string;
  /** The new guest's description. */
  description?: string;
  /** I/O bandwidth limit in KiB/s. */
  bwlimit?: number;
}

/**
 * Options of `snapshotCreate()`, common to VMs and containers.
 *
 * @example
 * ```ts
 * await (await vm.snapshotCreate('pre-upgrade', { description: 'before apt upgrade' })).wait();
 * ```
 */
export interface SnapshotCreateOptions {
  /** A description of the snapshot. */
  description?: string;
}

/**
 * Options of `snapshotRollback()`.
 *
 * @example
 * ```ts
 * await (await vm.snapshotRollback('pre-upgrade', { start: true })).wait();
 * ```
 */
export interface SnapshotRollbackOptions {
  /** Start the guest after rolling back. */
  start?: boolean;
}

/**
 * Options of `snapshotDelete()`.
 *
 * @example
 * ```ts
 * await (await vm.snapshotDelete('old', { force: true })).wait();
 * ```
 */
export interface SnapshotDeleteOptions {
  /** Remove it from the config even if removing the disk snapshots fails. */
  force?: boolean;
}

/**
 * Options of `migrate()`, common to VMs and containers.
 *
 * @example
 * ```ts
 * await (await vm.migrate('pve2', { online: true, targetStorage: 'local-lvm' })).wait();
 * ```
 */
export interface MigrateOptions {
  /** Live migration of a running guest (a container: checkpoint/restore, experimental). */
  online?: boolean;
  /** Storage mapping: one target storage, or `source:target` pairs separated by `,`. */
  targetStorage?: string;
  /** I/O bandwidth limit in KiB/s. */
  bwlimit?: number;
}

/**
 * Options of `moveVolume()`, common to VMs and containers.
 *
 * @example
 * ```ts
 * await (await vm.moveVolume('scsi0', 'nfs-shared', { delete: true })).wait();
 * ```
 */
export interface MoveVolumeOptions {
  /** Remove the source volume once copied (otherwise it stays as `unusedN`). */
  delete?: boolean;
  /** Refuse if the config changed since this digest was read. */
  digest?: string;
  /** I/O bandwidth limit in KiB/s. */
  bwlimit?: number;
  /** Reassign the volume to this guest instead (`target-vmid`). */
  targetVmid?: number;
  /** The key it gets on the target guest (`target-disk` / `target-volume`). */
  targetDisk?: string;
  /** Refuse if the target's config changed since this digest was read (`target-digest`). */
  targetDigest?: string;
}

/**
 * Options of `vncproxy()`, common to VMs and containers.
 *
 * @example
 * ```ts
 * const { port, ticket } = await vm.vncproxy({ websocket: true });
 * ```
 */
export interface VncProxyOptions {
  /** Prepare for the `vncwebsocket` endpoint. */
  websocket?: boolean;
}

/**
 * Options of `spiceproxy()`.
 *
 * @example
 * ```ts
 * const vv = await vm.spiceproxy({ proxy: 'pve1.example.com' });
 * ```
 */
export interface SpiceProxyOptions {
  /** The SPICE proxy the client should use (default: the node). */
  proxy?: string;
}

/**
 * The option types of the actions whose options differ between VMs and containers.
 *
 * @example
 * ```ts
 * type VMStop = VMOptionTypes['stop']; // { skiplock?, overruleShutdown?, timeout?, keepActive? }
 * ```
 */
export interface GuestOptionTypes {
  /** Options of `start()`. */
  start: object;
  /** Options of `stop()`. */
  stop: object;
  /** Options of `shutdown()`. */
  shutdown: object;
  /** Options of `suspend()`. */
  suspend: object;
  /** Options of `resume()`. */
  resume: object;
  /** Options of `delete()`. */
  delete: object;
  /** Options of `configSet()`. */
  configSet: object;
  /** Options of `clone()`. */
  clone: object;
  /** Options of `snapshotCreate()`. */
  snapshotCreate: object;
  /** Options of `migrate()`. */
  migrate: object;
  /** Options of `moveVolume()`. */
  moveVolume: object;
  /** Options of `template()`. */
  template: object;
  /** Options of `vncproxy()`. */
  vncproxy: object;
}

/** The actions whose options a kind lists in its tables. @internal */
export type GuestAction = keyof GuestOptionTypes | 'reboot' | 'configGet' | 'snapshotRollback' | 'snapshotDelete' | 'spiceproxy';

/** Config keys that only some releases take: a key pattern and the first release that has it. @internal */
export type ConfigGates = ReadonlyArray<readonly [RegExp, string]>;

/**
 * What differs between VMs and containers, as data: `VM` and `Container` each pass one to
 * `Guest`.
 *
 * @internal
 */
export interface GuestKind {
  /** The path segment: `qemu` or `lxc`. */
  readonly type: 'qemu' | 'lxc';
  /** The task type prefix (`qm`, `vz`). */
  readonly prefix: 'qm' | 'vz';
  /** The disk names `resize` and `moveVolume` take. */
  readonly disk: z.ZodType<string>;
  /** The move endpoint and the name of its disk parameter. */
  readonly move: { readonly path: 'move_disk' | 'move_volume'; readonly param: 'disk' | 'volume' };
  /** The options of each action. */
  readonly options: Readonly<Record<GuestAction, OptionTable>>;
  /** Create keys that only newer releases take. */
  readonly createGates: ConfigGates;
  /** Config update keys that only newer releases take. */
  readonly configGates: ConfigGates;
  /** Keys `create` requires. */
  readonly createRequires: readonly string[];
}

/** Options shared by the two kinds' tables. @internal */
export const commonOptions = {
  reboot: { timeout: opt('timeout', readers.count) },
  configGet: { current: opt('current', readers.boolean), snapshot: opt('snapshot', readers.schema(snapshotNameSchema)) },
  snapshotRollback: { start: opt('start', readers.boolean) },
  snapshotDelete: { force: opt('force', readers.boolean) },
  spiceproxy: { proxy: opt('proxy', readers.text) },
  configSet: { delete: opt('delete', readers.keys), digest: opt('digest', readers.text), revert: opt('revert', readers.keys) },
  clone: {
    full: opt('full', readers.boolean), target: opt('target', readers.schema(nodeSchema)),
    storage: opt('storage', readers.schema(storageIdSchema)), pool: opt('pool', readers.text),
    snapname: opt('snapname', readers.schema(snapshotNameSchema)), description: opt('description', readers.string),
  },
  moveVolume: {
    delete: opt('delete', readers.boolean), digest: opt('digest', readers.text),
    targetVmid: opt('target-vmid', readers.schema(vmidSchema)), targetDigest: opt('target-digest', readers.text),
  },
  delete: { purge: opt('purge', readers.boolean), destroyUnreferencedDisks: opt('destroy-unreferenced-disks', readers.boolean) },
} as const satisfies Record<string, OptionTable>;
