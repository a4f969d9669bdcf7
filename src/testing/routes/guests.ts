/**
 * VMs and containers, written once for both kinds: list, create, destroy, config (read, update,
 * and the VM's asynchronous update), and `status/current`.
 *
 * @module
 * @internal
 */
import { checkLock, guestTask } from '../guest-lock.js';
import { HttpError, serverError } from '../http-error.js';
import { p, type ParamShape } from '../params.js';
import type { Release, Route, RouteContext } from '../router.js';
import type { ConfigValue } from '../seed.js';
import { configDigest } from '../config-utils.js';
import type { GuestState } from '../state.js';
import { bool, guestParams, guestSummary, KINDS, nodeParam, num, reqStr, routeGuest, str, type Kind } from './common.js';
import { configUpdateExtras, lxcConfigShape, lxcCreateExtras, qemuConfigShape, qemuCreateExtras } from './config-params.js';
import { allocateDisks, applyConfig, freeVolumes, newMac, renderConfig, toConfigValue } from './guest-model.js';

const CONTROL_KEYS = new Set([
  'node', 'vmid', 'delete', 'digest', 'revert', 'force', 'skiplock', 'archive', 'bwlimit', 'live-restore', 'pool',
  'start', 'storage', 'unique', 'ostemplate', 'ignore-unpack-errors', 'password', 'restore', 'ssh-public-keys',
  'ha-managed', 'import-working-storage', 'background_delay',
]);

/** The config keys among validated params (everything but the control parameters). */
function configValues(ctx: RouteContext): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(ctx.params)) if (!CONTROL_KEYS.has(k) && v !== undefined) out[k] = toConfigValue(v);
  return out;
}

function configShape(kind: Kind, release: Release): ParamShape {
  return kind.type === 'qemu' ? qemuConfigShape(release) : lxcConfigShape(release);
}

function addToPool(ctx: RouteContext, pool: string | undefined, member: string): void {
  if (pool === undefined) return;
  const entry = ctx.sim.state.pools.get(pool);
  if (!entry) throw serverError(`pool '${pool}' does not exist`);
  if (!entry.members.includes(member)) entry.members.push(member);
}

function checkVmidUnused(ctx: RouteContext, vmid: number): void {
  const existing = ctx.sim.state.guest(vmid);
  if (existing) throw serverError(`${existing.type === 'qemu' ? 'VM' : 'CT'} ${vmid} already exists on node '${existing.node}'`);
}

