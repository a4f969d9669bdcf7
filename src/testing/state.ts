/**
 * The simulated cluster in memory: nodes, guests, storages and their volumes, pools, users, groups,
 * roles, backup jobs and the cluster log. Loaded from a seed; `reset()` loads it again.
 *
 * @module
 */
import { serverError } from './http-error.js';
import { diskRefs, type DiskRef } from './config-utils.js';
import type { ConfigValue, SeedNode, SeedUser, SimSeed, SeedVolume } from './seed.js';

/**
 * A snapshot of a guest.
 *
 * @example
 * ```ts
 * sim.state.guest(100)?.snapshots.map((s) => s.name);
 * ```
 */
export interface SnapshotState {
  /** The snapshot name. */
  name: string;
  /** The description. */
  description: string;
  /** Creation time, epoch seconds. */
  snaptime: number;
  /** Whether RAM was saved. */
  vmstate: boolean;
  /** The parent snapshot. */
  parent?: string;
  /** The guest config at the time. */
  config: Record<string, ConfigValue>;
}

/**
 * A VM or container of the simulated cluster.
 *
 * @example
 * ```ts
 * const g = sim.state.guest(100);
 * console.log(g?.node, g?.status, g?.config.name);
 * ```
 */
export interface GuestState {
  /** The guest id. */
  vmid: number;
  /** `qemu` or `lxc`. */
  type: 'qemu' | 'lxc';
  /** Where it lives. */
  node: string;
  /** Power state. */
  status: 'running' | 'stopped';
  /** QEMU's own state of a running VM (`running`, `paused` when suspended). */
  qmpstatus: 'running' | 'paused' | 'stopped';
  /** The config, with PVE's keys. */
  config: Record<string, ConfigValue>;
  /** Snapshots, oldest first. */
  snapshots: SnapshotState[];
  /** Firewall options and rules. */
  firewall: { options: Record<string, ConfigValue>; rules: Array<Record<string, ConfigValue>> };
  /** When it was started (simulated epoch ms), if running. */
  startedAt?: number;
  /** The UPID of the task that holds the guest's lock, if any. */
  busy?: string;
}

/**
 * A node of the simulated cluster.
 *
 * @example
 * ```ts
 * sim.state.nodes.get('pve1')?.maxmem;
 * ```
 */
export interface NodeState extends SeedNode {
  /** The simulated epoch ms when the node booted. */
  bootedAt: number;
  /** The node's host firewall (`/nodes/{node}/firewall`). */
  firewall: { options: Record<string, ConfigValue>; rules: Array<Record<string, ConfigValue>> };
  /** Service states by name. */
  services: Map<string, { state: string; 'active-state': string; 'unit-state': string; desc: string }>;
}

/**
 * A volume on a storage.
 *
 * @example
 * ```ts
 * sim.state.volumes.filter((v) => v.vmid === 100).map((v) => v.volid);
 * ```
 */
export interface VolumeState extends SeedVolume {
  /** The node for a local storage; undefined for a shared one. */
  node?: string;
}

/** The services each simulated node runs, with their descriptions. */
const SERVICES: ReadonlyArray<[string, string]> = [
  ['chrony', 'chrony, an NTP client/server'],
  ['corosync', 'Corosync Cluster Engine'],
  ['cron', 'Regular background program processing daemon'],
  ['ksmtuned', 'Kernel Samepage Merging (KSM) Tuning Daemon'],
  ['lxcfs', 'FUSE filesystem for LXC'],
  ['postfix', 'Postfix Mail Transport Agent (instance -)'],
  ['proxmox-firewall', 'Proxmox nftables firewall'],
  ['pve-cluster', 'The Proxmox VE cluster filesystem'],
  ['pve-firewall', 'Proxmox VE firewall'],
  ['pve-ha-crm', 'PVE Cluster HA Resource Manager Daemon'],
  ['pve-ha-lrm', 'PVE Local HA Resource Manager Daemon'],
  ['pve-lxc-syscalld', 'Proxmox VE LXC Syscall Daemon'],
  ['pvedaemon', 'PVE API Daemon'],
  ['pvefw-logger', 'Proxmox VE firewall logger'],
  ['pveproxy', 'PVE API Proxy Server'],
  ['pvescheduler', 'Proxmox VE scheduler'],
  ['pvestatd', 'PVE Status Daemon'],
  ['qmeventd', 'PVE Qemu Event Daemon'],
  ['spiceproxy', 'PVE SPICE Proxy Server'],
  ['sshd', 'OpenBSD Secure Shell server'],
  ['syslog', 'System Logging Service'],
  ['systemd-journald', 'Journal Service'],
  ['systemd-timesyncd', 'Network Time Synchronization'],
];

/** Services that are installed but not running on a fresh node. */
const STOPPED_SERVICES = new Set(['proxmox-firewall', 'systemd-timesyncd']);

