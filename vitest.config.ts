import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'config/**/*.test.ts',
      'gateway/**/*.test.ts',
      'services/**/*.test.ts',
      'dashboards/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // Integration tests share the local stack's servers, isolated per file (own database, own key prefix).
    // Two files at a time: vitest's default on this 2-core machine is one (cores − 1), and most
    // integration, browser and chaos files spend their time waiting on servers and child processes.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
