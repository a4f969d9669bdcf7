/**
 * Snapshots of VMs and containers: list (with PVE's `current` entry), create, rollback, delete,
 * and a snapshot's config. Create, rollback and delete set the config `lock` while they run.
 *
 * @module
 * @internal
 */
import { checkLock, guestTask } from '../guest-lock.js';
import { HttpError, serverError } from '../http-error.js';
import { p } from '../params.js';
import type { Route, RouteContext } from '../router.js';
import { configDigest, diskRefs } from '../config-utils.js';
import type { GuestState, SnapshotState } from '../state.js';
import { bool, guestParams, KINDS, reqStr, routeGuest, str, type Kind } from './common.js';

const snapParams = { ...guestParams, snapname: p.configid().req };

function findSnap(g: GuestState, name: string): SnapshotState {
  const snap = g.snapshots.find((s) => s.name === name);
  if (!snap) throw serverError(`snapshot '${name}' does not exist`);
  return snap;
}

function configWithoutSnapKeys(config: GuestState['config']): GuestState['config'] {
  const out = { ...config };
  delete out.parent;
  delete out.lock;
  delete out.snaptime;
  delete out.vmstate;
  return out;
}

function list(kind: Kind) {
  return (ctx: RouteContext): unknown[] => {
    const g = routeGuest(ctx, kind);
    const out: Array<Record<string, unknown>> = g.snapshots.map((s) => {
      const e: Record<string, unknown> = { name: s.name, description: s.description, snaptime: s.snaptime };
      if (s.parent) e.parent = s.parent;
      if (kind.type === 'qemu') e.vmstate = s.vmstate ? 1 : 0;
      return e;
    });
    const current: Record<string, unknown> = { name: 'current', description: 'You are here!', digest: configDigest(g.config) };
    if (g.config.parent !== undefined) current.parent = String(g.config.parent);
    if (kind.type === 'qemu') current.running = g.status === 'running' ? 1 : 0;
    out.push(current);
    return out;
  };
}

function create(kind: Kind) {
  return (ctx: RouteContext): string => {
    const g = routeGuest(ctx, kind);
    const name = reqStr(ctx, 'snapname');
    if (name === 'current') throw new HttpError(400, 'Parameter verification failed.', { snapname: "invalid configuration ID 'current'" });
    if (g.snapshots.some((s) => s.name === name)) throw serverError(`snapshot name '${name}' already used`);
    const vmstate = kind.type === 'qemu' && bool(ctx, 'vmstate') && g.status === 'running';
    const disks = diskRefs(kind.type, g.vmid, g.config).filter((d) => d.owned && !d.key.startsWith('unused'));
    const lines = [
      ...(vmstate ? [`saving VM state and RAM using storage '${disks[0]?.storage ?? 'local-lvm'}'`, '1.51 MiB in 0s', 'completed saving the VM state in 1s, saved 512.00 MiB'] : []),
      ...disks.map((d) => `snapshotting '${d.key}' (${d.volid})`),
      ...disks.map((d) => `  Logical volume "snap_${d.volid.split(':')[1] ?? ''}_${name}" created.`),
    ];
    return guestTask(ctx.sim, ctx.user, g, {
      type: `${kind.prefix}snapshot`,
      configLock: 'snapshot',
      lines,
      effect: () => {
        const snap: SnapshotState = {
          name, description: str(ctx, 'description') ?? '', snaptime: ctx.sim.clock.seconds(), vmstate,
          config: configWithoutSnapKeys(g.config),
        };
        if (g.config.parent !== undefined) snap.parent = String(g.config.parent);
        g.snapshots.push(snap);
        g.config.parent = name;
      },
    }).upid;
  };
}

