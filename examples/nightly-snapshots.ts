/**
 * Nightly snapshot rotation: take a dated snapshot of every guest (or the ones named), then keep
 * only the newest N snapshots this script made (those named `<prefix>-…`); others are left alone.
 *
 *   PROXMOX_HOST=pve1 PROXMOX_TOKEN_ID='root@pam!ci' PROXMOX_TOKEN_SECRET=… \
 *     npx tsx examples/nightly-snapshots.ts --keep 7 [--prefix nightly] [--concurrency 2] [vmid …]
 *
 * Guests are found with `cluster.resources({ type: 'vm' })` (templates skipped), each handled by
 * a `VM` or `Container`; a guest's snapshot, list and deletes run one after the other (they lock
 * it), up to `concurrency` guests at once. A guest that fails does not stop the others.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Cluster, Container, ProxmoxAPI, VM, type WaitOptions } from '../src/index.js';
import pLimit from 'p-limit';

/** What to rotate. */
export interface NightlyOptions {
  /** How many of this script's snapshots to keep per guest, newest first (at least 1). */
  keep: number;
  /** The name prefix of this script's snapshots (default `nightly`). */
  prefix?: string;
  /** Only these guests (default: every guest that is not a template). */
  vmids?: readonly number[];
  /** Guests handled at once (default 2). */
  concurrency?: number;
  /** The time the snapshot is named after (default: now). */
  now?: Date;
  /** How to wait for each task. */
  wait?: WaitOptions;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What happened to one guest. */
export interface NightlyOutcome {
  /** `qemu/100@pve1`. */
  guest: string;
  /** The snapshot taken, if it was. */
  created?: string;
  /** The old snapshots removed. */
  deleted: string[];
  /** Why the guest failed, if it did. */
  error?: string;
}

/** `nightly-20240131-0200` (UTC): sorts by time, and fits Proxmox's snapshot names. */
export function snapshotName(prefix: string, now: Date): string {
  const iso = now.toISOString(); // 2024-01-31T02:00:00.000Z
  return `${prefix}-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 16).replace(':', '')}`;
}

/**
 * Takes today's snapshot of each guest and deletes this script's snapshots beyond the newest `keep`.
 *
 * @param api - The session.
 * @param opts - How many to keep, which guests, concurrency.
 * @returns One outcome per guest.
 */
export async function main(api: ProxmoxAPI, opts: NightlyOptions): Promise<NightlyOutcome[]> {
  const { keep, prefix = 'nightly', concurrency = 2, now = new Date(), wait = {}, log = () => {} } = opts;
  if (!Number.isInteger(keep) || keep < 1) throw new TypeError(`keep must be an integer ≥ 1, got ${keep}`);
  if (!/^[a-zA-Z][a-zA-Z0-9_-]{0,25}$/.test(prefix)) throw new TypeError(`prefix must be a letter then up to 25 letters, digits, "_" or "-", got ${JSON.stringify(prefix)}`);
  const name = snapshotName(prefix, now);

  const resources = await new Cluster(api).resources({ type: 'vm' });
  const guests = resources.filter(
    (r) => (r.type === 'qemu' || r.type === 'lxc') && !r.template && r.node !== undefined && r.vmid !== undefined &&
      (opts.vmids === undefined || opts.vmids.includes(r.vmid)),
  );
  log(`${guests.length} guest(s); snapshot ${name}; keeping ${keep}`);

  return pLimit(concurrency).map(guests, async (r): Promise<NightlyOutcome> => {
    const node = r.node ?? '';
    const vmid = r.vmid ?? 0;
    const guest = r.type === 'qemu' ? new VM(api, node, vmid) : new Container(api, node, vmid);
    const outcome: NightlyOutcome = { guest: `${r.type}/${vmid}@${node}`, deleted: [] };
    try {
      await (await guest.snapshotCreate(name, { description: `${prefix} snapshot of ${now.toISOString()}` })).wait(wait);
      outcome.created = name;
      const ours = (await guest.snapshotList())
        .filter((s) => s.name.startsWith(`${prefix}-`))
        .sort((a, b) => (b.snaptime ?? 0) - (a.snaptime ?? 0) || b.name.localeCompare(a.name));
      for (const old of ours.slice(keep)) {
        await (await guest.snapshotDelete(old.name)).wait(wait);
        outcome.deleted.push(old.name);
      }
      log(`${outcome.guest}: took ${name}${outcome.deleted.length ? `, removed ${outcome.deleted.join(', ')}` : ''}`);
    } catch (err) {
      outcome.error = err instanceof Error ? err.message : String(err);
      log(`${outcome.guest}: FAILED: ${outcome.error}`);
    }
    return outcome;
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({
    options: { keep: { type: 'string', default: '7' }, prefix: { type: 'string', default: 'nightly' }, concurrency: { type: 'string', default: '2' } },
    allowPositionals: true,
  });
  const api = ProxmoxAPI.fromEnv();
  main(api, {
    keep: Number(values.keep),
    prefix: values.prefix,
    concurrency: Number(values.concurrency),
    ...(positionals.length ? { vmids: positionals.map(Number) } : {}),
    log: (line) => console.log(line),
  })
    .then((outcomes) => {
      process.exitCode = outcomes.some((o) => o.error !== undefined) ? 1 : 0;
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 2;
    })
    .finally(() => api.close());
}
