import type { PoolClient } from 'pg';
import type { SqlPool } from '../../runtime/connections/postgres.ts';
import type { AutomaticFacts, MonthInputs, Period } from '../domain/index.ts';
import * as repo from './repository.ts';

/**
 * What `scoreMonth` is given for each contract of a month, as of an instant: the automatic facts
 * of its work orders and the manual rows recorded up to then. Closing, revising, recomputing and
 * previewing a month all read it here, so they read it the same way.
 */

/**
 * A month's inputs for each contract, as of an instant: the automatic facts of its legs, and its
 * manual rows recorded up to then.
 */
export async function gatherMonthInputs(
  db: PoolClient | SqlPool,
  contractIds: readonly string[],
  period: Period,
  asOfMs: number,
  facts: AutomaticFacts,
): Promise<Map<string, MonthInputs>> {
  const scope = { contractIds, asOfMs };
  // One after the other: inside a transaction they share one client.
  const inspections = await repo.selectInspections(db, scope, period.startMs, period.endMs);
  const complaints = await repo.selectComplaints(db, scope, period.startMs, period.endMs);
  const rectifications = await repo.selectNotices(db, scope);
  const commendations = await repo.selectCommendations(db, scope, period.startMs, period.endMs);
  const appeals = await repo.selectAppeals(db, scope, period.key);
  const grouped = {
    slaBreaches: byContract(facts.slaBreaches),
    repeatFailures: byContract(facts.repeatFailures),
    openAtPeriodEnd: byContract(facts.openAtPeriodEnd),
    downtime: byContract(facts.downtime),
    inspections: byContract(inspections),
    complaints: byContract(complaints.filter((c) => c.conclusion !== null)),
    rectifications: byContract(rectifications),
    commendations: byContract(commendations),
    appeals: byContract(appeals),
  };
  return new Map(
    contractIds.map((id): [string, MonthInputs] => [
      id,
      {
        period,
        automatic: {
          slaBreaches: grouped.slaBreaches.get(id) ?? [],
          repeatFailures: grouped.repeatFailures.get(id) ?? [],
          openAtPeriodEnd: grouped.openAtPeriodEnd.get(id) ?? [],
          downtime: grouped.downtime.get(id) ?? [],
          // The office's figures are read over every contract, by the bulletin; a scorecard has no use for them.
          verifications: [],
        },
        inspections: grouped.inspections.get(id) ?? [],
        complaints: grouped.complaints.get(id) ?? [],
        rectifications: grouped.rectifications.get(id) ?? [],
        commendations: grouped.commendations.get(id) ?? [],
        appeals: grouped.appeals.get(id) ?? [],
      },
    ]),
  );
}

function byContract<T extends { contractId: string }>(list: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of list) {
    const group = groups.get(item.contractId);
    if (group) group.push(item);
    else groups.set(item.contractId, [item]);
  }
  return groups;
}
