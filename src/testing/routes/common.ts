/**
 * Helpers shared by the route modules: the common parameters, guest kinds, and the shapes of
 * guest summaries as PVE reports them.
 *
 * @module
 * @internal
 */
import { HttpError } from '../http-error.js';
import { p } from '../params.js';
import type { RouteContext } from '../router.js';
import { diskRefs, memoryMiB } from '../config-utils.js';
import type { GuestState } from '../state.js';

/** `node` as a required parameter. */
export const nodeParam = { node: p.node().req };
/** `node` and `vmid`, required. */
export const guestParams = { node: p.node().req, vmid: p.vmid().req };

/** A guest kind: the path segment and the words PVE uses for it. */
export interface Kind {
  /** `qemu` or `lxc`. */
  readonly type: 'qemu' | 'lxc';
  /** `VM` or `CT`. */
  readonly word: 'VM' | 'CT';
  /** The task type prefix: `qm` or `vz`. */
  readonly prefix: 'qm' | 'vz';
}

/** Both kinds, for routes written once for VMs and containers. */
export const KINDS: readonly Kind[] = [
  { type: 'qemu', word: 'VM', prefix: 'qm' },
  { type: 'lxc', word: 'CT', prefix: 'vz' },
];

/** A typed getter over validated params. */
export function str(ctx: RouteContext, name: string): string | undefined {
  const v = ctx.params[name];
  return typeof v === 'string' ? v : v === undefined ? undefined : String(v);
}

/** A required string param. */
export function reqStr(ctx: RouteContext, name: string): string {
  const v = str(ctx, name);
  if (v === undefined) throw new HttpError(400, 'Parameter verification failed.', { [name]: 'property is missing and it is not optional' });
  return v;
}

/** An integer/number param. */
export function num(ctx: RouteContext, name: string): number | undefined {
  const v = ctx.params[name];
  return typeof v === 'number' ? v : undefined;
}

/** A boolean param (false when absent unless `dflt`). */
export function bool(ctx: RouteContext, name: string, dflt = false): boolean {
  const v = ctx.params[name];
  return typeof v === 'boolean' ? v : dflt;
}

/** The guest addressed by `{node}` and `{vmid}` of this route, or PVE's "does not exist". */
export function routeGuest(ctx: RouteContext, kind: Kind): GuestState {
  return ctx.sim.state.guestOn(reqStr(ctx, 'node'), kind.type, num(ctx, 'vmid') ?? 0);
}

/** Deterministic small pseudo-random number in [0, 1) from a seed. */
export function jitter(seed: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return x - Math.floor(x);
}

/** The summary fields of a guest as `/nodes/{node}/qemu`, `status/current` and `/cluster/resources` show them. */
export function guestSummary(ctx: RouteContext, g: GuestState): Record<string, unknown> {
  const now = ctx.sim.clock.now();
  const running = g.status === 'running';
  const uptime = running && g.startedAt !== undefined ? Math.max(0, Math.floor((now - g.startedAt) / 1000)) : 0;
  const maxmem = (g.type === 'qemu' ? memoryMiB(g.config) : Number(g.config.memory ?? 512)) * 1024 * 1024;
  const cores = Number(g.config.cores ?? (g.type === 'qemu' ? 1 : 0)) * Number(g.config.sockets ?? 1);
  const boot = diskRefs(g.type, g.vmid, g.config).find((d) => !d.key.startsWith('unused') && !d.opts.includes('media=cdrom'));
  const j = jitter(g.vmid + Math.floor(now / 10_000));
  const out: Record<string, unknown> = {
    vmid: g.vmid,
    name: String(g.type === 'qemu' ? (g.config.name ?? `VM ${g.vmid}`) : (g.config.hostname ?? `CT${g.vmid}`)),
    status: g.status,
    cpus: cores || (g.type === 'lxc' ? ctx.sim.state.nodes.get(g.node)?.maxcpu ?? 1 : 1),
    maxmem,
    mem: running ? Math.floor(maxmem * (0.3 + 0.2 * j)) : 0,
    maxdisk: boot?.size ?? 0,
    disk: g.type === 'lxc' && running ? Math.floor((boot?.size ?? 0) * 0.25) : 0,
    cpu: running ? Math.round((0.01 + 0.05 * j) * 1e4) / 1e4 : 0,
    uptime,
    netin: running ? uptime * 1834 : 0,
    netout: running ? uptime * 912 : 0,
    diskread: running ? uptime * 40960 : 0,
    diskwrite: running ? uptime * 20480 : 0,
  };
  if (g.type === 'qemu') {
    out.qmpstatus = running ? g.qmpstatus : 'stopped';
    if (running) out.pid = 10_000 + g.vmid;
  } else {
    out.type = 'lxc';
    out.maxswap = Number(g.config.swap ?? 512) * 1024 * 1024;
    out.swap = 0;
  }
  if (g.config.template !== undefined && Number(g.config.template) === 1) out.template = 1;
  if (g.config.tags !== undefined) out.tags = String(g.config.tags);
  if (g.config.lock !== undefined) out.lock = String(g.config.lock);
  return out;
}

/** The pool a guest or storage is a member of. */
export function poolOf(ctx: RouteContext, member: string): string | undefined {
  for (const [id, pool] of ctx.sim.state.pools) if (pool.members.includes(member)) return id;
  return undefined;
}
