/**
 * `Firewall`: one class for the firewall of the cluster, a node, a VM or a container, scoped by
 * its base path. Rules and options for now; groups, aliases, IP sets and the log come later.
 *
 * @module
 */
import type { ProxmoxAPI } from '../core/api.js';
import { path } from '../core/path.js';
import { requestOptions } from '../core/request-options.js';
import type { ParamValue, RequestOptions } from '../core/types.js';
import { mapOptions, opt, readers, readRecord, requireGates, type Gate, type OptionTable } from './action-options.js';
import {
  FirewallOptionsSchema,
  FirewallRuleSchema,
  type FirewallOptions,
  type FirewallRule,
} from './schemas/firewall.js';
import { check, nodeSchema, vmidSchema } from './validate.js';

/**
 * Where a firewall lives: the cluster (`/cluster/firewall`), a node (`/nodes/{node}/firewall`),
 * a VM (`/nodes/{node}/qemu/{vmid}/firewall`) or a container (`…/lxc/{vmid}/firewall`).
 *
 * @example
 * ```ts
 * const level: FirewallLevel = vm.firewall.level; // 'vm'
 * ```
 */
export type FirewallLevel = 'cluster' | 'node' | 'vm' | 'container';

/**
 * A log level of the firewall (`nolog` turns logging off).
 *
 * @example
 * ```ts
 * const level: FirewallLogLevel = 'info';
 * await vm.firewall.optionsSet({ log_level_in: level });
 * ```
 */
export type FirewallLogLevel = 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug' | 'nolog';

/**
 * A firewall rule to create, with Proxmox's own keys (as `firewall.rule(pos)` returns them), the
 * same at every level.
 *
 * @example
 * ```ts
 * const rule: FirewallRuleInput = { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', source: '10.0.0.0/8', enable: true };
 * await vm.firewall.ruleCreate(rule);
 * ```
 */
export interface FirewallRuleInput {
  /** `in`, `out`, `forward` (PVE 8+) or `group` (then `action` names a security group). */
  type: 'in' | 'out' | 'forward' | 'group';
  /** `ACCEPT`, `DROP`, `REJECT`, or a security group's name. */
  action: string;
  /** Whether the rule is active (sent as 1/0). */
  enable?: boolean | 0 | 1;
  /** A standard macro (`SSH`, `HTTPS`, …) instead of `proto`/`dport`. */
  macro?: string;
  /** Source address, range, CIDR, alias or `+ipset`. */
  source?: string;
  /** Destination address, range, CIDR, alias or `+ipset`. */
  dest?: string;
  /** IP protocol name or number (`tcp`, `udp`, `icmp`, `6`). */
  proto?: string;
  /** Destination ports (`22`, `80,443`, `8000:8100`). */
  dport?: string;
  /** Source ports. */
  sport?: string;
  /** ICMP type, with `proto: 'icmp'` or `'icmpv6'`. */
  'icmp-type'?: string;
  /** The interface: a guest's `net0`, a node's network interface. */
  iface?: string;
  /** Log level of matches. */
  log?: FirewallLogLevel;
  /** A comment. */
  comment?: string;
}

/**
 * Options of `firewall.ruleCreate`.
 *
 * @example
 * ```ts
 * await vm.firewall.ruleCreate({ type: 'in', action: 'DROP' }, { pos: 0 }); // insert first
 * ```
 */
export interface FirewallRuleCreateOptions {
  /** Insert at this position (default: first). */
  pos?: number;
  /** Refuse if the rules changed since this digest was read. */
  digest?: string;
}

/**
 * Options of `firewall.ruleUpdate` and `firewall.optionsSet`.
 *
 * @example
 * ```ts
 * await vm.firewall.ruleUpdate(0, { comment: 'web' }, { delete: ['sport'] });
 * ```
 */
export interface FirewallChangeOptions {
  /** Keys to remove (an array or `"a,b"`). */
  delete?: readonly string[] | string;
  /** Refuse if the firewall config changed since this digest was read. */
  digest?: string;
}

/**
 * Options of `firewall.ruleDelete` and `firewall.ruleMove`.
 *
 * @example
 * ```ts
 * const { digest } = await vm.firewall.rule(2);
 * await vm.firewall.ruleDelete(2, { digest });
 * ```
 */
export interface FirewallDigestOptions {
  /** Refuse if the firewall config changed since this digest was read. */
  digest?: string;
}

