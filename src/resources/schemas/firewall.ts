/**
 * Zod schemas of the firewall answers (rules and options) at every level: cluster, node, VM and
 * container. Loose: unknown fields pass through and numbers sent as strings are coerced.
 *
 * @module
 */
import { z } from 'zod';
import { looseNumber } from './loose.js';

/**
 * One firewall rule (`GET …/firewall/rules` and `…/rules/{pos}`). 7.4 and 8.4 document only
 * `pos` for the list but send whole rules, as 9.1 documents.
 *
 * @example
 * ```ts
 * FirewallRuleSchema.parse({ pos: '0', type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '443', enable: 1 }).pos; // 0
 * ```
 */
export const FirewallRuleSchema = z.looseObject({
  /** The rule's position (0 is evaluated first). */
  pos: looseNumber,
  /** `in`, `out`, `forward` (8+) or `group`. */
  type: z.string(),
  /** `ACCEPT`, `DROP`, `REJECT`, or a security group's name for `type: 'group'`. */
  action: z.string(),
  /** `1` when enabled; absent or `0` when not. */
  enable: looseNumber.optional(),
  comment: z.string().optional(),
  macro: z.string().optional(),
  source: z.string().optional(),
  dest: z.string().optional(),
  proto: z.string().optional(),
  dport: z.string().optional(),
  sport: z.string().optional(),
  'icmp-type': z.string().optional(),
  iface: z.string().optional(),
  log: z.string().optional(),
  /** 4 or 6 when the addresses imply one. */
  ipversion: looseNumber.optional(),
  digest: z.string().optional(),
});

/**
 * A firewall rule as `firewall.rules()` and `firewall.rule(pos)` return it.
 *
 * @example
 * ```ts
 * const https = (await vm.firewall.rules()).find((r: FirewallRule) => r.dport === '443');
 * ```
 */
export type FirewallRule = z.infer<typeof FirewallRuleSchema>;

/**
 * The firewall options of any level (`GET …/firewall/options`): which keys appear depends on the
 * level; `enable` is a number at the cluster level and a `0`/`1` flag elsewhere.
 *
 * @example
 * ```ts
 * FirewallOptionsSchema.parse({ enable: 1, policy_in: 'DROP', digest: 'ab12…' }).enable; // 1
 * ```
 */
export const FirewallOptionsSchema = z.looseObject({
  enable: looseNumber.optional(),
  policy_in: z.string().optional(),
  policy_out: z.string().optional(),
  log_level_in: z.string().optional(),
  log_level_out: z.string().optional(),
  digest: z.string().optional(),
});

/**
 * What `firewall.options()` returns.
 *
 * @example
 * ```ts
 * const { enable, policy_in } = await vm.firewall.options();
 * ```
 */
export type FirewallOptions = z.infer<typeof FirewallOptionsSchema>;
