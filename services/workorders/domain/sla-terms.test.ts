import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/load/load-config.ts';
import { sampleConfigDir } from '../../../test/helpers/config-fixture.ts';
import type { ContractTerms } from './contract-terms.ts';
import { assignmentFor, slaTermsFor } from './sla-terms.ts';

const lifts = loadConfig(sampleConfigDir).contracts.get('lifts-2025') as ContractTerms;

describe('SLA terms of an order', () => {
  it('are the contract’s row for the severity when the order has no profile', () => {
    expect(slaTermsFor(lifts, 'minor', null)).toEqual({
      acceptMinutes: 60,
      arriveMinutes: 480,
      resolveMinutes: 1440,
      clock: 'working_hours',
    });
  });

  it('default a trapped-passenger rescue (困人) to 24x7 and 30 minutes to arrive', () => {
    // The sample row for critical already says 30 minutes; the minor row says 8 working hours.
    expect(slaTermsFor(lifts, 'critical', 'trapped_passenger')).toEqual({
      acceptMinutes: 5,
      arriveMinutes: 30,
      resolveMinutes: 120,
      clock: '24x7',
    });
    expect(slaTermsFor(lifts, 'minor', 'trapped_passenger')).toEqual({
      acceptMinutes: 30,
      arriveMinutes: 30,
      resolveMinutes: 1440,
      clock: '24x7',
    });
  });

  it('keep a stricter row: the default never loosens the contract', () => {
    const strict: ContractTerms = {
      ...lifts,
      sla: {
        ...lifts.sla,
        critical: { acceptMinutes: 3, arriveMinutes: 15, resolveMinutes: 90, clock: '24x7' },
      },
    };
    expect(slaTermsFor(strict, 'critical', 'trapped_passenger')).toMatchObject({
      acceptMinutes: 3,
      arriveMinutes: 15,
    });
  });

  it('take the contract’s own terms for the profile over the default, even looser ones', () => {
    const stricter: ContractTerms = { ...lifts, slaProfiles: { trapped_passenger: { arriveMinutes: 20 } } };
    expect(slaTermsFor(stricter, 'critical', 'trapped_passenger')).toEqual({
      acceptMinutes: 5,
      arriveMinutes: 20,
      resolveMinutes: 120,
      clock: '24x7',
    });
    const rural: ContractTerms = { ...lifts, slaProfiles: { trapped_passenger: { arriveMinutes: 45 } } };
    expect(slaTermsFor(rural, 'critical', 'trapped_passenger').arriveMinutes).toBe(45);
  });

  it('are frozen into the assignment with the contract and vendor', () => {
    expect(assignmentFor(lifts, 'critical', 'trapped_passenger')).toEqual({
      vendorId: 'antu-lifts',
      contractId: 'lifts-2025',
      sla: { acceptMinutes: 5, arriveMinutes: 30, resolveMinutes: 120, clock: '24x7' },
    });
  });
});
