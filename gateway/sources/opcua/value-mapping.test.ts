import { DataType, DataValue, StatusCode, StatusCodes, Variant, VariantArrayType } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { mapVariantValue, qualityOf, toRawValue } from './value-mapping.ts';

describe('qualityOf', () => {
  it.each([
    [StatusCodes.Good, 'good'],
    [StatusCodes.GoodLocalOverride, 'good'],
    [StatusCode.makeStatusCode(StatusCodes.Good, 'Overflow'), 'good'],
    [StatusCodes.UncertainLastUsableValue, 'uncertain'],
    [StatusCodes.UncertainSensorNotAccurate, 'uncertain'],
    [StatusCodes.BadSensorFailure, 'bad'],
    [StatusCodes.BadNodeIdUnknown, 'bad'],
    [StatusCodes.BadCommunicationError, 'bad'],
  ])('maps %s to %s by its severity bits', (statusCode, quality) => {
    expect(qualityOf(statusCode)).toBe(quality);
  });
});

describe('mapVariantValue', () => {
  const scalar = (dataType: DataType, value: unknown): Variant =>
    new Variant({ dataType, arrayType: VariantArrayType.Scalar, value });

  it('keeps numbers and booleans', () => {
    expect(mapVariantValue(scalar(DataType.Double, 21.5))).toBe(21.5);
    expect(mapVariantValue(scalar(DataType.Float, 2))).toBe(2);
    expect(mapVariantValue(scalar(DataType.Int32, -7))).toBe(-7);
    expect(mapVariantValue(scalar(DataType.Boolean, true))).toBe(true);
  });

  it('turns 64-bit integers into numbers, signed where the type is', () => {
    expect(mapVariantValue(scalar(DataType.UInt64, [1, 5]))).toBe(2 ** 32 + 5);
    expect(mapVariantValue(scalar(DataType.Int64, [0, 42]))).toBe(42);
    expect(mapVariantValue(scalar(DataType.Int64, [0xffff_ffff, 0xffff_ffff]))).toBe(-1);
    expect(mapVariantValue(scalar(DataType.Int64, [0xffff_fffe, 0]))).toBe(-(2 ** 33));
  });

  it('passes everything else through for normalisation to judge', () => {
    expect(mapVariantValue(scalar(DataType.String, 'on'))).toBe('on');
    const array = new Variant({
      dataType: DataType.Double,
      arrayType: VariantArrayType.Array,
      value: [1, 2],
    });
    expect(Array.from(mapVariantValue(array) as Iterable<number>)).toEqual([1, 2]);
    expect(mapVariantValue(null)).toBeNull();
  });
});

describe('toRawValue', () => {
  const value = new Variant({ dataType: DataType.Double, value: 1 });

  it('prefers the source timestamp, falls back to the server timestamp, and omits none', () => {
    const source = new Date('2026-03-01T08:00:00Z');
    const server = new Date('2026-03-01T08:00:01Z');
    expect(
      toRawValue('p', new DataValue({ value, sourceTimestamp: source, serverTimestamp: server })),
    ).toEqual({
      pointId: 'p',
      value: 1,
      sourceTs: source.getTime(),
      quality: 'good',
    });
    expect(toRawValue('p', new DataValue({ value, serverTimestamp: server })).sourceTs).toBe(
      server.getTime(),
    );
    expect(toRawValue('p', new DataValue({ value }))).not.toHaveProperty('sourceTs');
  });

  it('carries a bad status as quality bad', () => {
    expect(toRawValue('p', new DataValue({ value, statusCode: StatusCodes.BadSensorFailure })).quality).toBe(
      'bad',
    );
  });
});
