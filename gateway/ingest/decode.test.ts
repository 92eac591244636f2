import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { sampleConfigDir } from '../../test/helpers/config-fixture.ts';
import { toReadings } from './convert.ts';
import { decodeBoundMessage, decodeDeviceMessage, deviceOfTopic } from './decode-mqtt.ts';
import { DEFAULT_POLICY } from './normalise.ts';
import { PointIndex } from './point-index.ts';
import { REJECTION_CODES } from './rejection.ts';

const NOW = Date.parse('2026-11-23T10:00:00Z');
let index: PointIndex;
const options = () => ({ index, maxPayloadBytes: 4096 });
const DEVICE = 'mb-em-01000';
const decode = (topic: string, payload: string | Buffer) =>
  decodeDeviceMessage(DEVICE, topic, Buffer.isBuffer(payload) ? payload : Buffer.from(payload), options());
const pipeline = (topic: string, payload: string) => {
  const decoded = decode(topic, payload);
  const converted = toReadings(decoded.values, 'mqtt:embedded', index, NOW, DEFAULT_POLICY);
  return {
    readings: converted.readings,
    codes: [...decoded.rejections, ...converted.rejections].map((r) => r.code),
  };
};

beforeAll(() => {
  index = new PointIndex(loadConfig(sampleConfigDir));
});

