import { describe, expect, it } from 'vitest';
import { activeLockUntil, afterFailure, afterSuccess, DEFAULT_LOCKOUT, type LockState } from './lockout.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 23, 2, 0, 0);

/** Applies `count` failures one minute apart from `start`. */
function fail(count: number, start: LockState = afterSuccess(), atMs = T0) {
  let state: LockState = start;
  let lockedNow = false;
  for (let i = 0; i < count; i++)
    ({ lockedNow, ...state } = afterFailure(state, atMs + i * MINUTE, DEFAULT_LOCKOUT));
  return { state, lockedNow };
}

describe('lockout after repeated failures', () => {
  it('is five failures, then fifteen minutes', () => {
    expect(DEFAULT_LOCKOUT).toEqual({ maxFailures: 5, lockMs: 15 * MINUTE });
  });

  it('counts four failures without locking', () => {
    const { state, lockedNow } = fail(4);
    expect(state).toEqual({ failedAttempts: 4, lockedUntilMs: null });
    expect(lockedNow).toBe(false);
    expect(activeLockUntil(state, T0 + 4 * MINUTE)).toBeNull();
  });

  it('locks on the fifth failure for 15 minutes from it, and resets the count', () => {
    const { state, lockedNow } = fail(5);
    const fifthAt = T0 + 4 * MINUTE;
    expect(lockedNow).toBe(true);
    expect(state).toEqual({ failedAttempts: 0, lockedUntilMs: fifthAt + 15 * MINUTE });
    expect(activeLockUntil(state, fifthAt + 15 * MINUTE - 1)).toBe(fifthAt + 15 * MINUTE);
    expect(activeLockUntil(state, fifthAt + 15 * MINUTE)).toBeNull();
  });

  it('neither counts nor extends failures while locked', () => {
    const locked = fail(5).state;
    const during = afterFailure(locked, T0 + 10 * MINUTE, DEFAULT_LOCKOUT);
    expect(during).toEqual({ ...locked, lockedNow: false });
  });

  it('gives five fresh attempts once the lock has passed', () => {
    const locked = fail(5).state;
    const after = (locked.lockedUntilMs ?? 0) + 1;
    expect(fail(4, locked, after).state).toMatchObject({ failedAttempts: 4 });
    expect(activeLockUntil(fail(4, locked, after).state, after + 4 * MINUTE)).toBeNull();
    expect(fail(5, locked, after).lockedNow).toBe(true);
  });

  it('starts counting again after a success', () => {
    const four = fail(4).state;
    expect(afterSuccess()).toEqual({ failedAttempts: 0, lockedUntilMs: null });
    expect(fail(4, afterSuccess()).lockedNow).toBe(false);
    expect(four.failedAttempts).toBe(4);
  });
});
