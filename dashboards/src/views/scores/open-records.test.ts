import { describe, expect, it } from 'vitest';
import type { ContractInputsReply } from '../../api.ts';
import { withOpenOfYearBefore } from './open-records.ts';

type Notice = ContractInputsReply['rectifications'][number];
type Complaint = ContractInputsReply['complaints'][number];

const by = { role: 'facilities_manager', userId: 'chen.jie' } as const;
const notice = (id: string, outcome: 'passed' | 'failed' | null, followsNoticeId?: string): Notice => ({
  id,
  contractId: 'lifts-2025',
  issuedAtMs: 0,
  deadlineMs: 1,
  problem: `problem ${id}`,
  ...(followsNoticeId === undefined ? {} : { followsNoticeId }),
  recordedBy: by,
  recordedAtMs: 0,
  outcome:
    outcome === null
      ? null
      : { id, outcome, checkedAtMs: 2, note: 'checked', recordedBy: by, recordedAtMs: 2 },
});
const complaint = (id: string, concluded: boolean): Complaint => ({
  id,
  contractId: 'lifts-2025',
  receivedAtMs: 0,
  channel: 'hotline',
  summary: `complaint ${id}`,
  recordedBy: by,
  recordedAtMs: 0,
  conclusion: concluded
    ? { id, result: 'verified', concludedAtMs: 1, finding: 'found', recordedBy: by, recordedAtMs: 1 }
    : null,
});
const inputs = (period: string, rectifications: Notice[], complaints: Complaint[]): ContractInputsReply => ({
  contractId: 'lifts-2025',
  period,
  inspections: [],
  rectifications,
  complaints,
  commendations: [],
  surveys: [],
  leadershipReviews: [],
});

describe('the records the check and conclusion forms offer on a January page', () => {
  it('adds the year before’s notices still to check, failed ones not re-issued, and complaints still open', () => {
    const before = inputs(
      '2026',
      [
        notice('1', null),
        notice('2', 'passed'),
        notice('3', 'failed'),
        notice('4', 'failed'),
        notice('5', null),
      ],
      [complaint('11', false), complaint('12', true), complaint('13', false)],
    );
    // Notice 5 was checked in January: it is this year's too (issued or checked in the year).
    const year = inputs('2027', [notice('5', 'failed'), notice('6', null, '4')], [complaint('14', false)]);
    const merged = withOpenOfYearBefore(year, before);
    expect(merged.rectifications.map((n) => [n.id, n.outcome?.outcome ?? null])).toEqual([
      ['1', null],
      ['3', 'failed'],
      ['5', 'failed'],
      ['6', null],
    ]);
    expect(merged.complaints.map((c) => c.id)).toEqual(['11', '13', '14']);
    expect(merged.period).toBe('2027');
  });

  it('changes nothing when the year before left nothing open', () => {
    const year = inputs('2027', [notice('6', null)], [complaint('14', false)]);
    expect(
      withOpenOfYearBefore(year, inputs('2026', [notice('2', 'passed')], [complaint('12', true)])),
    ).toEqual(year);
  });
});
