/**
 * The shape of the simulator's seed (the cluster it starts with), and where the default one and
 * the test certificate live: `fixtures/simulator/seed.json` and `fixtures/tls/` of the package,
 * found from this module's location (ESM or CJS build, or the TypeScript sources) or the working
 * directory.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A config value as PVE stores it: a string, or a number for integer and boolean keys.
 *
 * @example
 * ```ts
 * const memory: ConfigValue = 2048;
 * const net0: ConfigValue = 'virtio=BC:24:11:00:00:01,bridge=vmbr0';
 * ```
 */
export type ConfigValue = string | number;

/**
 * A node of the seeded cluster.
 *
 * @example
 * ```ts
 * const node: SeedNode = { node: 'pve1', ip: '10.0.0.11', maxcpu: 8, maxmem: 34359738368 };
 * ```
 */
export interface SeedNode {
  /** The node name. */
  node: string;
  /** Its cluster IP. */
  ip: string;
  /** Logical CPUs. */
  maxcpu: number;
  /** Memory in bytes. */
  maxmem: number;
  /** Used memory in bytes. */
  mem?: number;
  /** CPU load as a fraction. */
  cpu?: number;
  /** Uptime in seconds at the simulator's start. */
  uptime?: number;
  /** The CPU model string. */
  cpuModel?: string;
  /** Root filesystem size in bytes. */
  rootfs?: number;
  /** Starts offline. */
  offline?: boolean;
}

/**
 * A snapshot of a seeded guest.
 *
 * @example
 * ```ts
 * const snap: SeedSnapshot = { name: 'pre', description: 'before the upgrade', snaptime: 1727769600 };
 * ```
 */
export interface SeedSnapshot {
  /** The snapshot name. */
  name: string;
  /** Its description. */
  description?: string;
  /** Creation time, epoch seconds. */
  snaptime?: number;
  /** Whether RAM was saved (VMs). */
  vmstate?: number;
  /** The guest config at the snapshot (default: the guest's config). */
  config?: Record<string, ConfigValue>;
}

/**
 * A firewall rule as PVE stores it (without `pos`).
 *
 * @example
 * ```ts
 * const rule: SeedFirewallRule = { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', enable: 1 };
 * ```
 */
export type SeedFirewallRule = Record<string, ConfigValue>;

/**
 * A seeded VM or container.
 *
 * @example
 * ```ts
 * const g: SeedGuest = { vmid: 100, type: 'qemu', node: 'pve1', status: 'stopped', config: { name: 'a', memory: '512' } };
 * ```
 */
export interface SeedGuest {
  /** The guest id. */
  vmid: number;
  /** `qemu` (VM) or `lxc` (container). */
  type: 'qemu' | 'lxc';
  /** The node it lives on. */
  node: string;
  /** Running or stopped at start. */
  status: 'running' | 'stopped';
  /** Its config, with PVE's keys. */
  config: Record<string, ConfigValue>;
  /** Its snapshots, oldest first. */
  snapshots?: SeedSnapshot[];
  /** Its firewall. */
  firewall?: { options?: Record<string, ConfigValue>; rules?: SeedFirewallRule[] };
}

/**
 * A storage definition (`/storage`), with its size for status.
 *
 * @example
 * ```ts
 * const s: SeedStorage = { storage: 'local', type: 'dir', path: '/var/lib/vz', content: 'iso,backup', total: 1e11 };
 * ```
 */
export interface SeedStorage {
  /** The storage id. */
  storage: string;
  /** The storage type (`dir`, `lvmthin`, `nfs`, …). */
  type: string;
  /** Allowed content types, comma-separated. */
  content: string;
  /** Total bytes. */
  total: number;
  /** Used bytes (besides the volumes). */
  used?: number;
  /** Any other storage config key. */
  [key: string]: ConfigValue | undefined;
}

/**
 * A volume on a storage (guest disks are added from the guest configs).
 *
 * @example
 * ```ts
 * const v: SeedVolume = { storage: 'local', node: 'pve1', volid: 'local:iso/x.iso', content: 'iso', format: 'iso', size: 1024 };
 * ```
 */
export interface SeedVolume {
  /** The storage id. */
  storage: string;
  /** The node for a storage that is not shared. */
  node?: string;
  /** The volume id (`storage:path`). */
  volid: string;
  /** The content type (`iso`, `vztmpl`, `backup`, `images`, `rootdir`). */
  content: string;
  /** The format (`raw`, `qcow2`, `iso`, `tzst`, `vma.zst`, …). */
  format: string;
  /** Size in bytes. */
  size: number;
  /** Creation time, epoch seconds. */
  ctime?: number;
  /** The guest it belongs to. */
  vmid?: number;
  /** Notes (backups). */
  notes?: string;
  /** Protected backup. */
  protected?: number;
}

