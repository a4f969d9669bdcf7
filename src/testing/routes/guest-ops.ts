/**
 * The long guest operations, written once for VMs and containers: clone, migrate, resize, move a
 * disk/volume, convert to template; and the consoles (vncproxy, spiceproxy) and the VM monitor.
 *
 * @module
 * @internal
 */
import { checkLock, guestTask } from '../guest-lock.js';
import { HttpError, serverError } from '../http-error.js';
import { LXC_MOVABLE_VOLUMES, LXC_VOLUMES, p, QEMU_DISKS, QEMU_MOVABLE_DISKS, type ParamShape } from '../params.js';
import type { Release, Route, RouteContext } from '../router.js';
import type { ConfigValue } from '../seed.js';
import { configDigest, diskRefs, formatSize, parseSize, type GuestState } from '../state.js';
import { bool, guestParams, KINDS, num, reqStr, routeGuest, str, type Kind } from './common.js';
import { checkDiskStorage, newMac, newVolid, nextUnused } from './guest-model.js';

const GiB = 1024 ** 3;
const human = (bytes: number) => (bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);
const hms = (s: number) => [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');

function progressLines(total: number, steps: number, fmt: (done: number, pct: string) => string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= steps; i++) {
    const done = Math.round((total * i) / steps);
    out.push(fmt(done, total ? ((100 * done) / total).toFixed(2) : '100.00'));
  }
  return out;
}

// ---- clone ----

