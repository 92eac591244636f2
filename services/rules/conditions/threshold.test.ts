import { describe, expect, it } from 'vitest';
import type { Condition, ThresholdLimitCondition } from './schema.ts';
import { at, reading, run, T0, tick, transitionSteps, transitions } from './test-harness.ts';

const hot: ThresholdLimitCondition = {
  type: 'threshold',
  point: 'supply_air_temp',
  op: 'above',
  value: 28,
  hysteresis: 1,
};
const temp = (minutes: number, value: number, quality: 'good' | 'uncertain' = 'good') =>
  reading('supply_air_temp', at(minutes), value, quality);

describe('threshold above with hysteresis', () => {
  it('fires above the limit and clears only at or below limit − hysteresis', () => {
    const { results } = run(hot, [
      temp(0, 27),
      temp(1, 28),
      temp(2, 28.5),
      temp(3, 27.5),
      temp(4, 27),
      temp(5, 29),
    ]);
    expect(transitions(results)).toEqual([
      ['fire', at(2)],
      ['clear', at(4)],
      ['fire', at(5)],
    ]);
    expect(results.map((r) => r.active)).toEqual([false, false, true, true, false, true]);
  });

  it('does not chatter while values bounce around the limit', () => {
    const bouncing = [28.4, 27.6, 28.9, 27.2, 28.1, 27.9, 28.3, 27.1];
    const { results } = run(
      hot,
      bouncing.map((value, i) => temp(i, value)),
    );
    expect(transitionSteps(results)).toEqual([[0, 'fire']]);
    expect(results.every((r) => r.active)).toBe(true);
  });

  it('without hysteresis the alarm clears at the limit itself (an integer count `above 0` clears at 0)', () => {
    const count: Condition = {
      type: 'threshold',
      point: 'zones_in_alarm',
      op: 'above',
      value: 0,
      hysteresis: 0,
    };
    const { results } = run(count, [
      reading('zones_in_alarm', at(0), 2),
      reading('zones_in_alarm', at(1), 0),
    ]);
    expect(transitionSteps(results)).toEqual([
      [0, 'fire'],
      [1, 'clear'],
    ]);
  });

  it('reports the triggering value and tracks the peak until the clear', () => {
    const { results } = run(hot, [temp(0, 29), temp(1, 31.5), temp(2, 30), temp(3, 26)]);
    expect(results[0]).toMatchObject({ transition: 'fire', value: 29, peak: 29, since: at(0) });
    expect(results[1]).toMatchObject({ active: true, value: 31.5, peak: 31.5 });
    expect(results[2]).toMatchObject({ active: true, value: 30, peak: 31.5 });
    expect(results[3]).toMatchObject({ transition: 'clear', value: 26, peak: 31.5, active: false });
  });
});

describe('threshold durations', () => {
  const sustained: Condition = { ...hot, forS: 600 };

  it('fires once the violation has lasted forS by reading timestamps', () => {
    const { results } = run(sustained, [
      temp(0, 29),
      temp(5, 29.5),
      temp(9.9, 30),
      temp(10, 29.2),
      temp(11, 29),
    ]);
    expect(transitions(results)).toEqual([['fire', at(10)]]);
    expect(results[3]).toMatchObject({ since: at(0), value: 29.2, peak: 30 });
  });

  it('a dip below the limit resets the pending duration, which then starts again', () => {
    const { results } = run(sustained, [
      temp(0, 29),
      temp(6, 29),
      temp(7, 27.8), // below 28: interrupts
      temp(8, 29), // starts again
      temp(17, 29),
      temp(18, 29),
    ]);
    expect(transitions(results)).toEqual([['fire', at(18)]]);
    expect(results[5]?.since).toBe(at(8));
  });

  it('a reading in the hysteresis band also interrupts a pending fire (it is not above the limit)', () => {
    const { results } = run(sustained, [temp(0, 29), temp(5, 28), temp(10, 29), temp(15, 29), temp(20, 29)]);
    expect(transitions(results)).toEqual([['fire', at(20)]]);
  });

  it('counts time by reading timestamps, not by how many readings arrive or when', () => {
    // A spooled backlog replayed in one burst: 12 readings one minute apart by timestamp.
    const backlog = Array.from({ length: 12 }, (_, i) => temp(i, 29));
    const { results } = run(sustained, backlog);
    expect(transitionSteps(results)).toEqual([[10, 'fire']]);
    // Many readings within seconds do not make ten minutes.
    const burst = Array.from({ length: 50 }, (_, i) => reading('supply_air_temp', T0 + i * 1000, 29));
    expect(transitions(run(sustained, burst).results)).toEqual([]);
  });

  it('a gap without readings does not interrupt: each value holds until the next reading', () => {
    const { results } = run(sustained, [temp(0, 29), temp(30, 29)]);
    expect(transitions(results)).toEqual([['fire', at(30)]]);
  });

  it('clearForS keeps the alarm until the value has stayed clear that long', () => {
    const slowClear = { ...hot, clearForS: 300 };
    const { results } = run(slowClear, [
      temp(0, 29),
      temp(1, 26),
      temp(3, 28.5),
      temp(4, 26),
      temp(8, 26),
      temp(9, 26),
    ]);
    expect(transitions(results)).toEqual([
      ['fire', at(0)],
      ['clear', at(9)],
    ]);
  });

  it('ticks never complete a duration: value conditions move only on readings', () => {
    const { results } = run(sustained, [temp(0, 29), tick(at(30))]);
    expect(results.map((r) => r.transition)).toEqual([undefined, undefined]);
    expect(results[1]?.state).toEqual(results[0]?.state);
  });
});

