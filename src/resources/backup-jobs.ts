/**
 * Cluster backup jobs (`/cluster/backup`): the requests behind `cluster.backupJob*()`, with each
 * release's parameters.
 *
 * @module
 * @internal
 */
import { z } from 'zod';
import type { ProxmoxAPI } from '../core/api.js';
import { path } from '../core/path.js';
import { requestOptions } from '../core/request-options.js';
import type { Params, RequestOptions } from '../core/types.js';
import { atLeast, type VersionInfo } from '../core/version.js';
import { configParams } from './config-params.js';
import { requireParams, type Availability } from './release-gate.js';
import { BackupJobSchema, type BackupJob, type BackupJobChanges, type BackupJobConfig } from './schemas/backup-jobs.js';
import { backupJobIdSchema, check } from './validate.js';

/**
 * Options that some releases lack. Absent from the 7.4 schema and present in 8.4: `notification-mode`
 * came with pve-manager 8.1.0 (its changelog), `fleecing` and `pbs-change-detection-mode` after
 * 8.1.6 (the 8.1 changelog has neither), the legacy `notification-policy`/`-target` with 8.0's
 * notification system; those two are gone in 9.1.
 */
const BACKUP_OPTIONS: Readonly<Record<string, Availability>> = {
  fleecing: { since: '8.2' },
  'notification-mode': { since: '8.1' },
  'pbs-change-detection-mode': { since: '8.2' },
  'notification-policy': { since: '8.0', until: '9.0' },
  'notification-target': { since: '8.0', until: '9.0' },
};

/** Options that are comma-separated lists: arrays are joined. */
const LIST_OPTIONS: ReadonlySet<string> = new Set(['vmid', 'exclude', 'mailto', 'delete']);

/** A job config checked and turned into form parameters; `exclude-path` waits for the release. */
interface JobParams {
  params: Params;
  excludePath: string[] | undefined;
}

function jobParams(name: string, config: BackupJobConfig): JobParams {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new TypeError(`${name} must be an object`);
  const { 'exclude-path': excludePath, ...rest } = config;
  const params = configParams(name, rest, LIST_OPTIONS);
  if (excludePath === undefined) return { params, excludePath: undefined };
  const paths: unknown = typeof excludePath === 'string' ? [excludePath] : excludePath;
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
    throw new TypeError(`${name}["exclude-path"] must be an array of strings`);
  }
  return { params, excludePath: paths };
}

/** The parameters for this release: 7.4 takes `exclude-path` as one NUL-separated string, 8+ as an array. */
function forRelease({ params, excludePath }: JobParams, info: VersionInfo): Params {
  if (excludePath === undefined) return params;
  return { ...params, 'exclude-path': atLeast(info, '8.0') ? excludePath : excludePath.join('\0') };
}

/** `GET /cluster/backup`. @internal */
export function listJobs(api: ProxmoxAPI, options?: RequestOptions): Promise<BackupJob[]> {
  return api.get('/cluster/backup', undefined, { ...requestOptions(options), schema: z.array(BackupJobSchema) });
}

/** `GET /cluster/backup/{id}`. @internal */
export async function getJob(api: ProxmoxAPI, id: string, options?: RequestOptions): Promise<BackupJob> {
  const jobId = check('id', backupJobIdSchema, id);
  return api.get(path`/cluster/backup/${jobId}`, undefined, { ...requestOptions(options), schema: BackupJobSchema });
}

/** `POST /cluster/backup`. @internal */
export async function createJob(api: ProxmoxAPI, config: BackupJobConfig, options?: RequestOptions): Promise<void> {
  const job = jobParams('config', config);
  if (config.id !== undefined) check('config.id', backupJobIdSchema, config.id);
  const info = await api.version(options);
  requireParams(info, 'backup job option', config, BACKUP_OPTIONS);
  await api.post('/cluster/backup', forRelease(job, info), requestOptions(options));
}

/** `PUT /cluster/backup/{id}`. @internal */
export async function updateJob(api: ProxmoxAPI, id: string, changes: BackupJobChanges, options?: RequestOptions): Promise<void> {
  const jobId = check('id', backupJobIdSchema, id);
  const job = jobParams('changes', changes);
  if (changes.id !== undefined) throw new TypeError('changes.id must not be given: a job keeps its id');
  const info = await api.version(options);
  requireParams(info, 'backup job option', changes, BACKUP_OPTIONS);
  await api.put(path`/cluster/backup/${jobId}`, forRelease(job, info), requestOptions(options));
}

/** `DELETE /cluster/backup/{id}`. @internal */
export async function deleteJob(api: ProxmoxAPI, id: string, options?: RequestOptions): Promise<void> {
  const jobId = check('id', backupJobIdSchema, id);
  await api.delete(path`/cluster/backup/${jobId}`, undefined, requestOptions(options));
}