/**
 * A user, with its password, optional TOTP code and API tokens.
 *
 * @example
 * ```ts
 * const u: SeedUser = { userid: 'alice@pve', password: 'secret', tokens: [{ tokenid: 'ci', secret: 'uuid' }] };
 * ```
 */
export interface SeedUser {
  /** `name@realm`. */
  userid: string;
  /** The password (simulator only). */
  password?: string;
  /** The one TOTP code the simulator accepts for this user: it then asks for a second factor. */
  totp?: string;
  /** API tokens. */
  tokens?: Array<{ tokenid: string; secret: string; comment?: string; privsep?: number; expire?: number }>;
  /** Group ids. */
  groups?: string[];
  /** Other user fields (`enable`, `expire`, `comment`, `email`, `firstname`, `lastname`). */
  [key: string]: unknown;
}

/**
 * The whole seed: what `startSimulator({ seed })` takes and `fixtures/simulator/seed.json` holds.
 *
 * @example
 * ```ts
 * const seed = defaultSeed();
 * seed.guests.push({ vmid: 500, type: 'qemu', node: 'pve1', status: 'stopped', config: { name: 'extra', memory: '1024' } });
 * const sim = await startSimulator({ seed });
 * ```
 */
export interface SimSeed {
  /** The cluster name. */
  clusterName: string;
  /** The nodes. */
  nodes: SeedNode[];
  /** VMs and containers. */
  guests: SeedGuest[];
  /** Storage definitions. */
  storages: SeedStorage[];
  /** Volumes besides the guest disks (ISOs, templates, backups). */
  volumes: SeedVolume[];
  /** Resource pools; members are `qemu/100`, `lxc/200` or `storage/<id>`. */
  pools: Array<{ poolid: string; comment?: string; members: string[] }>;
  /** Users. */
  users: SeedUser[];
  /** Groups. */
  groups: Array<{ groupid: string; comment?: string }>;
  /** Roles. */
  roles: Array<{ roleid: string; privs: string; special?: number }>;
  /** ACL entries. */
  acl?: Array<{ path: string; type: 'user' | 'group' | 'token'; ugid: string; roleid: string; propagate?: number }>;
  /** Cluster backup jobs (`/cluster/backup`). */
  backupJobs?: Array<Record<string, ConfigValue>>;
  /** Initial cluster log entries. */
  clusterLog?: Array<{ node: string; tag: string; pri: number; user: string; msg: string }>;
}

function moduleDir(): string | undefined {
  if (typeof __dirname === 'string') return __dirname;
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return undefined;
  }
}

function isPackageRoot(dir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    return pkg.name === 'proxmox-sdk' && existsSync(join(dir, 'fixtures'));
  } catch {
    return false;
  }
}

function walkUp(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (isPackageRoot(dir)) return dir;
    const nm = join(dir, 'node_modules', 'proxmox-sdk');
    if (isPackageRoot(nm)) return nm;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

let cachedRoot: string | undefined;

/**
 * The root of the installed proxmox-sdk package (where `fixtures/` is).
 *
 * @internal
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  const fromModule = moduleDir();
  let root = fromModule ? walkUp(fromModule) : undefined;
  if (!root) {
    try {
      const req = createRequire(join(process.cwd(), 'noop.js'));
      const candidate = dirname(req.resolve('proxmox-sdk/package.json'));
      if (isPackageRoot(candidate)) root = candidate;
    } catch {
      // not resolvable from the working directory
    }
  }
  root ??= walkUp(process.cwd());
  if (!root) throw new Error('proxmox-sdk/testing: cannot find the package fixtures (fixtures/simulator, fixtures/tls)');
  cachedRoot = root;
  return root;
}

/**
 * Reads a file of the package's `fixtures/` folder.
 *
 * @internal
 */
export function readFixture(...parts: string[]): string {
  return readFileSync(join(packageRoot(), 'fixtures', ...parts), 'utf8');
}

/**
 * A fresh copy of the default seed (`fixtures/simulator/seed.json`): three nodes, VMs, containers,
 * a template, storages with content, pools, users, groups, roles and backup jobs. Change it and pass
 * it to `startSimulator({ seed })`.
 *
 * @returns A deep copy of the default seed.
 * @example
 * ```ts
 * const seed = defaultSeed();
 * seed.nodes = seed.nodes.slice(0, 1);
 * ```
 */
export function defaultSeed(): SimSeed {
  return JSON.parse(readFixture('simulator', 'seed.json')) as SimSeed;
}
