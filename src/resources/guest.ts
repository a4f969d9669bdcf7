/**
 * `Guest`: everything VMs and containers share, written once. `VM` and `Container` only say what
 * differs (their path segment, option tables, disk names, and the VM's extra actions).
 *
 * @module
 */
import type { ProxmoxAPI } from '../core/api.js';
import { path } from '../core/path.js';
import { requestOptions } from '../core/request-options.js';
import type { ParamValue, RequestOptions } from '../core/types.js';
import { Task } from '../tasks/task.js';
import { mapOptions, readRecord, requireGates, type Gate, type OptionTable } from './action-options.js';
import { Firewall } from './firewall.js';
import type {
  ConfigGates,
  ConfigGetOptions,
  GuestAction,
  GuestConfigInput,
  GuestKind,
  GuestOptionTypes,
  RebootOptions,
  SnapshotDeleteOptions,
  SnapshotRollbackOptions,
  SpiceProxyOptions,
} from './guest-options.js';
import {
  GuestConfigSchema,
  GuestStatusSchema,
  GuestSummarySchema,
  SnapshotSchema,
  SpiceProxySchema,
  UpidOrNullSchema,
  UpidSchema,
  VncProxySchema,
  type GuestConfig,
  type GuestStatus,
  type GuestSummary,
  type Snapshot,
  type SpiceProxy,
  type VncProxy,
} from './schemas/guest.js';
import { check, diskSizeSchema, nodeSchema, snapshotNameSchema, storageIdSchema, vmidSchema } from './validate.js';
import { objectOf } from './schemas/list.js';

/** `GuestStatusSchema`, with `objectOf`'s fast path: a status is the answer scripts poll most. */
const StatusParser = objectOf(GuestStatusSchema);
const STATUS_OPTIONS = Object.freeze({ schema: StatusParser });

/** The `kind` of `VM` or `Container` a static method was called on. */
function kindOf(ctor: unknown, method: string): GuestKind {
  const kind = (ctor as { kind?: GuestKind } | undefined)?.kind;
  if (!kind) throw new TypeError(`call VM.${method}() or Container.${method}(), not Guest.${method}()`);
  return kind;
}

/** Adds the gates of the config keys a release may lack. */
function configGates(what: string, config: Record<string, unknown>, table: ConfigGates, gates: Gate[]): void {
  for (const key of Object.keys(config)) {
    const gate = table.find(([pattern]) => pattern.test(key));
    if (gate) gates.push({ feature: `${what} key "${key}"`, since: gate[1] });
  }
}

/**
 * The base of `VM` and `Container`: a stateless handle on one guest (`api`, `node`, `vmid`).
 * Every read is a fresh, zod-parsed snapshot; every action that makes Proxmox start a worker
 * returns a {@link Task}.
 *
 * @typeParam O - The option types of the actions that differ between VMs and containers.
 * @example
 * ```ts
 * const vm = new VM(api, 'pve1', 100);
 * await (await vm.snapshotCreate('nightly')).wait();
 * const { status } = await vm.status();
 * ```
 */
export abstract class Guest<O extends GuestOptionTypes = GuestOptionTypes> {
  /** The session. */
  readonly api: ProxmoxAPI;
  /** The node the guest is on. */
  readonly node: string;
  /** The guest's id. */
  readonly vmid: number;
  readonly #kind: GuestKind;

  /**
   * @param api - The session.
   * @param node - The node the guest is on.
   * @param vmid - The guest's id.
   * @param kind - What differs between VMs and containers.
   * @throws TypeError for a malformed node name or vmid.
   * @internal
   */
  protected constructor(api: ProxmoxAPI, node: string, vmid: number, kind: GuestKind) {
    this.api = api;
    this.node = check('node', nodeSchema, node);
    this.vmid = check('vmid', vmidSchema, vmid);
    this.#kind = kind;
  }

  /**
   * `qemu` for a VM, `lxc` for a container: the path segment of its endpoints.
   *
   * @example
   * ```ts
   * const kind = guest.type === 'qemu' ? 'VM' : 'container';
   * ```
   */
  get type(): 'qemu' | 'lxc' {
    return this.#kind.type;
  }