function clone(kind: Kind) {
  return (ctx: RouteContext): string => {
    const sim = ctx.sim;
    const src = routeGuest(ctx, kind);
    const newid = num(ctx, 'newid') ?? 0;
    const existing = sim.state.guest(newid);
    if (existing) throw serverError(`${existing.type === 'qemu' ? 'VM' : 'CT'} ${newid} already exists on node '${existing.node}'`);
    const isTemplate = Number(src.config.template ?? 0) === 1;
    const full = ctx.params.full === undefined ? !isTemplate : bool(ctx, 'full');
    const storage = str(ctx, 'storage');
    const format = str(ctx, 'format');
    if (!full && storage !== undefined) throw serverError("parameter 'storage' not allowed for linked clones");
    if (!full && format !== undefined) throw serverError("parameter 'format' not allowed for linked clones");
    if (!full && !isTemplate) throw serverError('Linked clone feature is not supported for a VM that is not a template');
    const target = str(ctx, 'target') ?? src.node;
    if (!sim.state.nodes.has(target)) throw serverError(`no such cluster node '${target}'`);
    const pool = str(ctx, 'pool');
    if (pool !== undefined && !sim.state.pools.has(pool)) throw serverError(`pool '${pool}' does not exist`);
    const snapname = str(ctx, 'snapname');
    const base = snapname !== undefined ? src.snapshots.find((s) => s.name === snapname)?.config : src.config;
    if (!base) throw serverError(`snapshot '${snapname}' does not exist`);
    const disks = diskRefs(kind.type, src.vmid, base).filter((d) => d.owned && !d.key.startsWith('unused'));
    if (target !== src.node) {
      const local = disks.find((d) => !sim.state.isShared(storage ?? d.storage));
      if (local) throw serverError(`can't clone to node '${target}' (${local.volid} is on local storage '${storage ?? local.storage}')`);
    }
    if (storage !== undefined) checkDiskStorage(sim, storage, target, kind.type);

    const lines: string[] = [];
    for (const d of disks) {
      if (full) {
        lines.push(kind.type === 'qemu' ? `create full clone of drive ${d.key} (${d.volid})` : `create full clone of mountpoint ${d.key} (${d.volid})`);
        lines.push(`  Logical volume "vm-${newid}-disk-${disks.indexOf(d)}" created.`);
        lines.push(...progressLines(d.size, 4, (done, pct) => `transferred ${human(done)} of ${human(d.size)} (${pct}%)`));
      } else {
        lines.push(`create linked clone of drive ${d.key} (${d.volid})`);
        lines.push(`  Logical volume "vm-${newid}-disk-${disks.indexOf(d)}" created.`);
      }
    }
    if (kind.type === 'qemu' && disks.length) lines.push(`clone ${kind.word} ${src.vmid} to ${newid} finished`);

    return guestTask(sim, ctx.user, src, {
      type: `${kind.prefix}clone`,
      lines,
      shared: isTemplate,
      effect: () => {
        if (sim.state.guests.has(newid)) throw new Error(`${kind.word} ${newid} already exists`);
        const config: Record<string, ConfigValue> = { ...base };
        for (const k of ['parent', 'lock', 'template', 'snaptime', 'vmstate']) delete config[k];
        for (const k of Object.keys(config)) if (k.startsWith('unused')) delete config[k];
        const ctime = sim.clock.seconds();
        for (const d of disks) {
          const st = full ? (storage ?? d.storage) : d.storage;
          let volid = newVolid(sim, kind.type, newid, st, format);
          if (!full) volid = `${d.storage}:${d.volid.split(':')[1] ?? ''}/${volid.split(':')[1] ?? ''}`;
          const opts = d.opts.filter((o) => !o.startsWith('size='));
          config[d.key] = [volid, ...opts, `size=${formatSize(d.size)}`].join(',');
          const ref = diskRefs(kind.type, newid, { [d.key]: config[d.key] ?? '' })[0];
          if (ref) sim.state.volumes.push(sim.state.diskVolume({ ...ref, owned: true }, newid, kind.type, target, ctime));
        }
        for (const [k, v] of Object.entries(config)) {
          if (/^net\d+$/.test(k) && typeof v === 'string') {
            config[k] = kind.type === 'qemu'
              ? v.replace(/^(\w+)=([0-9A-F:]{17})/i, `$1=${newMac(newid, Number(k.slice(3)))}`)
              : v.replace(/hwaddr=[0-9A-F:]{17}/i, `hwaddr=${newMac(newid, Number(k.slice(3)))}`);
          }
        }
        const name = str(ctx, kind.type === 'qemu' ? 'name' : 'hostname');
        if (kind.type === 'qemu') config.name = name ?? `Copy-of-VM-${String(src.config.name ?? src.vmid)}`;
        else config.hostname = name ?? String(src.config.hostname ?? `CT${newid}`);
        const description = str(ctx, 'description');
        if (description !== undefined) config.description = description;
        if (kind.type === 'qemu') {
          config.smbios1 = `uuid=6a1f3b8e-2c4d-4e5f-9a0b-${String(newid).padStart(12, '0')}`;
          config.vmgenid = `0b8f2a6c-1d3e-4f5a-8b9c-${String(newid).padStart(12, '0')}`;
        }
        sim.state.guests.set(newid, {
          vmid: newid, type: kind.type, node: target, status: 'stopped', qmpstatus: 'stopped', config, snapshots: [],
          firewall: { options: { ...src.firewall.options }, rules: src.firewall.rules.map((r) => ({ ...r })) },
        });
        if (pool !== undefined) sim.state.pools.get(pool)?.members.push(`${kind.type}/${newid}`);
      },
    }).upid;
  };
}

// ---- migrate ----

