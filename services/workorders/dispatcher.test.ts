import { describe, expect, it } from 'vitest';
import { isTransientDispatchFailure } from './dispatcher.ts';
import { WorkOrderStoreError } from './store/index.ts';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('isTransientDispatchFailure', () => {
  it('blames the database, not the event, for connections lost and transactions in the way', () => {
    for (const failure of [
      withCode('connect ECONNREFUSED 127.0.0.1:5440', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('connection failure', '08006'),
      withCode('deadlock detected', '40P01'),
      withCode('sorry, too many clients already', '53300'),
      withCode('could not obtain lock on row', '55P03'),
      // The store wraps serialization failures and deadlocks as `conflict`, the SQLSTATE as cause.
      new WorkOrderStoreError('conflict', 'a concurrent change won', {
        cause: withCode('could not serialize access', '40001'),
      }),
    ]) {
      expect(isTransientDispatchFailure(failure), failure.message).toBe(true);
    }
  });

  it('blames the event for anything else, which is counted towards parking it', () => {
    for (const failure of [
      withCode('new row violates check constraint', '23514'),
      new WorkOrderStoreError('conflict', 'a concurrent change won', {
        cause: withCode('duplicate key value violates unique constraint', '23505'),
      }),
      new WorkOrderStoreError('out_of_order', 'a transition dated before the order’s latest one'),
      new Error('contract lifts-2025 routed to but not configured'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
    ]) {
      expect(isTransientDispatchFailure(failure), failure.message).toBe(false);
    }
    expect(isTransientDispatchFailure('ECONNREFUSED')).toBe(false);
    expect(isTransientDispatchFailure(undefined)).toBe(false);
  });
});