/**
 * The simulated cluster's state (`sim.state`). Change it freely in a test; `reset()` goes back to
 * the seed.
 *
 * @example
 * ```ts
 * sim.state.guest(100)!.status = 'stopped';
 * sim.state.reset();
 * ```
 */
export class SimState {
  /** The cluster name. */
  clusterName = '';
  /** Nodes by name. */
  readonly nodes = new Map<string, NodeState>();
  /** Guests by vmid. */
  readonly guests = new Map<number, GuestState>();
  /** Storage configs by id (`total`/`used` are the simulated sizes). */
  readonly storages = new Map<string, Record<string, ConfigValue>>();
  /** Every volume on every storage. */
  volumes: VolumeState[] = [];
  /** Pools by id. */
  readonly pools = new Map<string, { comment?: string; members: string[] }>();
  /** Users by userid. */
  readonly users = new Map<string, SeedUser>();
  /** Groups by id. */
  readonly groups = new Map<string, { comment?: string }>();
  /** Roles by id. */
  readonly roles = new Map<string, { privs: string; special: number }>();
  /** ACL entries. */
  acl: NonNullable<SimSeed['acl']> = [];
  /** Cluster backup jobs by id. */
  readonly backupJobs = new Map<string, Record<string, ConfigValue>>();
  /** The cluster-wide firewall (`/cluster/firewall`). */
  clusterFirewall: { options: Record<string, ConfigValue>; rules: Array<Record<string, ConfigValue>> } = { options: {}, rules: [] };
  /** The cluster log, newest last. */
  clusterLog: Array<{ uid: number; time: number; node: string; tag: string; pri: number; pid: number; user: string; msg: string; id: string }> = [];

  /**
   * @param seed - The cluster to start with (copied).
   * @param now - The simulated clock's current time in epoch ms.
   * @param onReset - Runs after each reset (clears tasks and timers).
   * @internal
   */
  constructor(
    private readonly seed: SimSeed,
    private readonly now: () => number,
    private readonly onReset: () => void = () => {},
  ) {
    this.load();
  }

  /**
   * Goes back to the seeded cluster: every change, task and lock is forgotten.
   *
   * @example
   * ```ts
   * afterEach(() => sim.state.reset());
   * ```
   */
  reset(): void {
    this.onReset();
    this.load();
  }

  /**
   * A guest by vmid, wherever it lives.
   *
   * @param vmid - The guest id.
   * @returns The guest, or undefined.
   * @example
   * ```ts
   * sim.state.guest(100)?.status; // 'running'
   * ```
   */
  guest(vmid: number): GuestState | undefined {
    return this.guests.get(vmid);
  }

  /**
   * The guest `vmid` of `type` on `node`, or PVE's "does not exist" error (500).
   *
   * @internal
   */
  guestOn(node: string, type: 'qemu' | 'lxc', vmid: number): GuestState {
    const g = this.guests.get(vmid);
    if (!g || g.node !== node || g.type !== type) {
      const dir = type === 'qemu' ? 'qemu-server' : 'lxc';
      throw serverError(`Configuration file 'nodes/${node}/${dir}/${vmid}.conf' does not exist`);
    }
    return g;
  }

  /**
   * The lowest free vmid from `from` (100 by default), as `/cluster/nextid` answers.
   *
   * @param from - Where to start.
   * @returns The vmid.
   * @example
   * ```ts
   * sim.state.nextId(); // 104
   * ```
   */
  nextId(from = 100): number {
    let id = from;
    while (this.guests.has(id)) id++;
    return id;
  }

  /**
   * The volumes a node sees on a storage (a shared storage's volumes are seen from every node).
   *
   * @param storage - The storage id.
   * @param node - The node.
   * @returns The volumes.
   * @example
   * ```ts
   * sim.state.volumesOn('local', 'pve1').map((v) => v.volid);
   * ```
   */
  volumesOn(storage: string, node: string): VolumeState[] {
    return this.volumes.filter((v) => v.storage === storage && (v.node === undefined || v.node === node));
  }

  /** Whether a storage is shared between nodes. @internal */
  isShared(storage: string): boolean {
    const s = this.storages.get(storage);
    return s !== undefined && Number(s.shared ?? 0) === 1;
  }

  /** Whether a storage is available on a node (its `nodes` list). @internal */
  storageOnNode(storage: string, node: string): boolean {
    const s = this.storages.get(storage);
    if (!s) return false;
    if (s.nodes === undefined || s.nodes === '') return true;
    return String(s.nodes).split(/[,; ]/).includes(node);
  }

  /** Adds a cluster log entry. @internal */
  log(node: string, user: string, msg: string, tag = 'pvedaemon', pri = 6): void {
    const uid = (this.clusterLog.at(-1)?.uid ?? 0) + 1;
    this.clusterLog.push({ uid, time: Math.floor(this.now() / 1000), node, tag, pri, pid: 1000 + uid, user, msg, id: `${uid}` });
    if (this.clusterLog.length > 500) this.clusterLog.shift();
  }

