/**
 * Storage: the cluster's storage definitions (`/storage` CRUD) and a node's view of them
 * (`/nodes/{node}/storage`: list, status, content, one volume, deleting a volume as a worker).
 *
 * @module
 * @internal
 */
import { createHash } from 'node:crypto';
import { HttpError, serverError } from '../http-error.js';
import { p, type ParamShape } from '../params.js';
import type { Release, Route, RouteContext } from '../router.js';
import type { ConfigValue } from '../seed.js';
import { diskRefs } from '../config-utils.js';
import type { VolumeState } from '../state.js';
import { bool, nodeParam, num, reqStr, str } from './common.js';
import { toConfigValue } from './guest-model.js';
import { storageConfig, storageStatus } from './storage-model.js';

const TYPES_91 = ['btrfs', 'cephfs', 'cifs', 'dir', 'esxi', 'iscsi', 'iscsidirect', 'lvm', 'lvmthin', 'nfs', 'pbs', 'rbd', 'zfs', 'zfspool'];
const types = (r: Release) => (r === '7.4' ? TYPES_91.filter((t) => t !== 'esxi') : TYPES_91);

/** The options of a storage definition that create and update take (a hand-picked, typed subset). */
function storageOptions(release: Release): Record<string, ParamShape[string]> {
  const s = () => p.string().opt;
  const b = () => p.bool().opt;
  const shape: Record<string, ParamShape[string]> = {
    authsupported: s(), base: p.volumeId().opt, blocksize: s(), bwlimit: s(), comstar_hg: s(), comstar_tg: s(),
    content: s(), 'content-dirs': s(), 'data-pool': s(), datastore: s(), disable: b(), domain: p.string({ maxLength: 256 }).opt,
    'encryption-key': s(), export: s(), fingerprint: p.string({ pattern: /([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}/ }).opt,
    format: p.enum(['raw', 'qcow2', 'subvol', 'vmdk']).opt, 'fs-name': p.configid().opt, fuse: b(), is_mountpoint: s(),
    iscsiprovider: s(), keyring: s(), krbd: b(), lio_tpg: s(), 'master-pubkey': s(), 'max-protected-backups': p.int(-1).opt,
    mkdir: b(), monhost: s(), mountpoint: s(), namespace: s(), nocow: b(), nodes: s(), nowritecache: b(), options: s(),
    password: p.string({ maxLength: 256 }).opt, path: s(), pool: s(), port: p.int(1, 65535).opt, portal: s(),
    preallocation: p.enum(['off', 'metadata', 'falloc', 'full']).opt, 'prune-backups': s(), saferemove: b(),
    saferemove_throughput: s(), server: s(), share: s(), shared: b(), smbversion: p.enum(['default', '2.0', '2.1', '3', '3.0', '3.11']).opt,
    sparse: b(), subdir: s(), tagged_only: b(), target: s(), thinpool: s(), username: s(), vgname: s(),
  };
  if (release !== '9.1') Object.assign(shape, { maxfiles: p.int(0).opt, server2: s(), transport: p.enum(['tcp', 'rdma', 'unix']).opt });
  if (release !== '7.4') Object.assign(shape, { 'create-base-path': b(), 'create-subdirs': b(), 'skip-cert-verification': b() });
  if (release !== '9.1') shape.volume = s();
  if (release === '9.1') {
    Object.assign(shape, { 'saferemove-stepsize': p.enum(['1', '2', '4', '8', '16', '32']).opt, 'snapshot-as-volume-chain': b(), 'zfs-base-path': s() });
  }
  return shape;
}

/** Options fixed at creation, which an update does not take. */
const CREATE_ONLY = ['authsupported', 'base', 'datastore', 'export', 'iscsiprovider', 'path', 'portal', 'share', 'target', 'thinpool', 'vgname', 'volume'];

function updateOptions(release: Release): Record<string, ParamShape[string]> {
  const shape = storageOptions(release);
  for (const k of CREATE_ONLY) delete shape[k];
  return shape;
}

const CONTROL = new Set(['storage', 'type', 'delete', 'digest']);

function configFrom(ctx: RouteContext): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(ctx.params)) if (!CONTROL.has(k) && v !== undefined) out[k] = toConfigValue(v);
  return out;
}

function getStorage(ctx: RouteContext): Record<string, ConfigValue> {
  const id = reqStr(ctx, 'storage');
  const cfg = ctx.sim.state.storages.get(id);
  if (!cfg) throw serverError(`storage '${id}' does not exist`);
  return cfg;
}

function nodeStorage(ctx: RouteContext): string {
  const node = reqStr(ctx, 'node');
  const id = reqStr(ctx, 'storage');
  if (!ctx.sim.state.storages.has(id)) throw serverError(`storage '${id}' does not exist`);
  if (!ctx.sim.state.storageOnNode(id, node)) throw serverError(`storage '${id}' is not available on node '${node}'`);
  return id;
}

