import { describe, expect, it } from 'vitest';
import { preferredMember } from './shard-leases.ts';

const shards = Array.from({ length: 64 }, (_, shard) => shard);

describe('rendezvous assignment of shards', () => {
  it('gives every shard to exactly one member, the same whatever order members are listed in', () => {
    const members = ['w-1', 'w-2', 'w-3'];
    const forward = shards.map((shard) => preferredMember(members, shard));
    const backward = shards.map((shard) => preferredMember([...members].reverse(), shard));
    expect(forward).toEqual(backward);
    expect(new Set(forward)).toEqual(new Set(members));
  });

  it('moves only the leaving member’s shards when one leaves', () => {
    const before = shards.map((shard) => preferredMember(['w-1', 'w-2', 'w-3'], shard));
    const after = shards.map((shard) => preferredMember(['w-1', 'w-3'], shard));
    shards.forEach((shard) => {
      if (before[shard] !== 'w-2') expect(after[shard]).toBe(before[shard]);
    });
  });

  it('has no owner without members', () => {
    expect(preferredMember([], 0)).toBeUndefined();
  });
});
