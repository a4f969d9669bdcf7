/**
 * The QEMU guest agent of a VM (`…/qemu/{vmid}/agent/…`): ping, info, OS and network facts, exec
 * with its status (commands "run" on the simulator clock), a small per-VM file system for
 * file-read/file-write; and cloud-init (pending values, regenerate, dump).
 *
 * @module
 * @internal
 */
import { createHash } from 'node:crypto';
import { serverError } from '../http-error.js';
import { p } from '../params.js';
import type { Route, RouteContext } from '../router.js';
import type { GuestState } from '../state.js';
import { bool, guestParams, KINDS, num, reqStr, routeGuest, str, type Kind } from './common.js';

const VM_KIND = KINDS[0] as Kind;

interface ExecState {
  endsAt: number;
  exitcode: number;
  out: string;
  err: string;
}

interface AgentState {
  files: Map<string, string>;
  execs: Map<number, ExecState>;
  nextPid: number;
}

const agents = new WeakMap<GuestState, AgentState>();

function agentOf(g: GuestState): AgentState {
  let a = agents.get(g);
  if (!a) {
    const name = String(g.config.name ?? `vm${g.vmid}`);
    a = {
      files: new Map([
        ['/etc/hostname', `${name}\n`],
        ['/etc/os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n'],
      ]),
      execs: new Map(),
      nextPid: 1000 + (g.vmid % 1000),
    };
    agents.set(g, a);
  }
  return a;
}

/** The VM of the route, running and with an agent configured, or PVE's error. */
function agentGuest(ctx: RouteContext): GuestState {
  const g = routeGuest(ctx, VM_KIND);
  if (!/^(1|enabled=1)/.test(String(g.config.agent ?? ''))) throw serverError('No QEMU guest agent configured');
  if (g.status !== 'running') throw serverError(`VM ${g.vmid} is not running`);
  return g;
}

const result = (value: unknown) => ({ result: value });

function osinfo(): Record<string, unknown> {
  return {
    id: 'debian', name: 'Debian GNU/Linux', 'pretty-name': 'Debian GNU/Linux 12 (bookworm)', 'version-id': '12',
    version: '12 (bookworm)', 'kernel-release': '6.1.0-28-amd64', 'kernel-version': '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1', machine: 'x86_64',
  };
}

function interfaces(g: GuestState): unknown[] {
  const out: unknown[] = [{
    name: 'lo', 'hardware-address': '00:00:00:00:00:00',
    'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }, { 'ip-address-type': 'ipv6', 'ip-address': '::1', prefix: 128 }],
    statistics: { 'rx-bytes': 1024, 'rx-packets': 16, 'tx-bytes': 1024, 'tx-packets': 16, 'rx-errs': 0, 'tx-errs': 0, 'rx-dropped': 0, 'tx-dropped': 0 },
  }];
  for (const [k, v] of Object.entries(g.config)) {
    const m = /^net(\d+)$/.exec(k);
    if (!m) continue;
    const mac = /=([0-9A-F:]{17})/i.exec(String(v))?.[1]?.toLowerCase() ?? '00:00:00:00:00:00';
    const i = Number(m[1]);
    out.push({
      name: `eth${i}`, 'hardware-address': mac,
      'ip-addresses': [
        { 'ip-address-type': 'ipv4', 'ip-address': `10.10.${20 + i}.${g.vmid % 250}`, prefix: 24 },
        { 'ip-address-type': 'ipv6', 'ip-address': `fe80::be24:11ff:fe00:${(g.vmid % 0xffff).toString(16)}`, prefix: 64 },
      ],
      statistics: { 'rx-bytes': 52_428_800, 'rx-packets': 40_960, 'tx-bytes': 10_485_760, 'tx-packets': 20_480, 'rx-errs': 0, 'tx-errs': 0, 'rx-dropped': 0, 'tx-dropped': 0 },
    });
  }
  return out;
}

