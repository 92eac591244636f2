import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { planDevices } from './mqtt-fleet.ts';
import { planOpcuaEndpoints, planOpcuaVariables } from './opcua-servers.ts';

const sample = loadConfig(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'sample'),
);

describe('OPC UA plan', () => {
  const { variables, skipped } = planOpcuaVariables(sample);
  const byNode = new Map(variables.map((v) => [v.nodeId, v]));

  it('serves every OPC UA point of the sample under its exact nodeId, with a type per kind', () => {
    const opcuaPoints = [...sample.points.values()].filter((p) => p.binding.kind === 'opcua');
    expect(skipped).toEqual([]);
    expect(variables).toHaveLength(opcuaPoints.length);
    expect(byNode.get('ns=1;s=MB-LIFT-01.TrappedPassenger')).toMatchObject({
      endpointId: 'lift-monitor',
      equipmentId: 'MB-LIFT-01',
      key: 'trapped_passenger',
      browseName: 'TrappedPassenger',
      dataType: DataType.Boolean,
    });
    expect(byNode.get('ns=1;s=MB-LIFT-01.RunningState')?.dataType).toBe(DataType.Int32);
    expect(byNode.get('ns=1;s=MB-LIFT-01.Trips')?.dataType).toBe(DataType.UInt32);
    expect(byNode.get('ns=1;s=MB-LIFT-01.Floor')?.dataType).toBe(DataType.Int32);
    expect(byNode.get('ns=1;s=MB-AHU-01.SupplyAirTemp')).toMatchObject({
      endpointId: 'bms-main',
      dataType: DataType.Double,
    });
    expect(byNode.get('ns=1;s=MB-CH-01.FaultCode')?.dataType).toBe(DataType.Int32);
  });

  it('takes endpoint ports from the configured URLs unless overridden, listening on the URL host', () => {
    expect(planOpcuaEndpoints(sample, {}, undefined)).toEqual([
      {
        id: 'bms-main',
        port: 4841,
        bindHost: '127.0.0.1',
        hostname: '127.0.0.1',
        resourcePath: '/steward/bms',
      },
      {
        id: 'lift-monitor',
        port: 4842,
        bindHost: '127.0.0.1',
        hostname: '127.0.0.1',
        resourcePath: '/steward/lifts',
      },
    ]);
    const [bms] = planOpcuaEndpoints(sample, { 'bms-main': 50001 }, '0.0.0.0');
    expect(bms).toMatchObject({ port: 50001, bindHost: '0.0.0.0' });
  });
});

describe('MQTT device plan', () => {
  it('simulates every device of the embedded broker, at its interval divided by the rate multiplier', () => {
    const devices = planDevices(sample, { rateMultiplier: 20, extraMeterIds: [] });
    const mqttEquipment = [...sample.equipment.values()].filter((e) => 'mqtt' in e.source);
    expect(devices).toHaveLength(mqttEquipment.length);
    const meter = devices.find((d) => d.device === 'mb-em-01000');
    expect(meter).toMatchObject({ equipmentId: 'MB-EM-01000', style: 'batch', periodMs: 3_000 });
    expect(meter?.eventKeys.size).toBe(0);
    const door = devices.find((d) => d.device === 'mb-door-01');
    expect([...(door?.eventKeys ?? [])].sort()).toEqual(['forced_open', 'held_open', 'open']);
    expect(door?.pointTopics.open).toBe('devices/mb-door-01/points/open');
    expect(devices.find((d) => d.device === 'mb-ws-01')?.style).toBe('bare-points');
  });

  it('filters by glob on device or equipment id, limits, and appends the synthetic meters', () => {
    const filtered = planDevices(sample, {
      rateMultiplier: 1,
      deviceFilter: ['mb-em-01a00-f0*', 'AA-DOOR-01'],
      extraMeterIds: ['sim-load-1', 'sim-load-2'],
    });
    expect(filtered.map((d) => d.device)).toEqual([
      ...Array.from({ length: 9 }, (_, i) => `mb-em-01a00-f0${i + 1}`),
      'aa-door-01',
      'sim-load-1',
      'sim-load-2',
    ]);
    const limited = planDevices(sample, {
      rateMultiplier: 1,
      deviceFilter: ['mb-door-*'],
      deviceLimit: 3,
      extraMeterIds: [],
    });
    expect(limited.map((d) => d.device)).toEqual(['mb-door-01', 'mb-door-02', 'mb-door-03']);
  });
});
