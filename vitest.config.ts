import { defineConfig } from 'vitest/config';

// Unit and integration tests run on plain Node 20: real SQLite files, real images, no Electron binary.
export const config = defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});

// eslint-disable-next-line no-restricted-syntax -- vitest loads the default export
export default config;
