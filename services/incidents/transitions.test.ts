import { describe, expect, it } from 'vitest';
import { decideClear, decideFire, mergePeak } from './transitions.ts';

const t = (minute: number): Date => new Date(Date.UTC(2026, 10, 23, 8, minute));

describe('incident transitions', () => {
  it('opens when nothing is open, refires while active or acknowledged', () => {
    expect(decideFire(undefined, t(0), 1800)).toEqual({ action: 'open' });
    const active = { state: 'active', clearedAt: null, lastSeen: t(0) } as const;
    expect(decideFire(active, t(5), 1800)).toEqual({ action: 'refire' });
    expect(decideFire({ ...active, state: 'acknowledged' }, t(5), 1800)).toEqual({ action: 'refire' });
  });

  it('reactivates within the window after a clear, opens anew after it, ignores fires before the clear', () => {
    const cleared = { state: 'cleared', clearedAt: t(10), lastSeen: t(5) } as const;
    expect(decideFire(cleared, t(40), 1800)).toEqual({ action: 'reactivate' });
    expect(decideFire(cleared, t(41), 1800)).toEqual({ action: 'close_and_open' });
    expect(decideFire(cleared, t(10), 1800)).toEqual({ action: 'stale' });
    expect(decideFire(cleared, t(11), 0)).toEqual({ action: 'close_and_open' });
  });

  it('clears an active incident only with a clear not older than its last fire', () => {
    const active = { state: 'active', clearedAt: null, lastSeen: t(5) } as const;
    expect(decideClear(active, t(5))).toBe('clear');
    expect(decideClear(active, t(4))).toBe('stale');
    expect(decideClear({ ...active, state: 'cleared', clearedAt: t(6) }, t(7))).toBe('already_cleared');
    expect(decideClear(undefined, t(7))).toBe('nothing_open');
  });

  it('keeps the most severe peak in the rule’s direction', () => {
    expect(mergePeak(null, 3)).toBe(3);
    expect(mergePeak(5, 3)).toBe(5);
    expect(mergePeak(5, 3, 'lowest')).toBe(3);
  });
});