/** What a command "prints" on the simulated guest. */
function runCommand(g: GuestState, a: AgentState, argv: string[], input: string | undefined): Omit<ExecState, 'endsAt'> & { ms: number } {
  const [cmd = '', ...args] = argv;
  const base = cmd.split('/').pop() ?? cmd;
  switch (base) {
    case 'echo': return { exitcode: 0, out: `${args.join(' ')}\n`, err: '', ms: 50 };
    case 'true': return { exitcode: 0, out: '', err: '', ms: 50 };
    case 'false': return { exitcode: 1, out: '', err: '', ms: 50 };
    case 'hostname': return { exitcode: 0, out: a.files.get('/etc/hostname') ?? '', err: '', ms: 50 };
    case 'uname': return { exitcode: 0, out: args.includes('-a') ? `Linux ${String(g.config.name ?? '')} 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64 GNU/Linux\n` : 'Linux\n', err: '', ms: 50 };
    case 'cat': {
      if (!args.length) return { exitcode: 0, out: input ?? '', err: '', ms: 50 };
      const missing = args.find((f) => !a.files.has(f));
      if (missing) return { exitcode: 1, out: '', err: `cat: ${missing}: No such file or directory\n`, ms: 50 };
      return { exitcode: 0, out: args.map((f) => a.files.get(f) ?? '').join(''), err: '', ms: 50 };
    }
    case 'sleep': return { exitcode: 0, out: '', err: '', ms: Math.max(0, Number(args[0] ?? 0)) * 1000 };
    case 'sh': case 'bash': return { exitcode: 0, out: '', err: '', ms: 200 };
    default: return { exitcode: 127, out: '', err: `${cmd}: command not found\n`, ms: 50 };
  }
}

function simpleGet(name: string, fn: (g: GuestState, ctx: RouteContext) => unknown): Route {
  return { method: 'GET', path: `/nodes/{node}/qemu/{vmid}/agent/${name}`, params: guestParams, handler: (ctx) => result(fn(agentGuest(ctx), ctx)) };
}

function simplePost(name: string, fn: (g: GuestState, ctx: RouteContext) => unknown): Route {
  return { method: 'POST', path: `/nodes/{node}/qemu/{vmid}/agent/${name}`, params: guestParams, handler: (ctx) => result(fn(agentGuest(ctx), ctx)) };
}

const GETTERS: Record<string, (g: GuestState, ctx: RouteContext) => unknown> = {
  info: () => ({ version: '8.1.3', supported_commands: ['guest-ping', 'guest-info', 'guest-exec', 'guest-exec-status', 'guest-file-open', 'guest-file-read', 'guest-file-write', 'guest-get-osinfo', 'guest-network-get-interfaces', 'guest-shutdown'].map((name) => ({ name, enabled: true, 'success-response': true })) }),
  'get-osinfo': () => osinfo(),
  'network-get-interfaces': (g) => interfaces(g),
  'get-host-name': (g) => ({ 'host-name': String(g.config.name ?? `vm${g.vmid}`) }),
  'get-time': (_g, ctx) => ctx.sim.clock.now() * 1_000_000,
  'get-timezone': () => ({ zone: 'UTC', offset: 0 }),
  'get-users': () => [{ user: 'root', 'login-time': 1_700_000_000.5 }],
  'get-vcpus': (g) => Array.from({ length: Number(g.config.cores ?? 1) * Number(g.config.sockets ?? 1) }, (_, i) => ({ 'logical-id': i, online: true, 'can-offline': i > 0 })),
  'get-fsinfo': () => [{ name: 'sda1', mountpoint: '/', type: 'ext4', 'total-bytes': 33_285_996_544, 'used-bytes': 4_404_019_200, disk: [{ 'bus-type': 'scsi', bus: 0, unit: 0, target: 0 }] }],
  'get-memory-blocks': () => [{ phys_index: 0, online: true, 'can-offline': false }],
  'get-memory-block-info': () => ({ size: 134_217_728 }),
};

const POSTERS: Record<string, (g: GuestState, ctx: RouteContext) => unknown> = {
  ping: () => ({}),
  'fsfreeze-freeze': () => 1,
  'fsfreeze-thaw': () => 1,
  'fsfreeze-status': () => 'thawed',
  fstrim: () => ({ paths: [{ path: '/', trimmed: 1_073_741_824 }] }),
  shutdown: (g, ctx) => {
    ctx.sim.clock.at(ctx.sim.clock.now() + 3000, () => {
      g.status = 'stopped';
      g.qmpstatus = 'stopped';
      delete g.startedAt;
    });
    return {};
  },
  'suspend-disk': () => ({}),
  'suspend-ram': (g) => {
    g.qmpstatus = 'paused';
    return {};
  },
  'suspend-hybrid': (g) => {
    g.qmpstatus = 'paused';
    return {};
  },
};

/** The cloud-init values of each VM as its drive was last generated (`PUT …/cloudinit`); none before. */
const generatedOf = new WeakMap<GuestState, Record<string, string>>();

const CLOUDINIT_KEY = /^(ci(user|password|type|custom|upgrade)|ipconfig\d+|sshkeys|nameserver|searchdomain|name)$/;

/** The config keys cloud-init is generated from, with their values. */
function cloudinitValues(g: GuestState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(g.config)) if (CLOUDINIT_KEY.test(k) && k !== 'name') out[k] = String(v);
  return out;
}

function netmask(prefix: number): string {
  const bits = prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefix, 32))) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