describe('device payloads', () => {
  it('accepts {"ts","value"} on a per-point topic', () => {
    const ts = NOW - 1000;
    const result = pipeline(`devices/${DEVICE}/points/energy`, JSON.stringify({ ts, value: 1234.5 }));
    expect(result).toEqual({
      readings: [{ pointId: 'MB-EM-01000.energy', ts, value: 1234.5, quality: 'good' }],
      codes: [],
    });
  });

  it('accepts a bare number and stamps it with the gateway clock', () => {
    expect(pipeline(`devices/${DEVICE}/points/power`, ' 812.25 ').readings).toEqual([
      { pointId: 'MB-EM-01000.power', ts: NOW, value: 812.25, quality: 'good' },
    ]);
  });

  it('accepts a batch, with per-reading timestamps, seconds and ISO strings', () => {
    const payload = JSON.stringify({
      ts: (NOW - 60_000) / 1000,
      readings: { energy: 10, power: { value: 5, ts: '2026-11-23T09:59:30+08:00' }, power_factor: 0.93 },
    });
    const result = pipeline(`devices/${DEVICE}/readings`, payload);
    expect(result.codes).toEqual([]);
    expect(result.readings).toContainEqual({
      pointId: 'MB-EM-01000.energy',
      ts: NOW - 60_000,
      value: 10,
      quality: 'good',
    });
    expect(result.readings).toContainEqual({
      pointId: 'MB-EM-01000.power',
      ts: Date.parse('2026-11-23T01:59:30Z'),
      value: 5,
      quality: 'good',
    });
  });

  it('converts declared units into canonical ones (filter dP declared in Pa, stored in kPa)', () => {
    const [reading] = toReadings(
      [{ pointId: 'MB-AHU-01.filter_dp', value: 250 }],
      'opcua:bms-main',
      index,
      NOW,
      DEFAULT_POLICY,
    ).readings;
    expect(reading?.value).toBeCloseTo(0.25);
  });

  it('keeps the good readings of a batch when one key is unknown', () => {
    const result = pipeline(
      `devices/${DEVICE}/readings`,
      JSON.stringify({ readings: { energy: 1, nonsense: 2 } }),
    );
    expect(result.readings).toHaveLength(1);
    expect(result.codes).toEqual(['UNKNOWN_POINT']);
  });

  it.each([
    ['bad JSON', `devices/${DEVICE}/readings`, '{"readings": {', 'PAYLOAD_NOT_JSON'],
    ['wrong shape', `devices/${DEVICE}/readings`, '{"readings": [1,2]}', 'PAYLOAD_SHAPE'],
    ['string value', `devices/${DEVICE}/points/energy`, '{"value": "12"}', 'VALUE_TYPE'],
    ['NaN text', `devices/${DEVICE}/points/energy`, 'NaN', 'VALUE_NOT_FINITE'],
    ['Infinity by overflow', `devices/${DEVICE}/points/energy`, '{"value": 1e999}', 'VALUE_NOT_FINITE'],
    ['null value', `devices/${DEVICE}/points/energy`, '{"value": null}', 'VALUE_TYPE'],
    ['out of limits', `devices/${DEVICE}/points/energy`, '-5', 'VALUE_OUT_OF_LIMITS'],
    ['unknown point', `devices/${DEVICE}/points/colour`, '1', 'UNKNOWN_POINT'],
    ['unknown topic', `devices/${DEVICE}/status`, '1', 'UNKNOWN_TOPIC'],
    [
      'future timestamp',
      `devices/${DEVICE}/points/energy`,
      JSON.stringify({ ts: NOW + 6 * 60_000, value: 1 }),
      'TIMESTAMP_IN_FUTURE',
    ],
    [
      'ancient timestamp',
      `devices/${DEVICE}/points/energy`,
      JSON.stringify({ ts: '2001-01-01T00:00:00Z', value: 1 }),
      'TIMESTAMP_TOO_OLD',
    ],
    [
      'zone-less timestamp',
      `devices/${DEVICE}/points/energy`,
      '{"ts": "2026-11-23T10:00:00", "value": 1}',
      'TIMESTAMP_INVALID',
    ],
    ['empty payload', `devices/${DEVICE}/points/energy`, '', 'PAYLOAD_SHAPE'],
  ])('rejects %s with a code', (_name, topic, payload, code) => {
    const result = pipeline(topic, payload);
    expect(result.readings).toEqual([]);
    expect(result.codes).toEqual([code]);
  });

  it('accepts a timestamp just inside the five-minute skew allowance', () => {
    expect(
      pipeline(`devices/${DEVICE}/points/energy`, JSON.stringify({ ts: NOW + 5 * 60_000, value: 1 })).codes,
    ).toEqual([]);
  });

  it('rejects oversize payloads before parsing them', () => {
    const big = Buffer.alloc(4097, 0x31);
    expect(decode(`devices/${DEVICE}/points/energy`, big).rejections[0]?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(decode(`devices/${DEVICE}/points/energy`, big).rejections[0]?.payloadPreview).toMatch(
      /… \(4097 bytes\)$/,
    );
  });

  it('rejects unknown devices', () => {
    expect(
      decodeDeviceMessage('ghost', 'devices/ghost/points/energy', Buffer.from('1'), options()).rejections[0]
        ?.code,
    ).toBe('UNKNOWN_DEVICE');
  });

  it('takes binary points as booleans or 0/1 only', () => {
    const door = 'MB-DOOR-01.forced_open';
    const point = index.get(door);
    if (!point) throw new Error(`sample has no ${door}`);
    const run = (value: unknown) => toReadings([{ pointId: door, value }], 's', index, NOW, DEFAULT_POLICY);
    expect(run(true).readings[0]?.value).toBe(1);
    expect(run(0).readings[0]?.value).toBe(0);
    expect(run(2).rejections[0]?.code).toBe('VALUE_TYPE');
  });

  it('finds the device of a topic', () => {
    expect(deviceOfTopic('devices/a-1/points/x')).toBe('a-1');
    expect(deviceOfTopic('devices/a-1')).toBeUndefined();
    expect(deviceOfTopic('other/a-1/x')).toBeUndefined();
  });
});

describe('site-broker payloads', () => {
  it('rejects a topic no point is bound to', () => {
    expect(decodeBoundMessage('site', 'bms/x', Buffer.from('1'), options()).rejections[0]?.code).toBe(
      'UNKNOWN_TOPIC',
    );
  });
});

describe('decoder fuzzing', () => {
  const known = new Set<string>(REJECTION_CODES);
  const topics = fc.oneof(
    fc.constantFrom(
      `devices/${DEVICE}/points/energy`,
      `devices/${DEVICE}/points/power`,
      `devices/${DEVICE}/readings`,
    ),
    fc.string().map((s) => `devices/${DEVICE}/${s}`),
  );
  const payloads = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc.json().map((text) => Buffer.from(text)),
    fc
      .record(
        { ts: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null)), value: fc.jsonValue() },
        { requiredKeys: [] },
      )
      .map((o) => Buffer.from(JSON.stringify(o))),
    fc
      .record({
        ts: fc.oneof(
          fc.double(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        readings: fc.dictionary(fc.constantFrom('energy', 'power', 'power_factor', 'x'), fc.jsonValue()),
      })
      .map((o) => Buffer.from(JSON.stringify(o))),
    fc.double().map((d) => Buffer.from(String(d))),
  );

  it('never throws, and every input is accepted or rejected with a known code (20,000 cases)', () => {
    fc.assert(
      fc.property(topics, payloads, (topic, payload) => {
        const decoded = decodeDeviceMessage(DEVICE, topic, payload, options());
        const converted = toReadings(decoded.values, 'mqtt:embedded', index, NOW, DEFAULT_POLICY);
        const rejections = [...decoded.rejections, ...converted.rejections];
        for (const rejection of rejections) expect(known.has(rejection.code)).toBe(true);
        for (const reading of converted.readings) {
          expect(Number.isFinite(reading.value)).toBe(true);
          expect(Number.isFinite(reading.ts)).toBe(true);
        }
        // Every message has an outcome: at least one reading or one rejection.
        expect(converted.readings.length + rejections.length).toBeGreaterThan(0);
      }),
      { numRuns: 20_000 },
    );
  });
});
