/**
 * Start-up: the time to `import` (ESM) and `require` (CJS) the built package, next to importing
 * axios and zod alone (the two dependencies that weigh), each in a fresh `node` process.
 *
 * The package is built by this case with the project's own tsup configuration (`tsup.config.ts`:
 * same entry, formats, target, and p-retry bundled in), into `node_modules/.cache/proxmox-sdk-bench/` without type
 * declarations, so that it measures the sources as they are now without touching `dist/`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Options } from 'tsup';
import tsupConfig from '../../tsup.config.js';
import { median, roundOrder } from '../stats.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Out of the linted and committed tree; the build's `import 'axios'` still finds the project's node_modules. */
const OUT = fileURLToPath(new URL('../../node_modules/.cache/proxmox-sdk-bench/', import.meta.url));

/** Milliseconds of one variant (medians over fresh processes). */
export interface StartupFigures {
  id: string;
  label: string;
  /** Inside the process: from before the first `import`/`require` to after the last. */
  importMs: number;
  /** The whole `node` process, spawn to exit. */
  processMs: number;
}

/** What the start-up case found. */
export interface StartupResult {
  runs: number;
  /** What was measured as "the package". */
  build: string;
  variants: StartupFigures[];
  /** The SDK's import time / axios + zod's, for ESM and CJS. */
  ratio: { esm: number; cjs: number };
}

interface Variant {
  id: string;
  label: string;
  type: 'module' | 'commonjs';
  /** What to load (inside an async function for ESM). */
  load: string;
}

function variants(): Variant[] {
  const esm = JSON.stringify(pathToFileURL(`${OUT}index.js`).href);
  const cjs = JSON.stringify(`${OUT}index.cjs`);
  return [
    { id: 'node', label: 'node, nothing loaded', type: 'module', load: '' },
    { id: 'deps-esm', label: "import axios + zod", type: 'module', load: "await import('axios'); await import('zod');" },
    { id: 'sdk-esm', label: 'import proxmox-sdk', type: 'module', load: `await import(${esm});` },
    { id: 'deps-cjs', label: "require axios + zod", type: 'commonjs', load: "require('axios'); require('zod');" },
    { id: 'sdk-cjs', label: 'require proxmox-sdk', type: 'commonjs', load: `require(${cjs});` },
  ];
}

async function once(v: Variant): Promise<{ importMs: number; processMs: number }> {
  const code = `const t0 = performance.now(); ${v.load} process.stdout.write(String(performance.now() - t0));`;
  const body = v.type === 'module' ? code : `(() => { ${code} })()`;
  const t0 = performance.now();
  const { stdout } = await run(process.execPath, [`--input-type=${v.type}`, '-e', body], { cwd: ROOT });
  return { importMs: Number(stdout), processMs: performance.now() - t0 };
}

/** Builds the package into the cache folder with the project's tsup settings, minus declarations. */
async function buildPackage(): Promise<string> {
  const base = tsupConfig as Options;
  await build({
    ...base,
    entry: { index: 'src/index.ts' },
    dts: false,
    sourcemap: false,
    outDir: OUT,
    config: false,
    silent: true,
  });
  return 'src/index.ts built by tsup with the project config (no .d.ts)';
}

/**
 * Runs the start-up case.
 *
 * @param runs - Fresh processes per variant.
 * @param withCjs - Whether to measure `require` too (besides `import`).
 * @param progress - Told what runs.
 * @returns The figures.
 */
export async function runStartup(runs: number, withCjs: boolean, progress: (msg: string) => void): Promise<StartupResult> {
  progress('startup: building the package');
  const built = await buildPackage();
  const all = variants().filter((v) => withCjs || v.type === 'module');
  for (const v of all) await once(v); // file cache
  const samples = new Map<string, Array<{ importMs: number; processMs: number }>>(all.map((v) => [v.id, []]));
  for (let round = 0; round < runs; round++) {
    progress(`startup: round ${round + 1}/${runs}`);
    for (const v of roundOrder(all, round)) samples.get(v.id)?.push(await once(v));
  }
  const figures = all.map((v) => {
    const own = samples.get(v.id) ?? [];
    return { id: v.id, label: v.label, importMs: median(own.map((s) => s.importMs)), processMs: median(own.map((s) => s.processMs)) };
  });
  const ms = (id: string): number => figures.find((f) => f.id === id)?.importMs ?? NaN;
  return { runs, build: built, variants: figures, ratio: { esm: ms('sdk-esm') / ms('deps-esm'), cjs: ms('sdk-cjs') / ms('deps-cjs') } };
}
