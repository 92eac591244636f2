/**
 * Lockout after repeated failed logins, as pure functions over the two columns that hold it
 * (`failed_attempts`, `locked_until`), so the rule is tested without a database.
 *
 * - Failures count consecutively: a successful login resets the count.
 * - The `maxFailures`-th failure locks the account for `lockMs` and resets the count, so after the
 *   lock has passed the user has `maxFailures` attempts again.
 * - Attempts while locked are refused without checking the password, and neither count nor extend
 *   the lock: a third party hammering a username cannot keep its owner out for longer than one
 *   lock period past the last counted failure (the per-IP and per-username rate limits bound the
 *   hammering itself).
 */
export interface LockoutPolicy {
  readonly maxFailures: number;
  readonly lockMs: number;
}

/** Five failures, then 15 minutes. */
export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 15 * 60_000 };

export interface LockState {
  readonly failedAttempts: number;
  /** The lock's end; may be in the past (an expired lock locks nothing). */
  readonly lockedUntilMs: number | null;
}

/** The lock's end while it still holds at `nowMs`, else null. */
export function activeLockUntil(state: LockState, nowMs: number): number | null {
  return state.lockedUntilMs !== null && state.lockedUntilMs > nowMs ? state.lockedUntilMs : null;
}

export interface FailureOutcome extends LockState {
  /** This failure started a lock. */
  readonly lockedNow: boolean;
}

/** The state after a wrong password at `nowMs`. */
export function afterFailure(state: LockState, nowMs: number, policy: LockoutPolicy): FailureOutcome {
  if (activeLockUntil(state, nowMs) !== null) return { ...state, lockedNow: false };
  const failedAttempts = state.failedAttempts + 1;
  if (failedAttempts >= policy.maxFailures) {
    return { failedAttempts: 0, lockedUntilMs: nowMs + policy.lockMs, lockedNow: true };
  }
  return { failedAttempts, lockedUntilMs: state.lockedUntilMs, lockedNow: false };
}

/** The state after a successful login. */
export const afterSuccess = (): LockState => ({ failedAttempts: 0, lockedUntilMs: null });