/**
 * Firewall options to set, with Proxmox's keys. Each level takes its own subset: the cluster
 * `enable`, `ebtables`, `log_ratelimit`, `policy_in`, `policy_out`, `policy_forward` (8+); a node
 * `enable`, `log_level_in/out/forward` (forward 8+), `ndp`, `nftables` (8+), `nosmurfs`,
 * `tcpflags`, the `nf_conntrack_*` and `protection_synflood*` keys, `smurf_log_level`,
 * `tcp_flags_log_level`, `log_nf_conntrack`; a VM or container `enable`, `dhcp`, `ipfilter`,
 * `macfilter`, `ndp`, `radv`, `policy_in`, `policy_out`, `log_level_in`, `log_level_out`.
 *
 * @example
 * ```ts
 * await vm.firewall.optionsSet({ enable: true, policy_in: 'DROP' });
 * ```
 */
export interface FirewallOptionsInput {
  /** Turn the firewall on or off (the cluster takes 0/1 or a boolean too). */
  enable?: boolean | number;
  /** Input policy (cluster, VM, container). */
  policy_in?: 'ACCEPT' | 'REJECT' | 'DROP';
  /** Output policy (cluster, VM, container). */
  policy_out?: 'ACCEPT' | 'REJECT' | 'DROP';
  /** Forward policy (cluster, PVE 8+). */
  policy_forward?: 'ACCEPT' | 'DROP';
  /** Log level of incoming traffic (node, VM, container). */
  log_level_in?: FirewallLogLevel;
  /** Log level of outgoing traffic (node, VM, container). */
  log_level_out?: FirewallLogLevel;
  /** Any other key the level takes (`dhcp`, `ebtables`, `nf_conntrack_max`, …). */
  [key: string]: string | number | boolean | undefined;
}

const LOG_LEVELS: readonly FirewallLogLevel[] = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'nolog'];
const POLICIES = ['ACCEPT', 'REJECT', 'DROP'];

/** The same name in Proxmox and in the SDK. */
function same(table: Record<string, OptionTable[string]['read'] | [OptionTable[string]['read'], string]>): OptionTable {
  const out: Record<string, OptionTable[string]> = {};
  for (const [key, spec] of Object.entries(table)) out[key] = Array.isArray(spec) ? opt(key, spec[0], spec[1]) : opt(key, spec);
  return out;
}

const { flag, count, text, string, oneOf } = readers;
const logLevel = oneOf(LOG_LEVELS);

const GUEST_OPTIONS = same({
  enable: flag, dhcp: flag, ipfilter: flag, macfilter: flag, ndp: flag, radv: flag,
  policy_in: oneOf(POLICIES), policy_out: oneOf(POLICIES), log_level_in: logLevel, log_level_out: logLevel,
});

/** The option keys of each level, and the release each needs (from the schemas of 7.4, 8.4, 9.1). */
const OPTIONS: Readonly<Record<FirewallLevel, OptionTable>> = {
  cluster: same({
    enable: (name, v) => (typeof v === 'boolean' ? v : count(name, v)), ebtables: flag, log_ratelimit: string,
    policy_in: oneOf(POLICIES), policy_out: oneOf(POLICIES), policy_forward: [oneOf(['ACCEPT', 'DROP']), '8.0'],
  }),
  node: same({
    enable: flag, ndp: flag, nosmurfs: flag, tcpflags: flag, log_nf_conntrack: flag, nf_conntrack_allow_invalid: flag,
    nf_conntrack_helpers: string, nf_conntrack_max: count, nf_conntrack_tcp_timeout_established: count,
    nf_conntrack_tcp_timeout_syn_recv: count, protection_synflood: flag, protection_synflood_burst: count,
    protection_synflood_rate: count, log_level_in: logLevel, log_level_out: logLevel, smurf_log_level: logLevel,
    tcp_flags_log_level: logLevel, log_level_forward: [logLevel, '8.0'], nftables: [flag, '8.0'],
  }),
  vm: GUEST_OPTIONS,
  container: GUEST_OPTIONS,
};

const action = (name: string, v: unknown): ParamValue => {
  if (typeof v !== 'string' || !/^[A-Za-z][A-Za-z0-9\-_]+$/.test(v) || v.length > 20) {
    throw new TypeError(`${name} must be ACCEPT, DROP, REJECT or a security group name (at most 20 characters), got ${JSON.stringify(v)}`);
  }
  return v;
};

