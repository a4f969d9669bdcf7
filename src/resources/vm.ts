/**
 * `VM`: a QEMU virtual machine (`/nodes/{node}/qemu/{vmid}`), on the shared {@link Guest} base.
 *
 * @module
 */
import { z } from 'zod';
import type { ProxmoxAPI } from '../core/api.js';
import { requestOptions } from '../core/request-options.js';
import type { RequestOptions } from '../core/types.js';
import type { Task } from '../tasks/task.js';
import { opt, readers, type OptionTable } from './action-options.js';
import { Guest } from './guest.js';
import { GuestAgent } from './guest-agent.js';
import { CloudinitPendingSchema, type CloudinitPending } from './schemas/agent.js';
import {
  commonOptions,
  type CloneOptions,
  type ConfigSetOptions,
  type DeleteOptions,
  type GuestKind,
  type MigrateOptions,
  type MoveVolumeOptions,
  type ShutdownOptions,
  type SnapshotCreateOptions,
  type StartOptions,
  type StopOptions,
  type VncProxyOptions,
} from './guest-options.js';
import { storageIdSchema, vmDiskSchema } from './validate.js';

/**
 * Options of `vm.start()`.
 *
 * @example
 * ```ts
 * await (await vm.start({ timeout: 120 })).wait();
 * ```
 */
export interface VMStartOptions extends StartOptions {
  /** Seconds to wait for the start. */
  timeout?: number;
}

/**
 * Options of `vm.stop()`.
 *
 * @example
 * ```ts
 * await (await vm.stop({ keepActive: true })).wait();
 * ```
 */
export interface VMStopOptions extends StopOptions {
  /** Seconds to wait. */
  timeout?: number;
  /** Leave the storage volumes active. */
  keepActive?: boolean;
}

/**
 * Options of `vm.shutdown()`.
 *
 * @example
 * ```ts
 * await (await vm.shutdown({ timeout: 180, forceStop: true })).wait();
 * ```
 */
export interface VMShutdownOptions extends ShutdownOptions {
  /** Leave the storage volumes active. */
  keepActive?: boolean;
  /** Ignore the config lock (root only). */
  skiplock?: boolean;
}

/**
 * Options of `vm.suspend()`.
 *
 * @example
 * ```ts
 * await (await vm.suspend({ todisk: true })).wait(); // hibernate
 * ```
 */
export interface VMSuspendOptions {
  /** Save the VM's state to disk and stop it (resumed on the next start). */
  todisk?: boolean;
  /** The storage for that state. */
  statestorage?: string;
  /** Ignore the config lock (root only). */
  skiplock?: boolean;
}

/**
 * Options of `vm.resume()`.
 *
 * @example
 * ```ts
 * await (await vm.resume()).wait();
 * ```
 */
export interface VMResumeOptions {
  /** Ignore the config lock (root only). */
  skiplock?: boolean;
  /** Skip Proxmox's check (used by migrations). */
  nocheck?: boolean;
}

/**
 * Options of `vm.reset()`.
 *
 * @example
 * ```ts
 * await (await vm.reset({ skiplock: true })).wait();
 * ```
 */
export interface VMResetOptions {
  /** Ignore the config lock (root only). */
  skiplock?: boolean;
}

/**
 * Options of `vm.delete()`.
 *
 * @example
 * ```ts
 * await (await vm.delete({ purge: true, skiplock: true })).wait();
 * ```
 */
export interface VMDeleteOptions extends DeleteOptions {
  /** Ignore the config lock (root only). */
  skiplock?: boolean;
}

/**
 * Options of `vm.configSet()`.
 *
 * @example
 * ```ts
 * await vm.configSet({}, { delete: ['unused0'], force: true }); // and destroy the volume
 * ```
 */
export interface VMConfigSetOptions extends ConfigSetOptions {
  /** Ignore the config lock (root only). */
  skiplock?: boolean;
  /** Destroy the volume of a deleted `unusedN` disk instead of keeping it. */
  force?: boolean;
}

/**
 * Options of `vm.clone()`.
 *
 * @example
 * ```ts
 * await (await vm.clone(130, { full: true, storage: 'nfs-shared', format: 'qcow2' })).wait();
 * ```
 */
