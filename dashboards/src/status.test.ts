import { describe, expect, it } from 'vitest';
import { equipmentStatus, type Latest } from './status.ts';

const NOW = 1_800_000_000_000;
const lift = {
  class: 'lift',
  points: [
    { id: 'L.running_state', key: 'running_state', intervalS: 10 },
    { id: 'L.trapped_passenger', key: 'trapped_passenger', intervalS: 10 },
    { id: 'L.fault_code', key: 'fault_code', intervalS: 10 },
  ],
};
const values = (entries: Record<string, number>, ageMs = 1_000): Map<string, Latest> =>
  new Map(Object.entries(entries).map(([id, v]) => [id, { t: NOW - ageMs, v }]));

describe('equipmentStatus', () => {
  it('shows a trapped passenger above a fault, and a fault above running', () => {
    expect(equipmentStatus(lift, values({ 'L.running_state': 1 }), NOW)).toBe('running');
    expect(equipmentStatus(lift, values({ 'L.running_state': 3 }), NOW)).toBe('fault');
    expect(equipmentStatus(lift, values({ 'L.running_state': 1, 'L.fault_code': 12 }), NOW)).toBe('fault');
    expect(equipmentStatus(lift, values({ 'L.running_state': 3, 'L.trapped_passenger': 1 }), NOW)).toBe(
      'trapped',
    );
    expect(equipmentStatus(lift, values({ 'L.running_state': 2 }), NOW)).toBe('inspection');
  });

  it('is offline once every point is older than three reporting intervals', () => {
    expect(equipmentStatus(lift, values({ 'L.running_state': 1 }, 30_000), NOW)).toBe('running');
    expect(equipmentStatus(lift, values({ 'L.running_state': 1 }, 30_001), NOW)).toBe('offline');
    expect(equipmentStatus(lift, new Map(), NOW)).toBe('offline');
  });

  it('ranks a forced door above a held one above an open one', () => {
    const door = {
      class: 'access_door',
      points: ['open', 'forced_open', 'held_open'].map((key) => ({ id: `D.${key}`, key, intervalS: 60 })),
    };
    expect(equipmentStatus(door, values({ 'D.open': 0 }), NOW)).toBe('closed');
    expect(equipmentStatus(door, values({ 'D.open': 1 }), NOW)).toBe('open');
    expect(equipmentStatus(door, values({ 'D.open': 1, 'D.held_open': 1 }), NOW)).toBe('held');
    expect(equipmentStatus(door, values({ 'D.open': 1, 'D.held_open': 1, 'D.forced_open': 1 }), NOW)).toBe(
      'forced',
    );
  });

  it('shows a fire alarm, and a meter as merely online', () => {
    const panel = { class: 'fire_panel', points: [{ id: 'F.fire_alarm', key: 'fire_alarm', intervalS: 60 }] };
    expect(equipmentStatus(panel, values({ 'F.fire_alarm': 1 }), NOW)).toBe('alarm');
    expect(equipmentStatus(panel, values({ 'F.fire_alarm': 0 }), NOW)).toBe('normal');
    const meter = { class: 'electricity_meter', points: [{ id: 'M.power', key: 'power', intervalS: 60 }] };
    expect(equipmentStatus(meter, values({ 'M.power': 12 }), NOW)).toBe('online');
  });
});
