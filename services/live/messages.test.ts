import { describe, expect, it } from 'vitest';
import { incidentRow } from '../../test/helpers/incident-row.ts';
import { toMessage } from '../incidents/publisher.ts';
import { isWorkOrderEvent } from '../notifications/event.ts';
import { toWorkOrderMessage } from '../workorders/changes.ts';
import { isIncidentUpdate, isLiveFrame, parseFrame } from './messages.ts';

const at = new Date(Date.UTC(2026, 10, 23, 8, 0));

describe('the live server reads what the publishers write', () => {
  it('takes an incident change as services/incidents publishes it', () => {
    const incident = incidentRow(at, { id: '17' });
    const text = JSON.stringify(toMessage({ kind: 'fired', at, actor: 'rules', incident }));
    expect(parseFrame(isIncidentUpdate, text)?.incident.buildingCode).toBe('330302A001');
  });

  it('takes a work-order change as services/workorders publishes it', () => {
    const message = toWorkOrderMessage({
      orderId: '42',
      vendorId: 'antu-lifts',
      previousVendorId: 'hengyuan-property',
      state: 'dispatched',
      action: 'reassign',
      atMs: at.getTime(),
      seq: 3,
    });
    expect(isWorkOrderEvent(JSON.parse(JSON.stringify(message)))).toBe(true);
  });

  it("takes the gateway's live frame and drops anything else", () => {
    expect(
      parseFrame(isLiveFrame, '[{"p":"MB-AHU-01.supply_temp","t":1763884800000,"v":16.5}]'),
    ).toHaveLength(1);
    expect(parseFrame(isLiveFrame, '[{"p":"x","t":"yesterday","v":1}]')).toBeUndefined();
    expect(parseFrame(isLiveFrame, 'not json')).toBeUndefined();
  });
});
