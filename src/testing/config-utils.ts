/**
 * Reading guest configs as PVE writes them: disk sizes (`32G`), which keys are disks, the volume
 * behind a disk entry, the config digest, a VM's memory.
 *
 * @module
 * @internal
 */
import { createHash } from 'node:crypto';
import type { ConfigValue } from './seed.js';

const UNITS: Readonly<Record<string, number>> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Parses a PVE size (`32G`, `4M`, `512`) to bytes. */
export function parseSize(size: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT])?$/.exec(size);
  if (!m) return 0;
  return Math.round(Number(m[1]) * (m[2] ? (UNITS[m[2]] ?? 1) : 1));
}

/** Formats bytes as PVE writes a disk size in a config (`32G`, `1536M`). */
export function formatSize(bytes: number): string {
  for (const u of ['T', 'G', 'M', 'K'] as const) {
    const f = UNITS[u] ?? 1;
    if (bytes >= f && bytes % f === 0) return `${bytes / f}${u}`;
  }
  return String(bytes);
}

/** The config keys that are disks of a VM or volumes of a container. */
export function isDiskKey(type: 'qemu' | 'lxc', key: string): boolean {
  return type === 'qemu'
    ? /^(ide|sata|scsi|virtio)\d+$|^efidisk0$|^tpmstate0$|^unused\d+$/.test(key)
    : /^rootfs$|^mp\d+$|^unused\d+$/.test(key);
}

/** A disk entry of a guest config, split into its volume id and options. */
export interface DiskRef {
  /** The config key (`scsi0`, `rootfs`). */
  key: string;
  /** The volume id (`local-lvm:vm-100-disk-0`). */
  volid: string;
  /** The storage id. */
  storage: string;
  /** The size in bytes (from `size=`). */
  size: number;
  /** The other options, in order. */
  opts: string[];
  /** Whether the volume belongs to the guest (not an ISO or a `none` drive). */
  owned: boolean;
}

/** The disks of a guest config that refer to a storage volume. */
export function diskRefs(type: 'qemu' | 'lxc', vmid: number, config: Record<string, ConfigValue>): DiskRef[] {
  const out: DiskRef[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (!isDiskKey(type, key) || typeof value !== 'string') continue;
    const [volid = '', ...opts] = value.split(',');
    const colon = volid.indexOf(':');
    if (colon <= 0) continue;
    const storage = volid.slice(0, colon);
    const volname = volid.slice(colon + 1);
    const sizeOpt = opts.find((o) => o.startsWith('size='));
    const owned = new RegExp(`^(?:${vmid}/)?(?:vm|base|subvol)-${vmid}-`).test(volname) && !opts.includes('media=cdrom');
    out.push({ key, volid, storage, size: sizeOpt ? parseSize(sizeOpt.slice(5)) : 0, opts, owned });
  }
  return out;
}

/** PVE's digest of a config: a SHA-1 over its contents. */
export function configDigest(config: Record<string, ConfigValue>): string {
  const text = Object.keys(config).sort().map((k) => `${k}: ${config[k]}`).join('\n');
  return createHash('sha1').update(text).digest('hex');
}

/** The VM memory in MiB from its `memory` key (`2048` or `current=2048`). */
export function memoryMiB(config: Record<string, ConfigValue>, fallback = 512): number {
  const v = config.memory;
  if (v === undefined) return fallback;
  const m = /(?:^|current=)(\d+)/.exec(String(v));
  return m ? Number(m[1]) : fallback;
}