  /**
   * The guests of one node (`GET /nodes/{node}/qemu` or `/lxc`), each a fresh summary.
   *
   * @param api - The session.
   * @param node - The node.
   * @param options - Signal, timeout and retries.
   * @returns The guests, with status and usage figures.
   * @throws TypeError for a malformed node name, before any request; the errors of a request.
   * @example
   * ```ts
   * const running = (await VM.list(api, 'pve1')).filter((vm) => vm.status === 'running');
   * const cts = await Container.list(api, 'pve1');
   * ```
   */
  static async list(api: ProxmoxAPI, node: string, options?: RequestOptions): Promise<GuestSummary[]> {
    const kind = kindOf(this, 'list');
    const n = check('node', nodeSchema, node);
    return api.get(path`/nodes/${n}/${kind.type}`, undefined, { ...requestOptions(options), schema: GuestSummarySchema.array() });
  }

  /**
   * Creates a guest (`POST /nodes/{node}/qemu` or `/lxc`). The config keeps Proxmox's keys; a
   * container needs `ostemplate`. Create-only keys (`start`, `pool`, `storage`, `unique`, …) go in
   * the same object.
   *
   * @param api - The session.
   * @param node - The node to create it on.
   * @param vmid - The new guest's id (see `cluster.nextId()`).
   * @param config - Its config, with Proxmox's keys.
   * @param options - Signal, timeout and retries.
   * @returns The create task.
   * @throws TypeError for a bad node, vmid or config (or a container without `ostemplate`), before any request.
   * @throws UnsupportedError for a key the release lacks (e.g. `virtiofs0` on 7.4, `ha-managed` before 9).
   * @example
   * ```ts
   * const task = await VM.create(api, 'pve1', 110, { name: 'web02', memory: 2048, scsi0: 'local-lvm:32', net0: 'virtio,bridge=vmbr0' });
   * await task.wait();
   * await (await Container.create(api, 'pve1', 210, { ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', hostname: 'ct210' })).wait();
   * ```
   */
  static async create(api: ProxmoxAPI, node: string, vmid: number, config: GuestConfigInput, options?: RequestOptions): Promise<Task> {
    const kind = kindOf(this, 'create');
    const n = check('node', nodeSchema, node);
    const id = check('vmid', vmidSchema, vmid);
    const values = readConfig(config);
    if (values.vmid !== undefined) throw new TypeError('config: give the vmid as the argument, not in the config');
    for (const key of kind.createRequires) {
      if (values[key] === undefined) throw new TypeError(`config.${key} is required to create a ${kind.type === 'lxc' ? 'container' : 'VM'}`);
    }
    const gates: Gate[] = [];
    configGates('create', values, kind.createGates, gates);
    await requireGates(api, gates, requestOptions(options));
    const upid = await api.post(path`/nodes/${n}/${kind.type}`, { vmid: id, ...values }, { ...requestOptions(options), schema: UpidSchema });
    return new Task(api, upid);
  }

  /**
   * The guest's API path (`/nodes/pve1/qemu/100`), for raw calls through `api`.
   *
   * @example
   * ```ts
   * const pending = await vm.api.get(`${vm.basePath}/pending`);
   * ```
   */
  get basePath(): string {
    return path`/nodes/${this.node}/${this.#kind.type}/${this.vmid}`;
  }

