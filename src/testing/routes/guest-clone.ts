/**
 * Cloning VMs and containers (full and linked, to another node or storage, from a snapshot):
 * the clone is created when the worker ends, with new disks, MAC addresses and ids.
 *
 * @module
 * @internal
 */
import { guestTask } from '../guest-lock.js';
import { serverError } from '../http-error.js';
import { p, type ParamShape } from '../params.js';
import type { Route, RouteContext } from '../router.js';
import type { ConfigValue } from '../seed.js';
import { diskRefs, formatSize } from '../config-utils.js';
import { bool, guestParams, KINDS, num, routeGuest, str, type Kind } from './common.js';
import { checkDiskStorage, newMac, newVolid } from './guest-model.js';
import { human, progressLines } from './log-lines.js';

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


const cloneParams = (kind: Kind): ParamShape => ({
  ...guestParams, newid: p.vmid().req, description: p.string().opt, full: p.bool().opt,
  pool: p.poolid().opt, snapname: p.configid().opt, storage: p.storage().opt, target: p.node().opt,
  ...(kind.type === 'qemu' ? { bwlimit: p.int(0).opt, format: p.enum(['raw', 'qcow2', 'vmdk']).opt, name: p.dnsName().opt }
    : { bwlimit: p.number(0).opt, hostname: p.dnsName().opt }),
});

/** The routes of this module. */
export const cloneRoutes: Route[] = KINDS.map((kind): Route => ({
  method: 'POST', path: `/nodes/{node}/${kind.type}/{vmid}/clone`, params: cloneParams(kind), handler: clone(kind),
}));
