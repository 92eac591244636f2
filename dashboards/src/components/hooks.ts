import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure } from '../api.ts';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ApiFailure | undefined;
  readonly loading: boolean;
  reload(): void;
}

/**
 * Loads with `load` whenever `deps` change or `reload()` is called; keeps the last good data
 * while a reload runs, so lists do not flash empty on every live event. Answers that arrive
 * out of order are dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiFailure | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const generation = useRef(0);

  // The caller names what `load` depends on in `deps`.
  useEffect(() => {
    const mine = ++generation.current;
    setLoading(true);
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(failure instanceof ApiFailure ? failure : new ApiFailure(0, 'unknown', String(failure)));
        setLoading(false);
      },
    );
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}

/** Re-renders every `ms`; returns the current time. */
export function useNow(ms = 1_000, now: () => number = Date.now): number {
  const [value, setValue] = useState(now());
  useEffect(() => {
    const timer = setInterval(() => setValue(now()), ms);
    return () => clearInterval(timer);
  }, [ms, now]);
  return value;
}

/** Calls `reload` every `ms` while the page is open (figures that have no live event). */
export function usePoll(reload: () => void, ms: number): void {
  useEffect(() => {
    const timer = setInterval(reload, ms);
    return () => clearInterval(timer);
  }, [reload, ms]);
}
