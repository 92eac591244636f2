import type { ContractInputsReply } from '../../api.ts';

/**
 * What the notice, check and conclusion forms refer to: the page year's inputs, and of the year
 * before the records still waiting — a notice not checked, a complaint not concluded — and the
 * failed notices not re-issued yet. A contract's inputs are read by year, so without these a
 * December notice could not be checked, nor a December complaint concluded, from January's page.
 * The year before's come first (they are older); a record in both years is listed once.
 */
export function withOpenOfYearBefore(
  year: ContractInputsReply,
  before: ContractInputsReply,
): ContractInputsReply {
  const notices = new Set(year.rectifications.map((notice) => notice.id));
  const complaints = new Set(year.complaints.map((complaint) => complaint.id));
  const reissued = new Set(
    [...before.rectifications, ...year.rectifications].flatMap((notice) =>
      notice.followsNoticeId === undefined ? [] : [notice.followsNoticeId],
    ),
  );
  return {
    ...year,
    rectifications: [
      ...before.rectifications.filter(
        (notice) =>
          !notices.has(notice.id) &&
          (notice.outcome === null || (notice.outcome.outcome === 'failed' && !reissued.has(notice.id))),
      ),
      ...year.rectifications,
    ],
    complaints: [
      ...before.complaints.filter(
        (complaint) => !complaints.has(complaint.id) && complaint.conclusion === null,
      ),
      ...year.complaints,
    ],
  };
}