function create(kind: Kind) {
  return (ctx: RouteContext): string => {
    const node = reqStr(ctx, 'node');
    const vmid = num(ctx, 'vmid') ?? 0;
    const { state } = ctx.sim;
    if (str(ctx, 'archive') !== undefined || bool(ctx, 'restore')) {
      throw serverError('restore is not implemented by the simulator');
    }
    checkVmidUnused(ctx, vmid);
    const pool = str(ctx, 'pool');
    if (pool !== undefined && !state.pools.has(pool)) throw serverError(`pool '${pool}' does not exist`);
    let config = configValues(ctx);
    if (kind.type === 'lxc') {
      const template = reqStr(ctx, 'ostemplate');
      if (!state.volumes.some((v) => v.volid === template && (v.node === undefined || v.node === node))) {
        throw serverError(`volume '${template}' does not exist`);
      }
      config.rootfs ??= `${str(ctx, 'storage') ?? 'local'}:4`;
      config.arch ??= 'amd64';
      config.ostype ??= /ubuntu/.test(template) ? 'ubuntu' : /alpine/.test(template) ? 'alpine' : 'debian';
      config.hostname ??= `CT${vmid}`;
      config.memory ??= 512;
      config.swap ??= 512;
    } else {
      config.smbios1 ??= `uuid=6a1f3b8e-2c4d-4e5f-9a0b-${String(vmid).padStart(12, '0')}`;
      config.vmgenid ??= `0b8f2a6c-1d3e-4f5a-8b9c-${String(vmid).padStart(12, '0')}`;
      config.meta ??= `creation-qemu=9.0.2,ctime=${ctx.sim.clock.seconds()}`;
    }
    for (const [k, v] of Object.entries(config)) {
      if (/^net\d+$/.test(k) && typeof v === 'string' && kind.type === 'qemu' && /^(virtio|e1000e?|rtl8139|vmxnet3)(,|$)/.test(v)) {
        config[k] = v.replace(/^(virtio|e1000e?|rtl8139|vmxnet3)/, `$1=${newMac(vmid, Number(k.slice(3)))}`);
      }
    }
    const g: GuestState = {
      vmid, type: kind.type, node, status: 'stopped', qmpstatus: 'stopped', config: {}, snapshots: [],
      firewall: { options: {}, rules: [] },
    };
    config = allocateDisks(ctx.sim, g, config);
    g.config = { ...config, lock: 'create' };
    state.guests.set(vmid, g);
    const start = bool(ctx, 'start');
    const storageLines = Object.entries(config)
      .filter(([k, v]) => typeof v === 'string' && (/^(scsi|virtio|sata|ide|efidisk|tpmstate)\d+$/.test(k) || k === 'rootfs') && !v.includes('media=cdrom'))
      .map(([, v]) => `  Logical volume "${String(v).split(',')[0]?.split(':')[1] ?? ''}" created.`);
    const lines = kind.type === 'lxc'
      ? [...storageLines, `extracting archive '/var/lib/vz/template/cache/${reqStr(ctx, 'ostemplate').split('/').pop() ?? ''}'`, 'Total bytes read: 524288000 (500MiB, 98MiB/s)', 'Detected container architecture: amd64', 'Creating SSH host key \'ssh_host_ed25519_key\' - this may take some time ...', 'done: SHA256:Q8x4m7cIYtq1bY3kF5mZz6n2pW0cVv8rT9sLhJ1aB2c root@' + String(config.hostname)]
      : storageLines;
    const task = ctx.sim.tasks.start({
      node, type: `${kind.prefix}create`, id: String(vmid), user: ctx.user, lines,
      effect: () => {
        delete g.config.lock;
        addToPool(ctx, pool, `${kind.type}/${vmid}`);
        if (start) {
          g.status = 'running';
          g.qmpstatus = 'running';
          g.startedAt = ctx.sim.clock.now();
        }
        ctx.sim.state.log(node, ctx.user, `<${ctx.user}> end task ${kind.prefix}create ${vmid} OK`);
      },
      finally: () => {
        if (g.config.lock === 'create') {
          // failed: remove what was created
          freeVolumes(ctx.sim, g);
          ctx.sim.state.guests.delete(vmid);
        }
      },
    });
    return task.upid;
  };
}

function destroy(kind: Kind) {
  return (ctx: RouteContext): string => {
    const g = routeGuest(ctx, kind);
    checkLock(g, { skiplock: bool(ctx, 'skiplock') });
    if (Number(g.config.protection ?? 0) === 1) throw serverError(`can't remove ${kind.word} ${g.vmid} - protection mode enabled`);
    // A container's `force` destroys it even while it runs (PVE stops it first).
    const force = kind.type === 'lxc' && bool(ctx, 'force');
    if (g.status === 'running' && !force) {
      throw serverError(kind.type === 'qemu' ? `VM ${g.vmid} is running - destroy failed` : `CT ${g.vmid} is running`);
    }
    const purge = bool(ctx, 'purge');
    return guestTask(ctx.sim, ctx.user, g, {
      type: `${kind.prefix}destroy`,
      lines: kind.type === 'qemu'
        ? [`  Logical volume "vm-${g.vmid}-disk-0" successfully removed.`]
        : [`  Logical volume "vm-${g.vmid}-disk-0" successfully removed.`],
      effect: () => {
        freeVolumes(ctx.sim, g);
        ctx.sim.state.guests.delete(g.vmid);
        const member = `${kind.type}/${g.vmid}`;
        for (const pool of ctx.sim.state.pools.values()) pool.members = pool.members.filter((m) => m !== member);
        if (purge) {
          for (const job of ctx.sim.state.backupJobs.values()) {
            if (typeof job.vmid === 'string') {
              job.vmid = job.vmid.split(',').filter((v) => v !== String(g.vmid)).join(',');
            }
          }
        }
      },
    }).upid;
  };
}

