import { z } from 'zod';

/**
 * Input checks shared by the domain classes. Each throws a `TypeError` naming the argument
 * before any request is sent. The rules are Proxmox's own (its `pve-vmid`, `pve-node`,
 * `pve-configid`, `pve-storage-id` formats and the schema's enums and patterns).
 *
 * @module
 */

const HOST_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/** Zod schema of a guest id (`pve-vmid`: an integer from 100 to 999 999 999). */
export const vmidSchema = z.number().int().min(100).max(999_999_999);

/** Zod schema of a node name (`pve-node`: a host name label). */
export const nodeSchema = z.string().max(63).regex(HOST_LABEL);

/** Zod schema of a snapshot name (`pve-configid`, at most 40 characters). */
export const snapshotNameSchema = z.string().max(40).regex(/^[a-zA-Z][a-zA-Z0-9_-]+$/);

/** Zod schema of a storage id (`pve-storage-id`). */
export const storageIdSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9\-_.]*[a-zA-Z0-9]$/);

/**
 * Zod schema of a pool id (`pve-poolid`): letters, digits, `.`, `_` and `-`; from PVE 8.1 up to
 * three levels of nested pools joined by `/` (`team/web/prod`).
 */
export const poolIdSchema = z.string().max(64).regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+){0,2}$/);

/** Zod schema of a cluster backup job id (at most 50 characters, no whitespace). */
export const backupJobIdSchema = z.string().max(50).regex(/^\S+$/);

/**
 * The services `/nodes/{node}/services/{service}` knows on some release (the schema's enum);
 * `lxcfs`, `proxmox-firewall`, `pve-lxc-syscalld` and `qmeventd` only from PVE 9.
 *
 * @example
 * ```ts
 * const pve = SERVICE_NAMES.filter((name) => name.startsWith('pve'));
 * ```
 */
export const SERVICE_NAMES = [
  'chrony', 'corosync', 'cron', 'ksmtuned', 'lxcfs', 'postfix', 'proxmox-firewall', 'pve-cluster',
  'pve-firewall', 'pve-ha-crm', 'pve-ha-lrm', 'pve-lxc-syscalld', 'pvedaemon', 'pvefw-logger', 'pveproxy',
  'pvescheduler', 'pvestatd', 'qmeventd', 'spiceproxy', 'sshd', 'syslog', 'systemd-journald', 'systemd-timesyncd',
] as const;

/** Zod schema of a node service name (one of {@link SERVICE_NAMES}). */
export const serviceNameSchema = z.enum(SERVICE_NAMES);

/** Zod schema of a disk size as `resize` takes it: `+?\d+(\.\d+)?[KMGT]?` (`32G`, `+512M`). */
export const diskSizeSchema = z.string().regex(/^\+?\d+(\.\d+)?[KMGT]?$/);

/** The disks of a VM, as the schema's enum for `resize` and `move_disk` lists them. */
export const vmDiskSchema = z.string().regex(/^(ide[0-3]|sata[0-5]|scsi([0-9]|[12][0-9]|30)|virtio([0-9]|1[0-5])|efidisk0|tpmstate0)$/);

/** The volumes of a container, as the schema's enum for `resize` and `move_volume` lists them. */
export const ctVolumeSchema = z.string().regex(/^(rootfs|mp([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5]))$/);

const RULES = new Map<z.ZodType, string>([
  [vmidSchema, 'an integer from 100 to 999999999'],
  [nodeSchema, 'a node name (letters, digits and "-", at most 63 characters)'],
  [snapshotNameSchema, 'a snapshot name: a letter, then letters, digits, "_" or "-" (2 to 40 characters)'],
  [storageIdSchema, 'a storage id: a letter, then letters, digits, "-", "_" or ".", not ending in a symbol'],
  [poolIdSchema, 'a pool id: letters, digits, ".", "_" or "-", up to three levels joined by "/" (at most 64 characters)'],
  [backupJobIdSchema, 'a backup job id: 1 to 50 characters, no whitespace'],
  [serviceNameSchema, `a service name: ${SERVICE_NAMES.join(', ')}`],
  [diskSizeSchema, 'a size like "32G", "+512M" or "10.5G" (digits, an optional "+", a unit of K, M, G or T)'],
  [vmDiskSchema, 'a VM disk: ide0-3, sata0-5, scsi0-30, virtio0-15, efidisk0 or tpmstate0'],
  [ctVolumeSchema, 'a container volume: rootfs or mp0-mp255'],
]);

/**
 * Plain checks that accept exactly what the schema accepts (a test compares them with the
 * schema on a table of edge cases). The schema stays the rule and says what was wrong: a value
 * these do not accept goes through it.
 */
const FAST = new Map<z.ZodType, (value: unknown) => boolean>([
  [vmidSchema, (v) => Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 999_999_999],
  [nodeSchema, (v) => typeof v === 'string' && v.length <= 63 && HOST_LABEL.test(v)],
]);

/**
 * Checks a value against one of the schemas above (or any zod schema) and returns it typed.
 *
 * @param name - The argument's name, used in the error (`vmid`, `snapname`).
 * @param schema - The zod schema to check with.
 * @param value - The value the caller passed.
 * @returns The value, typed by the schema.
 * @throws TypeError naming the argument, what it must be, and what was given.
 * @example
 * ```ts
 * const vmid = check('vmid', vmidSchema, 42); // TypeError: vmid must be an integer from 100 to 999999999, got 42
 * ```
 */
export function check<T>(name: string, schema: z.ZodType<T>, value: unknown): T {
  // A guest's node and vmid are checked on every `new VM(…)`: a valid value skips zod's parse.
  if (FAST.get(schema)?.(value) === true) return value as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const rule = RULES.get(schema) ?? result.error.issues.map((i) => i.message).join('; ');
  throw new TypeError(`${name} must be ${rule}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return typeof value;
}