function volumeEntry(v: VolumeState): Record<string, unknown> {
  const e: Record<string, unknown> = { volid: v.volid, content: v.content, format: v.format, size: v.size, ctime: v.ctime ?? 0 };
  if (v.vmid !== undefined) e.vmid = v.vmid;
  if (v.content === 'images' || v.content === 'rootdir') e.used = Math.floor(v.size * 0.4);
  if (v.notes !== undefined) e.notes = v.notes;
  if (v.protected !== undefined) e.protected = v.protected;
  const m = /^[^:]+:(base-\d+-disk-\d+)\//.exec(v.volid);
  if (m) e.parent = m[1];
  if (v.content === 'backup') e.subtype = v.volid.includes('-lxc-') ? 'lxc' : 'qemu';
  return e;
}

function findVolume(ctx: RouteContext): VolumeState {
  const node = reqStr(ctx, 'node');
  const storage = str(ctx, 'storage');
  let volume = reqStr(ctx, 'volume');
  if (!volume.includes(':')) {
    if (storage === undefined) throw serverError(`unable to parse volume ID '${volume}'`);
    volume = `${storage}:${volume}`;
  }
  const v = ctx.sim.state.volumes.find((x) => x.volid === volume && (x.node === undefined || x.node === node));
  if (!v) throw serverError(`volume '${volume}' does not exist`);
  return v;
}

const volumeParams = { ...nodeParam, storage: p.storage().opt, volume: p.string().req };