describe('threshold below and outside', () => {
  it('below fires under the limit and clears at limit + hysteresis', () => {
    const cold: Condition = {
      type: 'threshold',
      point: 'chw_supply_temp',
      op: 'below',
      value: 4,
      hysteresis: 0.5,
    };
    const { results } = run(cold, [
      reading('chw_supply_temp', at(0), 5),
      reading('chw_supply_temp', at(1), 3.8),
      reading('chw_supply_temp', at(2), 3.2),
      reading('chw_supply_temp', at(3), 4.2),
      reading('chw_supply_temp', at(4), 4.5),
    ]);
    expect(transitions(results)).toEqual([
      ['fire', at(1)],
      ['clear', at(4)],
    ]);
    // The peak of a "below" alarm is its lowest value.
    expect(results[4]?.peak).toBe(3.2);
  });

  it('outside fires on either side and clears inside the band narrowed by the hysteresis', () => {
    const band: Condition = {
      type: 'threshold',
      point: 'zone_temp',
      op: 'outside',
      low: 18,
      high: 26,
      hysteresis: 1,
    };
    const z = (m: number, v: number) => reading('zone_temp', at(m), v);
    const { results } = run(band, [
      z(0, 22),
      z(1, 27),
      z(2, 25.5),
      z(3, 25),
      z(4, 17.5),
      z(5, 16),
      z(6, 18.5),
      z(7, 19),
    ]);
    expect(transitions(results)).toEqual([
      ['fire', at(1)],
      ['clear', at(3)],
      ['fire', at(4)],
      ['clear', at(7)],
    ]);
    expect(results[7]?.peak).toBe(16);
  });
});

describe('threshold against another point', () => {
  const overSetpoint: Condition = {
    type: 'threshold',
    point: 'supply_air_temp',
    op: 'above',
    value: { point: 'supply_air_setpoint', offset: 3 },
    hysteresis: 0.5,
  };

  it('compares with the other point plus the offset, using its latest value', () => {
    const { results } = run(overSetpoint, [
      temp(0, 20), // no setpoint yet: nothing can fire
      reading('supply_air_setpoint', at(1), 16),
      temp(2, 19.5),
      reading('supply_air_setpoint', at(3), 18), // limit 21: 19.5 clears
      temp(4, 20),
    ]);
    expect(results[0]).toMatchObject({ active: false });
    expect(results[1]).toMatchObject({ transition: 'fire', value: 20, at: at(1) });
    expect(results[2]).toMatchObject({ active: true });
    expect(results[3]).toMatchObject({ transition: 'clear', at: at(3) });
    expect(results[4]).toMatchObject({ active: false });
  });

  it('ignores readings of points it does not read, and says so', () => {
    const { results } = run(overSetpoint, [reading('fan_speed', at(0), 50)]);
    expect(results[0]).toMatchObject({ active: false, discarded: 'unrelated' });
  });
});