function migrate(kind: Kind) {
  return (ctx: RouteContext): string => {
    const sim = ctx.sim;
    const g = routeGuest(ctx, kind);
    const target = reqStr(ctx, 'target');
    if (target === g.node) throw new HttpError(400, 'Parameter verification failed.', { target: 'target is local node.' });
    if (!sim.state.nodes.has(target)) throw serverError(`no such cluster node '${target}'`);
    const running = g.status === 'running';
    if (kind.type === 'qemu' && running && !bool(ctx, 'online')) throw serverError("can't migrate running VM without --online");
    if (kind.type === 'lxc' && running && !bool(ctx, 'restart') && !bool(ctx, 'online')) {
      throw serverError(`CT is running - use online migration`);
    }
    if (kind.type === 'lxc' && running && bool(ctx, 'online') && !bool(ctx, 'restart')) {
      throw serverError('lxc live migration is currently not implemented');
    }
    checkLock(g);
    const disks = diskRefs(kind.type, g.vmid, g.config).filter((d) => d.owned);
    const localDisks = disks.filter((d) => !sim.state.isShared(d.storage));
    const targetOffline = sim.faults.isNodeOffline(target);
    const ip = sim.state.nodes.get(target)?.ip ?? '';
    const mem = Number(/(\d+)/.exec(String(g.config.memory ?? '512'))?.[1] ?? 512) * 1024 * 1024;
    const stamp = (offset: number) => new Date(sim.clock.now() + offset * 1000).toISOString().replace('T', ' ').slice(0, 19);
    const duration = kind.type === 'qemu' ? 20 : 10;
    const lines: Array<{ at: number; text: string }> = [];
    const add = (frac: number, text: string) => lines.push({ at: frac, text: `${stamp(frac * duration)} ${text}` });
    if (kind.type === 'qemu') {
      add(0, running ? `starting migration of VM ${g.vmid} to node '${target}' (${ip})` : `use dedicated network address for sending migration traffic (${ip})`);
      if (!running) add(0, `starting migration of VM ${g.vmid} to node '${target}' (${ip})`);
      for (const d of localDisks) add(0.02, `found local disk '${d.volid}' (attached)`);
      if (running) {
        add(0.05, `starting VM ${g.vmid} on remote node '${target}'`);
        add(0.1, `start remote tunnel`);
        add(0.12, `ssh tunnel ver 1`);
        add(0.15, `starting online/live migration on unix:/run/qemu-server/${g.vmid}.migrate`);
        add(0.18, `set migration capabilities`);
        add(0.2, `migration downtime limit: 100 ms`);
        add(0.2, `migration cachesize: ${human(mem / 8)}`);
        add(0.22, `set migration parameters`);
        add(0.25, `start migrate command to unix:/run/qemu-server/${g.vmid}.migrate`);
        for (let i = 1; i <= 5; i++) add(0.25 + i * 0.12, `migration active, transferred ${human((mem * i) / 5)} of ${human(mem)} VM-state, 112.4 MiB/s`);
        add(0.9, `average migration speed: 110.9 MiB/s - downtime 42 ms`);
        add(0.92, `migration status: completed`);
      } else {
        for (const d of localDisks) {
          add(0.2, `copying local disk images`);
          add(0.3, `  Logical volume "${d.volid.split(':')[1] ?? ''}" created.`);
          for (const l of progressLines(d.size, 4, (done) => `${human(done)} copied`)) add(0.3 + lines.length * 0.01, l);
          add(0.85, `successfully imported '${d.volid}'`);
        }
      }
      add(0.97, `migration finished successfully (duration ${hms(duration)})`);
    } else {
      if (running) add(0, `shutdown CT ${g.vmid}`);
      add(0.05, `starting migration of CT ${g.vmid} to node '${target}' (${ip})`);
      for (const d of localDisks) {
        add(0.1, `found local volume '${d.volid}' (in current VM config)`);
        for (const l of progressLines(d.size, 3, (done) => `${human(done)} copied`)) add(0.2 + lines.length * 0.02, l);
        add(0.8, `volume '${d.volid}' is '${d.volid}' on the target`);
      }
      if (running) add(0.9, `start final cleanup`);
      if (running) add(0.92, `start container on target node`);
      add(0.97, `migration finished successfully (duration ${hms(duration)})`);
    }
    return guestTask(sim, ctx.user, g, {
      type: kind.type === 'qemu' ? 'qmigrate' : 'vzmigrate',
      configLock: 'migrate',
      lines: targetOffline ? lines.slice(0, 1) : lines,
      effect: () => {
        if (sim.faults.isNodeOffline(target)) {
          throw new Error(`migration aborted (duration 00:00:03): Can't connect to destination address using public key`);
        }
        if (kind.type === 'qemu' && running && localDisks.length && !bool(ctx, 'with-local-disks')) {
          throw new Error(`migration aborted (duration 00:00:01): can't live migrate attached local disks without with-local-disks option`);
        }
        const targetStorage = str(ctx, kind.type === 'qemu' ? 'targetstorage' : 'target-storage');
        for (const v of sim.state.volumes) {
          if (v.vmid === g.vmid && v.node === g.node) {
            v.node = target;
            if (targetStorage && !targetStorage.includes(':') && targetStorage !== '1') {
              const newId = `${targetStorage}:${v.volid.split(':')[1] ?? ''}`;
              for (const [k, val] of Object.entries(g.config)) {
                if (typeof val === 'string' && val.startsWith(`${v.volid},`)) g.config[k] = val.replace(v.volid, newId);
              }
              v.volid = newId;
              v.storage = targetStorage;
            }
          }
        }
        g.node = target;
        if (running) {
          g.status = 'running';
          if (kind.type === 'lxc') g.startedAt = sim.clock.now();
        }
      },
    }).upid;
  };
}

