/**
 * Resource pools, with both route styles: `/pools/{poolid}` (7.4, deprecated later) and
 * `PUT`/`DELETE /pools` with `poolid` (8.4+). `GET /pools` takes `poolid`/`type` on 8.4+.
 *
 * @module
 * @internal
 */
import { serverError } from '../http-error.js';
import { p, type ParamShape } from '../params.js';
import type { Release, Route, RouteContext } from '../router.js';
import { bool, guestSummary, reqStr, str } from './common.js';
import { storageStatus } from './storage-model.js';

function getPool(ctx: RouteContext): { comment?: string; members: string[] } {
  const id = reqStr(ctx, 'poolid');
  const pool = ctx.sim.state.pools.get(id);
  if (!pool) throw serverError(`pool '${id}' does not exist`);
  return pool;
}

function members(ctx: RouteContext, list: string[], type: string | undefined): unknown[] {
  const out: unknown[] = [];
  for (const m of list) {
    const [kind = '', id = ''] = m.split('/');
    if (type !== undefined && kind !== type) continue;
    if (kind === 'storage') {
      for (const node of ctx.sim.state.nodes.keys()) {
        const st = storageStatus(ctx.sim, id, node);
        if (!st) continue;
        out.push({
          id: `storage/${node}/${id}`, type: 'storage', storage: id, node, status: 'available',
          content: st.content, plugintype: st.type, shared: st.shared, disk: st.used, maxdisk: st.total,
        });
      }
    } else {
      const g = ctx.sim.state.guest(Number(id));
      if (!g) continue;
      const s = guestSummary(ctx, g);
      out.push({
        id: m, type: kind, vmid: g.vmid, node: g.node, name: s.name, status: s.status, template: s.template ?? 0,
        cpu: s.cpu, maxcpu: s.cpus, mem: s.mem, maxmem: s.maxmem, disk: s.disk, maxdisk: s.maxdisk, uptime: s.uptime,
        netin: s.netin, netout: s.netout, diskread: s.diskread, diskwrite: s.diskwrite,
      });
    }
  }
  return out;
}

function update(ctx: RouteContext): null {
  const { state, release } = ctx.sim;
  const poolid = reqStr(ctx, 'poolid');
  const pool = getPool(ctx);
  const comment = str(ctx, 'comment');
  if (comment !== undefined) pool.comment = comment;
  const remove = bool(ctx, 'delete');
  const allowMove = bool(ctx, 'allow-move');
  for (const vmid of (str(ctx, 'vms') ?? '').split(/[,; ]/).filter(Boolean)) {
    const g = state.guest(Number(vmid));
    if (!g) throw serverError(`VM ${vmid} does not exist`);
    const member = `${g.type}/${g.vmid}`;
    if (remove) {
      pool.members = pool.members.filter((m) => m !== member);
      continue;
    }
    for (const [otherId, other] of state.pools) {
      if (otherId === poolid || !other.members.includes(member)) continue;
      if (!allowMove || release === '7.4') throw serverError(`VM ${vmid} belongs already to pool '${otherId}'`);
      other.members = other.members.filter((m) => m !== member);
    }
    if (!pool.members.includes(member)) pool.members.push(member);
  }
  for (const sid of (str(ctx, 'storage') ?? '').split(/[,; ]/).filter(Boolean)) {
    if (!state.storages.has(sid)) throw serverError(`storage '${sid}' does not exist`);
    const member = `storage/${sid}`;
    if (remove) pool.members = pool.members.filter((m) => m !== member);
    else if (!pool.members.includes(member)) pool.members.push(member);
  }
  return null;
}

function remove(ctx: RouteContext): null {
  const id = reqStr(ctx, 'poolid');
  const pool = getPool(ctx);
  if (pool.members.length) throw serverError(`pool '${id}' is not empty`);
  ctx.sim.state.pools.delete(id);
  return null;
}

function updateParams(release: Release): ParamShape {
  const shape: Record<string, ParamShape[string]> = {
    poolid: p.poolid().req, comment: p.string().opt, delete: p.bool().opt, storage: p.string().opt, vms: p.vmidList().opt,
  };
  if (release !== '7.4') shape['allow-move'] = p.bool().opt;
  return shape;
}

const NEW: readonly Release[] = ['8.4', '9.1'];

/** The routes of this module. */
export const poolRoutes: Route[] = [
  {
    method: 'GET', path: '/pools',
    params: (r) => (r === '7.4' ? {} : { poolid: p.poolid().opt, type: p.enum(['qemu', 'lxc', 'storage']).opt }),
    handler: (ctx) => {
      const only = str(ctx, 'poolid');
      const out: unknown[] = [];
      for (const [poolid, pool] of ctx.sim.state.pools) {
        if (only !== undefined && poolid !== only) continue;
        const e: Record<string, unknown> = { poolid };
        if (pool.comment !== undefined) e.comment = pool.comment;
        if (only !== undefined) e.members = members(ctx, pool.members, str(ctx, 'type'));
        out.push(e);
      }
      if (only !== undefined && !out.length) throw serverError(`pool '${only}' does not exist`);
      return out;
    },
  },
  {
    method: 'POST', path: '/pools', params: { poolid: p.poolid().req, comment: p.string().opt },
    handler: (ctx) => {
      const id = reqStr(ctx, 'poolid');
      if (ctx.sim.state.pools.has(id)) throw serverError(`pool '${id}' already exists`);
      const comment = str(ctx, 'comment');
      ctx.sim.state.pools.set(id, comment !== undefined ? { comment, members: [] } : { members: [] });
      return null;
    },
  },
  { method: 'PUT', path: '/pools', params: updateParams, releases: NEW, handler: update },
  { method: 'DELETE', path: '/pools', params: { poolid: p.poolid().req }, releases: NEW, handler: remove },
  {
    method: 'GET', path: '/pools/{poolid}', params: { poolid: p.poolid().req, type: p.enum(['qemu', 'lxc', 'storage']).opt },
    handler: (ctx) => {
      const pool = getPool(ctx);
      const out: Record<string, unknown> = { members: members(ctx, pool.members, str(ctx, 'type')) };
      if (pool.comment !== undefined) out.comment = pool.comment;
      return out;
    },
  },
  { method: 'PUT', path: '/pools/{poolid}', params: updateParams, handler: update },
  { method: 'DELETE', path: '/pools/{poolid}', params: { poolid: p.poolid().req }, handler: remove },
];
