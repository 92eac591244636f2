import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { AccountStore } from '../../accounts/index.ts';
import type { IncidentStore } from '../../incidents/index.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { WorkOrderService } from '../../workorders/index.ts';
import type { Limiters } from '../rate-limits.ts';

/** The /api scope, typed by its TypeBox schemas. */
export type ApiScope = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What the routes call: only the functions they use. */
export type ApiAccounts = Pick<
  AccountStore,
  'authenticate' | 'verifyLogin' | 'createSession' | 'revokeSession' | 'getUser'
>;
export type ApiIncidents = Pick<IncidentStore, 'openIncidents' | 'getIncident' | 'acknowledge'>;

export interface ApiContext {
  readonly accounts: ApiAccounts;
  readonly workOrders: WorkOrderService;
  readonly incidents: ApiIncidents;
  readonly clock: Clock;
  readonly limiters: Limiters;
  readonly secureCookie: boolean | 'auto';
  readonly onSessionEnded?: (sessionId: string) => void;
}
