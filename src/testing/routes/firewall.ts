/**
 * The firewall of a guest (VM or container): its rules (list, read, create, update, move,
 * delete) and its options. Rules are numbered by `pos`, top first; a new rule goes on top.
 *
 * @module
 * @internal
 */
import { serverError } from '../http-error.js';
import { p } from '../params.js';
import type { Route, RouteContext } from '../router.js';
import type { ConfigValue } from '../seed.js';
import type { GuestState } from '../state.js';
import { guestParams, KINDS, num, routeGuest, str, type Kind } from './common.js';
import { toConfigValue } from './guest-model.js';
import { listDigest } from './storage.js';

const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'nolog'];

const ruleFields = {
  action: p.string({ maxLength: 20, pattern: /[A-Za-z][A-Za-z0-9\-_]+/ }),
  comment: p.string(), dest: p.string({ maxLength: 512 }), dport: p.string(), enable: p.int(0),
  'icmp-type': p.string(), iface: p.string({ maxLength: 20 }), log: p.enum(LOG_LEVELS), macro: p.string({ maxLength: 128 }),
  proto: p.string(), source: p.string({ maxLength: 512 }), sport: p.string(), type: p.enum(['in', 'out', 'forward', 'group']),
} as const;

const optional = Object.fromEntries(Object.entries(ruleFields).map(([k, v]) => [k, v.opt]));
const ruleKeys = Object.keys(ruleFields);

function rulesDigest(g: GuestState): string {
  return listDigest(g.firewall.rules);
}

function checkDigest(ctx: RouteContext, digest: string): void {
  const given = str(ctx, 'digest');
  if (given !== undefined && given !== digest) throw serverError('detected modified configuration - file changed by other user? Try again.');
}

function rule(g: GuestState, pos: number): Record<string, unknown> {
  const r = g.firewall.rules[pos];
  if (!r) throw serverError(`no rule at position ${pos}`);
  return { ...r, pos, ipversion: String(r.source ?? r.dest ?? '').includes(':') ? 6 : undefined, digest: rulesDigest(g) };
}

function pick(ctx: RouteContext): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const k of ruleKeys) {
    const v = ctx.params[k];
    if (v !== undefined) out[k] = toConfigValue(v);
  }
  return out;
}

function firewallRoutes(kind: Kind): Route[] {
  const base = `/nodes/{node}/${kind.type}/{vmid}/firewall`;
  const posParams = { ...guestParams, pos: p.int(0).opt };
  const options = {
    dhcp: p.bool().opt, enable: p.bool().opt, ipfilter: p.bool().opt, log_level_in: p.enum(LOG_LEVELS).opt,
    log_level_out: p.enum(LOG_LEVELS).opt, macfilter: p.bool().opt, ndp: p.bool().opt,
    policy_in: p.enum(['ACCEPT', 'REJECT', 'DROP']).opt, policy_out: p.enum(['ACCEPT', 'REJECT', 'DROP']).opt, radv: p.bool().opt,
  };
  return [
    {
      method: 'GET', path: base, params: guestParams,
      handler: (ctx) => {
        routeGuest(ctx, kind);
        return ['rules', 'aliases', 'ipset', 'refs', 'options', 'log'].map((name) => ({ name }));
      },
    },
    {
      method: 'GET', path: `${base}/rules`, params: guestParams,
      handler: (ctx) => {
        const g = routeGuest(ctx, kind);
        return g.firewall.rules.map((_, i) => {
          const r = rule(g, i);
          if (r.ipversion === undefined) delete r.ipversion;
          return r;
        });
      },
    },
    {
      method: 'POST', path: `${base}/rules`,
      params: { ...guestParams, ...optional, action: ruleFields.action.req, type: ruleFields.type.req, digest: p.string({ maxLength: 64 }).opt, pos: p.int(0).opt },
      handler: (ctx) => {
        const g = routeGuest(ctx, kind);
        checkDigest(ctx, rulesDigest(g));
        const pos = Math.min(num(ctx, 'pos') ?? 0, g.firewall.rules.length);
        g.firewall.rules.splice(pos, 0, pick(ctx));
        return null;
      },
    },
    {
      method: 'GET', path: `${base}/rules/{pos}`, params: posParams,
      handler: (ctx) => {
        const r = rule(routeGuest(ctx, kind), num(ctx, 'pos') ?? 0);
        if (r.ipversion === undefined) delete r.ipversion;
        return r;
      },
    },
    {
      method: 'PUT', path: `${base}/rules/{pos}`,
      params: { ...posParams, ...optional, delete: p.configidList().opt, digest: p.string({ maxLength: 64 }).opt, moveto: p.int(0).opt },
      handler: (ctx) => {
        const g = routeGuest(ctx, kind);
        checkDigest(ctx, rulesDigest(g));
        const pos = num(ctx, 'pos') ?? 0;
        const current = g.firewall.rules[pos];
        if (!current) throw serverError(`no rule at position ${pos}`);
        const moveto = num(ctx, 'moveto');
        if (moveto !== undefined) {
          g.firewall.rules.splice(pos, 1);
          g.firewall.rules.splice(Math.min(moveto > pos ? moveto - 1 : moveto, g.firewall.rules.length), 0, current);
          return null;
        }
        Object.assign(current, pick(ctx));
        for (const k of (str(ctx, 'delete') ?? '').split(/[,; ]/).filter(Boolean)) delete current[k];
        return null;
      },
    },
    {
      method: 'DELETE', path: `${base}/rules/{pos}`, params: { ...posParams, digest: p.string({ maxLength: 64 }).opt },
      handler: (ctx) => {
        const g = routeGuest(ctx, kind);
        checkDigest(ctx, rulesDigest(g));
        const pos = num(ctx, 'pos') ?? 0;
        if (!g.firewall.rules[pos]) throw serverError(`no rule at position ${pos}`);
        g.firewall.rules.splice(pos, 1);
        return null;
      },
    },
    {
      method: 'GET', path: `${base}/options`, params: guestParams,
      handler: (ctx) => {
        const g = routeGuest(ctx, kind);
        return { ...g.firewall.options, digest: listDigest(g.firewall.options) };
      },
    },
    {
      method: 'PUT', path: `${base}/options`,
      params: { ...guestParams, ...options, delete: p.configidList().opt, digest: p.string({ maxLength: 64 }).opt },
      handler: (ctx) => {
        const g = routeGuest(ctx, kind);
        checkDigest(ctx, listDigest(g.firewall.options));
        for (const k of Object.keys(options)) {
          const v = ctx.params[k];
          if (v !== undefined) g.firewall.options[k] = toConfigValue(v);
        }
        for (const k of (str(ctx, 'delete') ?? '').split(/[,; ]/).filter(Boolean)) delete g.firewall.options[k];
        return null;
      },
    },
  ];
}

/** The routes of this module. */
export const firewallRoutesAll: Route[] = KINDS.flatMap(firewallRoutes);
