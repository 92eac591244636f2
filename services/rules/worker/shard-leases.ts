import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../runtime/logger.ts';

export const DEFAULT_LEASE_TTL_MS = 10_000;

export const leaseKey = (prefix: string, site: string, shard: number): string =>
  `${prefix}:rules:${site}:lease:${shard}`;
export const membersKey = (prefix: string, site: string): string => `${prefix}:rules:${site}:members`;

/** Extends the lease only while this member still holds it. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`;

/** Deletes the lease only while this member still holds it. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`;

export interface ShardLeasesOptions {
  readonly redis: Redis;
  readonly prefix: string;
  readonly site: string;
  readonly shards: number;
  /** Unique per process (and per start): the value of the leases it holds. */
  readonly memberId: string;
  /** A lease not renewed for this long passes to another member; default 10 s. */
  readonly ttlMs?: number;
  /** How often leases are renewed and the assignment revisited; default a third of the TTL. */
  readonly renewMs?: number;
  readonly logger: Logger;
  /** Called once the lease is held: load the shard's states and start consuming it. */
  readonly onAcquire: (shard: number) => Promise<void>;
  /** Called before a lease is given back: stop consuming, checkpoint. The lease is still held. */
  readonly onRelease: (shard: number) => Promise<void>;
  /** Called when a lease was found taken or expired: stop consuming at once, write nothing. */
  readonly onLost: (shard: number) => Promise<void>;
}

/**
 * Distributes a site's reading shards over the worker processes that run for it. Each process
 * is a member (a sorted set scored by heartbeat expiry, on Redis time); every member computes
 * the same assignment by rendezvous hashing with bounded loads over the live members (see
 * assignShards), so every member gets a fair share and a member joining or leaving moves little
 * more than its share of shards. A shard is consumed only under its lease, a Redis key
 * holding the member id with a TTL, renewed every `renewMs`: a member that dies loses its shards
 * after the TTL; one that stops gives them back at once. Hand-over goes release (after the old
 * owner finished its job and checkpointed) → acquire (the new owner loads the checkpoints), so
 * per-shard order is kept. The state writes of the worker are fenced on the lease (see
 * RuleWorker), so a member that lost a lease while paused cannot overwrite the new owner's state.
 */
export class ShardLeases {
  readonly #options: ShardLeasesOptions;
  readonly #ttlMs: number;
  readonly #owned = new Set<number>();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> = Promise.resolve();
  #running = false;