export interface VMCloneOptions extends CloneOptions {
  /** Disk format on file storage (full clones only). */
  format?: 'raw' | 'qcow2' | 'vmdk';
}

/**
 * Options of `vm.snapshotCreate()`.
 *
 * @example
 * ```ts
 * await (await vm.snapshotCreate('live', { vmstate: true })).wait();
 * ```
 */
export interface VMSnapshotCreateOptions extends SnapshotCreateOptions {
  /** Save the RAM too (a running VM can be rolled back to running). */
  vmstate?: boolean;
}

/**
 * Options of `vm.migrate()`.
 *
 * @example
 * ```ts
 * await (await vm.migrate('pve2', { online: true, withLocalDisks: true, targetStorage: 'local-lvm' })).wait();
 * ```
 */
export interface VMMigrateOptions extends MigrateOptions {
  /** Copy local disks during a live migration (`with-local-disks`). */
  withLocalDisks?: boolean;
  /** Migrate even with local devices (root only). */
  force?: boolean;
  /** CIDR of the network to migrate over (`migration_network`). */
  migrationNetwork?: string;
  /** `secure` (SSH tunnel, default) or `insecure` (`migration_type`). */
  migrationType?: 'secure' | 'insecure';
  /** Carry the conntrack entries of a running VM (`with-conntrack-state`, PVE 9+). */
  withConntrackState?: boolean;
}

/**
 * Options of `vm.moveVolume()`.
 *
 * @example
 * ```ts
 * await (await vm.moveVolume('scsi0', 'nfs-shared', { format: 'qcow2', delete: true })).wait();
 * ```
 */
export interface VMMoveVolumeOptions extends MoveVolumeOptions {
  /** The target format (`raw`, `qcow2`, `vmdk`). */
  format?: 'raw' | 'qcow2' | 'vmdk';
}

/**
 * Options of `vm.template()`.
 *
 * @example
 * ```ts
 * await (await vm.template({ disk: 'scsi1' })).wait();
 * ```
 */
export interface VMTemplateOptions {
  /** Convert only this disk to a base image. */
  disk?: string;
}

/**
 * Options of `vm.vncproxy()`.
 *
 * @example
 * ```ts
 * const { password } = await vm.vncproxy({ websocket: true, generatePassword: true });
 * ```
 */
export interface VMVncProxyOptions extends VncProxyOptions {
  /** Generate a VNC password to use instead of the ticket (`generate-password`). */
  generatePassword?: boolean;
}

/**
 * The option types of a VM's actions.
 *
 * @example
 * ```ts
 * const opts: VMOptionTypes['migrate'] = { online: true };
 * ```
 */
export interface VMOptionTypes {
  /** Options of `start()`. */
  start: VMStartOptions;
  /** Options of `stop()`. */
  stop: VMStopOptions;
  /** Options of `shutdown()`. */
  shutdown: VMShutdownOptions;
  /** Options of `suspend()`. */
  suspend: VMSuspendOptions;
  /** Options of `resume()`. */
  resume: VMResumeOptions;
  /** Options of `delete()`. */
  delete: VMDeleteOptions;
  /** Options of `configSet()`. */
  configSet: VMConfigSetOptions;
  /** Options of `clone()`. */
  clone: VMCloneOptions;
  /** Options of `snapshotCreate()`. */
  snapshotCreate: VMSnapshotCreateOptions;
  /** Options of `migrate()`. */
  migrate: VMMigrateOptions;
  /** Options of `moveVolume()`. */
  moveVolume: VMMoveVolumeOptions;
  /** Options of `template()`. */
  template: VMTemplateOptions;
  /** Options of `vncproxy()`. */
  vncproxy: VMVncProxyOptions;
}

/**
 * The three cloud-init configs `vm.cloudinitDump()` renders.
 *
 * @example
 * ```ts
 * const types: CloudinitDumpType[] = ['user', 'network', 'meta'];
 * ```
 */
export type CloudinitDumpType = 'user' | 'network' | 'meta';

