/**
 * Firewalls, written once for every level: the cluster (`/cluster/firewall`), a node
 * (`/nodes/{node}/firewall`), a VM and a container (`…/{vmid}/firewall`). Rules are numbered by
 * `pos`, top first, and a new rule goes on top; each level has its own options.
 *
 * @module
 * @internal
 */
import { serverError } from '../http-error.js';
import { p, type ParamShape } from '../params.js';
import type { Release, Route, RouteContext } from '../router.js';
import type { ConfigValue } from '../seed.js';
import { guestParams, KINDS, nodeParam, num, reqStr, routeGuest, str } from './common.js';
import { toConfigValue } from './guest-model.js';
import { listDigest } from './storage.js';

type Store = { options: Record<string, ConfigValue>; rules: Array<Record<string, ConfigValue>> };

const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'nolog'];
const POLICY = ['ACCEPT', 'REJECT', 'DROP'];

const ruleFields = {
  action: p.string({ maxLength: 20, pattern: /[A-Za-z][A-Za-z0-9\-_]+/ }),
  comment: p.string(), dest: p.string({ maxLength: 512 }), dport: p.string(), enable: p.int(0),
  'icmp-type': p.string(), iface: p.string({ maxLength: 20 }), log: p.enum(LOG_LEVELS), macro: p.string({ maxLength: 128 }),
  proto: p.string(), source: p.string({ maxLength: 512 }), sport: p.string(), type: p.enum(['in', 'out', 'forward', 'group']),
} as const;
const optionalRule = Object.fromEntries(Object.entries(ruleFields).map(([k, v]) => [k, v.opt]));
const ruleKeys = Object.keys(ruleFields);

interface Scope {
  /** The base path template. */
  base: string;
  /** The path parameters. */
  params: ParamShape;
  /** The store of the addressed firewall. */
  store(ctx: RouteContext): Store;
  /** The options it takes. */
  options(release: Release): ParamShape;
}

const b = () => p.bool().opt;
const lvl = () => p.enum(LOG_LEVELS).opt;

const SCOPES: Scope[] = [
  {
    base: '/cluster/firewall', params: {},
    store: (ctx) => ctx.sim.state.clusterFirewall,
    options: (r) => ({
      ebtables: b(), enable: p.int(0).opt, log_ratelimit: p.string().opt, policy_in: p.enum(POLICY).opt, policy_out: p.enum(POLICY).opt,
      ...(r === '7.4' ? {} : { policy_forward: p.enum(['ACCEPT', 'DROP']).opt }),
    }),
  },
  {
    base: '/nodes/{node}/firewall', params: nodeParam,
    store: (ctx) => {
      const n = ctx.sim.state.nodes.get(reqStr(ctx, 'node'));
      if (!n) throw serverError(`no such node '${reqStr(ctx, 'node')}'`);
      return n.firewall;
    },
    options: (r) => ({
      enable: b(), log_level_in: lvl(), log_level_out: lvl(), log_nf_conntrack: b(), ndp: b(), nf_conntrack_allow_invalid: b(),
      nf_conntrack_helpers: p.string().opt, nf_conntrack_max: p.int(32768).opt, nf_conntrack_tcp_timeout_established: p.int(7875).opt,
      nf_conntrack_tcp_timeout_syn_recv: p.int(30, 60).opt, nosmurfs: b(), protection_synflood: b(),
      protection_synflood_burst: p.int().opt, protection_synflood_rate: p.int().opt, smurf_log_level: lvl(),
      tcp_flags_log_level: lvl(), tcpflags: b(),
      ...(r === '7.4' ? {} : { nftables: b(), log_level_forward: lvl() }),
    }),
  },
  ...KINDS.map((kind): Scope => ({
    base: `/nodes/{node}/${kind.type}/{vmid}/firewall`, params: guestParams,
    store: (ctx) => routeGuest(ctx, kind).firewall,
    options: () => ({
      dhcp: b(), enable: b(), ipfilter: b(), log_level_in: lvl(), log_level_out: lvl(), macfilter: b(), ndp: b(),
      policy_in: p.enum(POLICY).opt, policy_out: p.enum(POLICY).opt, radv: b(),
    }),
  })),
];

function checkDigest(ctx: RouteContext, digest: string): void {
  const given = str(ctx, 'digest');
  if (given !== undefined && given !== digest) throw serverError('detected modified configuration - file changed by other user? Try again.');
}

