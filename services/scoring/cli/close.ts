import type { Actor } from '../../workorders/domain/types.ts';
import type { ScoringStore } from '../store/scoring-store.ts';

/**
 * `steward scoring close <YYYY-MM> [--contract ID]…`: closes the month for every contract in force
 * (or those named) as the system, and prints each scorecard's revision, total and grade, and
 * whether it was closed now or before (closing again changes nothing). Refusals (`period_not_ended`,
 * `unknown_contract` …) are thrown as the store's `ScoringError`s for the caller to report.
 */
export async function closeMonthCommand(
  store: Pick<ScoringStore, 'closeMonth'>,
  options: {
    readonly month: string;
    readonly contractIds?: readonly string[] | undefined;
    readonly startedAtMs: number;
  },
  write: (line: string) => void,
): Promise<number> {
  const actor: Actor = { role: 'system' };
  const closed = await store.closeMonth(actor, options.month, options.contractIds);
  const now = closed.filter((card) => card.revision === 1 && card.asOfMs >= options.startedAtMs).length;
  write(
    `${options.month}: ${closed.length} contract(s), ${now} closed now, ${closed.length - now} closed before`,
  );
  for (const card of closed) {
    const when = card.revision === 1 && card.asOfMs >= options.startedAtMs ? 'closed now' : 'closed before';
    write(
      `  ${card.contractId.padEnd(28)} revision ${card.revision}  ${card.scorecard.total.toFixed(2).padStart(6)}  ${card.scorecard.grade.padEnd(9)}  ${when}`,
    );
  }
  return 0;
}
