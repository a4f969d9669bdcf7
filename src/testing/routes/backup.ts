/**
 * Cluster backup jobs (`/cluster/backup`): list, create, read, update, delete.
 *
 * @module
 * @internal
 */
import { randomBytes } from 'node:crypto';
import { serverError } from '../http-error.js';
import { p, type ParamShape } from '../params.js';
import type { Release, Route, RouteContext } from '../router.js';
import type { ConfigValue } from '../seed.js';
import { reqStr, str } from './common.js';
import { toConfigValue } from './guest-model.js';

function jobOptions(release: Release): Record<string, ParamShape[string]> {
  const s = () => p.string().opt;
  const b = () => p.bool().opt;
  const shape: Record<string, ParamShape[string]> = {
    all: b(), bwlimit: p.int(0).opt, comment: p.string({ maxLength: 512 }).opt,
    compress: p.enum(['0', '1', 'gzip', 'lzo', 'zstd']).opt, dow: s(), dumpdir: s(), enabled: b(),
    exclude: p.vmidList().opt, 'exclude-path': p.array().opt, ionice: p.int(0, 8).opt, lockwait: p.int(0).opt,
    mailnotification: p.enum(['always', 'failure']).opt, mailto: s(), maxfiles: p.int(1).opt,
    mode: p.enum(['snapshot', 'suspend', 'stop']).opt, node: p.node().opt, 'notes-template': p.string({ maxLength: 1024 }).opt,
    performance: s(), pigz: p.int().opt, pool: s(), protected: b(), 'prune-backups': s(), quiet: b(), remove: b(),
    'repeat-missed': b(), schedule: p.string({ maxLength: 128 }).opt, script: s(),
    starttime: p.string({ pattern: /\d{1,2}:\d{1,2}/ }).opt, stdexcludes: b(), stop: b(), stopwait: p.int(0).opt,
    storage: p.storage().opt, tmpdir: s(), vmid: p.vmidList().opt, zstd: p.int().opt,
  };
  if (release !== '7.4') {
    Object.assign(shape, {
      fleecing: s(), 'notification-mode': p.enum(['auto', 'legacy-sendmail', 'notification-system']).opt,
      'pbs-change-detection-mode': p.enum(['legacy', 'data', 'metadata']).opt,
    });
  }
  if (release === '8.4') Object.assign(shape, { 'notification-policy': p.enum(['always', 'failure', 'never']).opt, 'notification-target': s() });
  return shape;
}

const jobId = () => p.string({ maxLength: 50, pattern: /\S+/ });

function values(ctx: RouteContext): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(ctx.params)) {
    if (k === 'id' || k === 'delete' || v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join('\n') : toConfigValue(v);
  }
  return out;
}

function getJob(ctx: RouteContext): Record<string, ConfigValue> {
  const id = reqStr(ctx, 'id');
  const job = ctx.sim.state.backupJobs.get(id);
  if (!job) throw serverError(`job '${id}' does not exist`);
  return job;
}

function entry(ctx: RouteContext, job: Record<string, ConfigValue>): Record<string, unknown> {
  const out: Record<string, unknown> = { enabled: 1, ...job };
  if (Number(job.enabled ?? 1) === 1) out['next-run'] = (Math.floor(ctx.sim.clock.seconds() / 86_400) + 1) * 86_400 + 7_200;
  return out;
}

function checkSelection(job: Record<string, ConfigValue>): void {
  if (job.vmid === undefined && Number(job.all ?? 0) !== 1 && job.pool === undefined) {
    throw serverError("one of 'vmid', 'all' or 'pool' must be set");
  }
  if (job.schedule === undefined && job.starttime === undefined) throw serverError("missing 'schedule'");
}

/** The routes of this module. */
export const backupRoutes: Route[] = [
  {
    method: 'GET', path: '/cluster/backup', params: {},
    handler: (ctx) => [...ctx.sim.state.backupJobs.values()].map((j) => entry(ctx, j)),
  },
  {
    method: 'POST', path: '/cluster/backup', params: (r) => ({ ...jobOptions(r), id: p.configid().opt }),
    handler: (ctx) => {
      const id = str(ctx, 'id') ?? `backup-${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}`;
      if (ctx.sim.state.backupJobs.has(id)) throw serverError(`Job '${id}' already exists`);
      const job: Record<string, ConfigValue> = { id, type: 'vzdump', ...values(ctx) };
      if (job.schedule === undefined && job.starttime !== undefined) {
        job.schedule = `${String(job.dow ?? 'mon..sun')} ${String(job.starttime)}`;
        delete job.starttime;
        delete job.dow;
      }
      checkSelection(job);
      ctx.sim.state.backupJobs.set(id, job);
      return null;
    },
  },
  { method: 'GET', path: '/cluster/backup/{id}', params: { id: jobId().req }, handler: (ctx) => entry(ctx, getJob(ctx)) },
  {
    method: 'PUT', path: '/cluster/backup/{id}',
    params: (r) => ({ ...jobOptions(r), id: jobId().req, delete: p.configidList().opt }),
    handler: (ctx) => {
      const job = getJob(ctx);
      const next = { ...job, ...values(ctx) };
      for (const k of (str(ctx, 'delete') ?? '').split(/[,; ]/).filter(Boolean)) delete next[k];
      checkSelection(next);
      for (const k of Object.keys(job)) delete job[k];
      Object.assign(job, next);
      return null;
    },
  },
  {
    method: 'DELETE', path: '/cluster/backup/{id}', params: { id: jobId().req },
    handler: (ctx) => {
      getJob(ctx);
      ctx.sim.state.backupJobs.delete(reqStr(ctx, 'id'));
      return null;
    },
  },
];
