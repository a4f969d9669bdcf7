/**
 * Migrating VMs (offline, online, with local disks) and containers (offline, restart), with the
 * progress lines PVE logs; and the migration precondition check (`GET …/migrate`).
 *
 * @module
 * @internal
 */
import { checkLock, guestTask } from '../guest-lock.js';
import { HttpError, serverError } from '../http-error.js';
import { p, type ParamShape } from '../params.js';
import type { Release, Route, RouteContext } from '../router.js';
import { diskRefs } from '../config-utils.js';
import { bool, guestParams, KINDS, reqStr, routeGuest, str, type Kind } from './common.js';
import { hms, human, progressLines } from './log-lines.js';

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


const migrateParams = (kind: Kind) => (r: Release): ParamShape => kind.type === 'qemu'
  ? {
    ...guestParams, target: p.node().req, bwlimit: p.int(0).opt, force: p.bool().opt, migration_network: p.string().opt,
    migration_type: p.enum(['secure', 'insecure']).opt, online: p.bool().opt, targetstorage: p.storagePairList().opt,
    'with-local-disks': p.bool().opt, ...(r === '9.1' ? { 'with-conntrack-state': p.bool().opt } : {}),
  }
  : {
    ...guestParams, target: p.node().req, bwlimit: p.number(0).opt, online: p.bool().opt, restart: p.bool().opt,
    'target-storage': p.storagePairList().opt, timeout: p.int().opt,
  };

/** The routes of this module. */
export const migrateRoutes: Route[] = KINDS.flatMap((kind): Route[] => [
  { method: 'POST', path: `/nodes/{node}/${kind.type}/{vmid}/migrate`, params: migrateParams(kind), handler: migrate(kind) },
  {
    method: 'GET', path: `/nodes/{node}/${kind.type}/{vmid}/migrate`, params: { ...guestParams, target: p.node().opt },
    ...(kind.type === 'qemu' ? {} : { releases: ['9.1'] as const }),
    handler: migratePrecondition(kind),
  },
]);
