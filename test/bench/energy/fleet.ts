import { Random } from '../../../gateway/simulator/random.ts';
import type { ModelType } from '../../../services/energy/baseline/model.ts';
import {
  type SyntheticDay,
  type SyntheticTruth,
  syntheticDays,
} from '../../../services/energy/baseline/synthetic.ts';

/** One synthetic meter: its baseline year and the truth behind it. */
export interface BenchMeter {
  readonly id: string;
  readonly truthType: ModelType;
  readonly truth: SyntheticTruth;
  readonly days: readonly SyntheticDay[];
}

const TYPES: readonly ModelType[] = ['intercept_only', 'hdd', 'cdd', 'hdd_cdd'];

/**
 * A fleet of meters with a year of daily data each, reproducible from the seed: the four model
 * types in turn, balance points, slopes, base loads (500–20,000 kWh/day), noise (2–8 % of the
 * base), a working-day effect on half of them and 2 % of days missing, so the fit meets what a
 * real portfolio gives it (and the grid search is not helped by identical data).
 */
export function benchFleet(meters: number, days: number, seed = 20_240_101): BenchMeter[] {
  const random = new Random(seed);
  const fleet: BenchMeter[] = [];
  for (let i = 0; i < meters; i++) {
    const truthType = TYPES[i % TYPES.length] as ModelType;
    const base = random.uniform(500, 20_000);
    const half = (value: number) => Math.round(value * 2) / 2;
    const heating =
      truthType === 'hdd' || truthType === 'hdd_cdd'
        ? { balancePoint: half(random.uniform(10, 17)), slope: base * random.uniform(0.02, 0.08) }
        : undefined;
    const cooling =
      truthType === 'cdd' || truthType === 'hdd_cdd'
        ? { balancePoint: half(random.uniform(19, 25)), slope: base * random.uniform(0.03, 0.1) }
        : undefined;
    const truth: SyntheticTruth = {
      intercept: base,
      ...(heating ? { heating } : {}),
      ...(cooling ? { cooling } : {}),
      ...(i % 2 === 0 ? { workingDay: base * random.uniform(0.05, 0.15) } : {}),
      noise: base * random.uniform(0.02, 0.08),
    };
    fleet.push({
      id: `BENCH-EM-${String(i).padStart(4, '0')}`,
      truthType,
      truth,
      days: syntheticDays({ seed: seed + i + 1, startDate: '2024-01-01', days, truth, missingShare: 0.02 }),
    });
  }
  return fleet;
}