function migratePrecondition(kind: Kind) {
  return (ctx: RouteContext): Record<string, unknown> => {
    const sim = ctx.sim;
    const g = routeGuest(ctx, kind);
    const others = [...sim.state.nodes.keys()].filter((n) => n !== g.node);
    const disks = diskRefs(kind.type, g.vmid, g.config).filter((d) => d.owned);
    const allowed = others.filter((n) => !sim.faults.isNodeOffline(n));
    const notAllowed = Object.fromEntries(others.filter((n) => sim.faults.isNodeOffline(n)).map((n) => [n, { unavailable_storages: [] }]));
    if (kind.type === 'lxc') return { running: g.status === 'running' ? 1 : 0, 'allowed-nodes': allowed, 'not-allowed-nodes': notAllowed };
    return {
      running: g.status === 'running' ? 1 : 0,
      allowed_nodes: allowed,
      not_allowed_nodes: notAllowed,
      local_disks: disks.filter((d) => !sim.state.isShared(d.storage)).map((d) => ({ volid: d.volid, size: d.size, drivename: d.key, is_attached: 1 })),
      local_resources: [],
      'mapped-resources': [],
      'mapped-resource-info': {},
      'has-dbus-vmstate': 0,
    };
  };
}

// ---- resize ----

function resize(kind: Kind) {
  return (ctx: RouteContext): string | null => {
    const sim = ctx.sim;
    const g = routeGuest(ctx, kind);
    checkLock(g, { skiplock: bool(ctx, 'skiplock') });
    const digest = str(ctx, 'digest');
    if (digest !== undefined && digest !== configDigest(g.config)) throw serverError('detected modified configuration - file changed by other user? Try again.');
    const disk = reqStr(ctx, 'disk');
    const ref = diskRefs(kind.type, g.vmid, g.config).find((d) => d.key === disk);
    if (!ref) throw serverError(`disk '${disk}' does not exist`);
    const sizeArg = reqStr(ctx, 'size');
    const delta = parseSize(sizeArg.replace(/^\+/, ''));
    const newSize = sizeArg.startsWith('+') ? ref.size + delta : delta;
    if (newSize < ref.size) throw serverError(`shrinking disks is not supported`);
    const apply = () => {
      const current = diskRefs(kind.type, g.vmid, g.config).find((d) => d.key === disk);
      if (!current) return;
      const opts = current.opts.filter((o) => !o.startsWith('size='));
      g.config[disk] = [current.volid, ...opts, `size=${formatSize(newSize)}`].join(',');
      for (const v of sim.state.volumes) if (v.volid === current.volid) v.size = newSize;
    };
    if (kind.type === 'qemu' && sim.release === '7.4') {
      apply();
      return null;
    }
    return guestTask(sim, ctx.user, g, {
      type: 'resize',
      skiplock: bool(ctx, 'skiplock'),
      lines: [`  Size of logical volume pve/${ref.volid.split(':')[1] ?? ''} changed from ${formatSize(ref.size)} to ${formatSize(newSize)}.`, `  Logical volume pve/${ref.volid.split(':')[1] ?? ''} successfully resized.`],
      effect: apply,
    }).upid;
  };
}

