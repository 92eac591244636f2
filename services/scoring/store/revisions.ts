import type { PoolClient } from 'pg';
import type { ScoringScheme } from '../../../config/schema/scoring.ts';
import type { SqlPool } from '../../runtime/connections/postgres.ts';
import type { Actor } from '../../workorders/domain/types.ts';
import { appendAuditEntries } from '../audit/audit-log.ts';
import type { AuditRow } from '../audit/chain.ts';
import {
  type AutomaticFacts,
  type ContractTerms,
  canonicalJson,
  type MonthInputs,
  type Period,
  scoreMonth,
  sha256Hex,
} from '../domain/index.ts';
import { subjectOf } from './context.ts';
import { gatherMonthInputs } from './month-inputs.ts';
import { insertScorecards, type StoredScorecard } from './scorecards.ts';

/**
 * A closed month's revisions: scoring it from the database and storing each scorecard with its
 * canonical bytes, its sha256, the scheme and contract terms it was computed with and the audit
 * row that records it (at close and after each appeal decision); and recomputing stored ones
 * against those bytes.
 */

/** The scheme and contract terms a closed scorecard was computed with: stored with it, canonical. */
export interface StoredTerms {
  readonly scheme: ScoringScheme;
  readonly contract: ContractTerms;
}

export interface Recomputation {
  readonly contractId: string;
  readonly month: string;
  readonly revision: number;
  /** The recomputed scorecard's canonical JSON equals the stored one, byte for byte. */
  readonly identical: boolean;
  readonly storedSha256: string;
  readonly recomputedSha256: string;
}

export function storedTermsOf(stored: StoredScorecard): StoredTerms {
  return JSON.parse(stored.termsText) as StoredTerms;
}

/** Scores the month of each contract as of `asOfMs`, audits and stores every scorecard, in the caller's transaction. */
export async function storeRevisions(
  tx: PoolClient,
  actor: Actor,
  items: readonly { scheme: ScoringScheme; contract: ContractTerms; revision: number }[],
  period: Period,
  reason: StoredScorecard['reason'],
  asOfMs: number,
  facts: AutomaticFacts,
): Promise<StoredScorecard[]> {
  if (items.length === 0) return [];
  const inputs = await gatherMonthInputs(
    tx,
    items.map((item) => item.contract.id),
    period,
    asOfMs,
    facts,
  );
  const made = items.map(({ scheme, contract, revision }) => {
    const month = inputs.get(contract.id) as MonthInputs;
    const scorecard = scoreMonth(scheme, contract, month);
    const text = canonicalJson(scorecard);
    return {
      contract,
      revision,
      scorecard,
      text,
      sha256: sha256Hex(text),
      termsText: canonicalJson({ scheme, contract }),
    };
  });
  const audit = await appendAuditEntries(
    tx,
    made.map(({ contract, revision, scorecard, sha256 }) => ({
      atMs: asOfMs,
      kind: reason === 'close' ? 'month_closed' : 'scorecard_revised',
      subject: subjectOf(contract.id),
      actor,
      body: {
        month: period.key,
        revision,
        scorecardSha256: sha256,
        total: scorecard.total,
        grade: scorecard.grade,
      },
    })),
  );
  const stored = made.map(
    ({ contract, revision, scorecard, text, sha256, termsText }, i): StoredScorecard => ({
      contractId: contract.id,
      month: period.key,
      revision,
      reason,
      asOfMs,
      text,
      sha256,
      termsText,
      auditSeq: (audit[i] as AuditRow).seq,
      scorecard,
    }),
  );
  await insertScorecards(tx, stored);
  return stored;
}

/** Recomputes stored scorecards of one period, reading the inputs once per `asOf` they were made at. */
export async function recomputeStored(
  pool: SqlPool,
  stored: readonly StoredScorecard[],
  period: Period,
  facts: AutomaticFacts,
): Promise<Recomputation[]> {
  const results: Recomputation[] = [];
  for (const asOfMs of [...new Set(stored.map((s) => s.asOfMs))]) {
    const cards = stored.filter((s) => s.asOfMs === asOfMs);
    const gathered = await gatherMonthInputs(
      pool,
      cards.map((card) => card.contractId),
      period,
      asOfMs,
      facts,
    );
    for (const card of cards) {
      const { scheme, contract } = storedTermsOf(card);
      const inputs = gathered.get(card.contractId) as MonthInputs;
      const text = canonicalJson(scoreMonth(scheme, contract, inputs));
      results.push({
        contractId: card.contractId,
        month: card.month,
        revision: card.revision,
        identical: text === card.text,
        storedSha256: card.sha256,
        recomputedSha256: sha256Hex(text),
      });
    }
  }
  return results;
}
