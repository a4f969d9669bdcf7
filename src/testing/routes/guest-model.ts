/**
 * Guest config mechanics shared by the guest routes: allocating new disks (`scsi0: local-lvm:32`),
 * freeing volumes, rendering a config for a release, and applying updates with `delete`.
 *
 * @module
 * @internal
 */
import type { SimContext } from '../context.js';
import { serverError } from '../http-error.js';
import type { ConfigValue } from '../seed.js';
import { diskRefs, formatSize, isDiskKey } from '../config-utils.js';
import type { GuestState } from '../state.js';

const FILE_STORAGES = new Set(['dir', 'nfs', 'cifs', 'cephfs', 'glusterfs', 'btrfs']);

/** Turns validated param values into config values (booleans become 0/1). */
export function toConfigValue(v: unknown): ConfigValue {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  return String(v);
}

/** The next free disk number for a guest on a storage. */
function nextDiskIndex(sim: SimContext, vmid: number, storage: string): number {
  const used = new Set<number>();
  const re = new RegExp(`(?:vm|base|subvol)-${vmid}-disk-(\\d+)`);
  for (const v of sim.state.volumes) {
    if (v.storage !== storage) continue;
    const m = re.exec(v.volid);
    if (m) used.add(Number(m[1]));
  }
  let i = 0;
  while (used.has(i)) i++;
  return i;
}

/** A new volume id for a guest disk on a storage. */
export function newVolid(sim: SimContext, type: 'qemu' | 'lxc', vmid: number, storage: string, format?: string): string {
  const cfg = sim.state.storages.get(storage);
  if (!cfg) throw serverError(`storage '${storage}' does not exist`);
  const n = nextDiskIndex(sim, vmid, storage);
  if (FILE_STORAGES.has(String(cfg.type))) {
    const ext = type === 'lxc' ? 'raw' : (format ?? 'qcow2');
    return `${storage}:${vmid}/vm-${vmid}-disk-${n}.${ext}`;
  }
  return `${storage}:vm-${vmid}-disk-${n}`;
}

/** Checks that a storage exists, is on the node, and takes guest disks. */
export function checkDiskStorage(sim: SimContext, storage: string, node: string, type: 'qemu' | 'lxc'): void {
  const cfg = sim.state.storages.get(storage);
  if (!cfg) throw serverError(`storage '${storage}' does not exist`);
  if (!sim.state.storageOnNode(storage, node)) throw serverError(`storage '${storage}' is not available on node '${node}'`);
  const content = String(cfg.content ?? '').split(',');
  const need = type === 'qemu' ? 'images' : 'rootdir';
  if (!content.includes(need)) {
    throw serverError(`storage '${storage}' does not support ${type === 'qemu' ? 'vm images' : 'container directories'}`);
  }
}

/**
 * Allocates the new disks of a config change (`scsi1: local-lvm:10` → a 10 GiB volume), as PVE
 * does on create and update; returns the change with volume ids in place.
 */
export function allocateDisks(
  sim: SimContext,
  g: Pick<GuestState, 'type' | 'vmid' | 'node'>,
  changes: Record<string, ConfigValue>,
): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = { ...changes };
  for (const [key, value] of Object.entries(changes)) {
    if (!isDiskKey(g.type, key) || typeof value !== 'string') continue;
    const m = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(\d+(?:\.\d+)?)((?:,.*)?)$/i.exec(value);
    if (!m) continue;
    const [, storage = '', sizeGiB = '0', rest = ''] = m;
    checkDiskStorage(sim, storage, g.node, g.type);
    const formatOpt = /(?:^|,)format=(\w+)/.exec(rest)?.[1];
    const volid = newVolid(sim, g.type, g.vmid, storage, formatOpt);
    const bytes = Math.round(Number(sizeGiB) * 1024 ** 3);
    const opts = rest.split(',').filter((o) => o && !o.startsWith('size=') && !o.startsWith('format='));
    out[key] = [volid, ...opts, `size=${formatSize(bytes)}`].join(',');
    const ctime = sim.clock.seconds();
    const [ref] = diskRefs(g.type, g.vmid, { [key]: out[key] });
    if (ref) sim.state.volumes.push(sim.state.diskVolume(ref, g.vmid, g.type, g.node, ctime));
  }
  return out;
}

/** Removes the volumes a guest owns (on destroy). */
export function freeVolumes(sim: SimContext, g: GuestState): void {
  const owned = new Set<string>();
  for (const d of diskRefs(g.type, g.vmid, g.config)) if (d.owned) owned.add(d.volid);
  for (const snap of g.snapshots) for (const d of diskRefs(g.type, g.vmid, snap.config)) if (d.owned) owned.add(d.volid);
  sim.state.volumes = sim.state.volumes.filter((v) => !(owned.has(v.volid) && (v.node === undefined || v.node === g.node)));
}

/** The config as `GET …/config` answers for the release (7.4 sends `memory` as a number). */
export function renderConfig(sim: SimContext, g: Pick<GuestState, 'type'>, config: Record<string, ConfigValue>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  if (g.type === 'qemu' && sim.release === '7.4' && typeof out.memory === 'string' && /^\d+$/.test(out.memory)) {
    out.memory = Number(out.memory);
  }
  if (g.type === 'qemu' && sim.release !== '7.4' && typeof out.memory === 'number') out.memory = String(out.memory);
  return out;
}

/** The first free `unusedN` key of a config. */
export function nextUnused(config: Record<string, ConfigValue>): string {
  let i = 0;
  while (config[`unused${i}`] !== undefined) i++;
  return `unused${i}`;
}

/**
 * Applies a config update: set values (new disks allocated), then `delete` keys (a deleted
 * disk becomes `unusedN`, as PVE keeps its volume).
 */
export function applyConfig(sim: SimContext, g: GuestState, values: Record<string, ConfigValue>, del: string[]): void {
  const changes = allocateDisks(sim, g, values);
  for (const [k, v] of Object.entries(changes)) g.config[k] = v;
  for (const key of del) {
    const value = g.config[key];
    if (value === undefined) continue;
    delete g.config[key];
    if (isDiskKey(g.type, key) && !key.startsWith('unused') && typeof value === 'string') {
      const ref = diskRefs(g.type, g.vmid, { [key]: value })[0];
      if (ref?.owned) g.config[nextUnused(g.config)] = ref.volid;
    } else if (key.startsWith('unused') && typeof value === 'string') {
      const volid = value.split(',')[0];
      sim.state.volumes = sim.state.volumes.filter((v) => v.volid !== volid);
    }
  }
}

/** A random-looking but deterministic MAC address in Proxmox's BC:24:11 range. */
export function newMac(vmid: number, index: number): string {
  const h = (n: number) => (n & 0xff).toString(16).toUpperCase().padStart(2, '0');
  return `BC:24:11:${h(vmid >> 8)}:${h(vmid)}:${h(index * 17 + 1)}`;
}
