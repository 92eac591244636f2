import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { ManualClock } from '../../services/runtime/clock.ts';
import { FaultError } from './faults.ts';
import { Simulator, type SimulatorOptions } from './simulator.ts';

const sample = loadConfig(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'sample'),
);
const logger = pino({ level: 'silent' });

/** The component without its network parts: the model, faults, state and metrics. */
describe('Simulator component (no MQTT, no OPC UA)', () => {
  const running: Simulator[] = [];
  const dirs: string[] = [];
  const create = (options: Partial<SimulatorOptions> = {}) => {
    const simulator = new Simulator({
      model: sample,
      clock: new ManualClock(Date.parse('2026-07-15T10:00:00+08:00')),
      logger,
      opcua: false,
      ...options,
    });
    running.push(simulator);
    return simulator;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses faults before it runs, then injects and clears them on the running model', async () => {
    const clock = new ManualClock(Date.parse('2026-07-15T10:00:00+08:00'));
    const simulator = create({ clock });
    expect(() => simulator.injectFault({ kind: 'chiller_trip', equipmentId: 'MB-CH-01' })).toThrow(
      FaultError,
    );
    await simulator.start();
    clock.advance(5 * 60_000);
    const fault = simulator.injectFault({ kind: 'chiller_trip', equipmentId: 'MB-CH-01', faultCode: 4 });
    expect(fault.startedAt).toBe('2026-07-15T02:05:00.000Z');
    expect(simulator.values('MB-CH-01')).toMatchObject({ running: false, fault_code: 4 });
    expect(simulator.stats()).toMatchObject({ activeFaults: 1, opcuaVariables: 0, mqtt: { devices: 0 } });
    expect(simulator.clearFault(fault.id)?.id).toBe(fault.id);
    expect(simulator.listFaults()).toEqual([]);
  });

  it('rejects invalid knobs and unknown endpoints at start with every problem named', async () => {
    const simulator = create({
      knobs: { rateMultiplier: -1, extraItemsEndpoint: 'nowhere' },
      opcuaPorts: { 'no-such-endpoint': 1 },
    });
    await expect(simulator.start()).rejects.toThrow(
      /knobs\.rateMultiplier: .*\n.*opcuaPorts\.no-such-endpoint.*\n.*knobs\.extraItemsEndpoint/s,
    );
  });

  it('keeps cumulative registers across a restart through its state file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'steward-simulator-state-'));
    dirs.push(dir);
    const statePath = path.join(dir, 'state.json');
    const clock = new ManualClock(Date.parse('2026-07-15T08:00:00+08:00'));
    const first = create({ clock, statePath });
    await first.start();
    clock.advance(3 * 3_600_000);
    await first.stop();
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { energyKwh: Record<string, number> };
    const savedIncomer = saved.energyKwh['MB-EM-01000'] ?? Number.NaN;

    clock.advance(60_000);
    const second = create({ clock, statePath });
    await second.start();
    const restarted = second.values('MB-EM-01000')?.energy as number;
    expect(restarted).toBeGreaterThanOrEqual(savedIncomer);
    // About one minute of typical load later, not a jump of hours.
    expect(restarted - savedIncomer).toBeLessThan(100);
  });

  it('reports its activity as Prometheus metrics', async () => {
    const metrics = new Registry();
    const simulator = create({ metrics });
    await simulator.start();
    simulator.injectFault({ kind: 'door_forced_open', equipmentId: 'MB-DOOR-03' });
    const text = await metrics.metrics();
    expect(text).toMatch(/^steward_simulator_faults_active 1$/m);
    expect(text).toMatch(/^steward_simulator_messages_total\{result="sent"\} 0$/m);
    expect(text).toMatch(/^steward_simulator_devices\{state="configured"\} 0$/m);
  });
});
