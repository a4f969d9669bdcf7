/**
 * Zod schemas of the answers about VMs and containers: lists, status, configs, snapshots and
 * console tickets. Loose: unknown fields pass through, numbers sent as strings are coerced, and
 * Proxmox's `0`/`1` flags of status fields are read as booleans.
 *
 * @module
 */
import { z } from 'zod';
import { isUpid } from '../../tasks/upid.js';
import { looseBoolean, looseNumber } from './loose.js';

/**
 * A task's UPID as a worker-starting call answers it.
 *
 * @example
 * ```ts
 * UpidSchema.parse('UPID:pve1:000A1B2C:0123ABCD:65F1A2B3:qmstart:100:root@pam:');
 * ```
 */
export const UpidSchema = z.string().refine(isUpid, { message: 'expected a task UPID' });

/**
 * A UPID, or `null` from a release that completes the call at once (`resize` on 7.4, a
 * container's `template`).
 *
 * @example
 * ```ts
 * UpidOrNullSchema.parse(null); // null
 * ```
 */
export const UpidOrNullSchema = z.union([UpidSchema, z.null()]);

/**
 * One guest of `GET /nodes/{node}/qemu` or `/lxc` (containers send `vmid` as a string: it is
 * coerced). Usage figures are present while the guest runs; 8.4 adds `cpu`, `mem`, `netin`, …,
 * 9.1 the pressure stall figures.
 *
 * @example
 * ```ts
 * GuestSummarySchema.parse({ vmid: '200', status: 'running', name: 'dns01', maxmem: 536870912 }).vmid; // 200
 * ```
 */
export const GuestSummarySchema = z.looseObject({
  vmid: looseNumber,
  /** `running` or `stopped`. */
  status: z.string(),
  name: z.string().optional(),
  /** QEMU's own state of a running VM (`running`, `paused`, `prelaunch`, …). */
  qmpstatus: z.string().optional(),
  /** The config lock (`backup`, `migrate`, `snapshot`, …), if any. */
  lock: z.string().optional(),
  /** Tags, separated by `;`. */
  tags: z.string().optional(),
  template: looseBoolean.optional(),
  /** `lxc` for containers. */
  type: z.string().optional(),
  uptime: looseNumber.optional(),
  pid: looseNumber.optional(),
  cpu: looseNumber.optional(),
  cpus: looseNumber.optional(),
  mem: looseNumber.optional(),
  maxmem: looseNumber.optional(),
  disk: looseNumber.optional(),
  maxdisk: looseNumber.optional(),
  swap: looseNumber.optional(),
  maxswap: looseNumber.optional(),
  netin: looseNumber.optional(),
  netout: looseNumber.optional(),
  diskread: looseNumber.optional(),
  diskwrite: looseNumber.optional(),
});

/**
 * A guest as `VM.list` and `Container.list` return it.
 *
 * @example
 * ```ts
 * const running = (await VM.list(api, 'pve1')).filter((g: GuestSummary) => g.status === 'running');
 * ```
 */
export type GuestSummary = z.infer<typeof GuestSummarySchema>;

/**
 * Fields of a running guest's status that are passed through unchecked, as the loose schema
 * passes any field it does not name. Naming them changes nothing in the result, only how zod
 * copies them: a named field is copied by the parser zod generates for the object, an unnamed
 * one by its generic catchall loop, which took half of the status's parse (`handleCatchall`).
 * They come after the named fields, as the catchall would add them, and in this order among
 * themselves (the catchall kept the order they arrived in: the values are the same, the key
 * order can differ). The 9.x ones (`memhost`, `pressure*`) are in PVE 9.1's schema of the answer.
 */
const PASSED_THROUGH = {
  freemem: z.unknown().optional(),
  balloon: z.unknown().optional(),
  ballooninfo: z.unknown().optional(),
  nics: z.unknown().optional(),
  blockstat: z.unknown().optional(),
  'running-machine': z.unknown().optional(),
  'running-qemu': z.unknown().optional(),
  'proxmox-support': z.unknown().optional(),
  memhost: z.unknown().optional(),
  pressurecpusome: z.unknown().optional(),
  pressurecpufull: z.unknown().optional(),
  pressureiosome: z.unknown().optional(),
  pressureiofull: z.unknown().optional(),
  pressurememorysome: z.unknown().optional(),
  pressurememoryfull: z.unknown().optional(),
};

/**
 * The answer of `GET …/{vmid}/status/current`: the summary fields plus `ha` and, for VMs, `agent`,
 * `spice`, `running-machine`, `running-qemu`.
 *
 * @example
 * ```ts
 * GuestStatusSchema.parse({ status: 'running', qmpstatus: 'paused', ha: { managed: 0 }, agent: 1 }).agent; // true
 * ```
 */
export const GuestStatusSchema = GuestSummarySchema.extend({
  vmid: looseNumber.optional(),
  /** The HA state (`{ managed: 0 }` when the guest is not HA-managed). */
  ha: z.looseObject({ managed: looseNumber.optional(), state: z.string().optional() }).optional(),
  /** The VM's config enables the QEMU guest agent. */
  agent: looseBoolean.optional(),
  /** The VM has a SPICE display. */
  spice: looseBoolean.optional(),
  ...PASSED_THROUGH,
});