  /** The guest's API path plus `sub`. */
  #path(sub = ''): string {
    return this.basePath + sub;
  }

  /** Maps the options of `action` with this kind's table. */
  #options(action: GuestAction, opts: unknown, gates: Gate[]): Record<string, ParamValue> {
    return mapOptions(action, this.#kind.options[action], opts, gates);
  }

  /**
   * POSTs to a worker-starting endpoint and returns its task.
   *
   * @internal
   */
  protected async startWorker(
    sub: string,
    params: Record<string, ParamValue>,
    gates: readonly Gate[],
    options: RequestOptions | undefined,
  ): Promise<Task> {
    await requireGates(this.api, gates, requestOptions(options));
    const upid = await this.api.post(this.#path(sub), params, { ...requestOptions(options), schema: UpidSchema });
    return new Task(this.api, upid);
  }

  /**
   * A power action: `POST …/status/{action}`.
   *
   * @internal
   */
  protected async powerAction(action: 'start' | 'stop' | 'shutdown' | 'reboot' | 'suspend' | 'resume' | 'reset', table: OptionTable, opts: unknown, options: RequestOptions | undefined): Promise<Task> {
    const gates: Gate[] = [];
    const params = mapOptions(action, table, opts, gates);
    return this.startWorker(path`/status/${action}`, params, gates, options);
  }

  /**
   * Reads the guest's current status (`GET …/status/current`).
   *
   * @param options - Signal, timeout and retries.
   * @returns `status` (`running`/`stopped`), `qmpstatus` (VMs), `lock`, usage figures, `ha`, and the rest Proxmox sends.
   * @throws NotFoundError when the guest is not on this node; the errors of a request.
   * @example
   * ```ts
   * const { status, uptime } = await vm.status();
   * ```
   */
  status(options?: RequestOptions): Promise<GuestStatus> {
    // Not `async`: the session's promise is returned as it is (the call most often polled).
    return this.api.get(this.#path('/status/current'), undefined, options === undefined ? STATUS_OPTIONS : { ...requestOptions(options), schema: StatusParser });
  }

  /**
   * Starts the guest (`POST …/status/start`).
   *
   * @param opts - Start options (`skiplock`; a VM's `timeout`, a container's `debug`).
   * @param options - Signal, timeout and retries.
   * @returns The start task.
   * @throws TypeError for an unknown option or a bad value, before any request; `LockTimeoutError` when
   *   another task holds the guest; the errors of a request.
   * @example
   * ```ts
   * await (await vm.start()).wait();
   * ```
   */
  async start(opts?: O['start'], options?: RequestOptions): Promise<Task> {
    return this.powerAction('start', this.#kind.options.start, opts, options);
  }

  /**
   * Stops the guest at once, like pulling the plug (`POST …/status/stop`).
   *
   * @param opts - Stop options (`skiplock`, `overruleShutdown` (8+); a VM's `timeout`, `keepActive`).
   * @param options - Signal, timeout and retries.
   * @returns The stop task.
   * @throws TypeError for an unknown option or a bad value, before any request.
   * @throws UnsupportedError for `overruleShutdown` on PVE 7.
   * @example
   * ```ts
   * await (await vm.stop()).wait();
   * ```
   */
  async stop(opts?: O['stop'], options?: RequestOptions): Promise<Task> {
    return this.powerAction('stop', this.#kind.options.stop, opts, options);
  }

  /**
   * Shuts the guest down cleanly (`POST …/status/shutdown`: ACPI for VMs, the init system for containers).
   *
   * @param opts - `timeout` (seconds), `forceStop`; a VM's `keepActive`, `skiplock`.
   * @param options - Signal, timeout and retries.
   * @returns The shutdown task.
   * @throws TypeError for an unknown option or a bad value, before any request.
   * @example
   * ```ts
   * await (await vm.shutdown({ timeout: 60, forceStop: true })).wait();
   * ```
   */
  async shutdown(opts?: O['shutdown'], options?: RequestOptions): Promise<Task> {
    return this.powerAction('shutdown', this.#kind.options.shutdown, opts, options);
  }

  /**
   * Reboots the guest (`POST …/status/reboot`): a clean shutdown, then a start.
   *
   * @param opts - `timeout` of the shutdown part, in seconds.
   * @param options - Signal, timeout and retries.
   * @returns The reboot task.
   * @throws TypeError for an unknown option or a bad value, before any request.
   * @example
   * ```ts
   * await (await vm.reboot()).wait();
   * ```
   */
  async reboot(opts?: RebootOptions, options?: RequestOptions): Promise<Task> {
    return this.powerAction('reboot', this.#kind.options.reboot, opts, options);
  }

  /**
   * Suspends the guest (`POST …/status/suspend`): pauses a VM (or saves it to disk with
   * `todisk`); freezes a container (experimental in Proxmox).
   *
   * @param opts - A VM's `todisk`, `statestorage`, `skiplock`; none for containers.
   * @param options - Signal, timeout and retries.
   * @returns The suspend task.
   * @throws TypeError for an unknown option or a bad value, before any request.
   * @example
   * ```ts
   * await (await vm.suspend()).wait();
   * ```
   */
  async suspend(opts?: O['suspend'], options?: RequestOptions): Promise<Task> {
    return this.powerAction('suspend', this.#kind.options.suspend, opts, options);
  }

  /**
   * Resumes a suspended guest (`POST …/status/resume`).
   *
   * @param opts - A VM's `skiplock`, `nocheck`; none for containers.
   * @param options - Signal, timeout and retries.
   * @returns The resume task.
   * @throws TypeError for an unknown option or a bad value, before any request.
   * @example
   * ```ts
   * await (await vm.resume()).wait();
   * ```
   */
  async resume(opts?: O['resume'], options?: RequestOptions): Promise<Task> {
    return this.powerAction('resume', this.#kind.options.resume, opts, options);
  }

  /**
   * Destroys the guest and its disks (`DELETE /nodes/{node}/{type}/{vmid}`). It must be stopped.
   *
   * @param opts - `purge`, `destroyUnreferencedDisks`; a VM's `skiplock`, a container's `force` (destroy even if running).
   * @param options - Signal, timeout and retries.
   * @returns The destroy task.
   * @throws TypeError for an unknown option or a bad value, before any request; the errors of a request.
   * @example
   * ```ts
   * await (await vm.delete({ purge: true })).wait();
   * ```
   */
  async delete(opts?: O['delete'], options?: RequestOptions): Promise<Task> {
    const params = this.#options('delete', opts, []);
    const upid = await this.api.delete(this.#path(), params, { ...requestOptions(options), schema: UpidSchema });
    return new Task(this.api, upid);
  }

  /**
   * Reads the guest's config (`GET …/config`), with Proxmox's keys.
   *
   * @param opts - `current` (values in effect rather than pending) or `snapshot` (a snapshot's config).
   * @param options - Signal, timeout and retries.
   * @returns The config, and its `digest` (pass it to `configSet` to refuse a concurrent change).
   * @throws TypeError for an unknown option or a bad snapshot name, before any request; the errors of a request.
   * @example
   * ```ts
   * const { memory, cores, digest } = await vm.configGet();
   * ```
   */
  async configGet(opts?: ConfigGetOptions, options?: RequestOptions): Promise<GuestConfig> {
    const params = this.#options('configGet', opts, []);
    return this.api.get(this.#path('/config'), params, { ...requestOptions(options), schema: GuestConfigSchema });
  }

  /**
   * Changes the guest's config (`PUT …/config`) and resolves once Proxmox has applied it. It is
   * synchronous for both kinds: a VM change that can take long (allocating a big disk) needs a
   * larger `timeoutMs`. Changes a running VM cannot take at once become pending until a restart.
   *
   * @param config - Keys to set, with Proxmox's names (`{ memory: 4096, net1: 'virtio,bridge=vmbr1' }`); may be `{}` with `delete`/`revert`.
   * @param opts - `delete` (keys to remove), `digest`, `revert`; a VM's `skiplock`, `force`.
   * @param options - Signal, timeout and retries.
   * @returns When the config is saved.
   * @throws TypeError for a bad config or option, a key both set and deleted, or nothing to change, before any request.
   * @throws UnsupportedError for a key the release lacks.
   * @example
   * ```ts
   * const { digest } = await vm.configGet();
   * await vm.configSet({ memory: 4096, cores: 4 }, { digest });
   * await vm.configSet({}, { delete: ['ide2'] });
   * ```
   */
  async configSet(config: GuestConfigInput, opts?: O['configSet'], options?: RequestOptions): Promise<void> {
    const values = readConfig(config);
    const gates: Gate[] = [];
    const control = this.#options('configSet', opts, gates);
    for (const key of Object.keys(values)) {
      if (key in this.#kind.options.configSet) throw new TypeError(`config: pass "${key}" in the options (second argument), not in the config`);
    }
    const both = String(control.delete ?? '').split(',').find((k) => k !== '' && k in values);
    if (both !== undefined) throw new TypeError(`configSet: "${both}" is both set and deleted`);
    if (Object.keys(values).length === 0 && control.delete === undefined && control.revert === undefined) {
      throw new TypeError('configSet: nothing to change (give config keys, delete or revert)');
    }
    configGates('configSet', values, this.#kind.configGates, gates);
    await requireGates(this.api, gates, requestOptions(options));
    await this.api.put(this.#path('/config'), { ...values, ...control }, requestOptions(options));
  }

  /**
   * Clones the guest (`POST …/clone`). A template gives a linked clone unless `full: true`;
   * any other guest is always copied in full. `storage` (and a VM's `format`) apply to full copies
   * only, so they need `full: true` (Proxmox refuses them on a linked clone).
   *
   * @param newid - The new guest's id.
   * @param opts - `full`, `name`, `target`, `storage`, `pool`, `snapname`, `description`, `bwlimit`; a VM's `format`.
   * @param options - Signal, timeout and retries.
   * @returns The clone task.
   * @throws TypeError for a bad id or option, or `storage`/`format` without `full: true`, before any request.
   * @example
   * ```ts
   * const template = new VM(api, 'pve1', 9000);
   * await (await template.clone(120, { name: 'web20' })).wait();                                  // linked
   * await (await template.clone(121, { name: 'web21', full: true, storage: 'local-lvm' })).wait(); // full copy
   * ```
   */
  async clone(newid: number, opts?: O['clone'], options?: RequestOptions): Promise<Task> {
    const id = check('newid', vmidSchema, newid);
    const params = this.#options('clone', opts, []);
    if ((params.storage !== undefined || params.format !== undefined) && params.full !== true) {
      throw new TypeError('clone: storage and format apply to full clones only: pass full: true (Proxmox rejects them on a linked clone)');
    }
    return this.startWorker('/clone', { newid: id, ...params }, [], options);
  }

  /**
   * Takes a snapshot (`POST …/snapshot`).
   *
   * @param name - The snapshot's name (a letter, then letters, digits, `_` or `-`; at most 40; not `current`).
   * @param opts - `description`; a VM's `vmstate` (save the RAM too).
   * @param options - Signal, timeout and retries.
   * @returns The snapshot task.
   * @throws TypeError for a bad name or option, before any request; the errors of a request.
   * @example
   * ```ts
   * await (await vm.snapshotCreate(`nightly-${new Date().toISOString().slice(0, 10)}`)).wait();
   * ```
   */
  async snapshotCreate(name: string, opts?: O['snapshotCreate'], options?: RequestOptions): Promise<Task> {
    const snapname = check('name', snapshotNameSchema, name);
    if (snapname === 'current') throw new TypeError('name must not be "current": Proxmox reserves it for the live state');
    const params = this.#options('snapshotCreate', opts, []);
    return this.startWorker('/snapshot', { snapname, ...params }, [], options);
  }

  /**
   * Lists the guest's snapshots (`GET …/snapshot`), without Proxmox's `current` entry (the live
   * state; its `parent` is `configGet().parent`).
   *
   * @param options - Signal, timeout and retries.
   * @returns The snapshots, as Proxmox lists them.
   * @throws The errors of a request.
   * @example
   * ```ts
   * const names = (await vm.snapshotList()).map((s) => s.name);
   * ```
   */
  async snapshotList(options?: RequestOptions): Promise<Snapshot[]> {
    const all = await this.api.get(this.#path('/snapshot'), undefined, { ...requestOptions(options), schema: SnapshotSchema.array() });
    return all.filter((s) => s.name !== 'current');
  }

  /**
   * Rolls the guest back to a snapshot (`POST …/snapshot/{name}/rollback`).
   *
   * @param name - The snapshot.
   * @param opts - `start` (start the guest afterwards).
   * @param options - Signal, timeout and retries.
   * @returns The rollback task.
   * @throws TypeError for a bad name or option, before any request; the errors of a request.
   * @example
   * ```ts
   * await (await vm.snapshotRollback('pre-upgrade')).wait();
   * ```
   */
  async snapshotRollback(name: string, opts?: SnapshotRollbackOptions, options?: RequestOptions): Promise<Task> {
    const snapname = check('name', snapshotNameSchema, name);
    const params = this.#options('snapshotRollback', opts, []);
    return this.startWorker(path`/snapshot/${snapname}/rollback`, params, [], options);
  }

  /**
   * Deletes a snapshot (`DELETE …/snapshot/{name}`).
   *
   * @param name - The snapshot.
   * @param opts - `force` (drop it from the config even if removing disk snapshots fails).
   * @param options - Signal, timeout and retries.
   * @returns The delete task.
   * @throws TypeError for a bad name or option, before any request; the errors of a request.
   * @example
   * ```ts
   * await (await vm.snapshotDelete('nightly-2024-01-01')).wait();
   * ```
   */
  async snapshotDelete(name: string, opts?: SnapshotDeleteOptions, options?: RequestOptions): Promise<Task> {
    const snapname = check('name', snapshotNameSchema, name);
    const params = this.#options('snapshotDelete', opts, []);
    const upid = await this.api.delete(this.#path(path`/snapshot/${snapname}`), params, { ...requestOptions(options), schema: UpidSchema });
    return new Task(this.api, upid);
  }

  /**
   * Migrates the guest to another node (`POST …/migrate`).
   *
   * @param target - The node to move it to.
   * @param opts - `online`, `targetStorage`, `bwlimit`; a VM's `withLocalDisks`, `force`, `migrationNetwork`,
   *   `migrationType`, `withConntrackState` (9+); a container's `restart`, `timeout`.
   * @param options - Signal, timeout and retries.
   * @returns The migration task (its log shows the progress).
   * @throws TypeError for a bad node or option, before any request.
   * @throws UnsupportedError for an option the release lacks.
   * @example
   * ```ts
   * const task = await vm.migrate('pve2', { online: true });
   * await task.wait({ onLog: (lines) => lines.forEach((l) => console.log(l.t)) });
   * ```
   */
  async migrate(target: string, opts?: O['migrate'], options?: RequestOptions): Promise<Task> {
    const node = check('target', nodeSchema, target);
    const gates: Gate[] = [];
    const params = this.#options('migrate', opts, gates);
    return this.startWorker('/migrate', { target: node, ...params }, gates, options);
  }

  /**
   * Grows a disk (`PUT …/resize`). PVE 8+ answers with a task; 7.4 resizes at once and answers
   * nothing, which this returns as an already completed `Task`.
   *
   * @param disk - A VM disk (`scsi0`, `virtio1`, …) or a container volume (`rootfs`, `mp0`, …).
   * @param size - The new size (`32G`) or the growth (`+8G`).
   * @param options - Signal, timeout and retries.
   * @returns The resize task (complete already on 7.4).
   * @throws TypeError for a bad disk name or size, before any request; the errors of a request.
   * @example
   * ```ts
   * await (await vm.resize('scsi0', '+10G')).wait();
   * ```
   */
  async resize(disk: string, size: string, options?: RequestOptions): Promise<Task> {
    const d = check('disk', this.#kind.disk, disk);
    const s = check('size', diskSizeSchema, size);
    const upid = await this.api.put(this.#path('/resize'), { disk: d, size: s }, { ...requestOptions(options), schema: UpidOrNullSchema });
    return upid === null ? Task.completed(this.api, { node: this.node, type: 'resize', id: this.vmid }) : new Task(this.api, upid);
  }

  /**
   * Moves a disk or volume to another storage (a VM's `POST …/move_disk` with `disk`, a
   * container's `POST …/move_volume` with `volume`).
   *
   * @param disk - A VM disk (`scsi0`, …) or a container volume (`rootfs`, `mp0`, …).
   * @param storage - The target storage.
   * @param opts - `delete`, `digest`, `bwlimit`, `targetVmid`, `targetDisk`, `targetDigest`; a VM's `format`.
   * @param options - Signal, timeout and retries.
   * @returns The move task.
   * @throws TypeError for a bad disk, storage or option, before any request; the errors of a request.
   * @example
   * ```ts
   * await (await vm.moveVolume('scsi0', 'nfs-shared', { delete: true })).wait();
   * await (await container.moveVolume('rootfs', 'local-lvm')).wait();
   * ```
   */
  async moveVolume(disk: string, storage: string, opts?: O['moveVolume'], options?: RequestOptions): Promise<Task> {
    const d = check('disk', this.#kind.disk, disk);
    const s = check('storage', storageIdSchema, storage);
    const params = this.#options('moveVolume', opts, []);
    return this.startWorker(`/${this.#kind.move.path}`, { [this.#kind.move.param]: d, storage: s, ...params }, [], options);
  }

  /**
   * Turns the guest into a template (`POST …/template`). It must be stopped. A VM's call starts a
   * task; a container's completes at once, returned as an already completed `Task`.
   *
   * @param opts - A VM's `disk` (convert only this disk); none for containers.
   * @param options - Signal, timeout and retries.
   * @returns The template task.
   * @throws TypeError for an unknown option or a bad disk name, before any request; the errors of a request.
   * @example
   * ```ts
   * await (await vm.template()).wait();
   * ```
   */
  async template(opts?: O['template'], options?: RequestOptions): Promise<Task> {
    const params = this.#options('template', opts, []);
    const upid = await this.api.post(this.#path('/template'), params, { ...requestOptions(options), schema: UpidOrNullSchema });
    return upid === null ? Task.completed(this.api, { node: this.node, type: `${this.#kind.prefix}template`, id: this.vmid }) : new Task(this.api, upid);
  }

  /**
   * Opens a VNC console proxy (`POST …/vncproxy`): a ticket and port for the `vncwebsocket`
   * endpoint, valid for a short time.
   *
   * @param opts - `websocket`; a VM's `generatePassword`; a container's `width`, `height`.
   * @param options - Signal, timeout and retries.
   * @returns `port`, `ticket`, `cert`, `user`, `upid` (the proxy worker) and, when asked, `password`.
   * @throws TypeError for an unknown option or a bad value, before any request; the errors of a request.
   * @example
   * ```ts
   * const { port, ticket } = await vm.vncproxy({ websocket: true });
   * ```
   */
  async vncproxy(opts?: O['vncproxy'], options?: RequestOptions): Promise<VncProxy> {
    const params = this.#options('vncproxy', opts, []);
    return this.api.post(this.#path('/vncproxy'), params, { ...requestOptions(options), schema: VncProxySchema });
  }

  /**
   * Opens a SPICE console proxy (`POST …/spiceproxy`): the fields of a `.vv` file for remote-viewer.
   *
   * @param opts - `proxy` (the SPICE proxy the client should use).
   * @param options - Signal, timeout and retries.
   * @returns `host`, `password`, `proxy`, `tls-port`, `type`, and the rest Proxmox sends.
   * @throws TypeError for an unknown option, before any request; the errors of a request (a VM without SPICE display fails).
   * @example
   * ```ts
   * const vv = await vm.spiceproxy();
   * ```
   */
  async spiceproxy(opts?: SpiceProxyOptions, options?: RequestOptions): Promise<SpiceProxy> {
    const params = this.#options('spiceproxy', opts, []);
    return this.api.post(this.#path('/spiceproxy'), params, { ...requestOptions(options), schema: SpiceProxySchema });
  }

  /**
   * The guest's firewall (rules and options), scoped to `…/{vmid}/firewall`.
   *
   * @example
   * ```ts
   * await vm.firewall.ruleCreate({ type: 'in', action: 'ACCEPT', macro: 'SSH', enable: true });
   * ```
   */
  get firewall(): Firewall {
    return this.#kind.type === 'qemu' ? Firewall.vm(this.api, this.node, this.vmid) : Firewall.container(this.api, this.node, this.vmid);
  }

  /**
   * A plain view for logs and `JSON.stringify` (without the session).
   *
   * @returns `type`, `node` and `vmid`.
   * @example
   * ```ts
   * JSON.stringify(new VM(api, 'pve1', 100)); // {"type":"qemu","node":"pve1","vmid":100}
   * ```
   */
  toJSON(): { type: 'qemu' | 'lxc'; node: string; vmid: number } {
    return { type: this.#kind.type, node: this.node, vmid: this.vmid };
  }
}

/**
 * A guest config as request parameters. Proxmox declares cloud-init's `sshkeys` as `urlencoded`: the
 * keys travel percent-encoded (spaces as %20, newlines as %0A) inside the form field, which the
 * session then form-encodes once more.
 */
function readConfig(config: unknown): Record<string, string | number | boolean> {
  const values = readRecord('config', config);
  if (typeof values['sshkeys'] === 'string') values['sshkeys'] = encodeURIComponent(values['sshkeys']);
  return values;
}
