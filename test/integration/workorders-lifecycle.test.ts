import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../services/workorders/domain/index.ts';
import { WorkOrderStoreError } from '../../services/workorders/index.ts';
import { actors, MINUTE, T0, WorkOrderHarness } from '../../services/workorders/test-harness.ts';

/** The error code of a rejected promise (fails the test if it resolves). */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WorkOrderStoreError) return error.code;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('work orders through the service, on real rows', () => {
  const h = new WorkOrderHarness();

  beforeAll(async () => {
    await h.open();
  });
  afterAll(async () => {
    await h.dispose();
  });

  /** An incident on `equipmentId` now and its dispatched order. */
  async function orderFor(ruleId: string, equipmentId: string): Promise<string> {
    const dispatcher = h.dispatcher();
    const incident = await h.fire(ruleId, equipmentId);
    await dispatcher.drain();
    const [order] = await h.store.list({ incidentId: incident.id });
    if (!order) throw new Error('no order was created');
    return order.id;
  }

  it('accept → arrive → resolve (refused while the incident is active) → verify → close, every step recorded', async () => {
    h.clock.set(T0);
    const id = await orderFor('lift-fault', 'MB-LIFT-03');
    h.clock.set(T0 + 4 * MINUTE);
    await h.service.accept(actors.lifts, id);
    h.clock.set(T0 + 31 * MINUTE);
    await h.service.arrive(actors.lifts, id);
    await h.service.addNote(actors.lifts, id, {
      body: '到场检查，轿厢门机异响',
      attachments: [{ name: 'door.jpg', uri: 'https://files.example.gov.cn/wo/door.jpg' }],
    });

    h.clock.set(T0 + 50 * MINUTE);
    const resolution = {
      cause: '门机皮带老化',
      actionTaken: '更换门机皮带并调试',
      attachments: [{ name: 'after.jpg', uri: 's3://steward-evidence/wo/after.jpg' }],
    };
    expect(await codeOf(h.service.resolve(actors.lifts, id, resolution))).toBe('incident_still_active');
    await h.clear('lift-fault', 'MB-LIFT-03');
    h.clock.set(T0 + 55 * MINUTE);
    const resolved = await h.service.resolve(actors.lifts, id, resolution);
    expect(resolved).toMatchObject({ seq: 5, order: { state: 'resolved' } });

    h.clock.set(T0 + 70 * MINUTE);
    await h.service.verify(actors.operator, id);
    h.clock.set(T0 + 90 * MINUTE);
    const closed = await h.service.close(actors.manager, id, { reason: '验收合格' });
    expect(closed.order).toMatchObject({
      state: 'closed',
      closedAtMs: T0 + 90 * MINUTE,
      nextCheckAtMs: null,
    });

    const detail = await h.service.get(actors.manager, id);
    const rows = detail.transitions.map(({ seq, record }) => ({
      seq,
      action: record.action,
      from: record.from,
      to: record.to,
      atMs: record.atMs,
      actor: record.actor,
      reason: record.reason,
    }));
    expect(rows).toEqual([
      { seq: 1, action: 'create', from: null, to: 'created', atMs: T0, actor: actors.system, reason: null },
      {
        seq: 2,
        action: 'dispatch',
        from: 'created',
        to: 'dispatched',
        atMs: T0,
        actor: actors.system,
        reason: null,
      },
      {
        seq: 3,
        action: 'accept',
        from: 'dispatched',
        to: 'accepted',
        atMs: T0 + 4 * MINUTE,
        actor: actors.lifts,
        reason: null,
      },
      {
        seq: 4,
        action: 'arrive',
        from: 'accepted',
        to: 'on_site',
        atMs: T0 + 31 * MINUTE,
        actor: actors.lifts,
        reason: null,
      },
      {
        seq: 5,
        action: 'resolve',
        from: 'on_site',
        to: 'resolved',
        atMs: T0 + 55 * MINUTE,
        actor: actors.lifts,
        reason: '门机皮带老化',
      },
      {
        seq: 6,
        action: 'verify',
        from: 'resolved',
        to: 'verified',
        atMs: T0 + 70 * MINUTE,
        actor: actors.operator,
        reason: null,
      },
      {
        seq: 7,
        action: 'close',
        from: 'verified',
        to: 'closed',
        atMs: T0 + 90 * MINUTE,
        actor: actors.manager,
        reason: '验收合格',
      },
    ]);
    expect(detail.transitions[4]?.record.incidentActive).toBe(false);

    // The same rows in the table's columns, as an auditor would read them.
    const { rows: columns } = await h.db.pool.query(
      `select seq, action, from_state, to_state, actor_role, actor_user, actor_vendor, reason
       from work_order_transitions where order_id = $1 order by seq`,
      [id],
    );
    expect(columns[2]).toEqual({
      seq: 3,
      action: 'accept',
      from_state: 'dispatched',
      to_state: 'accepted',
      actor_role: 'vendor_user',
      actor_user: actors.lifts.userId,
      actor_vendor: 'antu-lifts',
      reason: null,
    });

    expect(detail.notes.map((note) => [note.kind, note.actor.role])).toEqual([
      ['note', 'vendor_user'],
      ['resolution', 'vendor_user'],
    ]);
    expect(detail.notes[1]).toMatchObject({
      resolution: { cause: '门机皮带老化', actionTaken: '更换门机皮带并调试' },
      attachments: [{ name: 'after.jpg', uri: 's3://steward-evidence/wo/after.jpg' }],
    });
    // The arrival at 31 minutes was inside the 120 of a major lift fault; nothing is breached.
    expect(detail.sla.targets.filter((t) => t.state === 'breached')).toEqual([]);
    expect(detail.sla.targets.map((t) => [t.target, t.state])).toEqual([
      ['accept', 'met'],
      ['arrive', 'met'],
      ['resolve', 'met'],
    ]);

    // Each committed action was published, none of the refused one.
    const published = h.sink.changes.filter((change) => change.orderId === id).map((change) => change.action);
    expect(published).toEqual([
      'create',
      'dispatch',
      'incident_linked',
      'accept',
      'arrive',
      'note',
      'resolve',
      'note',
      'verify',
      'close',
    ]);

    const [perf] = await h.service.performance(actors.lifts, { fromMs: T0, toMs: T0 + 1 });
    expect(perf).toMatchObject({
      vendorId: 'antu-lifts',
      orders: 1,
      meanMinutesToAccept: 4,
      meanMinutesToArrive: 31,
      meanMinutesToResolve: 55,
      repeatFailureRate: 0,
    });
  });

  it('refuses what the permission table refuses, with the domain’s codes', async () => {
    h.clock.set(T0 + 2 * 60 * MINUTE);
    const id = await orderFor('lift-fault', 'MB-LIFT-04');
    expect(await codeOf(h.service.arrive(actors.lifts, id))).toBe('forbidden_transition');
    expect(await codeOf(h.service.verify(actors.lifts, id))).toBe('not_allowed_for_role');
    expect(await codeOf(h.service.cancel(actors.manager, id, { reason: ' ' }))).toBe('invalid_input');
    expect(await codeOf(h.service.addNote(actors.manager, id, { body: '备注' }))).toBe(
      'not_allowed_for_role',
    );
    expect(
      await codeOf(
        h.service.addNote(actors.lifts, id, {
          body: '照片',
          attachments: [{ name: 'x.jpg', uri: 'data:image/jpeg;base64,AAAA' }],
        }),
      ),
    ).toBe('invalid_input');
    expect(await codeOf(h.service.get(actors.manager, '999999'))).toBe('not_found');
    expect(await codeOf(h.service.get(actors.manager, 'abc'))).toBe('not_found');
  });

  describe('vendor scope', () => {
    let id: string;

    beforeAll(async () => {
      h.clock.set(T0 + 3 * 60 * MINUTE);
      id = await orderFor('lift-fault', 'AB-LIFT-01');
    });

    const otherVendor: Actor = actors.security;

    it('vendor B can neither see nor act on vendor A’s order: not_found, and nothing is written', async () => {
      const transitions = await h.count('work_order_transitions', 'order_id = $1', [id]);
      const notes = await h.count('work_order_notes', 'order_id = $1', [id]);
      expect(await codeOf(h.service.get(otherVendor, id))).toBe('not_found');
      expect((await h.service.list(otherVendor)).map((order) => order.id)).not.toContain(id);
      // Asking for the other vendor's orders by filter changes nothing: the scope wins.
      expect(
        (await h.service.list(otherVendor, { vendorId: 'antu-lifts' })).every(
          (order) => order.vendorId === 'jindun-security',
        ),
      ).toBe(true);
      expect(await codeOf(h.service.accept(otherVendor, id))).toBe('not_found');
      expect(await codeOf(h.service.resolve(otherVendor, id, { cause: '无', actionTaken: '无' }))).toBe(
        'not_found',
      );
      expect(await codeOf(h.service.addNote(otherVendor, id, { body: '试探' }))).toBe('not_found');
      // Even actions its role may never take answer not_found, not not_allowed_for_role.
      expect(await codeOf(h.service.verify(otherVendor, id))).toBe('not_found');
      expect(
        await codeOf(h.service.reassign(otherVendor, id, { contractId: 'security-2025', reason: 'x' })),
      ).toBe('not_found');
      expect(await h.count('work_order_transitions', 'order_id = $1', [id])).toBe(transitions);
      expect(await h.count('work_order_notes', 'order_id = $1', [id])).toBe(notes);
    });

    it('vendor A and a manager can', async () => {
      expect((await h.service.get(actors.lifts, id)).order.vendorId).toBe('antu-lifts');
      expect((await h.service.list(actors.lifts)).map((order) => order.id)).toContain(id);
      expect((await h.service.get(actors.manager, id)).order.id).toBe(id);
      expect((await h.service.list(actors.manager, { vendorId: 'antu-lifts' })).map((o) => o.id)).toContain(
        id,
      );
      await h.service.comment(actors.manager, id, { body: '请尽快处理' });
      h.clock.advance(MINUTE);
      await h.service.accept(actors.lifts, id);
    });

    it('a reassignment moves the order from one vendor’s scope to the other’s', async () => {
      h.clock.advance(MINUTE);
      const reassigned = await h.service.reassign(actors.manager, id, {
        contractId: 'property-compound-2025',
        reason: '电梯维保单位人员不足，临时由物业处理',
      });
      expect(reassigned.order).toMatchObject({
        state: 'dispatched',
        vendorId: 'hengyuan-property',
        contractId: 'property-compound-2025',
      });
      // The new contract's terms for the order's severity, frozen into the record.
      expect(reassigned.record.assignment?.sla).toEqual({
        acceptMinutes: 15,
        arriveMinutes: 60,
        resolveMinutes: 480,
        clock: '24x7',
      });
      expect(h.sink.changes.at(-1)).toMatchObject({
        orderId: id,
        action: 'reassign',
        vendorId: 'hengyuan-property',
        previousVendorId: 'antu-lifts',
      });
      expect(await codeOf(h.service.get(actors.lifts, id))).toBe('not_found');
      expect(await codeOf(h.service.arrive(actors.lifts, id))).toBe('not_found');
      await h.service.accept(actors.property, id);
    });
  });
});
