import { describe, expect, it } from 'vitest';
import { runBench } from '../helpers/bench-process.ts';
import { QUICK_SIZES } from './energy/energy-bench.ts';

/**
 * `npm run bench -- energy --quick --json` end to end. Checked is what the figures rest on: every
 * meter of the fleet was fitted in every round, the peer ran on its meters and selected the same
 * model for each, every meter got a model and no true degree-day term was missed. No timing is
 * asserted (not even the target: a benchmark reports it).
 */
describe('energy benchmark, quick', () => {
  it('prints the table and a JSON line whose figures rest on complete, agreeing fits', async () => {
    const { code, stdout, stderr } = await runBench(['energy', '--quick', '--json']);
    expect(code, stderr.slice(-4_000)).toBe(0);
    expect(stdout).toContain('fit_1000_meters_s');
    expect(stdout).toContain('peer: exhaustive regression per candidate');
    const json = JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(json).toMatchObject({
      bench: 'energy',
      quick: true,
      meters: QUICK_SIZES.meters,
      days: QUICK_SIZES.days,
      fit_1000_meters_projected: true,
      peer_meters: QUICK_SIZES.peerMeters,
      agreement: { same: QUICK_SIZES.peerMeters, compared: QUICK_SIZES.peerMeters },
      problems: [],
      errors: {},
    });
    for (const key of ['fit_1000_meters_s', 'plain_1000_meters_s', 'peer_1000_meters_s'])
      expect(json[key] as number, key).toBeGreaterThan(0);
    const contract = json.contract as { rounds_s: number[]; candidates_per_meter: number };
    expect(contract.rounds_s).toHaveLength(QUICK_SIZES.rounds);
    // The working-day variant doubles the candidates of the plain CalTRACK set.
    expect(contract.candidates_per_meter).toBe(
      2 * (json.plain as { candidates_per_meter: number }).candidates_per_meter,
    );
    const recovery = json.recovery as Record<string, number>;
    expect(recovery.withModel).toBe(QUICK_SIZES.meters);
    expect(recovery.missedTerm).toBe(0);
  }, 120_000);
});
