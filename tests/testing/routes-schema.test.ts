/**
 * Every route the simulator serves exists in the official schema of the release it simulates,
 * with the same method; and every route of the 9.1 simulator exists in the 9.1 schema.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator, type Release } from '../../src/testing/index.js';

interface SchemaNode {
  path: string;
  info?: Record<string, unknown>;
  children?: SchemaNode[];
}

const dir = process.env.PVE_SCHEMA_DIR ? path.resolve(process.env.PVE_SCHEMA_DIR) : path.resolve(process.cwd(), '..', 'shared', 'pve-schema');
const releases: Release[] = ['7.4', '8.4', '9.1'];
const present = releases.filter((r) => fs.existsSync(path.join(dir, `pve-${r}.json`)));

function endpoints(release: Release): Set<string> {
  const tree = JSON.parse(fs.readFileSync(path.join(dir, `pve-${release}.json`), 'utf8')) as SchemaNode[];
  const out = new Set<string>();
  const walk = (nodes: SchemaNode[]) => {
    for (const n of nodes) {
      for (const m of Object.keys(n.info ?? {})) out.add(`${m} ${n.path}`);
      if (n.children) walk(n.children);
    }
  };
  walk(tree);
  return out;
}

if (present.length === 0) {
  test.skip(`routes vs. schema: no PVE schema at ${dir} (set PVE_SCHEMA_DIR)`, () => {});
}

describe.each(present)('simulator routes vs. the PVE %s schema', (release) => {
  it('serves only endpoints that exist in the schema, with the same method', async () => {
    const sim = await startSimulator({ release });
    try {
      const known = endpoints(release);
      const served = sim.routes().map((r) => `${r.method} ${r.path}`);
      expect(served.length).toBeGreaterThan(50);
      expect(served.filter((r) => !known.has(r))).toEqual([]);
      if (release !== '9.1' && present.includes('9.1')) {
        // Everything served on an older release that is still in 9.1 must be there with the same method.
        const latest = endpoints('9.1');
        const sim91 = await startSimulator();
        try {
          expect(sim91.routes().map((r) => `${r.method} ${r.path}`).filter((r) => !latest.has(r))).toEqual([]);
        } finally {
          await sim91.close();
        }
      }
      expect(new Set(served).size).toBe(served.length);
    } finally {
      await sim.close();
    }
  });
});
