import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { type BaselineFit, fitBaseline } from '../../../services/energy/baseline/fit.ts';
import type { FitOptions } from '../../../services/energy/baseline/options.ts';
import { type ReferenceSelection, referenceFit } from '../../../services/energy/baseline/reference-fit.ts';
import { type MachineFacts, machineFacts } from '../machine.ts';
import { type BenchMeter, benchFleet } from './fleet.ts';

export interface EnergySizes {
  /** Meters fitted by `fitBaseline`, and days of baseline per meter. */
  readonly meters: number;
  readonly days: number;
  /** Timed passes over the fleet (the figure is their median: the machine may be shared). */
  readonly rounds: number;
  /** Meters the peer (exhaustive regression per candidate) is run on: the first N of the fleet. */
  readonly peerMeters: number;
}

export const FULL_SIZES: EnergySizes = { meters: 1_000, days: 365, rounds: 3, peerMeters: 1_000 };
export const QUICK_SIZES: EnergySizes = { meters: 40, days: 365, rounds: 2, peerMeters: 8 };

/** The configuration of the sample energy contract: working-day term on, default grid. */
export const CONTRACT_OPTIONS: Partial<FitOptions> = { workingDayRegressor: true };
/** CalTRACK's own candidates, without the calendar. */
export const PLAIN_OPTIONS: Partial<FitOptions> = { workingDayRegressor: false };

export interface TimedPass {
  readonly label: string;
  readonly meters: number;
  /** Seconds of each round. */
  readonly rounds: readonly number[];
  readonly medianS: number;
  /** Candidates fitted per meter (balance-point combinations × model types). */
  readonly candidatesPerMeter: number;
}

