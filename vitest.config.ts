import { defineConfig } from 'vitest/config';

/**
 * The heavy files run whole platforms under load (`steward all --demo` with the simulated
 * building and a browser; the chaos stack at 1,500 readings/s): one at a time, after the rest, so
 * two of them never starve each other of this machine's two cores (a run with both at once
 * timed out a PostgreSQL connection at a demo's start).
 */
const HEAVY = ['test/browser/**/*.test.ts', 'test/integration/chaos-faults.test.ts'];

export default defineConfig({
  test: {
    // Integration tests share the local stack's servers, isolated per file (own database, own key prefix).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: [
            'config/**/*.test.ts',
            'gateway/**/*.test.ts',
            'services/**/*.test.ts',
            'dashboards/src/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          exclude: HEAVY,
          // Two files at a time: vitest's default on two cores is one (cores − 1), and most
          // integration files spend their time waiting on servers and child processes.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'heavy', include: HEAVY, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
