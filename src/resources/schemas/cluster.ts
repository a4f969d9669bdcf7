/**
 * Zod schemas of the answers of `/cluster/status`, `/cluster/tasks`, `/cluster/log`,
 * `/cluster/resources`, `/cluster/nextid` and `/nodes`. Loose: unknown fields pass through and
 * numbers or booleans sent as strings are coerced.
 *
 * @module
 */
import { z } from 'zod';
import { looseBoolean, looseNumber, looseString } from './loose.js';
import { NodeTaskEntrySchema } from './node.js';

/**
 * One entry of `GET /cluster/status`: the cluster itself (`type: 'cluster'`, with `quorate`,
 * `nodes`, `version`) or one node (`type: 'node'`, with `online`, `local`, `ip`, `nodeid`).
 * A standalone node answers only its `node` entry.
 *
 * @example
 * ```ts
 * ClusterStatusEntrySchema.parse({ type: 'node', id: 'node/pve1', name: 'pve1', online: 1 }).online; // true
 * ```
 */
export const ClusterStatusEntrySchema = z.looseObject({
  type: z.string(),
  id: z.string(),
  name: looseString,
  ip: z.string().optional(),
  level: z.string().optional(),
  local: looseBoolean.optional(),
  nodeid: looseNumber.optional(),
  nodes: looseNumber.optional(),
  online: looseBoolean.optional(),
  quorate: looseBoolean.optional(),
  version: looseNumber.optional(),
});

/**
 * One entry of `cluster.status()`.
 *
 * @example
 * ```ts
 * const quorate = (await cluster.status()).find((e: ClusterStatusEntry) => e.type === 'cluster')?.quorate;
 * ```
 */
export type ClusterStatusEntry = z.infer<typeof ClusterStatusEntrySchema>;

/**
 * One task of `GET /cluster/tasks` (recent and running tasks of all nodes): a node's task entry,
 * plus `saved`.
 *
 * @example
 * ```ts
 * ClusterTaskSchema.parse({ upid: 'UPID:…', node: 'pve1', starttime: '1710334643' }).starttime; // 1710334643
 * ```
 */
export const ClusterTaskSchema = NodeTaskEntrySchema.extend({
  /** Whether the task's log is saved in the cluster's task index. */
  saved: looseBoolean.optional(),
});

/**
 * One task of `cluster.tasks()`.
 *
 * @example
 * ```ts
 * const failed = (await cluster.tasks()).filter((t: ClusterTask) => t.status !== undefined && t.status !== 'OK');
 * ```
 */
export type ClusterTask = z.infer<typeof ClusterTaskSchema>;

/**
 * One entry of `GET /cluster/log` (the cluster log, newest first).
 *
 * @example
 * ```ts
 * ClusterLogEntrySchema.parse({ time: '1710334643', node: 'pve1', msg: 'starting task' }).time; // 1710334643
 * ```
 */
export const ClusterLogEntrySchema = z.looseObject({
  time: looseNumber.optional(),
  node: z.string().optional(),
  user: z.string().optional(),
  tag: z.string().optional(),
  msg: z.string().optional(),
  pri: looseNumber.optional(),
  pid: looseNumber.optional(),
  uid: looseString.optional(),
  id: looseString.optional(),
});

/**
 * One entry of `cluster.log()`.
 *
 * @example
 * ```ts
 * for (const e of await cluster.log({ max: 20 })) console.log(new Date((e.time ?? 0) * 1000), e.node, e.msg);
 * ```
 */
export type ClusterLogEntry = z.infer<typeof ClusterLogEntrySchema>;

/**
 * One entry of `GET /cluster/resources`: a node, guest (`qemu`/`lxc`), storage, pool or SDN
 * (PVE 9 adds `network`). Which fields are set depends on `type`.
 *
 * @example
 * ```ts
 * ClusterResourceSchema.parse({ id: 'qemu/100', type: 'qemu', node: 'pve1', vmid: '100', template: 0 }).vmid; // 100
 * ```
 */
export const ClusterResourceSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  node: looseString.optional(),
  status: z.string().optional(),
  name: looseString.optional(),
  vmid: looseNumber.optional(),
  pool: looseString.optional(),
  storage: z.string().optional(),
  plugintype: z.string().optional(),
  content: z.string().optional(),
  shared: looseBoolean.optional(),
  template: looseBoolean.optional(),
  tags: looseString.optional(),
  lock: z.string().optional(),
  hastate: z.string().optional(),
  level: z.string().optional(),
  cpu: looseNumber.optional(),
  maxcpu: looseNumber.optional(),
  mem: looseNumber.optional(),
  maxmem: looseNumber.optional(),
  disk: looseNumber.optional(),
  maxdisk: looseNumber.optional(),
  uptime: looseNumber.optional(),
  netin: looseNumber.optional(),
  netout: looseNumber.optional(),
  diskread: looseNumber.optional(),
  diskwrite: looseNumber.optional(),
});

/**
 * One entry of `cluster.resources()`.
 *
 * @example
 * ```ts
 * const running = (await cluster.resources({ type: 'vm' })).filter((r: ClusterResource) => r.status === 'running');
 * ```
 */
export type ClusterResource = z.infer<typeof ClusterResourceSchema>;

/**
 * The answer of `GET /cluster/nextid`: the id, which Proxmox sends as a string.
 *
 * @example
 * ```ts
 * NextIdSchema.parse('104'); // 104
 * ```
 */
export const NextIdSchema = z.coerce.number().int().min(100);

/**
 * One entry of `GET /nodes`.
 *
 * @example
 * ```ts
 * NodeListEntrySchema.parse({ node: 'pve1', status: 'online', maxcpu: '8' }).maxcpu; // 8
 * ```
 */
export const NodeListEntrySchema = z.looseObject({
  node: looseString,
  status: z.string().optional(),
  cpu: looseNumber.optional(),
  maxcpu: looseNumber.optional(),
  mem: looseNumber.optional(),
  maxmem: looseNumber.optional(),
  uptime: looseNumber.optional(),
  level: z.string().optional(),
  ssl_fingerprint: z.string().optional(),
});

/**
 * One entry of `GET /nodes`, as `cluster.nodeList()` returns it.
 *
 * @example
 * ```ts
 * const online = (await cluster.nodeList()).filter((n: NodeListEntry) => n.status === 'online');
 * ```
 */
export type NodeListEntry = z.infer<typeof NodeListEntrySchema>;