  private load(): void {
    const seed = structuredClone(this.seed);
    const now = this.now();
    this.clusterName = seed.clusterName;
    this.nodes.clear();
    for (const n of seed.nodes) {
      const services = new Map<string, { state: string; 'active-state': string; 'unit-state': string; desc: string }>();
      for (const [name, desc] of SERVICES) {
        const stopped = STOPPED_SERVICES.has(name);
        services.set(name, {
          state: stopped ? 'dead' : 'running',
          'active-state': stopped ? 'inactive' : 'active',
          'unit-state': stopped ? 'disabled' : 'enabled',
          desc,
        });
      }
      this.nodes.set(n.node, { ...n, bootedAt: now - (n.uptime ?? 86_400) * 1000, services, firewall: { options: {}, rules: [] } });
    }
    this.storages.clear();
    for (const s of seed.storages) {
      const cfg: Record<string, ConfigValue> = {};
      for (const [k, v] of Object.entries(s)) if (v !== undefined) cfg[k] = v;
      this.storages.set(s.storage, cfg);
    }
    this.volumes = seed.volumes.map((v) => ({ ...v }));
    this.guests.clear();
    const known = new Set(this.volumes.map((v) => v.volid));
    for (const g of seed.guests) {
      const snapshots: SnapshotState[] = [];
      let parent: string | undefined;
      for (const s of g.snapshots ?? []) {
        const snap: SnapshotState = {
          name: s.name,
          description: s.description ?? '',
          snaptime: s.snaptime ?? Math.floor(now / 1000),
          vmstate: Boolean(s.vmstate),
          config: structuredClone(s.config ?? g.config),
        };
        if (parent) snap.parent = parent;
        snapshots.push(snap);
        parent = s.name;
      }
      const config = { ...g.config };
      if (parent) config.parent = parent;
      const guest: GuestState = {
        vmid: g.vmid, type: g.type, node: g.node, status: g.status,
        qmpstatus: g.status === 'running' ? 'running' : 'stopped',
        config, snapshots,
        firewall: { options: { ...(g.firewall?.options ?? {}) }, rules: (g.firewall?.rules ?? []).map((r) => ({ ...r })) },
      };
      if (g.status === 'running') guest.startedAt = now - 3_600_000 * (1 + (g.vmid % 48));
      this.guests.set(g.vmid, guest);
      for (const d of diskRefs(g.type, g.vmid, config)) {
        if (!d.owned || known.has(d.volid)) continue;
        known.add(d.volid);
        this.volumes.push(this.diskVolume(d, g.vmid, g.type, g.node, Math.floor(now / 1000) - 86_400 * 30));
      }
    }
    this.pools.clear();
    for (const p of seed.pools) {
      const pool: { comment?: string; members: string[] } = { members: [...p.members] };
      if (p.comment !== undefined) pool.comment = p.comment;
      this.pools.set(p.poolid, pool);
    }
    this.users.clear();
    for (const u of seed.users) this.users.set(u.userid, u);
    this.groups.clear();
    for (const g of seed.groups) this.groups.set(g.groupid, g.comment !== undefined ? { comment: g.comment } : {});
    this.roles.clear();
    for (const r of seed.roles) this.roles.set(r.roleid, { privs: r.privs, special: r.special ?? 0 });
    this.acl = seed.acl ?? [];
    this.backupJobs.clear();
    for (const j of seed.backupJobs ?? []) this.backupJobs.set(String(j.id), { ...j });
    this.clusterFirewall = {
      options: { enable: 0, policy_in: 'DROP', policy_out: 'ACCEPT' },
      rules: [
        { type: 'in', action: 'ACCEPT', macro: 'SSH', source: '10.10.10.0/24', enable: 1, comment: 'management' },
        { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '8006', enable: 1, comment: 'web UI' },
      ],
    };
    this.clusterLog = [];
    for (const e of seed.clusterLog ?? []) this.log(e.node, e.user, e.msg, e.tag, e.pri);
  }

  /** A volume record for a guest disk. @internal */
  diskVolume(d: DiskRef, vmid: number, type: 'qemu' | 'lxc', node: string, ctime: number): VolumeState {
    const shared = this.isShared(d.storage);
    const format = d.volid.endsWith('.qcow2') ? 'qcow2' : d.volid.endsWith('.vmdk') ? 'vmdk' : type === 'lxc' && d.volid.includes('subvol-') ? 'subvol' : 'raw';
    const vol: VolumeState = {
      storage: d.storage, volid: d.volid, content: type === 'lxc' ? 'rootdir' : 'images', format,
      size: d.size, ctime, vmid,
    };
    if (!shared) vol.node = node;
    return vol;
  }
}
