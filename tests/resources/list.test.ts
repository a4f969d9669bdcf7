/**
 * `listOf(schema)` must be indistinguishable from `z.array(schema)`: same data (values and key
 * order), same success, same issues — on realistic entries and on random ones.
 */
import { z } from 'zod';
import { ClusterResourceSchema } from '../../src/resources/schemas/cluster.js';
import { listOf, objectOf } from '../../src/resources/schemas/list.js';
import { looseBoolean, looseNumber, looseString } from '../../src/resources/schemas/loose.js';

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    let t = (seed = (seed + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function same(schema: z.ZodType, input: unknown): void {
  const fast = listOf(schema).safeParse(input);
  const full = z.array(schema).safeParse(input);
  expect(fast.success).toBe(full.success);
  if (fast.success && full.success) {
    expect(fast.data).toEqual(full.data);
    // Key order too (JSON output, console tables).
    expect(JSON.stringify(fast.data)).toBe(JSON.stringify(full.data));
  } else {
    const issues = (r: typeof fast) => (r.success ? [] : r.error.issues.map(({ code, path, message }) => ({ code, path, message })));
    expect(issues(fast)).toEqual(issues(full));
  }
}

const guest = (i: number): Record<string, unknown> => ({
  id: `qemu/${100 + i}`, type: 'qemu', vmid: 100 + i, node: `pve${1 + (i % 3)}`, name: `vm-${i}`, status: i % 2 ? 'running' : 'stopped',
  template: 0, maxcpu: 4, cpu: 0.0123, maxmem: 4294967296, mem: 1073741824, maxdisk: 34359738368, disk: 0, uptime: 86400,
  netin: 1834, netout: 912, diskread: 40960, diskwrite: 20480, ...(i % 4 === 0 ? { tags: 'prod;web' } : {}), ...(i % 5 === 0 ? { hastate: 'started', extra: { a: 1 } } : {}),
});

describe('listOf', () => {
  it('gives what z.array gives on what Proxmox sends (guests, storages, nodes, pools, templates)', () => {
    same(ClusterResourceSchema, Array.from({ length: 200 }, (_, i) => guest(i)));
    same(ClusterResourceSchema, [
      { id: 'storage/pve1/local', type: 'storage', node: 'pve1', storage: 'local', plugintype: 'dir', content: 'iso,vztmpl,backup', shared: 0, status: 'available', disk: 1, maxdisk: 2 },
      { id: 'node/pve1', type: 'node', node: 'pve1', status: 'online', level: '', cpu: 0.1, maxcpu: 8, mem: 1, maxmem: 2, uptime: 5 },
      { id: 'pool/prod', type: 'pool', pool: 'prod' },
      { ...guest(1), template: 1 },
      { ...guest(2), template: true },
    ]);
    same(ClusterResourceSchema, []);
  });

  it('leaves unusual entries to zod: numbers as strings, names as numbers, booleans as text, wrong types', () => {
    same(ClusterResourceSchema, [guest(0), { ...guest(1), vmid: '101', maxmem: '4096' }]);
    same(ClusterResourceSchema, [{ ...guest(1), name: 1234, pool: 7 }]);
    same(ClusterResourceSchema, [{ ...guest(1), template: 'yes', shared: '0' }]);
    same(ClusterResourceSchema, [guest(0), { ...guest(1), id: 5 }]);
    same(ClusterResourceSchema, [{ type: 'qemu' }]);
    same(ClusterResourceSchema, [{ ...guest(1), cpu: 'fast' }]);
    same(ClusterResourceSchema, [{ ...guest(1), template: 2 }]);
    same(ClusterResourceSchema, [null, 'x', 3, []]);
    same(ClusterResourceSchema, { data: [] });
    same(ClusterResourceSchema, JSON.parse('[{"id":"qemu/1","type":"qemu","__proto__":{"x":1}}]'));
    same(ClusterResourceSchema, [{ ...guest(1), tags: undefined }]);
  });

  it('matches z.array on random entries', () => {
    const random = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const values = ['', 'x', '12', '1', 'yes', 'on', '0', 0, 1, 2, -0, 0.5, 1e21, true, false, null, [], {}, [1], { a: 1 }];
    const keys = [...Object.keys(ClusterResourceSchema.shape), 'extra', 'other'];
    for (let n = 0; n < 400; n++) {
      const list = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const entry: Record<string, unknown> = random() < 0.8 ? guest(n) : {};
        for (let k = 0; k < 3; k++) {
          const key = pick(keys);
          if (random() < 0.2) delete entry[key];
          else entry[key] = pick(values);
        }
        return entry;
      });
      same(ClusterResourceSchema, list);
    }
  });

  it('is z.array itself for a schema it cannot copy (nested objects, checks, strict objects)', () => {
    const nested = z.looseObject({ id: z.string(), ha: z.looseObject({ managed: looseNumber }).optional() });
    const checked = z.looseObject({ id: z.string().min(3) });
    const strict = z.object({ id: z.string(), n: looseNumber.optional() });
    for (const schema of [nested, checked, strict]) {
      same(schema, [{ id: 'abcd', ha: { managed: 1 }, n: 2 }]);
      same(schema, [{ id: 'a', n: '2', other: 1 }]);
    }
    const loose = z.looseObject({ a: looseString.optional(), b: looseBoolean.optional(), c: looseNumber });
    same(loose, [{ a: 'x', b: 1, c: 2, d: [1] }, { a: 3, b: 'off', c: '4' }]);
  });
});

describe('objectOf', () => {
  it('reads field names that need quoting or escaping as they are', () => {
    const schema = z.looseObject({ 'we"ird\\key\n': z.string(), "it's": looseBoolean.optional(), 'a-b': z.looseObject({ '}': looseNumber }).optional() });
    const fast = objectOf(schema);
    expect(fast).not.toBe(schema);
    const input = { 'we"ird\\key\n': 'x', "it's": 1, 'a-b': { '}': 2 }, other: true };
    expect(fast.parse(input)).toBe(input);
    expect(input).toStrictEqual({ 'we"ird\\key\n': 'x', "it's": true, 'a-b': { '}': 2 }, other: true });
    expect(fast.safeParse({ "it's": 1 }).success).toBe(false);
    expect(fast.safeParse({ 'we"ird\\key\n': 'x', 'a-b': { '}': '3' } }).data).toStrictEqual({ 'we"ird\\key\n': 'x', 'a-b': { '}': 3 } });
  });

  it('is the schema itself where code cannot be generated, or for a schema it cannot check', () => {
    const schema = z.looseObject({ id: z.string() });
    const saved = globalThis.Function;
    globalThis.Function = function refuse(): never {
      throw new EvalError('Code generation from strings disallowed for this context');
    } as unknown as FunctionConstructor;
    try {
      expect(objectOf(schema)).toBe(schema);
    } finally {
      globalThis.Function = saved;
    }
    expect(objectOf(schema)).not.toBe(schema);
    const strict = z.object({ id: z.string() });
    const checked = z.looseObject({ id: z.string().min(2) });
    expect(objectOf(strict)).toBe(strict);
    expect(objectOf(checked)).toBe(checked);
  });
});
