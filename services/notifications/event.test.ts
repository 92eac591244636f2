import { describe, expect, it } from 'vitest';
import {
  deliveryIdOf,
  isWorkOrderEvent,
  recipientsOf,
  type WorkOrderEvent,
  webhookPayload,
} from './event.ts';
import { DELIVERY_ID_PATTERN } from './signature.ts';

const EVENT: WorkOrderEvent = {
  orderId: '42',
  vendorId: 'antu-lifts',
  state: 'dispatched',
  action: 'dispatch',
  at: '2026-11-23T08:05:00.000Z',
  seq: 2,
};

describe('deliveryIdOf', () => {
  it('is the same for the same change, however its instant is spelled', () => {
    const id = deliveryIdOf('antu-lifts', EVENT);
    expect(id).toMatch(DELIVERY_ID_PATTERN);
    expect(id).toMatch(/^wh_[0-9a-f]{32}$/);
    expect(deliveryIdOf('antu-lifts', { ...EVENT, at: '2026-11-23T16:05:00+08:00' })).toBe(id);
    expect(deliveryIdOf('antu-lifts', { ...EVENT, orderId: 42 })).toBe(id);
  });

  it('differs by vendor, order, transition and action', () => {
    const id = deliveryIdOf('antu-lifts', EVENT);
    const others = [
      deliveryIdOf('hengyuan-property', EVENT),
      deliveryIdOf('antu-lifts', { ...EVENT, orderId: '43' }),
      deliveryIdOf('antu-lifts', { ...EVENT, seq: 3 }),
      deliveryIdOf('antu-lifts', { ...EVENT, action: 'reassign' }),
      deliveryIdOf('antu-lifts', { ...EVENT, at: '2026-11-23T08:05:00.001Z' }),
    ];
    expect(new Set([id, ...others]).size).toBe(6);
  });
});

describe('webhookPayload', () => {
  it('carries the chosen fields only, with the instant in UTC', () => {
    const event = { ...EVENT, at: '2026-11-23T16:05:00+08:00', internalNote: 'not for vendors' };
    expect(isWorkOrderEvent(event)).toBe(true);
    expect(webhookPayload('antu-lifts', event)).toEqual({
      v: 1,
      event: 'workorder.dispatch',
      vendorId: 'antu-lifts',
      workOrder: {
        id: '42',
        state: 'dispatched',
        action: 'dispatch',
        at: '2026-11-23T08:05:00.000Z',
        seq: 2,
        assignedToYou: true,
      },
    });
    const { seq: _seq, ...withoutSeq } = EVENT;
    expect(webhookPayload('antu-lifts', withoutSeq).workOrder).not.toHaveProperty('seq');
  });
});

describe('a reassignment', () => {
  const reassigned = {
    ...EVENT,
    action: 'reassign',
    vendorId: 'hengyuan-property',
    previousVendorId: 'antu-lifts',
  };

  it('goes to both vendors, telling the previous one the order is no longer its own', () => {
    expect(recipientsOf(reassigned)).toEqual(['hengyuan-property', 'antu-lifts']);
    expect(webhookPayload('hengyuan-property', reassigned).workOrder.assignedToYou).toBe(true);
    const previous = webhookPayload('antu-lifts', reassigned);
    expect(previous.workOrder.assignedToYou).toBe(false);
    expect(JSON.stringify(previous)).not.toContain('hengyuan');
    expect(deliveryIdOf('antu-lifts', reassigned)).not.toBe(deliveryIdOf('hengyuan-property', reassigned));
  });

  it('has no recipient in the office queue', () => {
    expect(recipientsOf({ ...EVENT, vendorId: null })).toEqual([]);
  });
});

describe('isWorkOrderEvent', () => {
  it('takes the published shape and refuses what it cannot deliver', () => {
    expect(isWorkOrderEvent({ ...EVENT, vendorId: null })).toBe(true);
    expect(isWorkOrderEvent({ ...EVENT, at: 'yesterday' })).toBe(false);
    expect(isWorkOrderEvent({ ...EVENT, action: 'Dispatch!' })).toBe(false);
    expect(isWorkOrderEvent({ ...EVENT, orderId: 'a:b' })).toBe(false);
    const { state: _state, ...stateless } = EVENT;
    expect(isWorkOrderEvent(stateless)).toBe(false);
  });
});
