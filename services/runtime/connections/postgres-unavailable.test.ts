import { describe, expect, it } from 'vitest';
import { isPostgresUnavailable } from './postgres-unavailable.ts';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('isPostgresUnavailable', () => {
  it('recognises a server that is away, going away or not ready yet', () => {
    expect(isPostgresUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5440', 'ECONNREFUSED'))).toBe(true);
    expect(
      isPostgresUnavailable(withCode('terminating connection due to administrator command', '57P01')),
    ).toBe(true);
    expect(isPostgresUnavailable(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isPostgresUnavailable(withCode('connection failure', '08006'))).toBe(true);
    expect(isPostgresUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isPostgresUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(
      isPostgresUnavailable(
        new AggregateError([withCode('connect ECONNREFUSED ::1:5440', 'ECONNREFUSED')], ''),
      ),
    ).toBe(true);
    expect(
      isPostgresUnavailable(new Error('record failed', { cause: withCode('reset', 'ECONNRESET') })),
    ).toBe(true);
  });

  it('leaves every other failure to the queue’s retries', () => {
    expect(isPostgresUnavailable(withCode('duplicate key value violates unique constraint', '23505'))).toBe(
      false,
    );
    expect(isPostgresUnavailable(withCode('syntax error at or near "selec"', '42601'))).toBe(false);
    expect(isPostgresUnavailable(new Error('the lease of shard 3 is held by another worker'))).toBe(false);
    expect(isPostgresUnavailable('ECONNREFUSED')).toBe(false);
    expect(isPostgresUnavailable(undefined)).toBe(false);
  });
});