export interface EnergyReport {
  readonly runId: string;
  readonly quick: boolean;
  readonly machine: MachineFacts;
  readonly sizes: EnergySizes;
  readonly generateS: number;
  readonly contract: TimedPass;
  readonly plain: TimedPass;
  readonly peer: TimedPass;
  /** Meters on which the peer and `fitBaseline` select the same model, of those the peer ran on. */
  readonly agreement: {
    readonly same: number;
    readonly compared: number;
    readonly differences: readonly string[];
  };
  /** How the fits match the truths behind the data. */
  readonly recovery: {
    readonly withModel: number;
    readonly exactType: number;
    readonly missedTerm: number;
    readonly balancePointWithin1C: number;
    readonly balancePointsCompared: number;
  };
  /** 1-minute load average at the start and the end: others may share the machine. */
  readonly load: { readonly start: number; readonly end: number };
  readonly seconds: number;
  readonly errors: Record<string, string>;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

function timeFits(
  label: string,
  fleet: readonly BenchMeter[],
  options: Partial<FitOptions>,
  rounds: number,
  log: (line: string) => void,
): { pass: TimedPass; fits: BaselineFit[] } {
  // Warm-up: the JIT sees every code path before the clock runs.
  for (const meter of fleet.slice(0, Math.min(20, fleet.length))) fitBaseline(meter.days, options);
  const seconds: number[] = [];
  let fits: BaselineFit[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const results = fleet.map((meter) => fitBaseline(meter.days, options));
    seconds.push((performance.now() - started) / 1_000);
    fits = results;
    log(
      `energy bench: ${label}, round ${round + 1}: ${fleet.length} meters in ${seconds.at(-1)?.toFixed(3)} s`,
    );
  }
  const candidates = fits[0]?.candidates.reduce((sum, c) => sum + c.evaluated, 0) ?? 0;
  return {
    pass: {
      label,
      meters: fleet.length,
      rounds: seconds,
      medianS: median(seconds),
      candidatesPerMeter: candidates,
    },
    fits,
  };
}

const sameSelection = (fit: BaselineFit, reference: ReferenceSelection | undefined): boolean =>
  fit.model?.type === reference?.type &&
  fit.model?.workingDay === reference?.workingDay &&
  fit.model?.heating?.balancePoint === reference?.heatingBalancePoint &&
  fit.model?.cooling?.balancePoint === reference?.coolingBalancePoint &&
  Math.abs((fit.model?.adjustedR2 ?? 0) - (reference?.adjustedR2 ?? 0)) < 1e-9;

/**
 * Fits a year-long CalTRACK daily baseline for every meter of a synthetic fleet, with the sample
 * contract's options (working-day term) and CalTRACK's plain candidates, several rounds each, and
 * the peer — the same grid search by an exhaustive least-squares regression per candidate —
 * on the first `peerMeters`, checking both select the same model.
 */
export async function runEnergyBench(options: {
  readonly sizes: EnergySizes;
  readonly quick: boolean;
  readonly log: (line: string) => void;
}): Promise<EnergyReport> {
  const { sizes, log } = options;
  const started = performance.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const errors: Record<string, string> = {};
  const runId = randomBytes(6).toString('hex').toUpperCase();

  const generating = performance.now();
  const fleet = benchFleet(sizes.meters, sizes.days);
  const generateS = (performance.now() - generating) / 1_000;
  log(`energy bench: generated ${fleet.length} meters × ${sizes.days} days in ${generateS.toFixed(2)} s`);

  const contract = timeFits(
    'fitBaseline, working-day term (contract options)',
    fleet,
    CONTRACT_OPTIONS,
    sizes.rounds,
    log,
  );
  const plain = timeFits('fitBaseline, CalTRACK candidates only', fleet, PLAIN_OPTIONS, sizes.rounds, log);

  const peerFleet = fleet.slice(0, sizes.peerMeters);
  const peerStarted = performance.now();
  const references: (ReferenceSelection | undefined)[] = [];
  for (const [i, meter] of peerFleet.entries()) {
    references.push(referenceFit(meter.days, CONTRACT_OPTIONS));
    if ((i + 1) % 100 === 0) log(`energy bench: peer, ${i + 1} of ${peerFleet.length} meters`);
  }
  const peerS = (performance.now() - peerStarted) / 1_000;
  const peer: TimedPass = {
    label: 'peer: exhaustive regression per candidate (same grid and rules)',
    meters: peerFleet.length,
    rounds: [peerS],
    medianS: peerS,
    candidatesPerMeter: references[0]?.candidatesFitted ?? 0,
  };

  const differences: string[] = [];
  references.forEach((reference, i) => {
    const fit = contract.fits[i] as BaselineFit;
    if (!sameSelection(fit, reference))
      differences.push(
        `${fleet[i]?.id}: fitBaseline ${fit.model?.type}/${fit.model?.heating?.balancePoint}/${fit.model?.cooling?.balancePoint}, peer ${reference?.type}/${reference?.heatingBalancePoint}/${reference?.coolingBalancePoint}`,
      );
  });

  let withModel = 0;
  let exactType = 0;
  let missedTerm = 0;
  let balancePointWithin1C = 0;
  let balancePointsCompared = 0;
  contract.fits.forEach((fit, i) => {
    const meter = fleet[i] as BenchMeter;
    const model = fit.model;
    if (!model) return;
    withModel++;
    if (model.type === meter.truthType) exactType++;
    if ((meter.truth.heating && !model.heating) || (meter.truth.cooling && !model.cooling)) missedTerm++;
    for (const [term, truth] of [
      [model.heating, meter.truth.heating],
      [model.cooling, meter.truth.cooling],
    ] as const) {
      if (!term || !truth) continue;
      balancePointsCompared++;
      if (Math.abs(term.balancePoint - truth.balancePoint) <= 1) balancePointWithin1C++;
    }
  });
  if (withModel < fleet.length) errors.models = `${fleet.length - withModel} meters got no model`;

  return {
    runId,
    quick: options.quick,
    machine: machineFacts(),
    sizes,
    generateS,
    contract: contract.pass,
    plain: plain.pass,
    peer,
    agreement: { same: peerFleet.length - differences.length, compared: peerFleet.length, differences },
    recovery: { withModel, exactType, missedTerm, balancePointWithin1C, balancePointsCompared },
    load: { start: loadAtStart, end: os.loadavg()[0] ?? 0 },
    seconds: Math.round((performance.now() - started) / 100) / 10,
    errors,
  };
}
