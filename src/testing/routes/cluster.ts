/**
 * `/version`, `/nodes`, `/cluster/status`, `/cluster/resources`, `/cluster/nextid`,
 * `/cluster/tasks`, `/cluster/log`.
 *
 * @module
 * @internal
 */
import { HttpError } from '../http-error.js';
import { p } from '../params.js';
import type { Release, Route, RouteContext } from '../router.js';
import { guestSummary, jitter, num, poolOf, str } from './common.js';
import { storageStatus } from './storage-model.js';
import { taskEntry } from './tasks.js';

/** `/version` of each release. */
export const VERSIONS: Readonly<Record<Release, Record<string, string>>> = {
  '7.4': { release: '7.4', repoid: '6f2f0a33', version: '7.4-17' },
  '8.4': { release: '8.4', repoid: '2a5fa54a8503f96d', version: '8.4.1' },
  '9.1': { release: '9.1', repoid: '9b3e5c0d1a7f4e62', version: '9.1.2' },
};

/** The node entry of `/nodes` and `/cluster/resources`. */
export function nodeSummary(ctx: RouteContext, name: string): Record<string, unknown> {
  const n = ctx.sim.state.nodes.get(name);
  if (!n) return { node: name, status: 'unknown' };
  const fp = `${[...name].map((c) => c.charCodeAt(0).toString(16).toUpperCase()).join(':')}:00:11:22:33`;
  if (ctx.sim.faults.isNodeOffline(name)) return { node: name, status: 'offline', id: `node/${name}`, type: 'node', ssl_fingerprint: fp };
  const now = ctx.sim.clock.now();
  const j = jitter(n.maxcpu + Math.floor(now / 10_000) + name.length);
  return {
    node: name, status: 'online', id: `node/${name}`, type: 'node', level: '',
    cpu: Math.round(((n.cpu ?? 0.05) * (0.8 + 0.4 * j)) * 1e4) / 1e4,
    maxcpu: n.maxcpu, mem: n.mem ?? Math.floor(n.maxmem / 4), maxmem: n.maxmem,
    disk: Math.floor((n.rootfs ?? 1e11) * 0.18), maxdisk: n.rootfs ?? 1e11,
    uptime: Math.floor((now - n.bootedAt) / 1000), ssl_fingerprint: fp,
  };
}

function resources(ctx: RouteContext): unknown[] {
  const type = str(ctx, 'type');
  const { state, faults, release } = ctx.sim;
  const out: unknown[] = [];
  if (!type || type === 'node') {
    for (const name of state.nodes.keys()) {
      const s = nodeSummary(ctx, name);
      delete s.ssl_fingerprint;
      if (s.status === 'online') s['cgroup-mode'] = 2;
      out.push(s);
    }
  }
  if (!type || type === 'vm') {
    for (const g of [...state.guests.values()].sort((a, b) => a.vmid - b.vmid)) {
      const s = guestSummary(ctx, g);
      const offline = faults.isNodeOffline(g.node);
      const entry: Record<string, unknown> = {
        id: `${g.type}/${g.vmid}`, type: g.type, node: g.node, vmid: g.vmid, name: s.name,
        status: offline ? 'unknown' : s.status, template: s.template ?? 0,
        cpu: s.cpu, maxcpu: s.cpus, mem: s.mem, maxmem: s.maxmem, disk: s.disk, maxdisk: s.maxdisk,
        uptime: s.uptime, netin: s.netin, netout: s.netout, diskread: s.diskread, diskwrite: s.diskwrite,
      };
      const pool = poolOf(ctx, `${g.type}/${g.vmid}`);
      if (pool) entry.pool = pool;
      if (s.tags !== undefined) entry.tags = s.tags;
      if (s.lock !== undefined) entry.lock = s.lock;
      out.push(entry);
    }
  }
  if (!type || type === 'storage') {
    for (const node of state.nodes.keys()) {
      for (const [id, cfg] of state.storages) {
        if (!state.storageOnNode(id, node)) continue;
        const st = storageStatus(ctx.sim, id, node);
        const offline = faults.isNodeOffline(node);
        const entry: Record<string, unknown> = {
          id: `storage/${node}/${id}`, type: 'storage', storage: id, node,
          status: offline ? 'unknown' : 'available', content: String(cfg.content ?? ''),
          plugintype: String(cfg.type), shared: Number(cfg.shared ?? 0),
          disk: st?.used ?? 0, maxdisk: st?.total ?? 0,
        };
        const pool = poolOf(ctx, `storage/${id}`);
        if (pool) entry.pool = pool;
        out.push(entry);
      }
    }
  }
  if (!type || type === 'sdn') {
    for (const node of state.nodes.keys()) {
      out.push({ id: `sdn/${node}/localnetwork`, type: 'sdn', sdn: 'localnetwork', node, status: faults.isNodeOffline(node) ? 'unknown' : 'ok' });
    }
  }
  if (!type && release !== '7.4') {
    for (const id of state.pools.keys()) out.push({ id: `/pool/${id}`, type: 'pool', pool: id });
  }
  return out;
}

/** The routes of this module. */
export const clusterRoutes: Route[] = [
  { method: 'GET', path: '/version', params: {}, handler: (ctx) => ({ ...VERSIONS[ctx.sim.release] }) },
  {
    method: 'GET', path: '/nodes', params: {},
    handler: (ctx) => [...ctx.sim.state.nodes.keys()].map((n) => nodeSummary(ctx, n)),
  },
  {
    method: 'GET', path: '/cluster/status', params: {},
    handler: (ctx) => {
      const { state, faults, localNode } = ctx.sim;
      const names = [...state.nodes.keys()];
      const online = names.filter((n) => !faults.isNodeOffline(n)).length;
      return [
        { type: 'cluster', id: 'cluster', name: state.clusterName, nodes: names.length, quorate: online * 2 > names.length ? 1 : 0, version: names.length + 4 },
        ...names.map((n, i) => ({
          type: 'node', id: `node/${n}`, name: n, ip: state.nodes.get(n)?.ip ?? '', nodeid: i + 1, level: '',
          local: n === localNode ? 1 : 0, online: faults.isNodeOffline(n) ? 0 : 1,
        })),
      ];
    },
  },
  {
    method: 'GET', path: '/cluster/resources', params: { type: p.enum(['vm', 'storage', 'node', 'sdn']).opt },
    handler: resources,
  },
  {
    method: 'GET', path: '/cluster/nextid', params: { vmid: p.vmid().opt },
    handler: (ctx) => {
      const wanted = num(ctx, 'vmid');
      if (wanted !== undefined) {
        if (ctx.sim.state.guests.has(wanted)) throw new HttpError(400, 'Parameter verification failed.', { vmid: `VM ${wanted} already exists` });
        return String(wanted);
      }
      // PVE sends the id as a string.
      return String(ctx.sim.state.nextId());
    },
  },
  {
    method: 'GET', path: '/cluster/tasks', params: {},
    handler: (ctx) => ctx.sim.tasks.list().slice(0, 50).map((t) => ({ ...taskEntry(t), saved: t.status === 'stopped' ? '1' : '0' })),
  },
  {
    method: 'GET', path: '/cluster/log', params: { max: p.int(1).opt },
    handler: (ctx) => {
      const max = num(ctx, 'max') ?? 50;
      return ctx.sim.state.clusterLog.slice(-max).reverse().map((e) => ({ ...e }));
    },
  },
];
