/**
 * The simulator's hand-written parameter declarations agree with the official schema of each
 * release: every parameter it accepts is declared there, and it requires exactly what the schema
 * requires. (The simulator does not read the schema; this test does, to keep it honest.)
 */
import { allRoutes } from '../../src/testing/routes/index.js';
import type { Release } from '../../src/testing/index.js';
import { endpointMethod, loadSchema } from '../support/schema.js';

const RELEASES: Release[] = ['7.4', '8.4', '9.1'];

describe.each(RELEASES)('simulator parameters vs. the PVE %s schema', (release) => {
  const schema = loadSchema('pve', release);
  const run = schema ? it : it.skip;

  run('accepts only declared parameters and requires the same ones', () => {
    const problems: string[] = [];
    for (const route of allRoutes) {
      if (route.releases && !route.releases.includes(release)) continue;
      const official = endpointMethod(schema!, route.method, route.path);
      if (!official) {
        problems.push(`${route.method} ${route.path}: not in the schema`);
        continue;
      }
      const props = official.parameters?.properties ?? {};
      const shape = typeof route.params === 'function' ? route.params(release) : route.params;
      for (const [name, param] of Object.entries(shape)) {
        const decl = props[name];
        if (!decl) {
          problems.push(`${route.method} ${route.path}: '${name}' is not declared`);
          continue;
        }
        const required = !decl.optional;
        if (required !== !param.optional) {
          problems.push(`${route.method} ${route.path}: '${name}' is ${required ? 'required' : 'optional'} in the schema`);
        }
      }
      for (const [name, decl] of Object.entries(props)) {
        if (!decl.optional && !(name in shape)) problems.push(`${route.method} ${route.path}: required '${name}' is missing`);
      }
    }
    expect(problems).toEqual([]);
  });
});