function readConfig(kind: Kind) {
  return (ctx: RouteContext): Record<string, unknown> => {
    const g = routeGuest(ctx, kind);
    const snapname = str(ctx, 'snapshot');
    if (snapname !== undefined) {
      const snap = g.snapshots.find((s) => s.name === snapname);
      if (!snap) throw serverError(`snapshot '${snapname}' does not exist`);
      return { ...renderConfig(ctx.sim, g, snap.config), digest: configDigest(snap.config) };
    }
    return { ...renderConfig(ctx.sim, g, g.config), digest: configDigest(g.config) };
  };
}

function checkUpdate(ctx: RouteContext, g: GuestState): { values: Record<string, ConfigValue>; del: string[] } {
  const digest = str(ctx, 'digest');
  if (digest !== undefined && digest !== configDigest(g.config)) {
    throw serverError('detected modified configuration - file changed by other user? Try again.');
  }
  const values = configValues(ctx);
  const del = (str(ctx, 'delete') ?? '').split(/[,; ]/).filter(Boolean);
  const both = del.find((k) => k in values);
  if (both) throw new HttpError(400, 'Parameter verification failed.', { [both]: "unable to delete and set the same setting" });
  if (!Object.keys(values).length && !del.length && str(ctx, 'revert') === undefined) {
    throw serverError('no options specified');
  }
  return { values, del };
}

function updateConfig(kind: Kind) {
  return (ctx: RouteContext): null => {
    const g = routeGuest(ctx, kind);
    checkLock(g, { skiplock: bool(ctx, 'skiplock') });
    const { values, del } = checkUpdate(ctx, g);
    applyConfig(ctx.sim, g, values, del);
    return null;
  };
}

function updateConfigAsync(ctx: RouteContext): string {
  const kind = KINDS[0] as Kind;
  const g = routeGuest(ctx, kind);
  checkLock(g, { skiplock: bool(ctx, 'skiplock') });
  const { values, del } = checkUpdate(ctx, g);
  return guestTask(ctx.sim, ctx.user, g, {
    type: 'qmconfig',
    skiplock: bool(ctx, 'skiplock'),
    lines: Object.keys(values).filter((k) => /^(scsi|virtio|sata|ide)\d+$/.test(k)).map((k) => `update VM ${g.vmid}: -${k} ${String(values[k])}`),
    effect: () => applyConfig(ctx.sim, g, values, del),
  }).upid;
}

function statusCurrent(kind: Kind) {
  return (ctx: RouteContext): Record<string, unknown> => {
    const g = routeGuest(ctx, kind);
    const s = guestSummary(ctx, g);
    s.ha = { managed: 0 };
    if (kind.type === 'qemu') {
      if (g.config.agent !== undefined && /^(1|enabled=1)/.test(String(g.config.agent))) s.agent = 1;
      if (g.status === 'running') {
        s['running-machine'] = String(g.config.machine ?? 'pc-i440fx-9.0+pve0');
        s['running-qemu'] = '9.0.2';
      }
      if (/^qxl/.test(String(g.config.vga ?? ''))) s.spice = 1;
      if (/^serial/.test(String(g.config.vga ?? ''))) s.serial = 1;
    }
    return s;
  };
}

