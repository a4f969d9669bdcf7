/**
 * Zod schema of a cluster backup job as `/cluster/backup` answers it, and the types of the configs
 * sent to it. Loose: unknown fields pass through, booleans and numbers are coerced.
 *
 * @module
 */
import { z } from 'zod';
import type { ConfigValue } from '../config-params.js';
import { looseBoolean, looseNumber, looseString, propertyStringOrObject } from './loose.js';

/**
 * A scheduled backup job (`GET /cluster/backup`, `GET /cluster/backup/{id}`). Proxmox's own keys;
 * the property-string options (`prune-backups`, `fleecing`, `performance`) arrive as strings
 * (`keep-last=3`) or, on newer releases, as objects.
 *
 * @example
 * ```ts
 * BackupJobSchema.parse({ id: 'backup-1a2b', schedule: '21:00', enabled: '1', 'next-run': '1710334643' }).enabled; // true
 * ```
 */
export const BackupJobSchema = z.looseObject({
  id: looseString,
  type: z.string().optional(),
  schedule: z.string().optional(),
  enabled: looseBoolean.optional(),
  storage: z.string().optional(),
  node: looseString.optional(),
  vmid: looseString.optional(),
  all: looseBoolean.optional(),
  exclude: looseString.optional(),
  pool: looseString.optional(),
  mode: z.string().optional(),
  compress: looseString.optional(),
  comment: z.string().optional(),
  mailto: z.string().optional(),
  mailnotification: z.string().optional(),
  'notes-template': z.string().optional(),
  'prune-backups': propertyStringOrObject.optional(),
  fleecing: propertyStringOrObject.optional(),
  performance: propertyStringOrObject.optional(),
  'exclude-path': z.union([z.string(), z.array(z.string())]).optional(),
  'repeat-missed': looseBoolean.optional(),
  protected: looseBoolean.optional(),
  'next-run': looseNumber.optional(),
});

/**
 * A backup job as `cluster.backupJobs()` and `cluster.backupJobGet(id)` return it.
 *
 * @example
 * ```ts
 * const job: BackupJob = await cluster.backupJobGet('backup-1a2b');
 * console.log(job.schedule, job.storage, job['next-run']);
 * ```
 */
export type BackupJob = z.infer<typeof BackupJobSchema>;

/**
 * The options of a backup job, with Proxmox's own names (as in its docs and `jobs.cfg`). The ones
 * listed are typed; any other option of `POST /cluster/backup` may be given too. Lists (`vmid`,
 * `exclude`, `mailto`) may be arrays; `exclude-path` is an array of globs on every release.
 * `fleecing`, `notification-mode` and `pbs-change-detection-mode` need PVE 8; `notification-policy`
 * and `notification-target` exist only on PVE 8.
 *
 * @example
 * ```ts
 * const config: BackupJobConfig = {
 *   schedule: 'sun 01:00', storage: 'pbs', vmid: [100, 101], mode: 'snapshot',
 *   'prune-backups': { 'keep-last': 3 }, 'notes-template': '{{guestname}}', enabled: true,
 * };
 * ```
 */
export interface BackupJobConfig {
  /** The job id (Proxmox makes one up when absent). */
  id?: string;
  /** When to run: a systemd-like calendar event (`'21:00'`, `'sun 01:00'`, `'*:0/30'`). */
  schedule?: string;
  /** The target storage. */
  storage?: string;
  /** The guests to back up. */
  vmid?: string | ReadonlyArray<number>;
  /** Back up all guests (of `node`, when given). */
  all?: boolean;
  /** Guests to leave out (with `all`). */
  exclude?: string | ReadonlyArray<number>;
  /** Back up the guests of this pool. */
  pool?: string;
  /** Run only on this node. */
  node?: string;
  /** `snapshot`, `suspend` or `stop`. */
  mode?: 'snapshot' | 'suspend' | 'stop';
  /** Whether the job runs (default true). */
  enabled?: boolean;
  /** Compression: `0`, `1`, `gzip`, `lzo` or `zstd`. */
  compress?: '0' | '1' | 'gzip' | 'lzo' | 'zstd';
  /** A description. */
  comment?: string;
  /** Retention (`keep-last=3,keep-daily=7`, or as an object). */
  'prune-backups'?: string | Readonly<Record<string, number | boolean | undefined>>;
  /** The notes of each backup (`{{guestname}}`, `{{vmid}}`, …). */
  'notes-template'?: string;
  /** Paths to leave out of container backups (shell globs). */
  'exclude-path'?: ReadonlyArray<string>;
  /** Mail recipients (legacy notifications). */
  mailto?: string | ReadonlyArray<string>;
  /** Run a missed job as soon as possible. */
  'repeat-missed'?: boolean;
  /** Mark the backups protected. */
  protected?: boolean;
  /** PVE 8+: fleecing (`enabled=1,storage=local-lvm`, or as an object). */
  fleecing?: string | Readonly<Record<string, string | boolean | undefined>>;
  /** PVE 8+: `auto`, `legacy-sendmail` or `notification-system`. */
  'notification-mode'?: 'auto' | 'legacy-sendmail' | 'notification-system';
  /** PVE 8+: `legacy`, `data` or `metadata`. */
  'pbs-change-detection-mode'?: 'legacy' | 'data' | 'metadata';
  /** Any other option of `POST /cluster/backup`. */
  [option: string]: ConfigValue;
}

/**
 * Changes to a backup job: any option of {@link BackupJobConfig} but `id`, and `delete`, the options
 * to reset to their defaults.
 *
 * @example
 * ```ts
 * const changes: BackupJobChanges = { schedule: '02:30', delete: ['comment'] };
 * ```
 */
export interface BackupJobChanges extends BackupJobConfig {
  /** Options to remove from the job. */
  delete?: string | ReadonlyArray<string>;
}
