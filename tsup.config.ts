import { defineConfig } from 'tsup';

// Dual build: ESM (`.js`) and CommonJS (`.cjs`) with declarations for both.
// p-retry is ESM-only, so it is bundled into the output: `require('proxmox-sdk')`
// then works on every Node 20, not only where `require(esm)` is available.
export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  noExternal: ['p-retry', 'is-network-error'],
  tsconfig: 'tsconfig.build.json',
});
