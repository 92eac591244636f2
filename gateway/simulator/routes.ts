import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import Type from 'typebox';
import { Value } from 'typebox/value';
import { type ActiveFault, FAULT_KINDS, FaultError, type FaultErrorCode, FaultRequest } from './faults.ts';

/** What the routes need from the simulator. */
export interface FaultControl {
  injectFault(request: FaultRequest): ActiveFault;
  clearFault(id: string): ActiveFault | undefined;
  listFaults(): readonly ActiveFault[];
  /** Current values of a device as it publishes them; undefined for unknown ids. */
  values(equipmentId: string): Readonly<Record<string, number | boolean>> | undefined;
}

const STATUS: Readonly<Record<FaultErrorCode, number>> = {
  unknown_equipment: 404,
  fault_not_applicable: 400,
  invalid_fault_parameter: 400,
  fault_already_active: 409,
  simulator_not_running: 503,
};

const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** Same shape as fastify's own 4xx bodies, so clients handle one format. */
function refuse(reply: FastifyReply, statusCode: number, code: string, message: string) {
  const error =
    statusCode === 404
      ? 'Not Found'
      : statusCode === 409
        ? 'Conflict'
        : statusCode === 503
          ? 'Service Unavailable'
          : 'Bad Request';
  return reply.code(statusCode).send({ statusCode, code, error, message });
}

/**
 * A readable reason for a rejected body: the union's errors are unhelpful ("must match anyOf"),
 * so explain against the variant the body's `kind` names.
 */
function explain(body: unknown): string {
  const kind = typeof body === 'object' && body !== null ? (body as { kind?: unknown }).kind : undefined;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    return `kind must be one of ${FAULT_KINDS.join(', ')}`;
  }
  const variant = FaultRequest.anyOf.find((schema) => schema.properties.kind.const === kind);
  const first = variant ? [...Value.Errors(variant, body)][0] : undefined;
  if (!first) return 'invalid fault request';
  if (first.schemaPath.endsWith('/additionalProperties')) return `${first.instancePath}: unknown property`;
  return `${first.instancePath || 'body'}: ${first.message}`;
}

/**
 * Fault injection by command on the `simulate` role's HTTP port:
 * `GET /simulator/faults`, `POST /simulator/faults` (a FaultRequest), `DELETE /simulator/faults/:id`;
 * and `GET /simulator/equipment/:id` to look at what a device currently reports.
 */
export function simulatorRoutes(app: FastifyInstance, simulator: FaultControl): void {
  app.get('/simulator/faults', async () => ({ faults: simulator.listFaults() }));

  app.post(
    '/simulator/faults',
    { schema: { body: FaultRequest }, validatorCompiler: TypeBoxValidatorCompiler, attachValidation: true },
    async (request, reply) => {
      if (request.validationError || !Value.Check(FaultRequest, request.body)) {
        return refuse(reply, 400, 'invalid_fault_request', explain(request.body));
      }
      try {
        const fault = simulator.injectFault(request.body);
        return reply.code(201).send({ fault });
      } catch (error) {
        if (error instanceof FaultError) return refuse(reply, STATUS[error.code], error.code, error.message);
        throw error;
      }
    },
  );

  app.delete(
    '/simulator/faults/:id',
    { schema: { params: IdParams }, validatorCompiler: TypeBoxValidatorCompiler, attachValidation: true },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const fault = simulator.clearFault(id);
      if (!fault) return refuse(reply, 404, 'unknown_fault', `no active fault ${id}`);
      return reply.send({ fault });
    },
  );

  app.get(
    '/simulator/equipment/:id',
    { schema: { params: IdParams }, validatorCompiler: TypeBoxValidatorCompiler, attachValidation: true },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const values = simulator.values(id);
      if (!values) return refuse(reply, 404, 'unknown_equipment', `no simulated equipment ${id}`);
      return reply.send({ equipmentId: id, values });
    },
  );
}
