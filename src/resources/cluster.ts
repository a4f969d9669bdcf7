/**
 * `Cluster`: the cluster as a whole — status, tasks, log, resources, next free id, nodes, and the
 * scheduled backup jobs.
 *
 * @module
 */
import { z } from 'zod';
import type { ProxmoxAPI } from '../core/api.js';
import { requestOptions } from '../core/request-options.js';
import type { RequestOptions } from '../core/types.js';
import { Firewall } from './firewall.js';
import { createJob, deleteJob, getJob, listJobs, updateJob } from './backup-jobs.js';
import { Node } from './node.js';
import type { BackupJob, BackupJobChanges, BackupJobConfig } from './schemas/backup-jobs.js';
import {
  ClusterLogEntrySchema,
  ClusterResourceSchema,
  ClusterStatusEntrySchema,
  ClusterTaskSchema,
  NextIdSchema,
  NodeListEntrySchema,
  type ClusterLogEntry,
  type ClusterResource,
  type ClusterStatusEntry,
  type ClusterTask,
  type NodeListEntry,
} from './schemas/cluster.js';
import { listOf } from './schemas/list.js';

/** `cluster.resources()` answers can hold tens of thousands of entries: parsed by `listOf`'s fast path. */
const ClusterResourceListSchema = listOf(ClusterResourceSchema);

/**
 * The types `cluster.resources({ type })` filters by (the same on PVE 7.4, 8.4 and 9.1).
 *
 * @example
 * ```ts
 * const type: ClusterResourceType = 'vm';
 * ```
 */
export type ClusterResourceType = 'vm' | 'storage' | 'node' | 'sdn';

const RESOURCE_TYPES: readonly ClusterResourceType[] = ['vm', 'storage', 'node', 'sdn'];

/**
 * A handle on the Proxmox VE cluster reached through `api` (a standalone node is a cluster of one).
 * Stateless: every method asks the server afresh.
 *
 * @example
 * ```ts
 * const cluster = new Cluster(api);
 * const vmid = await cluster.nextId();
 * for (const node of await cluster.nodes()) console.log(node.node, (await node.status()).uptime);
 * ```
 */
export class Cluster {
  /** The session. */
  readonly api: ProxmoxAPI;

  /**
   * Makes a handle. Sends no request.
   *
   * @param api - The session.
   * @example
   * ```ts
   * const cluster = new Cluster(ProxmoxAPI.fromEnv());
   * ```
   */
  constructor(api: ProxmoxAPI) {
    this.api = api;
  }

  /**
   * The cluster's status (`GET /cluster/status`): one `cluster` entry (quorum, node count) and one
   * entry per node (online, local, ip). A standalone node answers only its node entry.
   *
   * @param options - Signal, timeout and retries.
   * @returns The entries.
   * @throws ProxmoxApiError subclasses, ConnectionError, TimeoutError, AbortError, InvalidResponseError.
   * @example
   * ```ts
   * const quorate = (await cluster.status()).find((e) => e.type === 'cluster')?.quorate ?? true;
   * ```
   */
  status(options?: RequestOptions): Promise<ClusterStatusEntry[]> {
    return this.api.get('/cluster/status', undefined, { ...requestOptions(options), schema: z.array(ClusterStatusEntrySchema) });
  }

  /**
   * Recent and running tasks of all nodes (`GET /cluster/tasks`).
   *
   * @param options - Signal, timeout and retries.
   * @returns The tasks, each with its `upid` (make a `Task` of it with `new Task(api, upid)`).
   * @throws As {@link Cluster.status}.
   * @example
   * ```ts
   * const running = (await cluster.tasks()).filter((t) => t.status === undefined);
   * ```
   */
  tasks(options?: RequestOptions): Promise<ClusterTask[]> {
    return this.api.get('/cluster/tasks', undefined, { ...requestOptions(options), schema: z.array(ClusterTaskSchema) });
  }

