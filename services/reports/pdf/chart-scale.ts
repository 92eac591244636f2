/** A value axis with round tick steps (1, 2, 2.5 or 5 × a power of ten). */
export interface ValueScale {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly ticks: readonly number[];
  /** Decimals a tick label needs to show the step exactly. */
  readonly decimals: number;
}

/**
 * The axis covering [low, high] with about `targetTicks` intervals. `includeZero` for bars, whose
 * length must start at zero to be read honestly; a line may start near its data.
 */
export function niceScale(
  low: number,
  high: number,
  options: { includeZero: boolean; targetTicks?: number },
): ValueScale {
  let min = options.includeZero ? Math.min(0, low) : low;
  let max = options.includeZero ? Math.max(0, high) : high;
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    min = 0;
    max = 1;
  }
  if (min === max) {
    // One value (or none): give it room above and below, or 0–1 for a flat zero.
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min = options.includeZero && min >= 0 ? 0 : min - pad;
    max += pad;
  }
  const target = options.targetTicks ?? 5;
  const rough = (max - min) / target;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const normalised = rough / magnitude;
  const factor =
    normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 2.5 ? 2.5 : normalised <= 5 ? 5 : 10;
  const step = factor * magnitude;
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(clean(i * step));
  return {
    min: clean(first * step),
    max: clean(last * step),
    step,
    ticks,
    decimals: decimalsOf(step),
  };
}

/** 0.30000000000000004 → 0.3: tick values come from multiplications of a binary step. */
function clean(value: number): number {
  const rounded = Number(value.toPrecision(12));
  return Object.is(rounded, -0) ? 0 : rounded;
}

function decimalsOf(step: number): number {
  const [mantissa = '', exponent] = clean(step).toString().split('e-');
  const dot = mantissa.indexOf('.');
  return (dot === -1 ? 0 : mantissa.length - dot - 1) + (exponent === undefined ? 0 : Number(exponent));
}
