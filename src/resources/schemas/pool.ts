/**
 * Zod schemas of the answers of `/pools` and `/pools/{poolid}`. Loose: unknown fields pass through
 * and numbers sent as strings are coerced.
 *
 * @module
 */
import { z } from 'zod';
import { looseBoolean, looseNumber, looseString } from './loose.js';

/**
 * One member of a pool: a guest (`type` `qemu` or `lxc`, with `vmid`) or a storage (`type`
 * `storage`, with `storage`), with its current state.
 *
 * @example
 * ```ts
 * PoolMemberSchema.parse({ id: 'qemu/100', type: 'qemu', node: 'pve1', vmid: '100', status: 'running' }).vmid; // 100
 * ```
 */
export const PoolMemberSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  node: looseString.optional(),
  vmid: looseNumber.optional(),
  storage: z.string().optional(),
  name: looseString.optional(),
  status: z.string().optional(),
  template: looseBoolean.optional(),
});

/**
 * One member as `pool.members()` returns it.
 *
 * @example
 * ```ts
 * const vmids = (await pool.members({ type: 'qemu' })).map((m: PoolMember) => m.vmid);
 * ```
 */
export type PoolMember = z.infer<typeof PoolMemberSchema>;

/**
 * One pool of `GET /pools`. From PVE 8 each entry may carry its `members` too.
 *
 * @example
 * ```ts
 * PoolSummarySchema.parse({ poolid: 'dev', comment: 'Developers' }).poolid; // 'dev'
 * ```
 */
export const PoolSummarySchema = z.looseObject({
  poolid: looseString,
  comment: z.string().optional(),
  members: z.array(PoolMemberSchema).optional(),
});

/**
 * One pool as `Pool.list()` returns it.
 *
 * @example
 * ```ts
 * const ids = (await Pool.list(api)).map((p: PoolSummary) => p.poolid);
 * ```
 */
export type PoolSummary = z.infer<typeof PoolSummarySchema>;

/**
 * The answer of `GET /pools/{poolid}` (PVE 7), which has no `poolid`.
 *
 * @example
 * ```ts
 * PoolConfigSchema.parse({ comment: 'x', members: [] });
 * ```
 */
export const PoolConfigSchema = z.looseObject({
  comment: z.string().optional(),
  members: z.array(PoolMemberSchema).default([]),
});

/**
 * A pool as `pool.get()` returns it on every release: `poolid`, `comment` and `members`.
 *
 * @example
 * ```ts
 * const { comment, members }: PoolInfo = await pool.get();
 * ```
 */
export type PoolInfo = z.infer<typeof PoolConfigSchema> & { poolid: string };
