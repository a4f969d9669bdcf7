/**
 * `/nodes/{node}/tasks`: the task list with its filters, a task's status and log, and stopping it.
 *
 * @module
 * @internal
 */
import { HttpError } from '../http-error.js';
import { p } from '../params.js';
import type { Route, RouteContext } from '../router.js';
import type { SimTask } from '../tasks.js';
import { bool, nodeParam, num, reqStr, str } from './common.js';

const UPID_RE = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-F]{8}):([0-9A-F]{8,9}):([0-9A-F]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$/;

/** A task as `/nodes/{node}/tasks` and `/cluster/tasks` list it. */
export function taskEntry(t: SimTask): Record<string, unknown> {
  const e: Record<string, unknown> = {
    upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime,
    type: t.type, id: t.id, user: t.user,
  };
  if (t.status === 'stopped') {
    e.status = t.exitstatus;
    e.endtime = t.endtime;
  }
  return e;
}

/** The task of `{upid}` on `{node}`, or PVE's 400. */
function routeTask(ctx: RouteContext): SimTask {
  const upid = reqStr(ctx, 'upid');
  if (!UPID_RE.test(upid)) throw new HttpError(400, 'Parameter verification failed.', { upid: 'unable to parse worker upid' });
  const t = ctx.sim.tasks.get(upid);
  if (!t || t.node !== reqStr(ctx, 'node')) throw new HttpError(400, 'Parameter verification failed.', { upid: 'no such task' });
  return t;
}

function statusMatches(t: SimTask, filter: string[]): boolean {
  if (t.status === 'running') return filter.includes('active') || filter.includes('running');
  const s = t.exitstatus ?? '';
  const kind = s === 'OK' ? 'ok' : s.startsWith('WARNINGS') ? 'warning' : 'error';
  return filter.includes(kind);
}

const upidParams = { ...nodeParam, upid: p.string().req };

/** The routes of this module. */
export const taskRoutes: Route[] = [
  {
    method: 'GET', path: '/nodes/{node}/tasks',
    params: {
      ...nodeParam, errors: p.bool().opt, limit: p.int(0).opt, since: p.int().opt,
      source: p.enum(['archive', 'active', 'all']).opt, start: p.int(0).opt,
      statusfilter: p.string().opt, typefilter: p.string().opt, until: p.int().opt,
      userfilter: p.string().opt, vmid: p.vmid().opt,
    },
    handler: (ctx) => {
      const node = reqStr(ctx, 'node');
      const source = str(ctx, 'source') ?? 'archive';
      const vmid = num(ctx, 'vmid');
      const type = str(ctx, 'typefilter');
      const user = str(ctx, 'userfilter');
      const since = num(ctx, 'since');
      const until = num(ctx, 'until');
      const statusfilter = str(ctx, 'statusfilter')?.split(/[,; ]/).filter(Boolean).map((s) => s.toLowerCase());
      const errors = bool(ctx, 'errors');
      const all = ctx.sim.tasks.list().filter((t) => {
        if (t.node !== node) return false;
        if (source === 'archive' && t.status === 'running') return false;
        if (source === 'active' && t.status !== 'running') return false;
        if (vmid !== undefined && t.id !== String(vmid)) return false;
        if (type !== undefined && t.type !== type) return false;
        if (user !== undefined && !t.user.includes(user)) return false;
        if (since !== undefined && t.starttime < since) return false;
        if (until !== undefined && t.starttime > until) return false;
        if (errors && (t.status === 'running' || t.exitstatus === 'OK')) return false;
        if (statusfilter && statusfilter.length && !statusMatches(t, statusfilter)) return false;
        return true;
      });
      const start = num(ctx, 'start') ?? 0;
      const limit = num(ctx, 'limit') || 50;
      ctx.setAttrib('total', all.length);
      return all.slice(start, start + limit).map(taskEntry);
    },
  },
  {
    method: 'GET', path: '/nodes/{node}/tasks/{upid}', params: upidParams,
    handler: (ctx) => {
      routeTask(ctx);
      return [{ name: 'log' }, { name: 'status' }];
    },
  },
  {
    method: 'GET', path: '/nodes/{node}/tasks/{upid}/status', params: upidParams,
    handler: (ctx) => {
      const t = routeTask(ctx);
      if (t.notReady > 0 || ctx.sim.clock.now() < t.notReadyUntil) {
        if (t.notReady > 0) t.notReady--;
        throw new HttpError(400, 'Parameter verification failed.', { upid: 'no such task' });
      }
      const out: Record<string, unknown> = {
        upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime,
        type: t.type, id: t.id, user: t.user, status: t.status,
      };
      if (t.status === 'stopped') out.exitstatus = t.exitstatus;
      return out;
    },
  },
  {
    method: 'GET', path: '/nodes/{node}/tasks/{upid}/log',
    params: { ...upidParams, start: p.int(0).opt, limit: p.int(0).opt, download: p.bool().opt },
    handler: (ctx) => {
      const t = routeTask(ctx);
      const start = num(ctx, 'start') ?? 0;
      const limit = num(ctx, 'limit') || 50;
      const total = t.log.length;
      ctx.setAttrib('total', total);
      if (total === 0) return [{ n: 1, t: 'no content' }];
      return t.log.slice(start, start + limit).map((l, i) => ({ n: start + i + 1, t: l.text }));
    },
  },
  {
    method: 'DELETE', path: '/nodes/{node}/tasks/{upid}', params: upidParams,
    handler: (ctx) => {
      const t = routeTask(ctx);
      ctx.sim.tasks.stop(t.upid);
      return null;
    },
  },
];
