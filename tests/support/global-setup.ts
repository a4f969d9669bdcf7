/**
 * Jest `globalSetup`: say once per run, before any worker starts, which official schemas are
 * missing (the oracle then skips those checks). Workers inherit the environment variable and stay
 * quiet about what was already said.
 *
 * Jest loads this file outside its module system, where relative `.js` imports of TypeScript files
 * do not resolve, so it repeats the few rules of `schema.ts` it needs (`schema.test.ts` checks that
 * both say the same).
 */
import fs from 'node:fs';
import path from 'node:path';

const NOTICED_ENV = 'PROXMOX_SDK_ORACLE_NOTICED';
const PRODUCTS = [
  { product: 'pve', variable: 'PVE_SCHEMA_DIR', releases: ['7.4', '8.4', '9.1'] },
  { product: 'pbs', variable: 'PBS_SCHEMA_DIR', releases: ['4'] },
] as const;

/** The notice lines for what is missing, with the path each one is about. */
export function missingNotices(rootDir: string, env: NodeJS.ProcessEnv = process.env): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const { product, variable, releases } of PRODUCTS) {
    const fromEnv = env[variable];
    const dir = fromEnv ? path.resolve(fromEnv) : path.resolve(rootDir, '..', 'shared', `${product}-schema`);
    const name = product.toUpperCase();
    const line = (what: string, where: string): string =>
      `[schema oracle] ${what} not found at ${where} (set ${variable}): ` +
      `requests are NOT checked against the ${name} schema.`;
    if (!fs.existsSync(dir)) {
      out.push([dir, line(`${name} schema directory`, dir)]);
      continue;
    }
    for (const release of releases) {
      const file = path.join(dir, `${product}-${release}.json`);
      if (!fs.existsSync(file)) out.push([file, line(`${name} ${release} schema`, file)]);
    }
  }
  return out;
}

export default function globalSetup(_globalConfig: unknown, projectConfig?: { rootDir?: string }): void {
  const rootDir = projectConfig?.rootDir ?? process.cwd();
  const noticed = new Set((process.env[NOTICED_ENV] ?? '').split('\n').filter((s) => s !== ''));
  for (const [missing, notice] of missingNotices(rootDir)) {
    if (noticed.has(missing)) continue;
    noticed.add(missing);
    process.stderr.write(`${notice}\n`);
  }
  process.env[NOTICED_ENV] = [...noticed].join('\n');
}
