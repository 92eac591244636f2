import { describe, expect, it } from 'vitest';
import { toWorkOrderMessage, WorkOrderChangePublisher, workOrdersChannel } from './changes.ts';

describe('work-order change messages', () => {
  it('carry the order, its vendor, state, action, instant and seq on <prefix>:workorders', async () => {
    const sent: [string, string][] = [];
    const publisher = new WorkOrderChangePublisher({
      publisher: { publish: async (channel, message) => sent.push([channel, message]) },
      prefix: 'steward',
    });
    await publisher.publish([
      {
        orderId: '42',
        vendorId: 'hengyuan-property',
        previousVendorId: 'antu-lifts',
        state: 'dispatched',
        action: 'reassign',
        atMs: Date.UTC(2026, 10, 23, 2, 0, 0),
        seq: 4,
      },
    ]);
    expect(sent).toEqual([
      [
        'steward:workorders',
        JSON.stringify({
          v: 1,
          orderId: '42',
          vendorId: 'hengyuan-property',
          previousVendorId: 'antu-lifts',
          state: 'dispatched',
          action: 'reassign',
          at: '2026-11-23T02:00:00.000Z',
          seq: 4,
        }),
      ],
    ]);
    expect(workOrdersChannel('p')).toBe('p:workorders');
  });

  it('leave out what a change does not have', () => {
    const message = toWorkOrderMessage({
      orderId: '1',
      vendorId: null,
      state: 'created',
      action: 'note',
      atMs: 0,
    });
    expect(Object.keys(message)).toEqual(['v', 'orderId', 'vendorId', 'state', 'action', 'at']);
  });

  it('count a failed publish and never throw: the tables are the record', async () => {
    const publisher = new WorkOrderChangePublisher({
      publisher: {
        publish: async () => {
          throw new Error('redis is away');
        },
      },
      prefix: 'steward',
    });
    await publisher.publish([
      { orderId: '1', vendorId: null, state: 'created', action: 'create', atMs: 0, seq: 1 },
    ]);
    expect(publisher.failures).toBe(1);
  });
});
