/**
 * `Node`: one cluster node — status, tasks, services, storages, and its guests.
 *
 * @module
 */
import { z } from 'zod';
import type { ProxmoxAPI } from '../core/api.js';
import { path } from '../core/path.js';
import { requestOptions } from '../core/request-options.js';
import type { Params, RequestOptions } from '../core/types.js';
import { Task } from '../tasks/task.js';
import { Container } from './container.js';
import { Firewall } from './firewall.js';
import { requireAvailable } from './release-gate.js';
import {
  NodeStatusSchema,
  NodeStorageEntrySchema,
  NodeTaskEntrySchema,
  ServiceStateSchema,
  type NodeStatus,
  type NodeStorageEntry,
  type NodeTaskEntry,
  type ServiceState,
} from './schemas/node.js';
import { check, nodeSchema, serviceNameSchema, storageIdSchema, vmidSchema, type SERVICE_NAMES } from './validate.js';
import { VM } from './vm.js';

/**
 * A system service that `node.service*()` manage (the schema's enum). `lxcfs`, `proxmox-firewall`,
 * `pve-lxc-syscalld` and `qmeventd` need PVE 9.
 *
 * @example
 * ```ts
 * const name: ServiceName = 'pveproxy';
 * ```
 */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Services absent from the 7.4 and 8.4 schemas, present in 9.1. */
const SERVICES_SINCE_9: ReadonlySet<string> = new Set(['lxcfs', 'proxmox-firewall', 'pve-lxc-syscalld', 'qmeventd']);

/**
 * Which tasks `node.tasks()` lists: camelCase names of `GET /nodes/{node}/tasks`'s parameters.
 *
 * @example
 * ```ts
 * const filter: NodeTaskFilter = { typeFilter: 'vzdump', since: new Date(Date.now() - 86_400_000), errors: true };
 * ```
 */
export interface NodeTaskFilter {
  /** Only tasks of this type (`qmstart`, `vzdump`, …) — `typefilter`. */
  typeFilter?: string;
  /** Only tasks of this guest. */
  vmid?: number;
  /** Only tasks of this user (`root@pam`) — `userfilter`. */
  userFilter?: string;
  /** Only tasks that ended with these states — `statusfilter`. */
  statusFilter?: ReadonlyArray<'ok' | 'error' | 'warning' | 'unknown'>;
  /** Only failed tasks. */
  errors?: boolean;
  /** `archive` (ended, the default), `active` or `all`. */
  source?: 'archive' | 'active' | 'all';
  /** Only tasks started since then (a `Date` or UNIX seconds). */
  since?: Date | number;
  /** Only tasks started until then (a `Date` or UNIX seconds). */
  until?: Date | number;
  /** At most this many (Proxmox's default is 50). */
  limit?: number;
  /** Skip this many. */
  start?: number;
}

/**
 * Which storages `node.storage()` lists (`GET /nodes/{node}/storage`'s parameters).
 *
 * @example
 * ```ts
 * const filter: NodeStorageFilter = { content: ['images', 'rootdir'], enabled: true };
 * ```
 */
export interface NodeStorageFilter {
  /** Only storages that hold all of these content types (`images`, `iso`, `backup`, …). */
  content?: string | ReadonlyArray<string>;
  /** Only enabled storages. */
  enabled?: boolean;
  /** Add the formats each storage supports. */
  format?: boolean;
  /** Only this storage. */
  storage?: string;
  /** Only storages shared with this node (when it is another node). */
  target?: string;
}

const SOURCES = ['archive', 'active', 'all'];
const STATUSES = ['ok', 'error', 'warning', 'unknown'];

function count(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new TypeError(`${name} must be a non-negative integer, got ${String(value)}`);
  return value;
}

function epoch(name: string, value: Date | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
  if (!Number.isInteger(seconds)) throw new TypeError(`${name} must be a Date or UNIX seconds, got ${String(value)}`);
  return seconds;
}