  constructor(options: ShardLeasesOptions) {
    this.#options = options;
    this.#ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  }

  get memberId(): string {
    return this.#options.memberId;
  }

  /** The shards this member holds, ascending. */
  owned(): number[] {
    return [...this.#owned].sort((a, b) => a - b);
  }

  owns(shard: number): boolean {
    return this.#owned.has(shard);
  }

  leaseKeyOf(shard: number): string {
    return leaseKey(this.#options.prefix, this.#options.site, shard);
  }

  /** Joins and takes this member's share at once; then revisits it every `renewMs`. */
  async start(): Promise<void> {
    this.#running = true;
    await this.rebalance();
    const renewMs = this.#options.renewMs ?? Math.floor(this.#ttlMs / 3);
    this.#timer = setInterval(() => {
      void this.rebalance().catch((error: unknown) =>
        this.#options.logger.warn({ err: error }, 'shard lease round failed'),
      );
    }, renewMs);
    this.#timer.unref();
  }

  /** Gives every shard back (after `onRelease`) and leaves, so the others take over at once. */
  async stop(): Promise<void> {
    this.#running = false;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#round;
    const { redis, prefix, site, memberId, logger } = this.#options;
    for (const shard of this.owned()) await this.#release(shard);
    try {
      await redis.zrem(membersKey(prefix, site), memberId);
    } catch (error) {
      logger.warn({ err: error }, 'could not leave the shard members');
    }
  }

  /** One round: heartbeat, renew, give back what moved away, take what is ours. Never overlaps. */
  rebalance(): Promise<void> {
    const round = this.#round.then(() => (this.#running ? this.#rebalance() : undefined));
    this.#round = round.catch(() => undefined);
    return round;
  }

  async #rebalance(): Promise<void> {
    const { redis, prefix, site, shards, memberId, logger } = this.#options;
    const [seconds, micros] = await redis.time();
    const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const members = membersKey(prefix, site);
    const [, , live] = (await redis
      .multi()
      .zadd(members, String(nowMs + this.#ttlMs), memberId)
      .zremrangebyscore(members, '-inf', `(${nowMs}`)
      .zrange(members, '0', '-1')
      .exec()
      .then((replies) => (replies ?? []).map(([error, value]) => (error ? [] : value)))) as [
      unknown,
      unknown,
      string[],
    ];
    for (const shard of this.owned()) {
      const renewed = await redis.eval(RENEW, 1, this.leaseKeyOf(shard), memberId, String(this.#ttlMs));
      if (renewed !== 1) {
        this.#owned.delete(shard);
        logger.warn({ shard }, 'shard lease lost; another worker has it');
        await this.#options.onLost(shard);
      }
    }
    const assignment = assignShards(live, shards);
    for (let shard = 0; shard < shards; shard++) {
      const mine = assignment[shard] === memberId;
      if (!mine && this.#owned.has(shard)) {
        await this.#release(shard);
      } else if (mine && !this.#owned.has(shard) && this.#running) {
        const taken = await redis.set(this.leaseKeyOf(shard), memberId, 'PX', this.#ttlMs, 'NX');
        if (taken !== 'OK') continue; // the previous owner has not given it back yet
        this.#owned.add(shard);
        try {
          await this.#options.onAcquire(shard);
          logger.info({ shard }, 'shard lease taken');
        } catch (error) {
          logger.error({ err: error, shard }, 'could not start consuming a shard; giving it back');
          this.#owned.delete(shard);
          await redis.eval(RELEASE, 1, this.leaseKeyOf(shard), memberId);
        }
      }
    }
  }

  async #release(shard: number): Promise<void> {
    const { redis, memberId, logger } = this.#options;
    try {
      await this.#options.onRelease(shard);
    } catch (error) {
      logger.error({ err: error, shard }, 'shard hand-over failed; the lease will expire instead');
      this.#owned.delete(shard);
      return;
    }
    this.#owned.delete(shard);
    try {
      await redis.eval(RELEASE, 1, this.leaseKeyOf(shard), memberId);
      logger.info({ shard }, 'shard lease given back');
    } catch (error) {
      logger.warn({ err: error, shard }, 'could not give a shard lease back; it will expire');
    }
  }
}

/**
 * Who consumes each shard: rendezvous (highest random weight) hashing with bounded loads. Every
 * member ranks the members for a shard by hash weight; shards are handed out in order, each to
 * the highest-ranked member that has fewer than ⌈shards / members⌉ already. Plain rendezvous
 * hashing leaves it to chance how many shards a member gets (with 8 shards and 3 members, one of
 * them gets none about one time in nine); the bound gives every member ⌊n/m⌋ or ⌈n/m⌉ while a
 * member joining or leaving still moves little more than its own share. Depends only on the set
 * of members, so every member computes the same answer.
 */
export function assignShards(members: readonly string[], shards: number): (string | undefined)[] {
  const unique = [...new Set(members)];
  if (unique.length === 0) return Array.from({ length: shards }, () => undefined);
  const capacity = Math.ceil(shards / unique.length);
  const load = new Map<string, number>(unique.map((member) => [member, 0]));
  return Array.from({ length: shards }, (_, shard) => {
    const ranked = unique
      .map((member) => ({
        member,
        weight: createHash('sha1').update(`${member}\u0000${shard}`).digest('hex'),
      }))
      .sort((a, b) => (a.weight < b.weight ? 1 : a.weight > b.weight ? -1 : 0));
    const chosen = ranked.find(({ member }) => (load.get(member) ?? 0) < capacity)?.member as string;
    load.set(chosen, (load.get(chosen) ?? 0) + 1);
    return chosen;
  });
}
