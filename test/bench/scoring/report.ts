import type { ScoringReport } from './scoring-bench.ts';

/** The target: a month of 50 contracts and 20,000 work orders scored in under 2 s. */
export const TARGET_SECONDS = 2;

const fmt = (value: number | undefined, digits = 3): string =>
  value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
const int = (value: number | undefined): string =>
  value === undefined ? '—' : value.toLocaleString('en-US');
const rounded = (value: number | undefined): number | null =>
  value === undefined || !Number.isFinite(value) ? null : Math.round(value * 1_000) / 1_000;

/**
 * What makes the figures untrustworthy (exit 1): a contract without a scorecard, a recomputation
 * that is not byte-identical, the peer disagreeing on the items both compute, breach lines that
 * are not the breaches recorded, a broken audit chain. Missing the time target is a figure.
 */
export function problems(report: ScoringReport): string[] {
  const found: string[] = [];
  if (report.scorecards !== undefined && report.scorecards !== report.sizes.contracts)
    found.push(`${report.scorecards} scorecards for ${report.sizes.contracts} contracts`);
  if (report.recompute && report.recompute.identical !== report.recompute.of)
    found.push(
      `${report.recompute.of - report.recompute.identical} recomputed scorecards differ from the stored ones`,
    );
  if (report.peer && report.peer.agree !== report.peer.of)
    found.push(`the SQL peer disagrees: ${report.peer.mismatches.slice(0, 5).join('; ')}`);
  if (report.breaches && report.breaches.lines !== report.breaches.recorded)
    found.push(
      `${report.breaches.lines} SLA lines on the scorecards, ${report.breaches.recorded} breaches recorded`,
    );
  if (report.auditOk === false) found.push('the audit chain or a scorecard anchor does not verify');
  return found;
}

/** The human-readable report (stdout). */
export function render(report: ScoringReport): string {
  const { sizes, data, machine } = report;
  const met =
    report.closeSeconds === undefined ? '—' : report.closeSeconds < TARGET_SECONDS ? 'met' : 'SHORT';
  const lines = [
    `scoring benchmark, run ${report.runId}${report.quick ? ' (quick)' : ''}, ${report.seconds} s`,
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.platform}`,
    `data: ${int(sizes.contracts)} contracts, ${int(data?.orders)} work orders dispatched in 2026-03 (${int(data?.transitions)} transitions, ` +
      `${int(data?.incidents)} linked to an incident, ${int(data?.breachesRecorded)} breaches recorded), ${int(data?.manualInputs)} manual inputs; ` +
      `set up in ${fmt(data?.setupSeconds, 1)} s`,
    '',
    'phase | seconds | what',
    '--- | --: | ---',
    `**close the month** (read histories, facts, manual inputs, score, canonical JSON, store, audit) | **${fmt(report.closeSeconds)}** | ${int(report.scorecards)} scorecards, ${int(report.lines)} lines`,
    `  read the order histories (median of ${sizes.rounds}) | ${fmt(report.breakdown?.historiesSeconds)} | ${int(report.breakdown?.histories)} orders`,
    `  automatic facts from them (median of ${sizes.rounds}) | ${fmt(report.breakdown?.factsSeconds)} | slaStatus and legs of every order`,
    `recompute the closed month from the database (median of ${sizes.rounds}) | ${fmt(report.recompute?.seconds)} | ${int(report.recompute?.identical)} of ${int(report.recompute?.of)} byte-identical`,
    `peer: naive SQL aggregation (median of ${sizes.rounds}) | ${fmt(report.peer?.seconds)} | SLA, inspection and complaint items only, no evidence: ${int(report.peer?.agree)} of ${int(report.peer?.of)} totals agree`,
    '',
    `SLA lines ${int(report.breaches?.lines)} = breaches recorded ${int(report.breaches?.recorded)}; audit chain and scorecard anchors ${report.auditOk === undefined ? '—' : report.auditOk ? 'verify' : 'DO NOT VERIFY'}`,
    `target: a month of ${int(sizes.contracts)} contracts and ${int(data?.orders)} orders closed in < ${TARGET_SECONDS} s: ${fmt(report.closeSeconds)} s, ${met}` +
      (report.closeSeconds !== undefined && report.peer
        ? `; the SQL peer takes ${fmt(report.peer.seconds)} s for part of the items and none of the evidence`
        : ''),
  ];
  const found = problems(report);
  if (found.length > 0) lines.push('', 'PROBLEMS:', ...found.map((p) => `  ${p}`));
  if (Object.keys(report.errors).length > 0)
    lines.push('', 'ERRORS:', ...Object.entries(report.errors).map(([k, v]) => `  ${k}: ${v}`));
  return lines.join('\n');
}

/** The single JSON object printed last with --json. */
export function summary(report: ScoringReport): Record<string, unknown> {
  return {
    bench: 'scoring',
    run_id: report.runId,
    quick: report.quick,
    machine: report.machine,
    database: report.database ?? null,
    contracts: report.sizes.contracts,
    orders: report.data?.orders ?? null,
    transitions: report.data?.transitions ?? null,
    manual_inputs: report.data?.manualInputs ?? null,
    month_scoring_s: rounded(report.closeSeconds),
    target_s: TARGET_SECONDS,
    target_met: report.closeSeconds === undefined ? null : report.closeSeconds < TARGET_SECONDS,
    scorecards: report.scorecards ?? null,
    lines: report.lines ?? null,
    histories_read_s: rounded(report.breakdown?.historiesSeconds),
    facts_s: rounded(report.breakdown?.factsSeconds),
    recompute_s: rounded(report.recompute?.seconds),
    recompute_identical: report.recompute?.identical ?? null,
    peer_sql_s: rounded(report.peer?.seconds),
    peer_agree: report.peer?.agree ?? null,
    sla_lines: report.breaches?.lines ?? null,
    breaches_recorded: report.breaches?.recorded ?? null,
    audit_ok: report.auditOk ?? null,
    problems: problems(report),
    errors: report.errors,
    seconds: report.seconds,
  };
}