// ---- move disk / volume ----

function move(kind: Kind) {
  return (ctx: RouteContext): string => {
    const sim = ctx.sim;
    const g = routeGuest(ctx, kind);
    const disk = reqStr(ctx, kind.type === 'qemu' ? 'disk' : 'volume');
    const ref = diskRefs(kind.type, g.vmid, g.config).find((d) => d.key === disk);
    if (!ref) throw serverError(`disk '${disk}' does not exist`);
    const targetVmid = num(ctx, 'target-vmid');
    if (targetVmid !== undefined && targetVmid !== g.vmid) throw serverError('moving a disk to another guest is not implemented by the simulator');
    const storage = str(ctx, 'storage');
    if (storage === undefined) throw new HttpError(400, 'Parameter verification failed.', { storage: 'property is missing and it is not optional' });
    checkDiskStorage(sim, storage, g.node, kind.type);
    const format = str(ctx, 'format');
    if (storage === ref.storage && (format === undefined || ref.volid.endsWith(`.${format}`) || format === 'raw')) {
      throw serverError(`you can't move to the same storage with same format`);
    }
    const del = bool(ctx, 'delete');
    const lines = [
      kind.type === 'qemu' ? `create full clone of drive ${disk} (${ref.volid})` : `moving volume '${disk}' (${ref.volid}) to '${storage}'`,
      ...progressLines(ref.size, 5, (done, pct) => `transferred ${human(done)} of ${human(ref.size)} (${pct}%)`),
    ];
    return guestTask(sim, ctx.user, g, {
      type: kind.type === 'qemu' ? 'qmmove' : 'move_volume',
      lines,
      effect: () => {
        const volid = newVolid(sim, kind.type, g.vmid, storage, format);
        const opts = ref.opts.filter((o) => !o.startsWith('size='));
        g.config[disk] = [volid, ...opts, `size=${formatSize(ref.size)}`].join(',');
        const newRef = diskRefs(kind.type, g.vmid, { [disk]: g.config[disk] ?? '' })[0];
        if (newRef) sim.state.volumes.push(sim.state.diskVolume(newRef, g.vmid, kind.type, g.node, sim.clock.seconds()));
        if (del) sim.state.volumes = sim.state.volumes.filter((v) => v.volid !== ref.volid);
        else g.config[nextUnused(g.config)] = ref.volid;
      },
    }).upid;
  };
}

// ---- template ----

function toTemplate(g: GuestState, kind: Kind, ctx: RouteContext): void {
  const sim = ctx.sim;
  for (const d of diskRefs(kind.type, g.vmid, g.config)) {
    if (!d.owned || d.key.startsWith('unused')) continue;
    const base = d.volid.replace(`vm-${g.vmid}-`, `base-${g.vmid}-`);
    g.config[d.key] = String(g.config[d.key]).replace(d.volid, base);
    for (const v of sim.state.volumes) if (v.volid === d.volid) v.volid = base;
  }
  g.config.template = 1;
}