/** A `version: 1` network config from `ipconfigN` (and the MAC of `netN`), as PVE's nocloud renders it. */
function networkConfig(g: GuestState): string {
  let out = 'version: 1\nconfig:\n';
  for (const [k, v] of Object.entries(g.config).sort(([a], [b]) => a.localeCompare(b))) {
    const m = /^net(\d+)$/.exec(k);
    if (!m) continue;
    const i = m[1] ?? '0';
    const mac = /=([0-9A-F:]{17})/i.exec(String(v))?.[1]?.toLowerCase();
    const ip = Object.fromEntries(String(g.config[`ipconfig${i}`] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
    out += `    - type: physical\n      name: eth${i}\n` + (mac ? `      mac_address: '${mac}'\n` : '') + '      subnets:\n';
    const v4 = ip['ip'];
    if (v4 === undefined || v4 === 'dhcp') out += '      - type: dhcp4\n';
    else {
      const [address = '', prefix = '24'] = v4.split('/');
      out += `      - type: static\n        address: '${address}'\n        netmask: '${netmask(Number(prefix))}'\n` + (ip['gw'] ? `        gateway: '${ip['gw']}'\n` : '');
    }
    const v6 = ip['ip6'];
    if (v6 === 'dhcp') out += '      - type: dhcp6\n';
    else if (v6 === 'auto') out += '      - type: ipv6_slaac\n';
    else if (v6 !== undefined) out += `      - type: static6\n        address: '${v6}'\n` + (ip['gw6'] ? `        gateway: '${ip['gw6']}'\n` : '');
  }
  const ns = g.config.nameserver !== undefined ? String(g.config.nameserver).split(/\s+/).filter(Boolean) : [];
  if (ns.length || g.config.searchdomain !== undefined) {
    out += '    - type: nameserver\n      address:\n' + ns.map((a) => `      - '${a}'\n`).join('');
    if (g.config.searchdomain !== undefined) out += `      search:\n      - '${String(g.config.searchdomain)}'\n`;
  }
  return out;
}

/** The routes of this module. */
export const agentRoutes: Route[] = [
  {
    method: 'GET', path: '/nodes/{node}/qemu/{vmid}/agent', params: guestParams,
    handler: (ctx) => {
      routeGuest(ctx, VM_KIND);
      return [...Object.keys(GETTERS), ...Object.keys(POSTERS), 'exec', 'exec-status', 'file-read', 'file-write', 'set-user-password'].sort().map((name) => ({ name }));
    },
  },
  {
    method: 'POST', path: '/nodes/{node}/qemu/{vmid}/agent',
    params: { ...guestParams, command: p.enum([...Object.keys(GETTERS), ...Object.keys(POSTERS)].sort()).req },
    handler: (ctx) => {
      const g = agentGuest(ctx);
      const cmd = reqStr(ctx, 'command');
      const fn = GETTERS[cmd] ?? POSTERS[cmd];
      return result(fn ? fn(g, ctx) : {});
    },
  },
  ...Object.entries(GETTERS).map(([name, fn]) => simpleGet(name, fn)),
  ...Object.entries(POSTERS).map(([name, fn]) => simplePost(name, fn)),
  {
    method: 'POST', path: '/nodes/{node}/qemu/{vmid}/agent/exec',
    params: (r) => ({ ...guestParams, command: r === '7.4' ? p.array().opt : p.array().req, 'input-data': p.string({ maxLength: 65536 }).opt }),
    handler: (ctx) => {
      const g = agentGuest(ctx);
      const a = agentOf(g);
      if (!Array.isArray(ctx.params.command)) throw serverError('command is required');
      // PVE's `string-alist` (7.4's `command`) splits on NUL if there is one, else on whitespace, `,` and `;`.
      const parts = ctx.params.command as string[];
      const argv = parts.length === 1 ? (parts[0]?.includes('\0') ? parts[0].split('\0') : (parts[0] ?? '').split(/\s*[,;\s]\s*/).filter(Boolean)) : parts;
      const run = runCommand(g, a, argv, str(ctx, 'input-data'));
      const pid = a.nextPid++;
      a.execs.set(pid, { endsAt: ctx.sim.clock.now() + run.ms, exitcode: run.exitcode, out: run.out, err: run.err });
      return { pid };
    },
  },
  {
    method: 'GET', path: '/nodes/{node}/qemu/{vmid}/agent/exec-status', params: { ...guestParams, pid: p.int().req },
    handler: (ctx) => {
      const g = agentGuest(ctx);
      const e = agentOf(g).execs.get(num(ctx, 'pid') ?? -1);
      if (!e) throw serverError(`Agent error: Invalid parameter 'pid'`);
      if (ctx.sim.clock.now() < e.endsAt) return { exited: 0 };
      const out: Record<string, unknown> = { exited: 1, exitcode: e.exitcode };
      if (e.out) out['out-data'] = e.out;
      if (e.err) out['err-data'] = e.err;
      return out;
    },
  },
  {
    method: 'GET', path: '/nodes/{node}/qemu/{vmid}/agent/file-read',
    params: (r) => ({ ...guestParams, file: p.string().req, ...(r === '9.1' ? { count: p.int(1, 16777216).opt, decode: p.bool().opt, offset: p.int(0).opt } : {}) }),
    handler: (ctx) => {
      const g = agentGuest(ctx);
      const file = reqStr(ctx, 'file');
      const content = agentOf(g).files.get(file);
      if (content === undefined) throw serverError(`Agent error: Failed to open file '${file}': No such file or directory`);
      const offset = num(ctx, 'offset') ?? 0;
      const count = num(ctx, 'count') ?? 16 * 1024 * 1024;
      const slice = Buffer.from(content, 'utf8').subarray(offset, offset + count);
      const decode = ctx.params.decode === undefined ? true : bool(ctx, 'decode');
      return { content: decode ? slice.toString('utf8') : slice.toString('base64') };
    },
  },
  {
    method: 'POST', path: '/nodes/{node}/qemu/{vmid}/agent/file-write',
    params: { ...guestParams, file: p.string().req, content: p.string({ maxLength: 61440 }).req, encode: p.bool().opt },
    handler: (ctx) => {
      const g = agentGuest(ctx);
      const content = reqStr(ctx, 'content');
      const encode = ctx.params.encode === undefined ? true : bool(ctx, 'encode');
      agentOf(g).files.set(reqStr(ctx, 'file'), encode ? content : Buffer.from(content, 'base64').toString('utf8'));
      return null;
    },
  },
  {
    method: 'POST', path: '/nodes/{node}/qemu/{vmid}/agent/set-user-password',
    params: { ...guestParams, username: p.string().req, password: p.string({ maxLength: 1024 }).req, crypted: p.bool().opt },
    handler: (ctx) => {
      agentGuest(ctx);
      if (reqStr(ctx, 'password').length < 5) throw serverError('password too short');
      return result({});
    },
  },
  // cloud-init
  {
    method: 'GET', path: '/nodes/{node}/qemu/{vmid}/cloudinit', params: guestParams,
    handler: (ctx) => {
      const g = routeGuest(ctx, VM_KIND);
      const current = cloudinitValues(g);
      const generated = generatedOf.get(g) ?? {};
      return [...new Set([...Object.keys(current), ...Object.keys(generated)])].sort().map((key) => {
        const entry: Record<string, unknown> = { key };
        const was = generated[key];
        const now = current[key];
        if (was !== undefined) entry.value = was;
        if (now === undefined) entry.delete = 1;
        else if (now !== was) entry.pending = now;
        return entry;
      });
    },
  },
  {
    method: 'PUT', path: '/nodes/{node}/qemu/{vmid}/cloudinit', params: guestParams,
    handler: (ctx) => {
      const g = routeGuest(ctx, VM_KIND);
      if (!Object.values(g.config).some((v) => /cloudinit/.test(String(v)))) throw serverError('no cloudinit drive found');
      generatedOf.set(g, cloudinitValues(g));
      return null;
    },
  },
  {
    method: 'GET', path: '/nodes/{node}/qemu/{vmid}/cloudinit/dump', params: { ...guestParams, type: p.enum(['user', 'network', 'meta']).req },
    handler: (ctx) => {
      const g = routeGuest(ctx, VM_KIND);
      const type = reqStr(ctx, 'type');
      if (type === 'meta') return `instance-id: ${createHash('sha1').update(JSON.stringify(cloudinitValues(g))).digest('hex')}\n`;
      if (type === 'network') return networkConfig(g);
      const keys = g.config.sshkeys !== undefined ? decodeURIComponent(String(g.config.sshkeys)).split('\n').filter(Boolean) : [];
      const name = String(g.config.name ?? `VM${g.vmid}`);
      return `#cloud-config\nhostname: ${name}\nmanage_etc_hosts: true\nfqdn: ${name}\nuser: ${String(g.config.ciuser ?? 'root')}\n` +
        (g.config.cipassword !== undefined ? `password: ${String(g.config.cipassword)}\n` : '') +
        (keys.length ? `ssh_authorized_keys:\n${keys.map((k) => `  - ${k}`).join('\n')}\n` : '') +
        'chpasswd:\n  expire: False\nusers:\n  - default\npackage_upgrade: true\n';
    },
  },
];
