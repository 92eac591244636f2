import { describe, expect, it } from 'vitest';
import { LiveValueCoalescer } from './coalescer.ts';

describe('live value coalescing', () => {
  it('keeps the newest value of each point between two drains, one batch per site', () => {
    const coalescer = new LiveValueCoalescer();
    coalescer.offer('a', [
      { p: 'x.kw', t: 1, v: 10 },
      { p: 'y.kw', t: 1, v: 20 },
    ]);
    coalescer.offer('a', [{ p: 'x.kw', t: 2, v: 11 }]);
    coalescer.offer('b', [{ p: 'z.kw', t: 1, v: 30 }]);
    expect(coalescer.drain()).toEqual([
      {
        site: 'a',
        values: [
          { p: 'x.kw', t: 2, v: 11 },
          { p: 'y.kw', t: 1, v: 20 },
        ],
      },
      { site: 'b', values: [{ p: 'z.kw', t: 1, v: 30 }] },
    ]);
    expect(coalescer.drain()).toEqual([]);
    expect(coalescer.pendingCount).toBe(0);
  });

  it('drops values older than the pending one or than the one already sent', () => {
    const coalescer = new LiveValueCoalescer();
    coalescer.offer('a', [{ p: 'x.kw', t: 5, v: 1 }]);
    expect(coalescer.offer('a', [{ p: 'x.kw', t: 4, v: 2 }])).toBe(0);
    coalescer.drain();
    expect(coalescer.offer('a', [{ p: 'x.kw', t: 3, v: 3 }])).toBe(0);
    expect(coalescer.offer('a', [{ p: 'x.kw', t: 5, v: 4 }])).toBe(1);
    expect(coalescer.drain()).toEqual([{ site: 'a', values: [{ p: 'x.kw', t: 5, v: 4 }] }]);
  });

  it('sends each point at most once per drain however often it changes', () => {
    const coalescer = new LiveValueCoalescer();
    for (let t = 0; t < 100; t++) coalescer.offer('a', [{ p: 'x.kw', t, v: t }]);
    const [batch] = coalescer.drain();
    expect(batch?.values).toEqual([{ p: 'x.kw', t: 99, v: 99 }]);
  });
});