/** The routes of this module. */
export const storageRoutes: Route[] = [
  {
    method: 'GET', path: '/storage', params: (r) => ({ type: p.enum(types(r)).opt }),
    handler: (ctx) => {
      const type = str(ctx, 'type');
      return [...ctx.sim.state.storages.values()].filter((c) => type === undefined || c.type === type).map(storageConfig);
    },
  },
  {
    method: 'POST', path: '/storage',
    params: (r) => ({ ...storageOptions(r), storage: p.storage().req, type: p.enum(types(r)).req }),
    handler: (ctx) => {
      const id = reqStr(ctx, 'storage');
      const type = reqStr(ctx, 'type');
      if (ctx.sim.state.storages.has(id)) throw serverError(`create storage failed: storage ID '${id}' already defined`);
      const cfg = configFrom(ctx);
      if ((type === 'dir' || type === 'btrfs') && cfg.path === undefined) {
        throw new HttpError(400, 'Parameter verification failed.', { path: 'property is missing and it is not optional' });
      }
      if ((type === 'nfs' || type === 'cifs') && (cfg.server === undefined || (type === 'nfs' ? cfg.export : cfg.share) === undefined)) {
        throw new HttpError(400, 'Parameter verification failed.', type === 'nfs' ? { export: 'property is missing and it is not optional' } : { share: 'property is missing and it is not optional' });
      }
      if (type === 'nfs' || type === 'cifs' || type === 'cephfs' || type === 'pbs') cfg.shared = 1;
      if (cfg.path === undefined && (type === 'nfs' || type === 'cifs')) cfg.path = `/mnt/pve/${id}`;
      const defaults: Record<string, string> = { dir: 'iso,vztmpl,backup', nfs: 'images', cifs: 'images', lvmthin: 'images,rootdir', lvm: 'images', zfspool: 'images,rootdir', pbs: 'backup', rbd: 'images' };
      cfg.content ??= defaults[type] ?? 'images';
      ctx.sim.state.storages.set(id, { storage: id, type, ...cfg, total: 500 * 1024 ** 3, used: 0 });
      return { storage: id, type };
    },
  },
  { method: 'GET', path: '/storage/{storage}', params: { storage: p.storage().req }, handler: (ctx) => storageConfig(getStorage(ctx)) },
  {
    method: 'PUT', path: '/storage/{storage}',
    params: (r) => ({ ...updateOptions(r), storage: p.storage().req, delete: p.string({ maxLength: 4096 }).opt, digest: p.string({ maxLength: 64 }).opt }),
    handler: (ctx) => {
      const cfg = getStorage(ctx);
      Object.assign(cfg, configFrom(ctx));
      for (const k of (str(ctx, 'delete') ?? '').split(/[,; ]/).filter(Boolean)) delete cfg[k];
      return { storage: String(cfg.storage), type: String(cfg.type) };
    },
  },
  {
    method: 'DELETE', path: '/storage/{storage}', params: { storage: p.storage().req },
    handler: (ctx) => {
      const id = String(getStorage(ctx).storage);
      ctx.sim.state.storages.delete(id);
      for (const pool of ctx.sim.state.pools.values()) pool.members = pool.members.filter((m) => m !== `storage/${id}`);
      return null;
    },
  },
  {
    method: 'GET', path: '/nodes/{node}/storage',
    params: { ...nodeParam, content: p.string().opt, enabled: p.bool().opt, format: p.bool().opt, storage: p.storage().opt, target: p.node().opt },
    handler: (ctx) => {
      const node = reqStr(ctx, 'node');
      const content = str(ctx, 'content')?.split(',').filter(Boolean);
      const only = str(ctx, 'storage');
      const out: unknown[] = [];
      for (const [id, cfg] of ctx.sim.state.storages) {
        if (only !== undefined && id !== only) continue;
        const st = storageStatus(ctx.sim, id, node);
        if (!st) continue;
        if (bool(ctx, 'enabled') && st.enabled !== 1) continue;
        if (content && !content.some((c) => String(cfg.content ?? '').split(',').includes(c))) continue;
        const total = Number(st.total);
        const e: Record<string, unknown> = { storage: id, ...st, used_fraction: total ? Number(st.used) / total : 0 };
        if (bool(ctx, 'format')) e.format = [{ raw: 1, qcow2: 1, vmdk: 1, subvol: 1 }, cfg.type === 'dir' || cfg.type === 'nfs' ? 'qcow2' : 'raw'];
        out.push(e);
      }
      return out;
    },
  },
  {
    method: 'GET', path: '/nodes/{node}/storage/{storage}', params: { ...nodeParam, storage: p.storage().req },
    handler: (ctx) => {
      nodeStorage(ctx);
      return ['content', 'download-url', 'file-restore', 'import-metadata', 'prunebackups', 'rrd', 'rrddata', 'status', 'upload'].map((subdir) => ({ subdir }));
    },
  },
  {
    method: 'GET', path: '/nodes/{node}/storage/{storage}/status', params: { ...nodeParam, storage: p.storage().req },
    handler: (ctx) => storageStatus(ctx.sim, nodeStorage(ctx), reqStr(ctx, 'node')),
  },
  {
    method: 'GET', path: '/nodes/{node}/storage/{storage}/content',
    params: { ...nodeParam, storage: p.storage().req, content: p.enum(['images', 'rootdir', 'vztmpl', 'iso', 'backup', 'snippets', 'import']).opt, vmid: p.vmid().opt },
    handler: (ctx) => {
      const id = nodeStorage(ctx);
      const content = str(ctx, 'content');
      const vmid = num(ctx, 'vmid');
      return ctx.sim.state.volumesOn(id, reqStr(ctx, 'node'))
        .filter((v) => (content === undefined || v.content === content) && (vmid === undefined || v.vmid === vmid))
        .sort((a, b) => a.volid.localeCompare(b.volid))
        .map(volumeEntry);
    },
  },
  {
    method: 'GET', path: '/nodes/{node}/storage/{storage}/content/{volume}', params: volumeParams, greedy: true,
    handler: (ctx) => {
      const v = findVolume(ctx);
      const cfg = ctx.sim.state.storages.get(v.storage);
      const rel = v.volid.split(':')[1] ?? '';
      const base = String(cfg?.path ?? `/dev/${String(cfg?.vgname ?? 'pve')}`);
      const out: Record<string, unknown> = { path: `${base}/${cfg?.type === 'dir' || cfg?.type === 'nfs' ? (v.content === 'images' ? `images/${rel}` : rel.replace('iso/', 'template/iso/').replace('vztmpl/', 'template/cache/').replace('backup/', 'dump/')) : rel}`, size: v.size, used: v.content === 'images' ? Math.floor(v.size * 0.4) : v.size, format: v.format };
      if (v.notes !== undefined) out.notes = v.notes;
      if (v.protected !== undefined) out.protected = v.protected;
      return out;
    },
  },
  {
    method: 'PUT', path: '/nodes/{node}/storage/{storage}/content/{volume}',
    params: { ...volumeParams, notes: p.string().opt, protected: p.bool().opt }, greedy: true,
    handler: (ctx) => {
      const v = findVolume(ctx);
      const notes = str(ctx, 'notes');
      if (notes !== undefined) v.notes = notes;
      if (typeof ctx.params.protected === 'boolean') v.protected = ctx.params.protected ? 1 : 0;
      return null;
    },
  },
  {
    method: 'DELETE', path: '/nodes/{node}/storage/{storage}/content/{volume}',
    params: { ...volumeParams, delay: p.int(1, 30).opt }, greedy: true,
    handler: (ctx) => {
      const v = findVolume(ctx);
      if (v.protected) throw serverError(`unable to remove protected backup '${v.volid}'`);
      for (const g of ctx.sim.state.guests.values()) {
        if (diskRefs(g.type, g.vmid, g.config).some((d) => d.volid === v.volid && !d.key.startsWith('unused'))) {
          throw serverError(`unable to delete '${v.volid}' - volume is still in use (referenced by ${g.type === 'qemu' ? 'VM' : 'CT'} ${g.vmid})`);
        }
      }
      const node = reqStr(ctx, 'node');
      return ctx.sim.tasks.start({
        node, type: 'imgdel', id: v.volid.replace(/:/g, '\\x3a'), user: ctx.user,
        lines: v.content === 'backup' ? [`Removed volume '${v.volid}'`] : [],
        effect: () => {
          ctx.sim.state.volumes = ctx.sim.state.volumes.filter((x) => x !== v);
          for (const g of ctx.sim.state.guests.values()) {
            for (const [k, val] of Object.entries(g.config)) if (k.startsWith('unused') && String(val).split(',')[0] === v.volid) delete g.config[k];
          }
        },
      }).upid;
    },
  },
];

/** A digest of a list, for `digest` fields. */
export function listDigest(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex');
}
