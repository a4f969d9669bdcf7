/**
 * `/nodes/{node}` itself: its index, its status, and its services (list, state, and the
 * start/stop/restart/reload workers).
 *
 * @module
 * @internal
 */
import { serverError } from '../http-error.js';
import { p } from '../params.js';
import type { Release, Route, RouteContext } from '../router.js';
import { jitter, nodeParam, reqStr } from './common.js';
import { VERSIONS } from './cluster.js';

const SERVICES_74 = [
  'chrony', 'corosync', 'cron', 'ksmtuned', 'postfix', 'pve-cluster', 'pve-firewall', 'pve-ha-crm', 'pve-ha-lrm',
  'pvedaemon', 'pvefw-logger', 'pveproxy', 'pvescheduler', 'pvestatd', 'spiceproxy', 'sshd', 'syslog',
  'systemd-journald', 'systemd-timesyncd',
];
const SERVICES_NEW = [
  ...SERVICES_74, 'lxcfs', 'proxmox-firewall', 'pve-lxc-syscalld', 'qmeventd',
].sort();

/** The service enum of the release's schema: 7.4 and 8.4 have the same 19, 9.1 four more. */
function serviceNames(release: Release): string[] {
  return release === '9.1' ? SERVICES_NEW : SERVICES_74;
}

function serviceEntry(ctx: RouteContext, name: string): Record<string, unknown> {
  const svc = ctx.sim.state.nodes.get(reqStr(ctx, 'node'))?.services.get(name);
  if (!svc) throw serverError(`unknown service '${name}'`);
  return { service: name, name, desc: svc.desc, state: svc.state, 'active-state': svc['active-state'], 'unit-state': svc['unit-state'] };
}

function nodeStatus(ctx: RouteContext): Record<string, unknown> {
  const name = reqStr(ctx, 'node');
  const n = ctx.sim.state.nodes.get(name);
  if (!n) throw serverError(`no such node '${name}'`);
  const now = ctx.sim.clock.now();
  const j = jitter(n.maxcpu + Math.floor(now / 10_000));
  const used = n.mem ?? Math.floor(n.maxmem / 4);
  const rootfs = n.rootfs ?? 100e9;
  const v = VERSIONS[ctx.sim.release];
  const kernel = ctx.sim.release === '7.4' ? '5.15.158-2-pve' : ctx.sim.release === '8.4' ? '6.8.12-9-pve' : '6.14.11-4-pve';
  return {
    uptime: Math.floor((now - n.bootedAt) / 1000),
    cpu: Math.round(((n.cpu ?? 0.05) * (0.8 + 0.4 * j)) * 1e4) / 1e4,
    wait: 0.0012,
    idle: 0,
    loadavg: [(n.maxcpu * 0.06 * (0.8 + 0.4 * j)).toFixed(2), (n.maxcpu * 0.05).toFixed(2), (n.maxcpu * 0.04).toFixed(2)],
    cpuinfo: {
      model: n.cpuModel ?? 'QEMU Virtual CPU', cpus: n.maxcpu, cores: Math.max(1, n.maxcpu / 2), sockets: 1,
      mhz: '3000.000', hvm: '1', user_hz: 100, flags: 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov',
    },
    memory: { total: n.maxmem, used, free: n.maxmem - used, available: n.maxmem - used },
    swap: { total: 8589934592, used: 0, free: 8589934592 },
    rootfs: { total: rootfs, used: Math.floor(rootfs * 0.18), free: Math.floor(rootfs * 0.82), avail: Math.floor(rootfs * 0.77) },
    ksm: { shared: 0 },
    kversion: `Linux ${kernel} #1 SMP PREEMPT_DYNAMIC PMX ${kernel} (2025-01-01T00:00Z)`,
    'current-kernel': { sysname: 'Linux', release: kernel, version: `#1 SMP PREEMPT_DYNAMIC PMX ${kernel}`, machine: 'x86_64' },
    'boot-info': { mode: 'efi', secureboot: 0 },
    pveversion: `pve-manager/${v.version}/${v.repoid}`,
  };
}

const ACTIONS = ['start', 'stop', 'restart', 'reload'] as const;

/** The routes of this module. */
export const nodeRoutes: Route[] = [
  {
    method: 'GET', path: '/nodes/{node}', params: nodeParam,
    handler: () => ['apt', 'capabilities', 'ceph', 'certificates', 'config', 'disks', 'dns', 'firewall', 'hardware', 'hosts',
      'journal', 'lxc', 'netstat', 'network', 'qemu', 'query-url-metadata', 'replication', 'report', 'rrd', 'rrddata',
      'scan', 'sdn', 'services', 'spiceshell', 'status', 'storage', 'subscription', 'syslog', 'tasks', 'termproxy',
      'time', 'version', 'vncshell', 'vzdump', 'wakeonlan'].map((name) => ({ name })),
  },
  { method: 'GET', path: '/nodes/{node}/status', params: nodeParam, handler: nodeStatus },
  {
    method: 'GET', path: '/nodes/{node}/services', params: nodeParam,
    handler: (ctx) => serviceNames(ctx.sim.release).map((s) => serviceEntry(ctx, s)),
  },
  {
    method: 'GET', path: '/nodes/{node}/services/{service}',
    params: (r) => ({ ...nodeParam, service: p.enum(serviceNames(r)).req }),
    handler: () => ['state', 'start', 'stop', 'restart', 'reload'].map((subdir) => ({ subdir })),
  },
  {
    method: 'GET', path: '/nodes/{node}/services/{service}/state',
    params: (r) => ({ ...nodeParam, service: p.enum(serviceNames(r)).req }),
    handler: (ctx) => serviceEntry(ctx, reqStr(ctx, 'service')),
  },
  ...ACTIONS.map((action): Route => ({
    method: 'POST', path: `/nodes/{node}/services/{service}/${action}`,
    params: (r) => ({ ...nodeParam, service: p.enum(serviceNames(r)).req }),
    handler: (ctx) => {
      const node = reqStr(ctx, 'node');
      const name = reqStr(ctx, 'service');
      const svc = ctx.sim.state.nodes.get(node)?.services.get(name);
      if (!svc) throw serverError(`unknown service '${name}'`);
      return ctx.sim.tasks.start({
        node, type: `srv${action}`, id: name, user: ctx.user,
        effect: () => {
          if (action === 'stop') Object.assign(svc, { state: 'dead', 'active-state': 'inactive' });
          else if (action !== 'reload' || svc['active-state'] === 'active') Object.assign(svc, { state: 'running', 'active-state': 'active' });
          else throw new Error(`Job for ${name}.service invalid.`);
        },
      }).upid;
    },
  })),
];
