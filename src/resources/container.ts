/**
 * `Container`: an LXC container (`/nodes/{node}/lxc/{vmid}`), on the shared {@link Guest} base.
 *
 * @module
 */
import type { ProxmoxAPI } from '../core/api.js';
import { opt, readers, type OptionTable } from './action-options.js';
import { Guest } from './guest.js';
import {
  commonOptions,
  type CloneOptions,
  type ConfigSetOptions,
  type DeleteOptions,
  type GuestKind,
  type MigrateOptions,
  type MoveVolumeOptions,
  type NoOptions,
  type ShutdownOptions,
  type SnapshotCreateOptions,
  type StartOptions,
  type StopOptions,
  type VncProxyOptions,
} from './guest-options.js';
import { ctVolumeSchema } from './validate.js';

/**
 * Options of `container.start()`.
 *
 * @example
 * ```ts
 * await (await ct.start({ debug: true })).wait();
 * ```
 */
export interface ContainerStartOptions extends StartOptions {
  /** Very verbose debug logging of the start (in the task log). */
  debug?: boolean;
}

/**
 * Options of `container.delete()`.
 *
 * @example
 * ```ts
 * await (await ct.delete({ force: true, purge: true })).wait();
 * ```
 */
export interface ContainerDeleteOptions extends DeleteOptions {
  /** Destroy even if it is running. */
  force?: boolean;
}

/**
 * Options of `container.migrate()`.
 *
 * @example
 * ```ts
 * await (await ct.migrate('pve2', { restart: true, timeout: 60 })).wait();
 * ```
 */
export interface ContainerMigrateOptions extends MigrateOptions {
  /** Restart migration: shut down, move, start again. */
  restart?: boolean;
  /** Seconds to wait for the shutdown of a restart migration. */
  timeout?: number;
}

/**
 * Options of `container.vncproxy()`.
 *
 * @example
 * ```ts
 * await ct.vncproxy({ websocket: true, width: 1024, height: 768 });
 * ```
 */
export interface ContainerVncProxyOptions extends VncProxyOptions {
  /** Console width in pixels (16–4096). */
  width?: number;
  /** Console height in pixels (16–2160). */
  height?: number;
}

/**
 * The option types of a container's actions.
 *
 * @example
 * ```ts
 * const opts: ContainerOptionTypes['migrate'] = { restart: true };
 * ```
 */
export interface ContainerOptionTypes {
  /** Options of `start()`. */
  start: ContainerStartOptions;
  /** Options of `stop()`. */
  stop: StopOptions;
  /** Options of `shutdown()`. */
  shutdown: ShutdownOptions;
  /** `suspend()` takes none. */
  suspend: NoOptions;
  /** `resume()` takes none. */
  resume: NoOptions;
  /** Options of `delete()`. */
  delete: ContainerDeleteOptions;
  /** Options of `configSet()`. */
  configSet: ConfigSetOptions;
  /** Options of `clone()` (`name` is the new host name; there is no `format`). */
  clone: CloneOptions;
  /** Options of `snapshotCreate()`. */
  snapshotCreate: SnapshotCreateOptions;
  /** Options of `migrate()`. */
  migrate: ContainerMigrateOptions;
  /** Options of `moveVolume()` (`targetDisk` is the target's volume key). */
  moveVolume: MoveVolumeOptions;
  /** `template()` takes none. */
  template: NoOptions;
  /** Options of `vncproxy()`. */
  vncproxy: ContainerVncProxyOptions;
}

const { boolean, count, amount, text } = readers;
const skiplock = opt('skiplock', boolean);
const pixels = (max: number) => (name: string, v: unknown) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 16 || v > max) throw new TypeError(`${name} must be an integer from 16 to ${max}, got ${String(v)}`);
  return v;
};

const LXC: GuestKind = {
  type: 'lxc',
  prefix: 'vz',
  disk: ctVolumeSchema,
  move: { path: 'move_volume', param: 'volume' },
  options: {
    ...commonOptions,
    start: { skiplock, debug: opt('debug', boolean) },
    stop: { skiplock, overruleShutdown: opt('overrule-shutdown', boolean, '8.0') },
    shutdown: { timeout: opt('timeout', count), forceStop: opt('forceStop', boolean) },
    suspend: {},
    resume: {},
    delete: { ...commonOptions.delete, force: opt('force', boolean) },
    configSet: commonOptions.configSet,
    clone: { ...commonOptions.clone, name: opt('hostname', text), bwlimit: opt('bwlimit', amount) },
    snapshotCreate: { description: opt('description', readers.string) },
    migrate: {
      online: opt('online', boolean), targetStorage: opt('target-storage', text), bwlimit: opt('bwlimit', amount),
      restart: opt('restart', boolean), timeout: opt('timeout', count),
    },
    moveVolume: { ...commonOptions.moveVolume, bwlimit: opt('bwlimit', amount), targetDisk: opt('target-volume', readers.schema(ctVolumeSchema)) },
    template: {},
    vncproxy: { websocket: opt('websocket', boolean), width: opt('width', pixels(4096)), height: opt('height', pixels(2160)) },
  } satisfies Record<string, OptionTable>,
  // Keys the 8.4 schema has and 7.4's lacks; keys 9.1 has and 8.4 lacks.
  createGates: [
    [/^dev\d+$/, '8.0'],
    [/^(entrypoint|env|ha-managed)$/, '9.0'],
  ],
  configGates: [
    [/^dev\d+$/, '8.0'],
    [/^(entrypoint|env)$/, '9.0'],
  ],
  createRequires: ['ostemplate'],
};

/**
 * An LXC container: a stateless handle (`api`, `node`, `vmid`) with everything a guest can do
 * ({@link Guest}). Every read asks Proxmox afresh; actions that start a worker return a {@link Task}.
 *
 * @example
 * ```ts
 * const ct = new Container(api, 'pve1', 200);
 * await (await ct.snapshotCreate('pre-upgrade')).wait();
 * await ct.configSet({ memory: 1024, swap: 512 });
 * ```
 */
export class Container extends Guest<ContainerOptionTypes> {
  /** What differs from VMs. @internal */
  static readonly kind: GuestKind = LXC;

  /**
   * Makes a handle on one container. Sends no request.
   *
   * @param api - The session.
   * @param node - The node the container is on.
   * @param vmid - The container's id (100–999999999).
   * @throws TypeError for a malformed node name or vmid.
   * @example
   * ```ts
   * const ct = new Container(api, 'pve1', 200);
   * ```
   */
  constructor(api: ProxmoxAPI, node: string, vmid: number) {
    super(api, node, vmid, LXC);
  }
}
