import { describe, expect, it } from 'vitest';
import type { Route } from '../domain/index.ts';
import {
  actorColumns,
  actorOf,
  groupKeyOf,
  isOrderId,
  officeQueueReasonOf,
  parseResolution,
  resolutionBody,
} from './rows.ts';

const queued: Route = { kind: 'office_queue', reason: 'no_contract_in_force', contractIds: ['lifts-2023'] };
const grouped: Route = {
  kind: 'contract',
  contractId: 'c',
  vendorId: 'v',
  dispatch: 'daily_group',
  groupKey: 'c/330302A001/cleaning/2026-11-23',
  siteDate: '2026-11-23',
};

describe('work-order rows', () => {
  it('flag an order in the office queue only while nobody has dispatched or cancelled it', () => {
    expect(officeQueueReasonOf({ route: queued, state: 'created' })).toBe('no_contract_in_force');
    expect(officeQueueReasonOf({ route: queued, state: 'dispatched' })).toBeNull();
    expect(officeQueueReasonOf({ route: queued, state: 'cancelled' })).toBeNull();
    expect(officeQueueReasonOf({ route: grouped, state: 'created' })).toBeNull();
  });

  it('open a daily group only from a daily-group route', () => {
    expect(groupKeyOf(grouped)).toBe('c/330302A001/cleaning/2026-11-23');
    expect(groupKeyOf(queued)).toBeNull();
  });

  it('keep a resolution’s cause and action apart through the single text body', () => {
    const resolution = { cause: '皮带老化\n"磨损"', actionTaken: '更换' };
    expect(parseResolution(resolutionBody(resolution))).toEqual(resolution);
    expect(parseResolution('free text')).toBeUndefined();
  });

  it('store and read back who acted', () => {
    for (const actor of [
      { role: 'system' as const },
      { role: 'vendor_user' as const, userId: 'u', vendorId: 'v' },
      { role: 'operator' as const, userId: 'o' },
    ]) {
      const columns = actorColumns(actor);
      expect(actorOf(columns.role, columns.user, columns.vendor)).toEqual(actor);
    }
  });

  it('only take bigint ids', () => {
    expect(isOrderId('42')).toBe(true);
    expect(isOrderId('042')).toBe(false);
    expect(isOrderId('1 or 1=1')).toBe(false);
    expect(isOrderId('9'.repeat(19))).toBe(false);
  });
});