function template(kind: Kind) {
  return (ctx: RouteContext): string | null => {
    const g = routeGuest(ctx, kind);
    if (Number(g.config.template ?? 0) === 1) throw serverError(`you can't convert a template to a template`);
    if (g.status === 'running') {
      throw serverError(kind.type === 'qemu' ? "you can't convert a VM to template if VM is running" : "you can't convert a CT to template if the CT is running");
    }
    checkLock(g);
    if (kind.type === 'lxc') {
      toTemplate(g, kind, ctx);
      return null;
    }
    return guestTask(ctx.sim, ctx.user, g, {
      type: 'qmtemplate',
      lines: diskRefs(kind.type, g.vmid, g.config).filter((d) => d.owned).map((d) => `  Renamed "${d.volid.split(':')[1] ?? ''}" to "${(d.volid.split(':')[1] ?? '').replace('vm-', 'base-')}" in volume group "pve"`),
      effect: () => toTemplate(g, kind, ctx),
    }).upid;
  };
}

// ---- consoles and monitor ----

function vncproxy(kind: Kind) {
  return (ctx: RouteContext): Record<string, unknown> => {
    const g = routeGuest(ctx, kind);
    const port = 5900 + (g.vmid % 100);
    const task = ctx.sim.tasks.start({
      node: g.node, type: 'vncproxy', id: String(g.vmid), user: ctx.user,
    });
    const out: Record<string, unknown> = {
      cert: '-----BEGIN CERTIFICATE-----\nMIIB…simulator…\n-----END CERTIFICATE-----\n',
      port: String(port), ticket: `PVEVNC:${ctx.sim.clock.seconds().toString(16).toUpperCase()}::simulated-vnc-ticket`,
      upid: task.upid, user: ctx.user,
    };
    if (bool(ctx, 'generate-password')) out.password = 'sImVnCpW';
    return out;
  };
}

function spiceproxy(kind: Kind) {
  return (ctx: RouteContext): Record<string, unknown> => {
    const g = routeGuest(ctx, kind);
    if (g.status !== 'running') throw serverError(`${kind.word} ${g.vmid} not running`);
    const proxy = str(ctx, 'proxy') ?? ctx.sim.state.nodes.get(g.node)?.ip ?? g.node;
    return {
      type: 'spice', title: `VM ${g.vmid}`, host: `pvespiceproxy:${ctx.sim.clock.seconds().toString(16)}:${g.vmid}:${g.node}::simulated`,
      proxy: `http://${proxy}:3128`, 'tls-port': 61000, password: 'sImSpIcE', 'delete-this-file': 1,
      'secure-attention': 'Ctrl+Alt+Ins', 'release-cursor': 'Ctrl+Alt+R', 'toggle-fullscreen': 'Shift+F11',
      'host-subject': 'OU=PVE Cluster Node,O=Proxmox Virtual Environment,CN=localhost', ca: '-----BEGIN CERTIFICATE-----\\n…\\n-----END CERTIFICATE-----\\n',
    };
  };
}

function monitor(ctx: RouteContext): string {
  const g = routeGuest(ctx, KINDS[0] as Kind);
  if (g.status !== 'running') throw serverError(`VM ${g.vmid} not running`);
  const cmd = reqStr(ctx, 'command').trim();
  if (cmd === 'info status') return `VM status: ${g.qmpstatus === 'paused' ? 'paused' : 'running'}\r\n`;
  if (cmd === 'info version') return '9.0.2pve1\r\n';
  if (cmd === 'info name') return `${String(g.config.name ?? '')}\r\n`;
  if (cmd === 'info kvm') return 'kvm support: enabled\r\n';
  if (cmd === 'info uuid') return `${String(g.config.smbios1 ?? '').replace('uuid=', '')}\r\n`;
  if (cmd === 'help' || cmd === '?') return 'info [subcommand] -- show various information about the system state\r\nhelp|? [cmd] -- show the help\r\n';
  return `unknown command: '${cmd.split(/\s+/)[0] ?? cmd}'\r\n`;
}

// ---- route table ----