function taskParams(filter: NodeTaskFilter): Params {
  if (typeof filter !== 'object' || filter === null) throw new TypeError('filter must be an object');
  const { source, statusFilter } = filter;
  if (source !== undefined && !SOURCES.includes(source)) throw new TypeError(`filter.source must be one of ${SOURCES.join(', ')}, got ${JSON.stringify(source)}`);
  if (statusFilter !== undefined && (!Array.isArray(statusFilter) || !statusFilter.every((s) => STATUSES.includes(s)))) {
    throw new TypeError(`filter.statusFilter must be an array of ${STATUSES.join(', ')}`);
  }
  return {
    typefilter: filter.typeFilter,
    vmid: filter.vmid === undefined ? undefined : check('filter.vmid', vmidSchema, filter.vmid),
    userfilter: filter.userFilter,
    statusfilter: statusFilter?.join(','),
    errors: filter.errors,
    source,
    since: epoch('filter.since', filter.since),
    until: epoch('filter.until', filter.until),
    limit: count('filter.limit', filter.limit),
    start: count('filter.start', filter.start),
  };
}

/**
 * A handle on one node of the cluster. Stateless: every method asks the server afresh.
 *
 * @example
 * ```ts
 * const node = new Node(api, 'pve1');
 * const { uptime } = await node.status();
 * await (await node.serviceRestart('pveproxy')).wait();
 * ```
 */
export class Node {
  /** The session. */
  readonly api: ProxmoxAPI;
  /** The node's name. */
  readonly node: string;

  /**
   * Makes a handle. Sends no request.
   *
   * @param api - The session.
   * @param node - The node's name.
   * @throws TypeError when `node` is not a valid node name.
   * @example
   * ```ts
   * const node = new Node(api, 'pve1');
   * ```
   */
  constructor(api: ProxmoxAPI, node: string) {
    this.api = api;
    this.node = check('node', nodeSchema, node);
  }

  /**
   * The node's status (`GET /nodes/{node}/status`): uptime, CPU, load, memory, root file system,
   * kernel and versions.
   *
   * @param options - Signal, timeout and retries.
   * @returns The status.
   * @throws ProxmoxApiError subclasses (NodeUnreachableError when the node is down), ConnectionError,
   *   TimeoutError, AbortError, InvalidResponseError.
   * @example
   * ```ts
   * const { memory } = await node.status();
   * console.log(`${memory?.used} of ${memory?.total} bytes used`);
   * ```
   */
  status(options?: RequestOptions): Promise<NodeStatus> {
    return this.api.get(path`/nodes/${this.node}/status`, undefined, { ...requestOptions(options), schema: NodeStatusSchema });
  }

  /**
   * The node's tasks (`GET /nodes/{node}/tasks`), newest first.
   *
   * @param filter - Which tasks: `typeFilter`, `vmid`, `userFilter`, `statusFilter`, `errors`, `source`,
   *   `since`, `until`, `limit`, `start`.
   * @param options - Signal, timeout and retries.
   * @returns The tasks.
   * @throws TypeError for a malformed filter, before any request; otherwise as {@link Node.status}.
   * @example
   * ```ts
   * const backups = await node.tasks({ typeFilter: 'vzdump', since: new Date(Date.now() - 86_400_000) });
   * ```
   */
  async tasks(filter: NodeTaskFilter = {}, options?: RequestOptions): Promise<NodeTaskEntry[]> {
    const params = taskParams(filter);
    return this.api.get(path`/nodes/${this.node}/tasks`, params, { ...requestOptions(options), schema: z.array(NodeTaskEntrySchema) });
  }

  /**
   * A handle on one of the node's tasks. Sends no request.
   *
   * @param upid - The task's UPID.
   * @returns The task.
   * @throws TypeError when `upid` is not a UPID, or names another node.
   * @example
   * ```ts
   * const [last] = await node.tasks({ limit: 1 });
   * if (last) console.log(await node.task(last.upid).status());
   * ```
   */
  task(upid: string): Task {
    const task = new Task(this.api, upid);
    if (task.node !== this.node) throw new TypeError(`upid must be a task of node ${this.node}, got one of ${task.node}`);
    return task;
  }