/** The keys of a rule: the same at every level and on every release (`forward` needs 8+). */
const RULE_FIELDS = same({
  type: oneOf(['in', 'out', 'forward', 'group']), action, enable: flag, macro: text, source: text, dest: text,
  proto: text, dport: text, sport: text, 'icmp-type': text, iface: text, log: logLevel, comment: string,
});

const CHANGE_OPTIONS: OptionTable = { delete: opt('delete', readers.keys), digest: opt('digest', text) };
const DIGEST_OPTIONS: OptionTable = { digest: opt('digest', text) };
const CREATE_OPTIONS: OptionTable = { pos: opt('pos', count), digest: opt('digest', text) };

function readRule(what: string, rule: unknown, gates: Gate[]): Record<string, ParamValue> {
  const params = mapOptions(what, RULE_FIELDS, rule);
  if (params.type === 'forward') gates.push({ feature: 'firewall rule type "forward"', since: '8.0' });
  return params;
}

/**
 * The firewall of the cluster, a node, a VM or a container: its rules and options. One class for
 * every level; the level decides the base path and which option keys exist.
 *
 * A stateless handle: every read asks Proxmox afresh. Get one from `Firewall.cluster(api)`,
 * `Firewall.node(api, node)`, or a guest's `firewall` (`vm.firewall`, `container.firewall`).
 *
 * @example
 * ```ts
 * const fw = new VM(api, 'pve1', 100).firewall;
 * await fw.ruleCreate({ type: 'in', action: 'ACCEPT', macro: 'SSH', source: '10.0.0.0/8', enable: true });
 * await fw.optionsSet({ enable: true, policy_in: 'DROP' });
 * for (const r of await fw.rules()) console.log(r.pos, r.type, r.action, r.macro ?? r.dport);
 * ```
 */
export class Firewall {
  /** The session. */
  readonly api: ProxmoxAPI;
  /** Which firewall this is. */
  readonly level: FirewallLevel;
  /** Its base path (`/nodes/pve1/qemu/100/firewall`). */
  readonly basePath: string;

  private constructor(api: ProxmoxAPI, level: FirewallLevel, basePath: string) {
    this.api = api;
    this.level = level;
    this.basePath = basePath;
  }

  /**
   * The cluster-wide firewall (`/cluster/firewall`).
   *
   * @param api - The session.
   * @returns Its handle. Sends no request.
   * @example
   * ```ts
   * await Firewall.cluster(api).optionsSet({ enable: 1 });
   * ```
   */
  static cluster(api: ProxmoxAPI): Firewall {
    return new Firewall(api, 'cluster', '/cluster/firewall');
  }

  /**
   * A node's host firewall (`/nodes/{node}/firewall`).
   *
   * @param api - The session.
   * @param node - The node.
   * @returns Its handle. Sends no request.
   * @throws TypeError for a malformed node name.
   * @example
   * ```ts
   * const rules = await Firewall.node(api, 'pve1').rules();
   * ```
   */
  static node(api: ProxmoxAPI, node: string): Firewall {
    return new Firewall(api, 'node', path`/nodes/${check('node', nodeSchema, node)}/firewall`);
  }

  /**
   * A VM's firewall (`/nodes/{node}/qemu/{vmid}/firewall`); the same as `new VM(api, node, vmid).firewall`.
   *
   * @param api - The session.
   * @param node - The node the VM is on.
   * @param vmid - The VM.
   * @returns Its handle. Sends no request.
   * @throws TypeError for a malformed node name or vmid.
   * @example
   * ```ts
   * await Firewall.vm(api, 'pve1', 100).options();
   * ```
   */
  static vm(api: ProxmoxAPI, node: string, vmid: number): Firewall {
    return Firewall.guest(api, 'qemu', node, vmid);
  }

  /**
   * A container's firewall (`/nodes/{node}/lxc/{vmid}/firewall`); the same as
   * `new Container(api, node, vmid).firewall`.
   *
   * @param api - The session.
   * @param node - The node the container is on.
   * @param vmid - The container.
   * @returns Its handle. Sends no request.
   * @throws TypeError for a malformed node name or vmid.
   * @example
   * ```ts
   * await Firewall.container(api, 'pve1', 200).rules();
   * ```
   */
  static container(api: ProxmoxAPI, node: string, vmid: number): Firewall {
    return Firewall.guest(api, 'lxc', node, vmid);
  }

