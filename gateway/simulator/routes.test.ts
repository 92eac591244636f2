import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { BuildingModel } from './building-model.ts';
import { simulatorRoutes } from './routes.ts';

const sample = loadConfig(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'sample'),
);

describe('simulator fault routes', () => {
  let app: FastifyInstance;
  let model: BuildingModel;

  beforeEach(async () => {
    model = new BuildingModel({ model: sample, seed: 3, startMs: Date.parse('2026-07-15T10:00:00+08:00') });
    app = Fastify();
    simulatorRoutes(app, model);
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
  });

  it('injects a fault, lists it and clears it', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/simulator/faults',
      payload: { kind: 'lift_trapped_passenger', equipmentId: 'MB-LIFT-02' },
    });
    expect(created.statusCode).toBe(201);
    const { fault } = created.json() as { fault: { id: string; faultCode: number; startedAt: string } };
    expect(fault).toMatchObject({ kind: 'lift_trapped_passenger', equipmentId: 'MB-LIFT-02', faultCode: 5 });
    expect(fault.startedAt).toBe('2026-07-15T02:00:00.000Z');
    expect(model.values('MB-LIFT-02')?.trapped_passenger).toBe(true);

    const listed = await app.inject({ method: 'GET', url: '/simulator/faults' });
    expect(listed.json()).toEqual({ faults: [fault] });

    const equipment = await app.inject({ method: 'GET', url: '/simulator/equipment/MB-LIFT-02' });
    expect(equipment.json()).toMatchObject({
      equipmentId: 'MB-LIFT-02',
      values: { trapped_passenger: true },
    });

    const cleared = await app.inject({ method: 'DELETE', url: `/simulator/faults/${fault.id}` });
    expect(cleared.statusCode).toBe(200);
    expect(model.values('MB-LIFT-02')?.trapped_passenger).toBe(false);
    const again = await app.inject({ method: 'DELETE', url: `/simulator/faults/${fault.id}` });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ code: 'unknown_fault' });
  });

  it.each([
    [{ kind: 'meltdown', equipmentId: 'MB-CH-01' }, /kind must be one of meter_offline, ahu_supply_drift/],
    [{ kind: 'chiller_trip' }, /equipmentId/],
    [{ kind: 'ahu_supply_drift', equipmentId: 'MB-AHU-01', driftK: 'hot' }, /driftK/],
    [{ kind: 'ahu_supply_drift', equipmentId: 'MB-AHU-01', driftK: 500 }, /driftK/],
    [{ kind: 'door_forced_open', equipmentId: 'MB-DOOR-01', extra: 1 }, /extra: unknown property/],
    ['not json at all', /./],
  ])('answers 400 invalid_fault_request for %j', async (payload, message) => {
    const response = await app.inject({
      method: 'POST',
      url: '/simulator/faults',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
    expect(response.statusCode).toBe(400);
    const body = response.json() as { code: string; message: string };
    expect(body.code).toBe('invalid_fault_request');
    expect(body.message).toMatch(message);
    expect(model.listFaults()).toEqual([]);
  });

  it('answers 404 for unknown equipment, 400 for a fault that does not apply, 409 for a duplicate', async () => {
    const post = (payload: object) => app.inject({ method: 'POST', url: '/simulator/faults', payload });
    const unknown = await post({ kind: 'chiller_trip', equipmentId: 'MB-CH-09' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'unknown_equipment' });
    const wrongClass = await post({ kind: 'chiller_trip', equipmentId: 'MB-LIFT-01' });
    expect(wrongClass.statusCode).toBe(400);
    expect(wrongClass.json()).toMatchObject({ code: 'fault_not_applicable' });
    expect((await post({ kind: 'meter_offline', equipmentId: 'mb-em-01000' })).statusCode).toBe(404);
    expect((await post({ kind: 'meter_offline', equipmentId: 'MB-EM-01000' })).statusCode).toBe(201);
    const duplicate = await post({ kind: 'meter_offline', equipmentId: 'MB-EM-01000' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ code: 'fault_already_active' });
  });

  it('answers 404 for equipment it does not simulate', async () => {
    const response = await app.inject({ method: 'GET', url: '/simulator/equipment/NOPE' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'unknown_equipment' });
  });
});