function guestRoutes(kind: Kind): Route[] {
  const base = `/nodes/{node}/${kind.type}`;
  const routes: Route[] = [
    {
      method: 'GET', path: base, params: kind.type === 'qemu' ? { ...nodeParam, full: p.bool().opt } : nodeParam,
      handler: (ctx) => {
        const node = reqStr(ctx, 'node');
        return [...ctx.sim.state.guests.values()]
          .filter((g) => g.node === node && g.type === kind.type)
          .sort((a, b) => a.vmid - b.vmid)
          .map((g) => guestSummary(ctx, g));
      },
    },
    {
      method: 'POST', path: base,
      params: (r) => ({ ...configShape(kind, r), ...(kind.type === 'qemu' ? qemuCreateExtras(r) : lxcCreateExtras(r)), ...guestParams }),
      handler: create(kind),
    },
    {
      method: 'DELETE', path: `${base}/{vmid}`,
      params: kind.type === 'qemu'
        ? { ...guestParams, 'destroy-unreferenced-disks': p.bool().opt, purge: p.bool().opt, skiplock: p.bool().opt }
        : { ...guestParams, 'destroy-unreferenced-disks': p.bool().opt, force: p.bool().opt, purge: p.bool().opt },
      handler: destroy(kind),
    },
    {
      method: 'GET', path: `${base}/{vmid}`, params: guestParams,
      handler: (ctx) => {
        routeGuest(ctx, kind);
        const subdirs = kind.type === 'qemu'
          ? ['config', 'pending', 'status', 'unlink', 'vncproxy', 'termproxy', 'migrate', 'resize', 'move', 'rrd', 'rrddata', 'monitor', 'agent', 'snapshot', 'spiceproxy', 'sendkey', 'firewall', 'mtunnel', 'remote_migrate']
          : ['config', 'pending', 'status', 'vncproxy', 'termproxy', 'vncwebsocket', 'spiceproxy', 'migrate', 'clone', 'snapshot', 'firewall', 'rrd', 'rrddata', 'interfaces', 'mtunnel', 'remote_migrate'];
        return subdirs.map((subdir) => ({ subdir }));
      },
    },
    {
      method: 'GET', path: `${base}/{vmid}/config`,
      params: { ...guestParams, current: p.bool().opt, snapshot: p.configid().opt },
      handler: readConfig(kind),
    },
    {
      method: 'PUT', path: `${base}/{vmid}/config`,
      params: (r) => ({ ...configShape(kind, r), ...configUpdateExtras(kind.type), ...guestParams }),
      handler: updateConfig(kind),
    },
    {
      method: 'GET', path: `${base}/{vmid}/status`, params: guestParams,
      handler: (ctx) => {
        routeGuest(ctx, kind);
        const cmds = kind.type === 'qemu'
          ? ['current', 'start', 'stop', 'reset', 'shutdown', 'suspend', 'reboot', 'resume']
          : ['current', 'start', 'stop', 'shutdown', 'reboot', 'suspend', 'resume'];
        return cmds.map((subdir) => ({ subdir }));
      },
    },
    { method: 'GET', path: `${base}/{vmid}/status/current`, params: guestParams, handler: statusCurrent(kind) },
    {
      method: 'GET', path: `${base}/{vmid}/pending`, params: guestParams,
      handler: (ctx) => {
        const g = routeGuest(ctx, kind);
        const cfg = renderConfig(ctx.sim, g, g.config);
        return Object.keys(cfg).filter((k) => k !== 'digest').sort().map((key) => ({ key, value: cfg[key] }));
      },
    },
  ];
  if (kind.type === 'qemu') {
    routes.push({
      method: 'POST', path: `${base}/{vmid}/config`,
      params: (r) => ({ ...configShape(kind, r), ...configUpdateExtras('qemu'), background_delay: p.int(1, 30).opt, ...guestParams }),
      handler: updateConfigAsync,
    });
  }
  return routes;
}

/** The routes of this module, for VMs and containers. */
export const guestRoutesAll: Route[] = KINDS.flatMap(guestRoutes);