  /**
   * The node's system services and their state (`GET /nodes/{node}/services`).
   *
   * @param options - Signal, timeout and retries.
   * @returns The services.
   * @throws As {@link Node.status}.
   * @example
   * ```ts
   * for (const s of await node.services()) console.log(s.service, s.state);
   * ```
   */
  services(options?: RequestOptions): Promise<ServiceState[]> {
    return this.api.get(path`/nodes/${this.node}/services`, undefined, { ...requestOptions(options), schema: z.array(ServiceStateSchema) });
  }

  /**
   * One service's state (`GET /nodes/{node}/services/{service}/state`).
   *
   * @param name - The service.
   * @param options - Signal, timeout and retries.
   * @returns Its state.
   * @throws TypeError for an unknown service, UnsupportedError for one the release lacks (`qmeventd`,
   *   `lxcfs`, `pve-lxc-syscalld`, `proxmox-firewall` before PVE 9), before any request; otherwise as
   *   {@link Node.status}.
   * @example
   * ```ts
   * const { state } = await node.serviceState('pveproxy');
   * ```
   */
  async serviceState(name: ServiceName, options?: RequestOptions): Promise<ServiceState> {
    const service = await this.#service(name, options);
    return this.api.get(path`/nodes/${this.node}/services/${service}/state`, undefined, { ...requestOptions(options), schema: ServiceStateSchema });
  }

  /**
   * Starts a service (`POST /nodes/{node}/services/{service}/start`).
   *
   * @param name - The service.
   * @param options - Signal, timeout and retries.
   * @returns The task doing it.
   * @throws As {@link Node.serviceState}.
   * @example
   * ```ts
   * await (await node.serviceStart('pve-ha-lrm')).wait();
   * ```
   */
  serviceStart(name: ServiceName, options?: RequestOptions): Promise<Task> {
    return this.#serviceCommand(name, 'start', options);
  }

  /**
   * Stops a service (`POST /nodes/{node}/services/{service}/stop`).
   *
   * @param name - The service.
   * @param options - Signal, timeout and retries.
   * @returns The task doing it.
   * @throws As {@link Node.serviceState}.
   * @example
   * ```ts
   * await (await node.serviceStop('pve-ha-lrm')).wait();
   * ```
   */
  serviceStop(name: ServiceName, options?: RequestOptions): Promise<Task> {
    return this.#serviceCommand(name, 'stop', options);
  }

  /**
   * Restarts a service (`POST /nodes/{node}/services/{service}/restart`).
   *
   * @param name - The service.
   * @param options - Signal, timeout and retries.
   * @returns The task doing it.
   * @throws As {@link Node.serviceState}.
   * @example
   * ```ts
   * await (await node.serviceRestart('pveproxy')).wait();
   * ```
   */
  serviceRestart(name: ServiceName, options?: RequestOptions): Promise<Task> {
    return this.#serviceCommand(name, 'restart', options);
  }

  /**
   * Reloads a service (`POST /nodes/{node}/services/{service}/reload`; Proxmox restarts one that cannot reload).
   *
   * @param name - The service.
   * @param options - Signal, timeout and retries.
   * @returns The task doing it.
   * @throws As {@link Node.serviceState}.
   * @example
   * ```ts
   * await (await node.serviceReload('pveproxy')).wait();
   * ```
   */
  serviceReload(name: ServiceName, options?: RequestOptions): Promise<Task> {
    return this.#serviceCommand(name, 'reload', options);
  }