const DUMP_TYPES: readonly string[] = ['user', 'network', 'meta'];

const { boolean, count, text, schema, oneOf } = readers;
const FORMATS = ['raw', 'qcow2', 'vmdk'];
const skiplock = opt('skiplock', boolean);

const QEMU: GuestKind = {
  type: 'qemu',
  prefix: 'qm',
  disk: vmDiskSchema,
  move: { path: 'move_disk', param: 'disk' },
  options: {
    ...commonOptions,
    start: { skiplock, timeout: opt('timeout', count) },
    stop: { skiplock, timeout: opt('timeout', count), keepActive: opt('keepActive', boolean), overruleShutdown: opt('overrule-shutdown', boolean, '8.0') },
    shutdown: { skiplock, timeout: opt('timeout', count), forceStop: opt('forceStop', boolean), keepActive: opt('keepActive', boolean) },
    suspend: { skiplock, todisk: opt('todisk', boolean), statestorage: opt('statestorage', schema(storageIdSchema)) },
    resume: { skiplock, nocheck: opt('nocheck', boolean) },
    delete: { ...commonOptions.delete, skiplock },
    configSet: { ...commonOptions.configSet, skiplock, force: opt('force', boolean) },
    clone: { ...commonOptions.clone, name: opt('name', text), format: opt('format', oneOf(FORMATS)), bwlimit: opt('bwlimit', count) },
    snapshotCreate: { description: opt('description', readers.string), vmstate: opt('vmstate', boolean) },
    migrate: {
      online: opt('online', boolean), targetStorage: opt('targetstorage', text), bwlimit: opt('bwlimit', count),
      withLocalDisks: opt('with-local-disks', boolean), force: opt('force', boolean),
      migrationNetwork: opt('migration_network', text), migrationType: opt('migration_type', oneOf(['secure', 'insecure'])),
      withConntrackState: opt('with-conntrack-state', boolean, '9.0'),
    },
    moveVolume: {
      ...commonOptions.moveVolume, bwlimit: opt('bwlimit', count), format: opt('format', oneOf(FORMATS)),
      targetDisk: opt('target-disk', schema(vmDiskSchema)),
    },
    template: { disk: opt('disk', schema(vmDiskSchema)) },
    vncproxy: { websocket: opt('websocket', boolean), generatePassword: opt('generate-password', boolean) },
  } satisfies Record<string, OptionTable>,
  // Keys the 8.4 schema has and 7.4's lacks; keys 9.1 has and 8.4 lacks.
  createGates: [
    [/^(amd-sev|ciupgrade|virtiofs\d+|import-working-storage)$/, '8.0'],
    [/^(allow-ksm|intel-tdx|ha-managed)$/, '9.0'],
  ],
  configGates: [
    [/^(amd-sev|ciupgrade|virtiofs\d+)$/, '8.0'],
    [/^(allow-ksm|intel-tdx)$/, '9.0'],
  ],
  createRequires: [],
};

/**
 * A QEMU virtual machine: a stateless handle (`api`, `node`, `vmid`) with everything a guest can
 * do ({@link Guest}) plus `reset()` and `monitor()`. Every read asks Proxmox afresh; actions that
 * start a worker return a {@link Task}.
 *
 * @example
 * ```ts
 * const vm = new VM(api, 'pve1', 100);
 * await (await vm.snapshotCreate('pre-upgrade')).wait();
 * await (await vm.shutdown({ timeout: 120, forceStop: true })).wait();
 * console.log((await vm.status()).status); // 'stopped'
 * ```
 */
export class VM extends Guest<VMOptionTypes> {
  /** What differs from containers. @internal */
  static readonly kind: GuestKind = QEMU;

  /**
   * Makes a handle on one VM. Sends no request.
   *
   * @param api - The session.
   * @param node - The node the VM is on.
   * @param vmid - The VM's id (100–999999999).
   * @throws TypeError for a malformed node name or vmid.
   * @example
   * ```ts
   * const vm = new VM(api, 'pve1', 100);
   * ```
   */
  constructor(api: ProxmoxAPI, node: string, vmid: number) {
    super(api, node, vmid, QEMU);
  }