  /**
   * The cluster log, newest first (`GET /cluster/log`).
   *
   * @param opts - `max`: at most this many entries (Proxmox's default is 50).
   * @param options - Signal, timeout and retries.
   * @returns The entries.
   * @throws TypeError when `max` is not a positive integer, before any request; otherwise as {@link Cluster.status}.
   * @example
   * ```ts
   * for (const e of await cluster.log({ max: 20 })) console.log(e.node, e.msg);
   * ```
   */
  async log(opts: { max?: number } = {}, options?: RequestOptions): Promise<ClusterLogEntry[]> {
    const { max } = opts;
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) throw new TypeError(`max must be a positive integer, got ${String(max)}`);
    return this.api.get('/cluster/log', { max }, { ...requestOptions(options), schema: z.array(ClusterLogEntrySchema) });
  }

  /**
   * Everything in the cluster (`GET /cluster/resources`): nodes, guests, storages, pools, SDN
   * zones — or one kind of them.
   *
   * @param opts - `type`: only `vm` (guests), `storage`, `node` or `sdn`.
   * @param options - Signal, timeout and retries.
   * @returns The resources; which fields are set depends on each one's `type`.
   * @throws TypeError for an unknown `type`, before any request; otherwise as {@link Cluster.status}.
   * @example
   * ```ts
   * const guests = await cluster.resources({ type: 'vm' });
   * const onPve1 = guests.filter((g) => g.node === 'pve1' && g.status === 'running');
   * ```
   */
  async resources(opts: { type?: ClusterResourceType } = {}, options?: RequestOptions): Promise<ClusterResource[]> {
    const { type } = opts;
    if (type !== undefined && !RESOURCE_TYPES.includes(type)) {
      throw new TypeError(`type must be one of ${RESOURCE_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
    }
    return this.api.get('/cluster/resources', { type }, { ...requestOptions(options), schema: ClusterResourceListSchema });
  }

  /**
   * The next free guest id (`GET /cluster/nextid`), as a number (Proxmox sends a string).
   *
   * @param options - Signal, timeout and retries.
   * @returns The id.
   * @throws As {@link Cluster.status}.
   * @example
   * ```ts
   * const vmid = await cluster.nextId();
   * await VM.create(api, 'pve1', vmid, { memory: 2048 });
   * ```
   */
  nextId(options?: RequestOptions): Promise<number> {
    return this.api.get('/cluster/nextid', undefined, { ...requestOptions(options), schema: NextIdSchema });
  }

  /**
   * The cluster's nodes (`GET /nodes`) as {@link Node} handles.
   *
   * @param options - Signal, timeout and retries.
   * @returns One handle per node, online or not.
   * @throws As {@link Cluster.status}.
   * @example
   * ```ts
   * for (const node of await cluster.nodes()) console.log(node.node);
   * ```
   */
  async nodes(options?: RequestOptions): Promise<Node[]> {
    const list = await this.nodeList(options);
    return list.map((n) => new Node(this.api, n.node));
  }

  /**
   * The cluster's nodes with their state (`GET /nodes`): online or not, CPU, memory, uptime.
   *
   * @param options - Signal, timeout and retries.
   * @returns One entry per node.
   * @throws As {@link Cluster.status}.
   * @example
   * ```ts
   * const offline = (await cluster.nodeList()).filter((n) => n.status !== 'online').map((n) => n.node);
   * ```
   */
  nodeList(options?: RequestOptions): Promise<NodeListEntry[]> {
    return this.api.get('/nodes', undefined, { ...requestOptions(options), schema: z.array(NodeListEntrySchema) });
  }

  /**
   * The cluster-wide firewall (`/cluster/firewall`), the same as `Firewall.cluster(api)`.
   *
   * @returns The firewall handle.
   * @example
   * ```ts
   * const rules = await cluster.firewall.rules();
   * ```
   */
  get firewall(): Firewall {
    return Firewall.cluster(this.api);
  }

  /**
   * The scheduled backup jobs (`GET /cluster/backup`).
   *
   * @param options - Signal, timeout and retries.
   * @returns The jobs with their options.
   * @throws As {@link Cluster.status}.
   * @example
   * ```ts
   * for (const job of await cluster.backupJobs()) console.log(job.id, job.schedule, job.enabled);
   * ```
   */
  backupJobs(options?: RequestOptions): Promise<BackupJob[]> {
    return listJobs(this.api, options);
  }

  /**
   * Creates a scheduled backup job (`POST /cluster/backup`). Options keep Proxmox's names; lists may be
   * arrays and property strings objects.
   *
   * @param config - The job: `schedule`, `storage`, `vmid` or `all` or `pool`, and any other option.
   * @param options - Signal, timeout and retries.
   * @returns When the job exists.
   * @throws TypeError for a malformed `config`, and UnsupportedError for an option the connected release
   *   lacks (`fleecing`, `notification-mode`, `pbs-change-detection-mode` on 7.4; `notification-policy`
   *   and `notification-target` outside PVE 8), before any request; otherwise as {@link Cluster.status}.
   * @example
   * ```ts
   * await cluster.backupJobCreate({ id: 'nightly', schedule: '01:00', storage: 'pbs', vmid: [100, 101],
   *   mode: 'snapshot', 'prune-backups': { 'keep-last': 7 } });
   * ```
   */
  backupJobCreate(config: BackupJobConfig, options?: RequestOptions): Promise<void> {
    return createJob(this.api, config, options);
  }

  /**
   * One backup job (`GET /cluster/backup/{id}`).
   *
   * @param id - The job id.
   * @param options - Signal, timeout and retries.
   * @returns The job.
   * @throws TypeError for a malformed `id`, before any request; otherwise as {@link Cluster.status}.
   * @example
   * ```ts
   * const job = await cluster.backupJobGet('nightly');
   * ```
   */
  backupJobGet(id: string, options?: RequestOptions): Promise<BackupJob> {
    return getJob(this.api, id, options);
  }

  /**
   * Changes a backup job (`PUT /cluster/backup/{id}`): the options given are set, those in `delete`
   * reset.
   *
   * @param id - The job id.
   * @param changes - Options to set, and `delete`: options to remove.
   * @param options - Signal, timeout and retries.
   * @returns When the job is changed.
   * @throws TypeError for a malformed `id` or `changes`, UnsupportedError for an option the release lacks
   *   (see {@link Cluster.backupJobCreate}), before any request; otherwise as {@link Cluster.status}.
   * @example
   * ```ts
   * await cluster.backupJobUpdate('nightly', { enabled: false, delete: ['comment'] });
   * ```
   */
  backupJobUpdate(id: string, changes: BackupJobChanges, options?: RequestOptions): Promise<void> {
    return updateJob(this.api, id, changes, options);
  }

  /**
   * Deletes a backup job (`DELETE /cluster/backup/{id}`).
   *
   * @param id - The job id.
   * @param options - Signal, timeout and retries.
   * @returns When the job is gone.
   * @throws TypeError for a malformed `id`, before any request; NotFoundError-like errors for an unknown
   *   job; otherwise as {@link Cluster.status}.
   * @example
   * ```ts
   * await cluster.backupJobDelete('nightly');
   * ```
   */
  backupJobDelete(id: string, options?: RequestOptions): Promise<void> {
    return deleteJob(this.api, id, options);
  }
}
