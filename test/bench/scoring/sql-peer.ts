import type pg from 'pg';
import type { SiteModel } from '../../../config/load/model.ts';
import { SEVERITIES } from '../../../config/schema/common.ts';
import type { Period } from '../../../services/scoring/domain/periods.ts';

/** The items both sides compute: SLA breaches, inspection findings, verified complaints. */
export const SHARED_ITEMS = [
  'slaAccept',
  'slaArrive',
  'slaResolve',
  'inspectionGeneral',
  'inspectionMajor',
  'verifiedComplaint',
] as const;

/**
 * The peer: what a report query would do — one SQL aggregation over the breaches the SLA timers
 * recorded (`sla_events`) and the inspection and complaint rows, points per occurrence from the
 * scheme, each item capped with LEAST, summed per contract. No evidence, no lines, no appeals,
 * no repeat failures, unresolved orders or availability: a month's deductions for these items
 * and nothing else. Its totals must equal the scorecards' totals of the same items.
 */
export async function sqlPeerDeductions(
  pool: pg.Pool,
  model: SiteModel,
  month: Period,
): Promise<Map<string, number>> {
  const points: object[] = [];
  for (const contract of model.contracts.values()) {
    const scheme = model.scoringSchemes.get(contract.scoringScheme);
    if (!scheme) throw new Error(`no scheme ${contract.scoringScheme}`);
    const { deductions } = scheme;
    for (const [item, target] of [
      ['slaAccept', 'accept'],
      ['slaArrive', 'arrive'],
      ['slaResolve', 'resolve'],
    ] as const) {
      for (const severity of SEVERITIES) {
        points.push({
          contract_id: contract.id,
          item,
          key: `${target}/${severity}`,
          points: deductions[item].points[severity],
          cap: deductions[item].cap ?? null,
        });
      }
    }
    for (const [item, key, rule] of [
      ['inspectionGeneral', 'general', deductions.inspectionGeneral],
      ['inspectionMajor', 'major', deductions.inspectionMajor],
      ['verifiedComplaint', 'verified', deductions.verifiedComplaint],
    ] as const) {
      points.push({ contract_id: contract.id, item, key, points: rule.points, cap: rule.cap ?? null });
    }
  }
  const { rows } = await pool.query<{ contract_id: string; deductions: string }>(
    `with points as (
       select * from jsonb_to_recordset($1::jsonb) as p(contract_id text, item text, key text, points numeric, cap numeric)),
     occurrences as (
       select contract_id, target || '/' || severity as key from sla_events where deadline >= $2 and deadline < $3
       union all
       select i.contract_id, f ->> 'level' from scoring_inspections i, jsonb_array_elements(i.body -> 'findings') f
        where i.conducted_at >= $2 and i.conducted_at < $3
       union all
       select c.contract_id, k.result from scoring_complaints c join scoring_complaint_conclusions k on k.complaint_id = c.id
        where k.concluded_at >= $2 and k.concluded_at < $3 and k.result = 'verified'),
     items as (
       select p.contract_id, p.item, sum(p.points) as raw, max(p.cap) as cap
       from occurrences o join points p on p.contract_id = o.contract_id and p.key = o.key
       group by p.contract_id, p.item)
     select contract_id, sum(least(raw, coalesce(cap, raw)))::text as deductions from items group by contract_id`,
    [JSON.stringify(points), new Date(month.startMs), new Date(month.endMs)],
  );
  return new Map(rows.map((row) => [row.contract_id, Number(row.deductions)]));
}
