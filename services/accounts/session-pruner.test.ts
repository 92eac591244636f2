import { describe, expect, it } from 'vitest';
import { createLogger } from '../runtime/logger.ts';
import { DEFAULT_SESSION_KEEP_MS, SessionPruner } from './session-pruner.ts';

const logger = createLogger({ LOG_LEVEL: 'silent' }, 'test');

describe('SessionPruner', () => {
  it('prunes at start with a week kept, and a failed round neither throws nor stops the next', async () => {
    const calls: number[] = [];
    let fail = true;
    const pruner = new SessionPruner({
      accounts: {
        pruneSessions: async (keepMs) => {
          calls.push(keepMs);
          if (fail) throw new Error('ECONNREFUSED');
          return 3;
        },
      },
      logger,
      intervalMs: 20,
    });
    await pruner.start();
    fail = false;
    // The next rounds come on the interval (polled, not timed: a loaded machine is slow).
    for (let waited = 0; calls.length < 2 && waited < 5_000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await pruner.stop();
    const afterStop = calls.length;
    expect(afterStop).toBeGreaterThanOrEqual(2);
    expect(calls.every((keep) => keep === DEFAULT_SESSION_KEEP_MS)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.length).toBe(afterStop);
  });
});