describe('threshold input hygiene', () => {
  it('ignores out-of-order readings for transitions and reports them', () => {
    const { results } = run(hot, [temp(5, 29), temp(3, 20), temp(6, 29)]);
    expect(results[1]).toMatchObject({ discarded: 'out_of_order', active: true });
    expect(results[1]?.transition).toBeUndefined();
    expect(results[1]?.state).toEqual(results[0]?.state);
    expect(transitions(results)).toEqual([['fire', at(5)]]);
  });

  it('an out-of-order reading does not interrupt a pending duration', () => {
    const sustained = { ...hot, forS: 600 };
    const { results } = run(sustained, [temp(0, 29), temp(5, 29), temp(4, 20), temp(10, 29)]);
    expect(transitions(results)).toEqual([['fire', at(10)]]);
    expect(results[3]?.since).toBe(at(0));
  });

  it('a duplicate (same timestamp and value) has no effect', () => {
    const { results } = run(hot, [temp(0, 29), temp(0, 29), temp(1, 20), temp(1, 20)]);
    expect(results.map((r) => r.discarded)).toEqual([undefined, 'duplicate', undefined, 'duplicate']);
    expect(results[1]?.state).toEqual(results[0]?.state);
    expect(transitions(results)).toEqual([
      ['fire', at(0)],
      ['clear', at(1)],
    ]);
  });

  it('a different value at the same timestamp is evaluated as a correction', () => {
    const { results } = run(hot, [temp(0, 29), temp(0, 20)]);
    expect(transitions(results)).toEqual([
      ['fire', at(0)],
      ['clear', at(0)],
    ]);
  });

  it('uncertain readings neither start, complete, interrupt nor clear anything', () => {
    const sustained = { ...hot, forS: 600 };
    const { results } = run(sustained, [
      temp(0, 35, 'uncertain'), // would start the duration
      temp(1, 29), // starts it
      temp(5, 10, 'uncertain'), // would interrupt it
      temp(11, 35, 'uncertain'), // would complete it
      temp(12, 29), // completes it
      temp(13, 10, 'uncertain'), // would clear it
    ]);
    expect(transitions(results)).toEqual([['fire', at(12)]]);
    expect(results[4]?.since).toBe(at(1));
    expect(results[5]).toMatchObject({ active: true, peak: 29 });
  });

  it('an uncertain value is never the one compared: a later setpoint reading uses the last good value', () => {
    const overSetpoint: Condition = {
      type: 'threshold',
      point: 'supply_air_temp',
      op: 'above',
      value: { point: 'supply_air_setpoint', offset: 3 },
      hysteresis: 0,
    };
    const { results } = run(overSetpoint, [
      temp(0, 20),
      temp(1, 40, 'uncertain'),
      reading('supply_air_setpoint', at(2), 18),
    ]);
    expect(results[2]).toMatchObject({ active: false, value: 20 });
  });

  it('non-finite values are discarded as invalid', () => {
    const { results } = run(hot, [temp(0, Number.NaN)], { roundTrip: false });
    expect(results[0]).toMatchObject({ discarded: 'invalid', active: false });
  });
});

describe('threshold checkpoint and restore', () => {
  const sustained = { ...hot, forS: 600 };
  const script = [temp(0, 29), temp(4, 29.5), temp(10, 30), temp(12, 31), temp(14, 26), temp(15, 29)];

  it('restoring mid-duration neither resets nor restarts the running duration', () => {
    const first = run(sustained, script.slice(0, 2));
    const restored = JSON.parse(JSON.stringify(first.state));
    const second = run(sustained, script.slice(2), { state: restored });
    expect(second.results[0]).toMatchObject({ transition: 'fire', at: at(10), since: at(0) });
  });

  it('restoring mid-alarm does not fire again and keeps the peak', () => {
    const first = run(sustained, script.slice(0, 4));
    expect(transitions(first.results)).toEqual([['fire', at(10)]]);
    const restored = JSON.parse(JSON.stringify(first.state));
    const second = run(sustained, [temp(13, 30.5), ...script.slice(4)], { state: restored });
    expect(second.results[0]).toMatchObject({ active: true, peak: 31 });
    expect(second.results[0]?.transition).toBeUndefined();
    expect(transitions(second.results)).toEqual([['clear', at(14)]]);
  });

  it('gives the same results with and without round trips', () => {
    const withTrips = run(sustained, script).results.map(({ state: _s, ...r }) => r);
    const without = run(sustained, script, { roundTrip: false }).results.map(({ state: _s, ...r }) => r);
    expect(withTrips).toEqual(without);
  });
});
