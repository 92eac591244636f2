import { describe, expect, it } from 'vitest';
import { canonicalJson, digestOf } from './canonical.ts';

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order and prints no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
    expect(canonicalJson({ 一: 1, a: 2, B: 3 })).toBe('{"B":3,"a":2,"一":1}');
  });

  it('gives the same digest for the same content written in another key order', () => {
    expect(digestOf({ x: 1, y: [1, 2] })).toBe(digestOf({ y: [1, 2], x: 1 }));
    expect(digestOf({ x: 1, y: [2, 1] })).not.toBe(digestOf({ x: 1, y: [1, 2] }));
  });

  it.each([
    ['undefined', { a: undefined }],
    ['NaN', { a: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['a Date', { at: new Date(0) }],
    ['a bigint', { n: 1n }],
  ])('refuses %s instead of dropping it', (_, value) => {
    expect(() => canonicalJson(value)).toThrow(/no canonical JSON form/);
  });

  it('names where the refused value is', () => {
    expect(() => canonicalJson({ lines: [{ id: 'a' }, { params: { x: Number.NaN } }] })).toThrow(
      '$.lines[1].params.x: NaN has no canonical JSON form',
    );
  });
});
