import type { Incident, IncidentEvent, OpenState } from '../../incidents/index.ts';
import { principalOf, roles } from '../access.ts';
import { ErrorBody } from '../errors.ts';
import { IncidentDetail, IncidentIdParams, IncidentList, IncidentQuery, IncidentReply } from '../schemas.ts';
import type { ApiContext, ApiScope } from './context.ts';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };

/**
 * Incidents are the control room's: operators and managers read and acknowledge them, the
 * administrator and the auditor read them. Vendor users see the incidents of their own orders
 * through the order (`GET /api/workorders/:id`), never the site-wide list.
 */
const READERS = roles('operator', 'facilities_manager', 'administrator', 'auditor');
const ACKNOWLEDGERS = roles('operator', 'facilities_manager');

export function incidentRoutes(api: ApiScope, context: ApiContext): void {
  const { incidents, limiters } = context;

  api.get(
    '/incidents',
    {
      config: { access: READERS },
      schema: {
        tags: ['incidents'],
        summary: 'Open incidents (active, acknowledged, cleared), latest first',
        querystring: IncidentQuery,
        response: { 200: IncidentList, ...errors },
      },
    },
    async (request) => {
      const { states, ...filter } = request.query;
      const list = await incidents.openIncidents({
        ...filter,
        ...(states === undefined ? {} : { states: states as OpenState[] }),
      });
      return { incidents: list.map(incidentDto) };
    },
  );

  api.get(
    '/incidents/:incidentId',
    {
      config: { access: READERS },
      schema: {
        tags: ['incidents'],
        summary: 'One incident with its events (fired, refired, acknowledged, cleared, reactivated, closed)',
        params: IncidentIdParams,
        response: { 200: IncidentDetail, ...errors },
      },
    },
    async (request) => {
      const { incident, events } = await incidents.getIncident(request.params.incidentId);
      return { incident: incidentDto(incident), events: events.map(eventDto) };
    },
  );

  api.post(
    '/incidents/:incidentId/acknowledge',
    {
      config: { access: ACKNOWLEDGERS },
      preHandler: limiters.write,
      schema: {
        tags: ['incidents'],
        summary: 'Take responsibility for an active incident (409 forbidden_transition otherwise)',
        params: IncidentIdParams,
        response: { 200: IncidentReply, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const incident = await incidents.acknowledge(request.params.incidentId, principal.username);
      return { incident: incidentDto(incident) };
    },
  );
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

function incidentDto(incident: Incident) {
  return {
    ...incident,
    firstSeen: incident.firstSeen.toISOString(),
    lastSeen: incident.lastSeen.toISOString(),
    activatedAt: incident.activatedAt.toISOString(),
    acknowledgedAt: iso(incident.acknowledgedAt),
    clearedAt: iso(incident.clearedAt),
    closedAt: iso(incident.closedAt),
    createdAt: incident.createdAt.toISOString(),
    evidence: isRecord(incident.evidence) ? incident.evidence : {},
  };
}

function eventDto(event: IncidentEvent) {
  return { ...event, at: event.at.toISOString(), recordedAt: event.recordedAt.toISOString() };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