/**
 * What `vm.status()` and `container.status()` return.
 *
 * @example
 * ```ts
 * const { status, qmpstatus, uptime } = await vm.status();
 * ```
 */
export type GuestStatus = z.infer<typeof GuestStatusSchema>;

/** A config value of a key the schema does not name: kept as Proxmox sent it (a string or number). */
const configValue = z.preprocess(
  (v) => (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v)),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);

/** `memory`: a number of MiB, sent as a number by 7.4 and as a string by 8+; `current=…` stays a string. */
const memory = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
  z.union([z.number(), z.string()]),
);

/**
 * The answer of `GET …/{vmid}/config`: Proxmox's own keys (`memory`, `net0`, `scsi0`, `rootfs`,
 * …) with their values as Proxmox sends them, numeric keys coerced, plus the `digest` to pass
 * back to `configSet` to refuse a concurrent change.
 *
 * @example
 * ```ts
 * const cfg = GuestConfigSchema.parse({ memory: '2048', cores: 2, net0: 'virtio=…,bridge=vmbr0', digest: 'a1b2…' });
 * cfg.memory; // 2048
 * cfg.net0;   // 'virtio=…,bridge=vmbr0'
 * ```
 */
export const GuestConfigSchema = z
  .object({
    digest: z.string().optional(),
    name: z.string().optional(),
    hostname: z.string().optional(),
    description: z.string().optional(),
    tags: z.string().optional(),
    lock: z.string().optional(),
    /** The snapshot the current state derives from. */
    parent: z.string().optional(),
    memory: memory.optional(),
    swap: looseNumber.optional(),
    balloon: looseNumber.optional(),
    cores: looseNumber.optional(),
    sockets: looseNumber.optional(),
    /** `1` for a template. */
    template: looseNumber.optional(),
    onboot: looseNumber.optional(),
    protection: looseNumber.optional(),
    /** Cloud-init public keys, one per line (Proxmox stores them percent-encoded; read back decoded). */
    sshkeys: z.string().transform(decodeSshKeys).optional(),
  })
  .catchall(configValue);

function decodeSshKeys(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * What `configGet()` returns.
 *
 * @example
 * ```ts
 * const { memory, digest } = await vm.configGet();
 * const disk: unknown = (await vm.configGet())['scsi0'];
 * ```
 */
export type GuestConfig = z.infer<typeof GuestConfigSchema>;

/**
 * One snapshot of `GET …/{vmid}/snapshot`.
 *
 * @example
 * ```ts
 * SnapshotSchema.parse({ name: 'pre-upgrade', snaptime: '1710000000', vmstate: 0 }).vmstate; // false
 * ```
 */
export const SnapshotSchema = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  /** Creation time, epoch seconds. */
  snaptime: looseNumber.optional(),
  /** The snapshot this one was taken on top of. */
  parent: z.string().optional(),
  /** The VM's RAM was saved too. */
  vmstate: looseBoolean.optional(),
});

/**
 * A snapshot as `snapshotList()` returns it.
 *
 * @example
 * ```ts
 * const newest = (await vm.snapshotList()).sort((a: Snapshot, b: Snapshot) => (b.snaptime ?? 0) - (a.snaptime ?? 0))[0];
 * ```
 */
export type Snapshot = z.infer<typeof SnapshotSchema>;

/**
 * The answer of `POST …/{vmid}/vncproxy`: a VNC ticket for the `vncwebsocket` endpoint, valid for
 * a short time; `upid` is the proxy worker waiting for the connection.
 *
 * @example
 * ```ts
 * VncProxySchema.parse({ port: '5900', ticket: 'PVEVNC:…', cert: '…', user: 'root@pam', upid: 'UPID:…' }).port; // 5900
 * ```
 */
export const VncProxySchema = z.looseObject({
  port: looseNumber,
  ticket: z.string(),
  cert: z.string().optional(),
  user: z.string().optional(),
  upid: z.string().optional(),
  /** With `generatePassword` (VM) or on 9.1: the VNC password. */
  password: z.string().optional(),
});

/**
 * What `vncproxy()` returns.
 *
 * @example
 * ```ts
 * const { port, ticket } = await vm.vncproxy({ websocket: true });
 * ```
 */
export type VncProxy = z.infer<typeof VncProxySchema>;

/**
 * The answer of `POST …/{vmid}/spiceproxy`: the fields of a `.vv` file for remote-viewer.
 *
 * @example
 * ```ts
 * SpiceProxySchema.parse({ host: 'pvespiceproxy:…', password: 'x', proxy: 'http://pve1:3128', 'tls-port': '61000', type: 'spice' });
 * ```
 */
export const SpiceProxySchema = z.looseObject({
  host: z.string(),
  password: z.string(),
  proxy: z.string(),
  'tls-port': looseNumber,
  type: z.string(),
});

/**
 * What `spiceproxy()` returns: write it out as `[virt-viewer]` `key=value` lines for remote-viewer.
 *
 * @example
 * ```ts
 * const vv = await vm.spiceproxy();
 * const file = '[virt-viewer]\n' + Object.entries(vv).map(([k, v]) => `${k}=${String(v)}`).join('\n');
 * ```
 */
export type SpiceProxy = z.infer<typeof SpiceProxySchema>;