function ruleAt(fw: Store, pos: number): Record<string, unknown> {
  const r = fw.rules[pos];
  if (!r) throw serverError(`no rule at position ${pos}`);
  const out: Record<string, unknown> = { ...r, pos, digest: listDigest(fw.rules) };
  if (String(r.source ?? r.dest ?? '').includes(':')) out.ipversion = 6;
  return out;
}

function pick(ctx: RouteContext): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const k of ruleKeys) {
    const v = ctx.params[k];
    if (v !== undefined) out[k] = toConfigValue(v);
  }
  return out;
}

const deleteKeys = (ctx: RouteContext) => (str(ctx, 'delete') ?? '').split(/[,; ]/).filter(Boolean);
const digestParam = { digest: p.string({ maxLength: 64 }).opt };

function firewallRoutes(scope: Scope): Route[] {
  const { base } = scope;
  const posParams = { ...scope.params, pos: p.int(0).opt };
  return [
    {
      method: 'GET', path: `${base}/rules`, params: scope.params,
      handler: (ctx) => {
        const fw = scope.store(ctx);
        return fw.rules.map((_, i) => ruleAt(fw, i));
      },
    },
    {
      method: 'POST', path: `${base}/rules`,
      params: { ...scope.params, ...optionalRule, ...digestParam, action: ruleFields.action.req, type: ruleFields.type.req, pos: p.int(0).opt },
      handler: (ctx) => {
        const fw = scope.store(ctx);
        checkDigest(ctx, listDigest(fw.rules));
        fw.rules.splice(Math.min(num(ctx, 'pos') ?? 0, fw.rules.length), 0, pick(ctx));
        return null;
      },
    },
    { method: 'GET', path: `${base}/rules/{pos}`, params: posParams, handler: (ctx) => ruleAt(scope.store(ctx), num(ctx, 'pos') ?? 0) },
    {
      method: 'PUT', path: `${base}/rules/{pos}`,
      params: { ...posParams, ...optionalRule, ...digestParam, delete: p.configidList().opt, moveto: p.int(0).opt },
      handler: (ctx) => {
        const fw = scope.store(ctx);
        checkDigest(ctx, listDigest(fw.rules));
        const pos = num(ctx, 'pos') ?? 0;
        const current = fw.rules[pos];
        if (!current) throw serverError(`no rule at position ${pos}`);
        const moveto = num(ctx, 'moveto');
        if (moveto !== undefined) {
          fw.rules.splice(pos, 1);
          fw.rules.splice(Math.min(moveto > pos ? moveto - 1 : moveto, fw.rules.length), 0, current);
          return null;
        }
        Object.assign(current, pick(ctx));
        for (const k of deleteKeys(ctx)) delete current[k];
        return null;
      },
    },
    {
      method: 'DELETE', path: `${base}/rules/{pos}`, params: { ...posParams, ...digestParam },
      handler: (ctx) => {
        const fw = scope.store(ctx);
        checkDigest(ctx, listDigest(fw.rules));
        const pos = num(ctx, 'pos') ?? 0;
        if (!fw.rules[pos]) throw serverError(`no rule at position ${pos}`);
        fw.rules.splice(pos, 1);
        return null;
      },
    },
    {
      method: 'GET', path: `${base}/options`, params: scope.params,
      handler: (ctx) => {
        const fw = scope.store(ctx);
        return { ...fw.options, digest: listDigest(fw.options) };
      },
    },
    {
      method: 'PUT', path: `${base}/options`,
      params: (r) => ({ ...scope.params, ...scope.options(r), ...digestParam, delete: p.configidList().opt }),
      handler: (ctx) => {
        const fw = scope.store(ctx);
        checkDigest(ctx, listDigest(fw.options));
        for (const k of Object.keys(scope.options(ctx.sim.release))) {
          const v = ctx.params[k];
          if (v !== undefined) fw.options[k] = toConfigValue(v);
        }
        for (const k of deleteKeys(ctx)) delete fw.options[k];
        return null;
      },
    },
  ];
}

/** The routes of this module. */
export const firewallRoutesAll: Route[] = [
  ...SCOPES.flatMap(firewallRoutes),
  ...KINDS.map((kind): Route => ({
    method: 'GET', path: `/nodes/{node}/${kind.type}/{vmid}/firewall`, params: guestParams,
    handler: (ctx) => {
      routeGuest(ctx, kind);
      return ['rules', 'aliases', 'ipset', 'refs', 'options', 'log'].map((name) => ({ name }));
    },
  })),
];
