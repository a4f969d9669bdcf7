import type { Config } from 'jest';

/**
 * Jest runs the TypeScript sources directly as ES modules (p-retry is ESM-only),
 * through ts-jest's `default-esm` preset. `npm test` starts Node with
 * `--experimental-vm-modules`, which Jest's ESM support needs.
 */
const config: Config = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }],
  },
  testTimeout: 20000,
  // The schema oracle (tests/support): a test fails when a request it sent does not conform to
  // the official Proxmox API schema; the global setup says once if a schema file is missing.
  setupFilesAfterEnv: ['<rootDir>/tests/support/setup.ts'],
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
};

export default config;
