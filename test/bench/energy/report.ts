import type { EnergyReport, TimedPass } from './energy-bench.ts';

/** The issue's target for fitting 1,000 meters × 365 days on this machine. */
export const TARGET_S = 30;

const fmt = (value: number, digits = 3): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const round3 = (value: number): number => Math.round(value * 1_000) / 1_000;

/** Seconds per 1,000 meters from a pass (the peer may run on fewer meters). */
const per1000 = (pass: TimedPass): number => (pass.medianS / pass.meters) * 1_000;

/** What makes the figures untrustworthy (exit 1): the two fits disagreeing, or a meter without a model. */
export function problems(report: EnergyReport): string[] {
  const found: string[] = [];
  if (report.agreement.differences.length > 0)
    found.push(
      `fitBaseline and the peer selected different models on ${report.agreement.differences.length} of ${report.agreement.compared} meters: ${report.agreement.differences.slice(0, 5).join('; ')}`,
    );
  if (report.recovery.withModel < report.sizes.meters)
    found.push(`${report.sizes.meters - report.recovery.withModel} meters got no model`);
  return found;
}

function row(pass: TimedPass): string {
  return [
    pass.label,
    pass.meters.toLocaleString('en-US'),
    pass.candidatesPerMeter.toLocaleString('en-US'),
    pass.rounds.map((s) => fmt(s)).join(' / '),
    fmt((pass.medianS / pass.meters) * 1_000, 3),
    fmt(per1000(pass), 2),
  ].join(' | ');
}

export function render(report: EnergyReport): string {
  const { machine, sizes, recovery } = report;
  const fit1000 = per1000(report.contract);
  const lines = [
    `energy benchmark, run ${report.runId}${report.quick ? ' (quick)' : ''}, ${report.seconds} s`,
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.platform}; ` +
      `load average (1 min) ${fmt(report.load.start, 2)} at the start, ${fmt(report.load.end, 2)} at the end`,
    `fleet: ${sizes.meters.toLocaleString('en-US')} synthetic meters × ${sizes.days} days (generated in ${fmt(report.generateS, 2)} s, not timed), ` +
      `CalTRACK daily candidates over heating 8–24 °C and cooling 12–30 °C in 0.5 °C steps, p < 0.1, adjusted R²; one thread`,
    '',
    'fit | meters | candidates per meter | seconds per round | ms per meter | s per 1,000 meters',
    '--- | --: | --: | --: | --: | --:',
    row(report.contract),
    row(report.plain),
    row(report.peer),
    '',
    `fit_1000_meters_s (contract options, median of ${report.contract.rounds.length} rounds): ${fmt(fit1000, 2)} s` +
      (report.contract.meters === 1_000 ? '' : ` (projected from ${report.contract.meters} meters)`) +
      `; target under ${TARGET_S} s: ${fit1000 < TARGET_S ? 'met' : 'MISSED'}; ` +
      `the peer ${fmt(per1000(report.peer), 1)} s per 1,000 meters${report.peer.meters === 1_000 ? '' : ` (measured on ${report.peer.meters})`}, ` +
      `${fmt(per1000(report.peer) / fit1000, 1)} × slower`,
    `same model as the peer: ${report.agreement.same} of ${report.agreement.compared} meters`,
    `against the truths: ${recovery.exactType} of ${recovery.withModel} meters got the true model type, ` +
      `${recovery.missedTerm} missed a true degree-day term, ` +
      `${recovery.balancePointWithin1C} of ${recovery.balancePointsCompared} balance points within 1 °C`,
  ];
  const found = problems(report);
  if (found.length > 0) lines.push('', 'PROBLEMS:', ...found.map((p) => `  ${p}`));
  if (Object.keys(report.errors).length > 0)
    lines.push('', 'ERRORS:', ...Object.entries(report.errors).map(([k, v]) => `  ${k}: ${v}`));
  return lines.join('\n');
}

const passJson = (pass: TimedPass) => ({
  meters: pass.meters,
  candidates_per_meter: pass.candidatesPerMeter,
  rounds_s: pass.rounds.map(round3),
  median_s: round3(pass.medianS),
  ms_per_meter: round3((pass.medianS / pass.meters) * 1_000),
});

/** The single JSON object printed last with --json. */
export function summary(report: EnergyReport): Record<string, unknown> {
  const fit1000 = per1000(report.contract);
  return {
    bench: 'energy',
    run_id: report.runId,
    quick: report.quick,
    machine: report.machine,
    meters: report.sizes.meters,
    days: report.sizes.days,
    // Measured on 1,000 meters; a quick run projects it from its smaller fleet (see `meters`).
    fit_1000_meters_s: round3(fit1000),
    fit_1000_meters_projected: report.contract.meters !== 1_000,
    target_s: TARGET_S,
    target_met: fit1000 < TARGET_S,
    plain_1000_meters_s: round3(per1000(report.plain)),
    peer_1000_meters_s: round3(per1000(report.peer)),
    peer_meters: report.peer.meters,
    speedup_vs_peer: Math.round((per1000(report.peer) / fit1000) * 10) / 10,
    contract: passJson(report.contract),
    plain: passJson(report.plain),
    peer: passJson(report.peer),
    agreement: { same: report.agreement.same, compared: report.agreement.compared },
    recovery: report.recovery,
    load_average: {
      start: Math.round(report.load.start * 100) / 100,
      end: Math.round(report.load.end * 100) / 100,
    },
    problems: problems(report),
    errors: report.errors,
    seconds: report.seconds,
  };
}
