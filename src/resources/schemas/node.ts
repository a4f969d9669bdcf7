/**
 * Zod schemas of the answers of `/nodes/{node}/status`, `/nodes/{node}/tasks` and
 * `/nodes/{node}/services`. Loose: unknown fields pass through and numbers or booleans sent as
 * strings are coerced.
 *
 * @module
 */
import { z } from 'zod';
import { looseNumber, looseString } from './loose.js';
import { StorageStatusSchema } from './storage.js';

const usage = z.looseObject({
  total: looseNumber.optional(),
  used: looseNumber.optional(),
  free: looseNumber.optional(),
  avail: looseNumber.optional(),
  available: looseNumber.optional(),
});

/**
 * The answer of `GET /nodes/{node}/status`: load, CPU, memory, root file system, versions.
 *
 * @example
 * ```ts
 * NodeStatusSchema.parse({ uptime: '3600', cpu: 0.02, memory: { total: '16000000000', used: 1 } }).memory?.total; // 16000000000
 * ```
 */
export const NodeStatusSchema = z.looseObject({
  uptime: looseNumber.optional(),
  cpu: looseNumber.optional(),
  wait: looseNumber.optional(),
  loadavg: z.array(z.union([z.string(), z.number()])).optional(),
  memory: usage.optional(),
  swap: usage.optional(),
  rootfs: usage.optional(),
  cpuinfo: z
    .looseObject({
      cpus: looseNumber.optional(),
      cores: looseNumber.optional(),
      sockets: looseNumber.optional(),
      model: z.string().optional(),
      mhz: z.union([z.string(), z.number()]).optional(),
    })
    .optional(),
  pveversion: z.string().optional(),
  kversion: z.string().optional(),
});

/**
 * A node's status as `node.status()` returns it.
 *
 * @example
 * ```ts
 * const { memory, uptime }: NodeStatus = await node.status();
 * ```
 */
export type NodeStatus = z.infer<typeof NodeStatusSchema>;

/**
 * One task of `GET /nodes/{node}/tasks`.
 *
 * @example
 * ```ts
 * NodeTaskEntrySchema.parse({ upid: 'UPID:…', type: 'qmstart', starttime: '1710334643', status: 'OK' }).starttime; // 1710334643
 * ```
 */
export const NodeTaskEntrySchema = z.looseObject({
  upid: z.string(),
  node: looseString.optional(),
  type: z.string().optional(),
  id: looseString.optional(),
  user: z.string().optional(),
  status: z.string().optional(),
  pid: looseNumber.optional(),
  pstart: looseNumber.optional(),
  starttime: looseNumber.optional(),
  endtime: looseNumber.optional(),
});

/**
 * One task of `node.tasks()`.
 *
 * @example
 * ```ts
 * const errors = (await node.tasks({ errors: true })).map((t: NodeTaskEntry) => t.upid);
 * ```
 */
export type NodeTaskEntry = z.infer<typeof NodeTaskEntrySchema>;

/**
 * A system service of a node (`GET /nodes/{node}/services`, `…/services/{service}/state`):
 * `state` (`running`, `dead`, …), and from systemd `active-state` and `unit-state`.
 *
 * @example
 * ```ts
 * ServiceStateSchema.parse({ service: 'pveproxy', name: 'pveproxy', state: 'running', 'unit-state': 'enabled' }).state; // 'running'
 * ```
 */
export const ServiceStateSchema = z.looseObject({
  service: z.string().optional(),
  name: z.string().optional(),
  desc: z.string().optional(),
  state: z.string().optional(),
  'active-state': z.string().optional(),
  'unit-state': z.string().optional(),
});

/**
 * A service as `node.services()` and `node.serviceState(name)` return it.
 *
 * @example
 * ```ts
 * const down = (await node.services()).filter((s: ServiceState) => s.state !== 'running');
 * ```
 */
export type ServiceState = z.infer<typeof ServiceStateSchema>;

/**
 * One storage of `GET /nodes/{node}/storage`: its type, content types and, when active, its usage.
 *
 * @example
 * ```ts
 * NodeStorageEntrySchema.parse({ storage: 'local', type: 'dir', content: 'iso,backup', active: 1, avail: '1024' }).avail; // 1024
 * ```
 */
export const NodeStorageEntrySchema = z.looseObject({
  storage: z.string(),
  // What `storage.status(node)` answers for one storage, in the same order.
  ...StorageStatusSchema.shape,
  used_fraction: looseNumber.optional(),
});

/**
 * One storage as `node.storage()` returns it.
 *
 * @example
 * ```ts
 * const free = (await node.storage({ content: 'images' })).map((s: NodeStorageEntry) => [s.storage, s.avail]);
 * ```
 */
export type NodeStorageEntry = z.infer<typeof NodeStorageEntrySchema>;
