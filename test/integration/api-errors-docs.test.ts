import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness } from '../../services/api/test-harness.ts';
import { MINUTE, T0 } from '../../services/workorders/test-harness.ts';

const h = new ApiHarness();

interface ErrorReply {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

const post = (caller: Parameters<ApiHarness['request']>[0], url: string, payload?: unknown) =>
  h.request(caller, {
    method: 'POST',
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('one error shape, domain codes, and the OpenAPI document', () => {
  beforeAll(async () => {
    await h.open();
    h.wo.clock.set(T0);
  });
  afterAll(async () => {
    await h.dispose();
  });

  describe('bad input is 400 invalid_input, with the issues', () => {
    it('a missing required field', async () => {
      const id = await h.dispatched();
      const response = await post('vendorA', `/api/workorders/${id}/reject`, {});
      expect(response.statusCode).toBe(400);
      const { error } = response.json<ErrorReply>();
      expect(error.code).toBe('invalid_input');
      expect(error.message).toMatch(/^body/);
      expect(error.details?.issues).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'body' })]),
      );
    });

    it('an unknown field is refused, not dropped', async () => {
      const id = await h.resolved();
      const response = await post('manager', `/api/workorders/${id}/verify`, {
        reason: 'ok',
        approvedBy: 'me',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorReply>().error.code).toBe('invalid_input');
    });

    it('query strings are converted by the schema, and refused when they do not fit', async () => {
      expect(
        (await h.request('manager', { method: 'GET', url: '/api/workorders?limit=2&officeQueue=false' }))
          .statusCode,
      ).toBe(200);
      for (const query of ['limit=abc', 'limit=0', 'states=nonsense', 'colour=red']) {
        const response = await h.request('manager', { method: 'GET', url: `/api/workorders?${query}` });
        expect(response.statusCode, query).toBe(400);
        expect(response.json<ErrorReply>().error.code).toBe('invalid_input');
      }
    });

    it('a path id that cannot be an id, malformed JSON, and other media types', async () => {
      expect((await h.request('manager', { method: 'GET', url: '/api/workorders/abc' })).statusCode).toBe(
        400,
      );
      const id = await h.resolved();
      const malformed = await h.request('manager', {
        method: 'POST',
        url: `/api/workorders/${id}/verify`,
        headers: { 'content-type': 'application/json' },
        payload: '{"reason": ',
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json<ErrorReply>().error.code).toBe('invalid_input');
      const xml = await h.request('manager', {
        method: 'POST',
        url: `/api/workorders/${id}/verify`,
        headers: { 'content-type': 'application/xml' },
        payload: '<reason/>',
      });
      expect(xml.statusCode).toBe(415);
      expect(xml.json<ErrorReply>().error.code).toBe('unsupported_media_type');
    });

    it('an unknown route under /api is 404 not_found, signed in or not', async () => {
      for (const caller of ['anonymous', 'manager'] as const) {
        const response = await h.request(caller, { method: 'GET', url: '/api/nothing-here?x=1' });
        expect(response.statusCode).toBe(404);
        expect(response.json<ErrorReply>().error).toEqual({
          code: 'not_found',
          message: 'no route GET /api/nothing-here',
        });
      }
    });
  });

  describe('the domain refusals keep their codes', () => {
    it('409 forbidden_transition, 409 incident_still_active, 422 reason_required', async () => {
      // An order from a real incident, through the dispatcher, so the incident is linked.
      h.wo.clock.set(T0 + 10 * MINUTE);
      const dispatcher = h.wo.dispatcher();
      const incident = await h.activeIncident();
      await dispatcher.drain();
      const [order] = await h.wo.store.list({ incidentId: incident });
      if (!order) throw new Error('no order was created');
      const url = (action: string) => `/api/workorders/${order.id}/${action}`;

      expect((await post('vendorA', url('accept'))).statusCode).toBe(200);
      const twice = await post('vendorA', url('accept'));
      expect(twice.statusCode).toBe(409);
      expect(twice.json<ErrorReply>().error.code).toBe('forbidden_transition');
      expect((await post('vendorA', url('arrive'))).statusCode).toBe(200);

      const resolution = { cause: '门机皮带老化', actionTaken: '更换门机皮带' };
      const stillActive = await post('vendorA', url('resolve'), resolution);
      expect(stillActive.statusCode).toBe(409);
      expect(stillActive.json<ErrorReply>().error.code).toBe('incident_still_active');
      const noReason = await post('manager', url('resolve'), resolution);
      expect(noReason.statusCode).toBe(422);
      expect(noReason.json<ErrorReply>().error.code).toBe('reason_required');
      const override = await post('manager', url('resolve'), {
        ...resolution,
        reason: '现场确认已修复，传感器误报',
      });
      expect(override.statusCode).toBe(200);
      expect(override.json()).toMatchObject({
        order: { state: 'resolved' },
        record: {
          action: 'resolve',
          actor: { role: 'facilities_manager', userId: 'chen.jie' },
          incidentActive: true,
        },
      });

      // The detail shows the incident, the notes and what the caller may do next.
      const detail = await h.request('operator', { method: 'GET', url: `/api/workorders/${order.id}` });
      expect(detail.json()).toMatchObject({
        order: { id: order.id, state: 'resolved' },
        incidents: [{ incidentId: incident }],
        notes: [{ kind: 'resolution', resolution }],
        allowedActions: ['verify', 'fail_verification'],
      });
      const auditorView = await h.request('auditor', { method: 'GET', url: `/api/workorders/${order.id}` });
      expect(auditorView.json()).toMatchObject({ allowedActions: [] });
    });

    it('incidents: acknowledged once, then 409 forbidden_transition; an unknown one is 404', async () => {
      const incident = await h.activeIncident();
      const first = await post('operator', `/api/incidents/${incident}/acknowledge`);
      expect(first.json()).toMatchObject({
        incident: { id: incident, state: 'acknowledged', acknowledgedBy: 'control-room-1' },
      });
      const again = await post('manager', `/api/incidents/${incident}/acknowledge`);
      expect(again.statusCode).toBe(409);
      expect(again.json<ErrorReply>().error.code).toBe('forbidden_transition');
      const missing = await h.request('operator', { method: 'GET', url: '/api/incidents/987654321' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json<ErrorReply>().error.code).toBe('not_found');
      const detail = await h.request('auditor', { method: 'GET', url: `/api/incidents/${incident}` });
      expect(detail.json()).toMatchObject({
        incident: {
          id: incident,
          state: 'acknowledged',
          title: { 'zh-CN': expect.any(String), en: expect.any(String) },
        },
        events: [{ kind: 'fired' }, { kind: 'acknowledged', actor: 'control-room-1' }],
      });
    });
  });

  it('a 5xx says "internal" and a request id, nothing of the cause', async () => {
    await h.wo.db.pool.query('alter table incidents rename to incidents_away');
    try {
      const response = await h.request('operator', { method: 'GET', url: '/api/incidents' });
      expect(response.statusCode).toBe(500);
      const { error } = response.json<ErrorReply>();
      expect(error).toEqual({
        code: 'internal',
        message: 'internal error',
        details: { requestId: expect.any(String) },
      });
      expect(response.body).not.toMatch(/incidents|relation|select/);
    } finally {
      await h.wo.db.pool.query('alter table incidents_away rename to incidents');
    }
  });

  describe('OpenAPI', () => {
    it('documents every /api route with its schemas, roles and security at /docs/json', async () => {
      const response = await h.app.inject({ method: 'GET', url: '/docs/json' });
      expect(response.statusCode).toBe(200);
      const document = response.json<{
        openapi: string;
        paths: Record<
          string,
          Record<
            string,
            {
              security?: unknown[];
              responses?: Record<string, unknown>;
              description?: string;
              'x-roles'?: string[];
            }
          >
        >;
        components: { securitySchemes: Record<string, unknown> };
      }>();
      expect(document.openapi).toBe('3.1.0');
      expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['bearer', 'cookie']);
      for (const route of h.routes) {
        const [method = '', url = ''] = route.split(' ');
        const path = url.replace(/:(\w+)/g, '{$1}');
        const operation = document.paths[path]?.[method.toLowerCase()];
        expect(operation, route).toBeDefined();
        expect(Object.keys(operation?.responses ?? {}), route).toEqual(
          expect.arrayContaining(['4XX', '5XX']),
        );
        if (route === 'POST /api/auth/login') expect(operation?.security).toEqual([]);
        else {
          expect(operation?.security, route).toEqual([{ bearer: [] }, { cookie: [] }]);
          expect(operation?.['x-roles']?.length, route).toBeGreaterThan(0);
          expect(operation?.description?.match(/Roles:/g), route).toHaveLength(1);
        }
      }
      const accept = document.paths['/api/workorders/{orderId}/accept']?.post;
      expect(accept?.['x-roles']).toEqual(['vendor_user']);
      expect(accept?.description).toContain('Roles: vendor_user.');
    });

    it('serves the browsable UI at /docs', async () => {
      const index = await h.app.inject({ method: 'GET', url: '/docs' });
      const page =
        index.statusCode === 200
          ? index
          : await h.app.inject({ method: 'GET', url: '/docs/static/index.html' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.body).toMatch(/swagger/i);
    });
  });
});
