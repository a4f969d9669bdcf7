/**
 * Disk operations of VMs and containers: resize (a worker from 8.x, synchronous for VMs on 7.4),
 * move a disk/volume to another storage, and convert to a template.
 *
 * @module
 * @internal
 */
import { checkLock, guestTask } from '../guest-lock.js';
import { HttpError, serverError } from '../http-error.js';
import { LXC_MOVABLE_VOLUMES, LXC_VOLUMES, p, QEMU_DISKS, QEMU_MOVABLE_DISKS } from '../params.js';
import type { Route, RouteContext } from '../router.js';
import { configDigest, diskRefs, formatSize, parseSize } from '../config-utils.js';
import type { GuestState } from '../state.js';
import { bool, guestParams, KINDS, num, reqStr, routeGuest, str, type Kind } from './common.js';
import { checkDiskStorage, newVolid, nextUnused } from './guest-model.js';
import { human, progressLines } from './log-lines.js';

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


function diskRoutes(kind: Kind): Route[] {
  const base = `/nodes/{node}/${kind.type}/{vmid}`;
  const q = kind.type === 'qemu';
  return [
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
  ];
}

/** The routes of this module. */
export const diskRoutesAll: Route[] = KINDS.flatMap(diskRoutes);