  private static guest(api: ProxmoxAPI, type: 'qemu' | 'lxc', node: string, vmid: number): Firewall {
    const n = check('node', nodeSchema, node);
    const id = check('vmid', vmidSchema, vmid);
    return new Firewall(api, type === 'qemu' ? 'vm' : 'container', path`/nodes/${n}/${type}/${id}/firewall`);
  }

  #path(sub: string, pos?: number): string {
    return pos === undefined ? `${this.basePath}/${sub}` : `${this.basePath}/${sub}${path`/${pos}`}`;
  }

  /**
   * Lists the rules (`GET …/firewall/rules`), in the order they are evaluated.
   *
   * @param options - Signal, timeout and retries.
   * @returns The rules, each with its `pos`.
   * @throws The errors of a request.
   * @example
   * ```ts
   * for (const r of await vm.firewall.rules()) console.log(r.pos, r.type, r.action);
   * ```
   */
  async rules(options?: RequestOptions): Promise<FirewallRule[]> {
    return this.api.get(this.#path('rules'), undefined, { ...requestOptions(options), schema: FirewallRuleSchema.array() });
  }

  /**
   * Reads one rule (`GET …/firewall/rules/{pos}`).
   *
   * @param pos - Its position.
   * @param options - Signal, timeout and retries.
   * @returns The rule.
   * @throws TypeError for a negative or fractional `pos`, before any request; the errors of a request.
   * @example
   * ```ts
   * const first = await vm.firewall.rule(0);
   * ```
   */
  async rule(pos: number, options?: RequestOptions): Promise<FirewallRule> {
    const p = checkPos(pos);
    return this.api.get(this.#path('rules', p), undefined, { ...requestOptions(options), schema: FirewallRuleSchema });
  }

  /**
   * Adds a rule (`POST …/firewall/rules`), first unless `pos` says where.
   *
   * @param rule - The rule, with Proxmox's keys; `type` and `action` are required.
   * @param opts - `pos` (where to insert) and `digest`.
   * @param options - Signal, timeout and retries.
   * @returns When the rule is saved.
   * @throws TypeError for a missing `type`/`action`, an unknown key or a bad value, before any request.
   * @throws UnsupportedError for `type: 'forward'` on PVE 7, before the rule is sent.
   * @example
   * ```ts
   * await vm.firewall.ruleCreate({ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '443', enable: true, comment: 'https' });
   * ```
   */
  async ruleCreate(rule: FirewallRuleInput, opts?: FirewallRuleCreateOptions, options?: RequestOptions): Promise<void> {
    const gates: Gate[] = [];
    const params = readRule('ruleCreate', rule, gates);
    if (params.type === undefined || params.action === undefined) throw new TypeError('ruleCreate: rule needs a type and an action');
    Object.assign(params, mapOptions('ruleCreate', CREATE_OPTIONS, opts));
    await requireGates(this.api, gates, requestOptions(options));
    await this.api.post(this.#path('rules'), params, requestOptions(options));
  }

  /**
   * Changes a rule (`PUT …/firewall/rules/{pos}`): the keys given are set, those in `delete` removed.
   *
   * @param pos - The rule's position.
   * @param changes - The keys to set, with Proxmox's names.
   * @param opts - `delete` (keys to remove) and `digest`.
   * @param options - Signal, timeout and retries.
   * @returns When the rule is saved.
   * @throws TypeError for a bad `pos`, an unknown key, a bad value, or nothing to change, before any request.
   * @throws UnsupportedError for `type: 'forward'` on PVE 7.
   * @example
   * ```ts
   * await vm.firewall.ruleUpdate(1, { enable: false, comment: 'off for maintenance' });
   * ```
   */
  async ruleUpdate(pos: number, changes: Partial<FirewallRuleInput>, opts?: FirewallChangeOptions, options?: RequestOptions): Promise<void> {
    const p = checkPos(pos);
    const gates: Gate[] = [];
    const params = { ...readRule('ruleUpdate', changes, gates), ...mapOptions('ruleUpdate', CHANGE_OPTIONS, opts) };
    if (Object.keys(params).every((k) => k === 'digest')) throw new TypeError('ruleUpdate: nothing to change (give changes or delete)');
    await requireGates(this.api, gates, requestOptions(options));
    await this.api.put(this.#path('rules', p), params, requestOptions(options));
  }

  /**
   * Moves a rule (`PUT …/firewall/rules/{pos}` with `moveto`). As Proxmox does it, the rule is put
   * before the rule now at `to`: moving up lands it at `to`, moving down at `to - 1`; a `to` past
   * the end makes it last.
   *
   * @param pos - The rule's position.
   * @param to - The position of the rule to put it before.
   * @param opts - `digest`.
   * @param options - Signal, timeout and retries.
   * @returns When the rule is moved.
   * @throws TypeError for a bad position, before any request; the errors of a request.
   * @example
   * ```ts
   * await vm.firewall.ruleMove(3, 0); // evaluate it first
   * ```
   */
  async ruleMove(pos: number, to: number, opts?: FirewallDigestOptions, options?: RequestOptions): Promise<void> {
    const p = checkPos(pos);
    const moveto = checkPos(to, 'to');
    const params = { moveto, ...mapOptions('ruleMove', DIGEST_OPTIONS, opts) };
    await this.api.put(this.#path('rules', p), params, requestOptions(options));
  }

  /**
   * Removes a rule (`DELETE …/firewall/rules/{pos}`); the rules after it move up.
   *
   * @param pos - The rule's position.
   * @param opts - `digest`.
   * @param options - Signal, timeout and retries.
   * @returns When the rule is removed.
   * @throws TypeError for a bad `pos`, before any request; the errors of a request.
   * @example
   * ```ts
   * await vm.firewall.ruleDelete(0);
   * ```
   */
  async ruleDelete(pos: number, opts?: FirewallDigestOptions, options?: RequestOptions): Promise<void> {
    const p = checkPos(pos);
    await this.api.delete(this.#path('rules', p), mapOptions('ruleDelete', DIGEST_OPTIONS, opts), requestOptions(options));
  }

  /**
   * Reads the firewall options (`GET …/firewall/options`).
   *
   * @param options - Signal, timeout and retries.
   * @returns The options set at this level, with the `digest` of the firewall config.
   * @throws The errors of a request.
   * @example
   * ```ts
   * const { enable, policy_in } = await vm.firewall.options();
   * ```
   */
  async options(options?: RequestOptions): Promise<FirewallOptions> {
    return this.api.get(this.#path('options'), undefined, { ...requestOptions(options), schema: FirewallOptionsSchema });
  }

  /**
   * Sets firewall options (`PUT …/firewall/options`); the keys a level takes are listed at
   * {@link FirewallOptionsInput}.
   *
   * @param changes - The options to set, with Proxmox's keys.
   * @param opts - `delete` (keys to reset) and `digest`.
   * @param options - Signal, timeout and retries.
   * @returns When the options are saved.
   * @throws TypeError for a key this level does not take, a bad value, or nothing to change, before any request.
   * @throws UnsupportedError for a key the release lacks (`policy_forward`, `nftables`, `log_level_forward` on PVE 7).
   * @example
   * ```ts
   * await Firewall.node(api, 'pve1').optionsSet({ enable: true, nftables: true });
   * ```
   */
  async optionsSet(changes: FirewallOptionsInput, opts?: FirewallChangeOptions, options?: RequestOptions): Promise<void> {
    const gates: Gate[] = [];
    const values = mapOptions(`optionsSet (${this.level} firewall)`, OPTIONS[this.level], readRecord('changes', changes), gates);
    const params = { ...values, ...mapOptions('optionsSet', CHANGE_OPTIONS, opts) };
    if (Object.keys(params).every((k) => k === 'digest')) throw new TypeError('optionsSet: nothing to change (give changes or delete)');
    await requireGates(this.api, gates, requestOptions(options));
    await this.api.put(this.#path('options'), params, requestOptions(options));
  }

  /**
   * A plain view for logs and `JSON.stringify` (without the session).
   *
   * @returns `level` and `basePath`.
   * @example
   * ```ts
   * JSON.stringify(vm.firewall); // {"level":"vm","basePath":"/nodes/pve1/qemu/100/firewall"}
   * ```
   */
  toJSON(): { level: FirewallLevel; basePath: string } {
    return { level: this.level, basePath: this.basePath };
  }
}

function checkPos(value: unknown, name = 'pos'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${name} must be an integer ≥ 0, got ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}
