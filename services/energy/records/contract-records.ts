import { Value } from 'typebox/value';
import type { SqlPool } from '../../runtime/connections/postgres.ts';
import type { BaselineFit } from '../baseline/fit.ts';
import { BaselineModel } from '../baseline/model.ts';
import type { MeterTerm } from '../consumption/meter-tree.ts';
import type { EnergyContract } from '../contracts/contract-terms.ts';
import { EnergyError } from '../errors.ts';
import { checkAdjustment, type NonRoutineAdjustment } from '../savings/adjustments.ts';
import type { ContractRecords } from '../service.ts';

export interface FrozenBaseline {
  readonly contractId: string;
  readonly periodFrom: string;
  readonly periodTo: string;
  readonly meters: readonly MeterTerm[];
  readonly model: BaselineModel;
  readonly configRevision: string;
  readonly frozenAt: Date;
  readonly frozenBy: string;
}

/** An adjustment as recorded, with what it replaced (the audit trail keeps both). */
export interface RecordedAdjustment extends NonRoutineAdjustment {
  readonly supersedes: string | null;
  /** Replaced by a later correction: no longer applied. */
  readonly superseded: boolean;
}

interface BaselineRow {
  contract_id: string;
  period_from: string;
  period_to: string;
  meters: MeterTerm[];
  model: unknown;
  config_revision: string;
  frozen_at: Date;
  frozen_by: string;
}

interface AdjustmentRow {
  adjustment_id: string;
  from_date: string;
  to_date: string;
  kwh: number;
  reason: string;
  author: string;
  recorded_at: Date;
  supersedes: string | null;
  superseded: boolean;
}

/**
 * The energy tables (`migrations/001_energy.sql`): baselines frozen per contract and the
 * non-routine adjustments, both append-only. Dates come back as `YYYY-MM-DD` text.
 */
export class EnergyRecordsStore implements ContractRecords {
  readonly #pool: SqlPool;

  constructor(options: { readonly pool: SqlPool }) {
    this.#pool = options.pool;
  }

  /** Freezes the contract's baseline once; a second freeze is `baseline_already_frozen`. */
  async freezeBaseline(input: {
    readonly contract: EnergyContract;
    readonly fit: BaselineFit;
    readonly configRevision: string;
    readonly frozenBy: string;
    readonly at: Date;
  }): Promise<FrozenBaseline> {
    const { contract, fit } = input;
    if (!fit.model)
      throw new EnergyError(
        'baseline_insufficient',
        `the baseline of ${contract.id} is not sufficient to freeze`,
      );
    if (input.frozenBy.trim() === '')
      throw new EnergyError('invalid_input', 'a frozen baseline needs an author');
    try {
      await this.#pool.query(
        `insert into energy_baselines
           (contract_id, period_from, period_to, meters, model, fit, config_revision, frozen_at, frozen_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          contract.id,
          contract.baseline.fromDate,
          contract.baseline.toDate,
          JSON.stringify(contract.meters),
          JSON.stringify(fit.model),
          JSON.stringify({ sufficiency: fit.sufficiency, candidates: fit.candidates, options: fit.options }),
          input.configRevision,
          input.at,
          input.frozenBy,
        ],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new EnergyError('baseline_already_frozen', `the baseline of ${contract.id} is frozen already`, {
          cause: error,
        });
      throw error;
    }
    return {
      contractId: contract.id,
      periodFrom: contract.baseline.fromDate,
      periodTo: contract.baseline.toDate,
      meters: contract.meters,
      model: fit.model,
      configRevision: input.configRevision,
      frozenAt: input.at,
      frozenBy: input.frozenBy,
    };
  }

  async frozenBaseline(contractId: string): Promise<FrozenBaseline | undefined> {
    const { rows } = await this.#pool.query<BaselineRow>(
      `select contract_id, period_from::text, period_to::text, meters, model, config_revision, frozen_at, frozen_by
         from energy_baselines where contract_id = $1`,
      [contractId],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (!Value.Check(BaselineModel, row.model))
      throw new EnergyError('invalid_input', `the frozen baseline of ${contractId} is not a baseline model`);
    return {
      contractId: row.contract_id,
      periodFrom: row.period_from,
      periodTo: row.period_to,
      meters: row.meters,
      model: row.model,
      configRevision: row.config_revision,
      frozenAt: row.frozen_at,
      frozenBy: row.frozen_by,
    };
  }

  /**
   * Records a non-routine adjustment (checked: reason, author, dates). `supersedes` names the
   * adjustment it corrects, which then stops applying but stays on record.
   */
  async recordAdjustment(
    contractId: string,
    input: unknown,
    supersedes?: string,
  ): Promise<NonRoutineAdjustment> {
    const adjustment = checkAdjustment(input);
    try {
      await this.#pool.query(
        `insert into energy_adjustments
           (contract_id, adjustment_id, from_date, to_date, kwh, reason, author, recorded_at, supersedes)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          contractId,
          adjustment.id,
          adjustment.fromDate,
          adjustment.toDate,
          adjustment.kwh,
          adjustment.reason,
          adjustment.author,
          adjustment.recordedAt,
          supersedes ?? null,
        ],
      );
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '23505')
        throw new EnergyError(
          'invalid_adjustment',
          supersedes
            ? `adjustment ${supersedes} is superseded already, or ${adjustment.id} exists`
            : `adjustment ${adjustment.id} exists already`,
          { cause: error },
        );
      if (code === '23503')
        throw new EnergyError(
          'invalid_adjustment',
          `no contract ${contractId} or no adjustment ${supersedes} to supersede`,
          {
            cause: error,
          },
        );
      throw error;
    }
    return adjustment;
  }

  /** Every adjustment ever recorded for the contract, oldest first (the audit view). */
  async adjustmentHistory(contractId: string): Promise<RecordedAdjustment[]> {
    const { rows } = await this.#pool.query<AdjustmentRow>(
      `select a.adjustment_id, a.from_date::text, a.to_date::text, a.kwh, a.reason, a.author, a.recorded_at, a.supersedes,
              exists (select 1 from energy_adjustments b
                       where b.contract_id = a.contract_id and b.supersedes = a.adjustment_id) as superseded
         from energy_adjustments a
        where a.contract_id = $1
        order by a.recorded_at, a.seq`,
      [contractId],
    );
    return rows.map((row) => ({
      id: row.adjustment_id,
      fromDate: row.from_date,
      toDate: row.to_date,
      kwh: row.kwh,
      reason: row.reason,
      author: row.author,
      recordedAt: row.recorded_at.toISOString(),
      supersedes: row.supersedes,
      superseded: row.superseded,
    }));
  }

  /** The adjustments that apply: every one not superseded by a correction. */
  async adjustments(contractId: string): Promise<NonRoutineAdjustment[]> {
    return (await this.adjustmentHistory(contractId))
      .filter((adjustment) => !adjustment.superseded)
      .map(({ supersedes: _s, superseded: _d, ...adjustment }) => adjustment);
  }
}