function opsRoutes(kind: Kind): Route[] {
  const base = `/nodes/{node}/${kind.type}/{vmid}`;
  const q = kind.type === 'qemu';
  const cloneParams: ParamShape = ({
    ...guestParams, newid: p.vmid().req, description: p.string().opt, full: p.bool().opt,
    pool: p.poolid().opt, snapname: p.configid().opt, storage: p.storage().opt, target: p.node().opt,
    ...(q ? { bwlimit: p.int(0).opt, format: p.enum(['raw', 'qcow2', 'vmdk']).opt, name: p.dnsName().opt }
      : { bwlimit: p.number(0).opt, hostname: p.dnsName().opt }),
  });
  const migrateParams = (r: Release): ParamShape => q
    ? {
      ...guestParams, target: p.node().req, bwlimit: p.int(0).opt, force: p.bool().opt, migration_network: p.string().opt,
      migration_type: p.enum(['secure', 'insecure']).opt, online: p.bool().opt, targetstorage: p.storagePairList().opt,
      'with-local-disks': p.bool().opt, ...(r === '9.1' ? { 'with-conntrack-state': p.bool().opt } : {}),
    }
    : {
      ...guestParams, target: p.node().req, bwlimit: p.number(0).opt, online: p.bool().opt, restart: p.bool().opt,
      'target-storage': p.storagePairList().opt, timeout: p.int().opt,
    };
  const routes: Route[] = [
    { method: 'POST', path: `${base}/clone`, params: cloneParams, handler: clone(kind) },
    { method: 'POST', path: `${base}/migrate`, params: migrateParams, handler: migrate(kind) },
    {
      method: 'PUT', path: `${base}/resize`,
      params: q
        ? { ...guestParams, disk: p.enum(QEMU_DISKS).req, size: p.size().req, digest: p.digest().opt, skiplock: p.bool().opt }
        : { ...guestParams, disk: p.enum(LXC_VOLUMES).req, size: p.size().req, digest: p.digest().opt },
      handler: resize(kind),
    },
    {
      method: 'POST', path: q ? `${base}/move_disk` : `${base}/move_volume`,
      params: q
        ? {
          ...guestParams, disk: p.enum(QEMU_MOVABLE_DISKS).req, storage: p.storage().opt, bwlimit: p.int(0).opt,
          delete: p.bool().opt, digest: p.digest().opt, format: p.enum(['raw', 'qcow2', 'vmdk']).opt,
          'target-digest': p.digest().opt, 'target-disk': p.enum(QEMU_MOVABLE_DISKS).opt, 'target-vmid': p.vmid().opt,
        }
        : {
          ...guestParams, volume: p.enum(LXC_MOVABLE_VOLUMES).req, storage: p.storage().opt, bwlimit: p.number(0).opt,
          delete: p.bool().opt, digest: p.digest().opt, 'target-digest': p.digest().opt,
          'target-vmid': p.vmid().opt, 'target-volume': p.enum(LXC_MOVABLE_VOLUMES).opt,
        },
      handler: move(kind),
    },
    {
      method: 'POST', path: `${base}/template`,
      params: q ? { ...guestParams, disk: p.enum(QEMU_DISKS).opt } : guestParams,
      handler: template(kind),
    },
    {
      method: 'POST', path: `${base}/vncproxy`,
      params: q
        ? { ...guestParams, 'generate-password': p.bool().opt, websocket: p.bool().opt }
        : { ...guestParams, height: p.int(16, 2160).opt, websocket: p.bool().opt, width: p.int(16, 4096).opt },
      handler: vncproxy(kind),
    },
    { method: 'POST', path: `${base}/spiceproxy`, params: { ...guestParams, proxy: p.string().opt }, handler: spiceproxy(kind) },
    {
      method: 'GET', path: `${base}/migrate`, params: { ...guestParams, target: p.node().opt },
      ...(q ? {} : { releases: ['9.1'] as const }),
      handler: migratePrecondition(kind),
    },
  ];
  if (q) routes.push({ method: 'POST', path: `${base}/monitor`, params: { ...guestParams, command: p.string().req }, handler: monitor });
  return routes;
}

/** The routes of this module. */
export const opsRoutesAll: Route[] = KINDS.flatMap(opsRoutes);