  /**
   * The storages the node sees, with their usage (`GET /nodes/{node}/storage`).
   *
   * @param filter - `content`, `enabled`, `format`, `storage`, `target`.
   * @param options - Signal, timeout and retries.
   * @returns The storages.
   * @throws TypeError for a malformed filter, before any request; otherwise as {@link Node.status}.
   * @example
   * ```ts
   * const forDisks = await node.storage({ content: 'images', enabled: true });
   * ```
   */
  async storage(filter: NodeStorageFilter = {}, options?: RequestOptions): Promise<NodeStorageEntry[]> {
    if (typeof filter !== 'object' || filter === null) throw new TypeError('filter must be an object');
    const params: Params = {
      content: Array.isArray(filter.content) ? filter.content.join(',') : (filter.content as string | undefined),
      enabled: filter.enabled,
      format: filter.format,
      storage: filter.storage === undefined ? undefined : check('filter.storage', storageIdSchema, filter.storage),
      target: filter.target === undefined ? undefined : check('filter.target', nodeSchema, filter.target),
    };
    return this.api.get(path`/nodes/${this.node}/storage`, params, { ...requestOptions(options), schema: z.array(NodeStorageEntrySchema) });
  }

  /**
   * The node's VMs (`GET /nodes/{node}/qemu`) as {@link VM} handles. For their state, see `VM.list`.
   *
   * @param options - Signal, timeout and retries.
   * @returns One handle per VM, templates included.
   * @throws As {@link Node.status}.
   * @example
   * ```ts
   * for (const vm of await node.vms()) console.log(vm.vmid);
   * ```
   */
  async vms(options?: RequestOptions): Promise<VM[]> {
    return (await VM.list(this.api, this.node, options)).map((g) => new VM(this.api, this.node, g.vmid));
  }

  /**
   * The node's containers (`GET /nodes/{node}/lxc`) as {@link Container} handles. For their state, see
   * `Container.list`.
   *
   * @param options - Signal, timeout and retries.
   * @returns One handle per container, templates included.
   * @throws As {@link Node.status}.
   * @example
   * ```ts
   * for (const ct of await node.containers()) await (await ct.start()).wait();
   * ```
   */
  async containers(options?: RequestOptions): Promise<Container[]> {
    return (await Container.list(this.api, this.node, options)).map((g) => new Container(this.api, this.node, g.vmid));
  }

  /**
   * A handle on one VM of the node. Sends no request.
   *
   * @param vmid - The VM's id.
   * @returns The handle.
   * @throws TypeError when `vmid` is not a valid guest id.
   * @example
   * ```ts
   * await (await node.vm(100).start()).wait();
   * ```
   */
  vm(vmid: number): VM {
    return new VM(this.api, this.node, vmid);
  }

  /**
   * A handle on one container of the node. Sends no request.
   *
   * @param vmid - The container's id.
   * @returns The handle.
   * @throws TypeError when `vmid` is not a valid guest id.
   * @example
   * ```ts
   * const { status } = await node.container(200).status();
   * ```
   */
  container(vmid: number): Container {
    return new Container(this.api, this.node, vmid);
  }

  /**
   * The node's host firewall (`/nodes/{node}/firewall`), the same as `Firewall.node(api, node)`.
   *
   * @returns The firewall handle.
   * @example
   * ```ts
   * const rules = await node.firewall.rules();
   * ```
   */
  get firewall(): Firewall {
    return Firewall.node(this.api, this.node);
  }

  async #service(name: ServiceName, options: RequestOptions | undefined): Promise<ServiceName> {
    const service = check('name', serviceNameSchema, name);
    if (SERVICES_SINCE_9.has(service)) requireAvailable(await this.api.version(options), `service "${service}"`, { since: '9.0' });
    return service;
  }

  async #serviceCommand(name: ServiceName, command: 'start' | 'stop' | 'restart' | 'reload', options?: RequestOptions): Promise<Task> {
    const service = await this.#service(name, options);
    const upid = await this.api.post(path`/nodes/${this.node}/services/${service}/${command}`, undefined, { ...requestOptions(options), schema: z.string() });
    return new Task(this.api, upid);
  }
}