  /**
   * Resets the VM, like pressing its reset button (`POST …/status/reset`).
   *
   * @param opts - `skiplock`.
   * @param options - Signal, timeout and retries.
   * @returns The reset task.
   * @throws TypeError for an unknown option, before any request; the errors of a request.
   * @example
   * ```ts
   * await (await vm.reset()).wait();
   * ```
   */
  async reset(opts?: VMResetOptions, options?: RequestOptions): Promise<Task> {
    return this.powerAction('reset', { skiplock }, opts, options);
  }

  /**
   * Runs a QEMU human monitor command (`POST …/monitor`), e.g. `info status`.
   *
   * @param command - The monitor command.
   * @param options - Signal, timeout and retries.
   * @returns The command's output.
   * @throws TypeError for an empty command, before any request; the errors of a request
   *   (Proxmox refuses most commands to non-root users).
   * @example
   * ```ts
   * console.log(await vm.monitor('info status')); // 'VM status: running'
   * ```
   */
  async monitor(command: string, options?: RequestOptions): Promise<string> {
    readers.text('command', command);
    return this.api.post(`${this.basePath}/monitor`, { command }, { ...requestOptions(options), schema: z.string() });
  }

  /**
   * The VM's QEMU guest agent: ping, info, exec, files, passwords. The VM needs `agent: 1` in its
   * config and the agent running inside; see {@link GuestAgent}.
   *
   * @example
   * ```ts
   * const { 'out-data': out } = await vm.agent.run(['uptime']);
   * ```
   */
  get agent(): GuestAgent {
    return new GuestAgent(this.api, this.node, this.vmid);
  }

  /**
   * The cloud-init values and their changes not yet in the VM's cloud-init drive (`GET …/cloudinit`).
   * Proxmox lists every cloud-init key; `value` is what the drive was generated from, `pending` a
   * new value and `delete` a removal waiting for {@link VM.cloudinitRegenerate} (or the next start).
   *
   * @param options - Signal, timeout and retries.
   * @returns One entry per key (`key`, `value`, `pending`, `delete`).
   * @throws The errors of a request.
   * @example
   * ```ts
   * const changed = (await vm.cloudinitPending()).filter((e) => e.pending !== undefined || e.delete);
   * ```
   */
  async cloudinitPending(options?: RequestOptions): Promise<CloudinitPending[]> {
    return this.api.get(`${this.basePath}/cloudinit`, undefined, { ...requestOptions(options), schema: CloudinitPendingSchema.array() });
  }

  /**
   * Regenerates the VM's cloud-init drive from its current config (`PUT …/cloudinit`), so that the
   * pending values take effect at the guest's next boot. The VM needs a cloud-init drive.
   *
   * @param options - Signal, timeout and retries.
   * @returns When the drive is regenerated.
   * @throws ServerError when the VM has no cloud-init drive; the errors of a request.
   * @example
   * ```ts
   * await vm.configSet({ ciuser: 'admin', ipconfig0: 'ip=10.0.0.5/24,gw=10.0.0.1' });
   * await vm.cloudinitRegenerate();
   * ```
   */
  async cloudinitRegenerate(options?: RequestOptions): Promise<void> {
    await this.api.put(`${this.basePath}/cloudinit`, undefined, requestOptions(options));
  }

  /**
   * Renders one of the VM's cloud-init configs from its current config (`GET …/cloudinit/dump`).
   *
   * @param type - `user` (the `#cloud-config` user data), `network` or `meta`.
   * @param options - Signal, timeout and retries.
   * @returns The config as YAML text.
   * @throws TypeError for another type, before any request; the errors of a request.
   * @example
   * ```ts
   * console.log(await vm.cloudinitDump('user')); // '#cloud-config\nhostname: web01\n…'
   * ```
   */
  async cloudinitDump(type: CloudinitDumpType, options?: RequestOptions): Promise<string> {
    const t = readers.oneOf(DUMP_TYPES)('type', type);
    return this.api.get(`${this.basePath}/cloudinit/dump`, { type: t }, { ...requestOptions(options), schema: z.string() });
  }
}
