import { describe, expect, it } from 'vitest';
import { assignShards } from './shard-leases.ts';

const members = (count: number, run = 0) =>
  Array.from({ length: count }, (_, n) => `host:${1000 + n}:${run}`);
const countOf = (assignment: (string | undefined)[], member: string) =>
  assignment.filter((owner) => owner === member).length;

describe('shard assignment: rendezvous hashing with bounded loads', () => {
  it('gives every shard to exactly one member, the same whatever order members are listed in', () => {
    const three = ['w-1', 'w-2', 'w-3'];
    const forward = assignShards(three, 64);
    expect(assignShards([...three].reverse(), 64)).toEqual(forward);
    expect(forward).toHaveLength(64);
    expect(new Set(forward)).toEqual(new Set(three));
  });

  it('gives every member ⌊n/m⌋ or ⌈n/m⌉ shards, for any member ids', () => {
    // Plain rendezvous hashing leaves some of these member sets with an idle member.
    for (let run = 0; run < 200; run++) {
      for (const [count, shards] of [
        [3, 8],
        [2, 8],
        [5, 64],
        [8, 8],
      ] as const) {
        const live = members(count, run);
        const assignment = assignShards(live, shards);
        for (const member of live) {
          const share = countOf(assignment, member);
          expect(share).toBeGreaterThanOrEqual(Math.floor(shards / count));
          expect(share).toBeLessThanOrEqual(Math.ceil(shards / count));
        }
      }
    }
  });

  it('moves the leaving member’s shards and only a few others when one leaves', () => {
    let others = 0;
    for (let run = 0; run < 200; run++) {
      const [first, leaving, third] = members(3, run) as [string, string, string];
      const before = assignShards([first, leaving, third], 64);
      const after = assignShards([first, third], 64);
      for (let shard = 0; shard < 64; shard++) {
        if (before[shard] === leaving) expect(after[shard]).not.toBe(leaving);
        else if (after[shard] !== before[shard]) others += 1;
      }
    }
    // Each survivor's load bound rises from 22 to 32, so almost nothing else needs to move.
    expect(others / 200).toBeLessThan(64 / 3 / 4);
  });

  it('has no owner without members', () => {
    expect(assignShards([], 2)).toEqual([undefined, undefined]);
  });
});
