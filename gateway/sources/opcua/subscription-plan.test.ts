import { describe, expect, it } from 'vitest';
import { collectNodes, NO_SERVER_LIMITS, planSubscriptions } from './subscription-plan.ts';

const points = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ pointId: `p${i}`, nodeId: `ns=1;s=Point.${i}` }));
const sizes = (groups: readonly (readonly unknown[])[]) => groups.map((g) => g.length);

describe('collectNodes', () => {
  it('monitors a node once for every point bound to it, and reports unparsable node ids', () => {
    const { nodes, invalid } = collectNodes([
      { pointId: 'a', nodeId: 'ns=1;s=X' },
      { pointId: 'b', nodeId: 'ns=1;s=X' },
      { pointId: 'c', nodeId: 'i=2258' },
      { pointId: 'd', nodeId: 'not a node id;;' },
    ]);
    expect(nodes.map((n) => [n.key, n.pointIds])).toEqual([
      ['ns=1;s=X', ['a', 'b']],
      ['ns=0;i=2258', ['c']],
    ]);
    expect(invalid.map((i) => i.pointId)).toEqual(['d']);
  });
});

describe('planSubscriptions', () => {
  const { nodes } = collectNodes(points(250));

  it('splits items into subscriptions of the requested size', () => {
    const plan = planSubscriptions(nodes, 100, NO_SERVER_LIMITS);
    expect(sizes(plan.groups)).toEqual([100, 100, 50]);
    expect(plan.itemsPerCall).toBe(100);
    expect(plan.adjustments).toEqual([]);
  });

  it('grows subscriptions to fit a server that allows few per session', () => {
    const plan = planSubscriptions(nodes, 100, { ...NO_SERVER_LIMITS, maxSubscriptionsPerSession: 2 });
    expect(sizes(plan.groups)).toEqual([125, 125]);
    expect(plan.adjustments[0]).toMatch(/MaxSubscriptionsPerSession 2/);
  });

  it('shrinks subscriptions to the server maximum per subscription, and CreateMonitoredItems calls to its maximum per call', () => {
    const plan = planSubscriptions(nodes, 100, {
      ...NO_SERVER_LIMITS,
      maxMonitoredItemsPerSubscription: 80,
      maxMonitoredItemsPerCall: 30,
    });
    expect(sizes(plan.groups)).toEqual([80, 80, 80, 10]);
    expect(plan.itemsPerCall).toBe(30);
  });

  it('leaves out, and reports, what cannot fit at all', () => {
    const plan = planSubscriptions(nodes, 100, {
      ...NO_SERVER_LIMITS,
      maxSubscriptionsPerSession: 2,
      maxMonitoredItemsPerSubscription: 100,
    });
    expect(sizes(plan.groups)).toEqual([100, 100]);
    expect(plan.unplaced).toHaveLength(50);
  });
});