function rollback(kind: Kind) {
  return (ctx: RouteContext): string => {
    const g = routeGuest(ctx, kind);
    const snap = findSnap(g, reqStr(ctx, 'snapname'));
    const start = bool(ctx, 'start');
    return guestTask(ctx.sim, ctx.user, g, {
      type: `${kind.prefix}rollback`,
      configLock: 'rollback',
      lines: diskRefs(kind.type, g.vmid, snap.config).filter((d) => d.owned).map((d) => `  Logical volume "${d.volid.split(':')[1] ?? ''}" successfully removed.`),
      effect: () => {
        g.config = { ...configWithoutSnapKeys(snap.config), parent: snap.name, lock: 'rollback' };
        if (snap.vmstate) {
          g.status = 'running';
          g.qmpstatus = 'running';
          g.startedAt = ctx.sim.clock.now();
        } else if (start) {
          g.status = 'running';
          g.qmpstatus = 'running';
          g.startedAt = ctx.sim.clock.now();
        } else {
          g.status = 'stopped';
          g.qmpstatus = 'stopped';
          delete g.startedAt;
        }
      },
    }).upid;
  };
}

function remove(kind: Kind) {
  return (ctx: RouteContext): string => {
    const g = routeGuest(ctx, kind);
    const snap = findSnap(g, reqStr(ctx, 'snapname'));
    return guestTask(ctx.sim, ctx.user, g, {
      type: `${kind.prefix}delsnapshot`,
      configLock: 'snapshot-delete',
      skiplock: bool(ctx, 'force'),
      lines: diskRefs(kind.type, g.vmid, snap.config).filter((d) => d.owned).map((d) => `  Logical volume "snap_${d.volid.split(':')[1] ?? ''}_${snap.name}" successfully removed.`),
      effect: () => {
        g.snapshots = g.snapshots.filter((s) => s !== snap);
        for (const s of g.snapshots) {
          if (s.parent === snap.name) {
            if (snap.parent) s.parent = snap.parent;
            else delete s.parent;
          }
        }
        if (g.config.parent === snap.name) {
          if (snap.parent) g.config.parent = snap.parent;
          else delete g.config.parent;
        }
      },
    }).upid;
  };
}

function snapshotRoutes(kind: Kind): Route[] {
  const base = `/nodes/{node}/${kind.type}/{vmid}/snapshot`;
  return [
    { method: 'GET', path: base, params: guestParams, handler: list(kind) },
    {
      method: 'POST', path: base,
      params: kind.type === 'qemu'
        ? { ...snapParams, description: p.string().opt, vmstate: p.bool().opt }
        : { ...snapParams, description: p.string().opt },
      handler: create(kind),
    },
    {
      method: 'GET', path: `${base}/{snapname}`, params: snapParams,
      handler: (ctx) => {
        findSnap(routeGuest(ctx, kind), reqStr(ctx, 'snapname'));
        return [{ cmd: 'rollback' }, { cmd: 'config' }];
      },
    },
    {
      method: 'DELETE', path: `${base}/{snapname}`, params: { ...snapParams, force: p.bool().opt }, handler: remove(kind),
    },
    {
      method: 'POST', path: `${base}/{snapname}/rollback`, params: { ...snapParams, start: p.bool().opt }, handler: rollback(kind),
    },
    {
      method: 'GET', path: `${base}/{snapname}/config`, params: snapParams,
      handler: (ctx) => {
        const g = routeGuest(ctx, kind);
        const snap = findSnap(g, reqStr(ctx, 'snapname'));
        const out: Record<string, unknown> = { ...snap.config, snaptime: snap.snaptime, description: snap.description };
        if (snap.parent) out.parent = snap.parent;
        if (kind.type === 'qemu' && snap.vmstate) out.vmstate = `${diskRefs(kind.type, g.vmid, snap.config)[0]?.storage ?? 'local-lvm'}:vm-${g.vmid}-state-${snap.name}`;
        return out;
      },
    },
    {
      method: 'PUT', path: `${base}/{snapname}/config`, params: { ...snapParams, description: p.string().opt },
      handler: (ctx) => {
        const g = routeGuest(ctx, kind);
        checkLock(g);
        const snap = findSnap(g, reqStr(ctx, 'snapname'));
        const d = str(ctx, 'description');
        if (d !== undefined) snap.description = d;
        return null;
      },
    },
  ];
}

/** The routes of this module. */
export const snapshotRoutesAll: Route[] = KINDS.flatMap(snapshotRoutes);
