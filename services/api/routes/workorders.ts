import type { Static, TSchema } from 'typebox';
import type { AccountRole } from '../../accounts/principal.ts';
import {
  ACTION_RULES,
  type ActionType,
  type Actor,
  actionsFor,
  type Role,
} from '../../workorders/domain/index.ts';
import {
  type AppliedTransition as AppliedTransitionValue,
  AssignInput,
  BreachInput,
  ListInput,
  NoteInput,
  type NoteView,
  PauseRequestInput,
  PerformanceInput,
  ReasonInput,
  RequiredReasonInput,
  ResolveInput,
  type WorkOrderService,
} from '../../workorders/index.ts';
import { ANY_ROLE, actingActor, principalOf, type RouteAccess, readingActor, roles } from '../access.ts';
import { ErrorBody } from '../errors.ts';
import {
  AppliedTransition,
  BreachList,
  Note,
  OrderIdParams,
  PerformanceList,
  WorkOrderDetail,
  WorkOrderList,
} from '../schemas.ts';
import type { ApiContext, ApiScope } from './context.ts';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };

/**
 * The roles that may take an action, from the domain's permission table (people only: `system`
 * has no account). The route refuses the others with 403 before the service is asked; the service
 * then applies the vendor scope (`not_found`) and the state machine (409/422).
 */
export function rolesFor(action: ActionType): RouteAccess {
  return roles(
    ...ACTION_RULES[action].roles.filter(
      (role): role is Exclude<Role, 'system'> & AccountRole => role !== 'system',
    ),
  );
}

interface ActionRoute {
  readonly path: string;
  readonly summary: string;
  readonly access: RouteAccess;
  readonly body: TSchema | undefined;
  readonly run: (
    service: WorkOrderService,
    actor: Actor,
    orderId: string,
    body: unknown,
  ) => Promise<AppliedTransitionValue>;
}

/** A transition route whose handler gets the body its schema describes. */
function action<B extends TSchema>(spec: {
  path: string;
  summary: string;
  access: RouteAccess;
  body: B;
  run: (
    service: WorkOrderService,
    actor: Actor,
    orderId: string,
    body: Static<B>,
  ) => Promise<AppliedTransitionValue>;
}): ActionRoute {
  return spec as ActionRoute;
}

function bodiless(spec: {
  path: string;
  summary: string;
  access: RouteAccess;
  run: (service: WorkOrderService, actor: Actor, orderId: string) => Promise<AppliedTransitionValue>;
}): ActionRoute {
  return { ...spec, body: undefined, run: (service, actor, orderId) => spec.run(service, actor, orderId) };
}

/** Every transition a person can take, as `POST /api/workorders/:orderId/<path>`. */
const ACTIONS: readonly ActionRoute[] = [
  bodiless({
    path: 'accept',
    summary: '接单: the vendor accepts the order',
    access: rolesFor('accept'),
    run: (s, actor, id) => s.accept(actor, id),
  }),
  bodiless({
    path: 'arrive',
    summary: '到场: the vendor checks in on site',
    access: rolesFor('arrive'),
    run: (s, actor, id) => s.arrive(actor, id),
  }),
  action({
    path: 'reject',
    summary: 'The vendor turns the order down, with a reason; a manager reassigns it',
    access: rolesFor('reject'),
    body: RequiredReasonInput,
    run: (s, actor, id, body) => s.reject(actor, id, body),
  }),
  action({
    path: 'request-pause',
    summary: 'The vendor asks a manager to stop the SLA clock (parts, owner approval)',
    access: rolesFor('request_pause'),
    body: PauseRequestInput,
    run: (s, actor, id, body) => s.requestPause(actor, id, body),
  }),
  action({
    path: 'resume',
    summary: 'Back to work after a pause',
    access: rolesFor('resume'),
    body: ReasonInput,
    run: (s, actor, id, body) => s.resume(actor, id, body),
  }),
  action({
    path: 'resolve',
    summary:
      '处理完毕: cause and action taken (409 incident_still_active while the fault is reported; a manager may override with a reason)',
    access: rolesFor('resolve'),
    body: ResolveInput,
    run: (s, actor, id, body) => s.resolve(actor, id, body),
  }),
  action({
    path: 'verify',
    summary: '验收: the fault is gone',
    access: rolesFor('verify'),
    body: ReasonInput,
    run: (s, actor, id, body) => s.verify(actor, id, body),
  }),
  action({
    path: 'fail-verification',
    summary: 'Not fixed: back to the same vendor, a new SLA leg from now',
    access: rolesFor('fail_verification'),
    body: RequiredReasonInput,
    run: (s, actor, id, body) => s.failVerification(actor, id, body),
  }),
  action({
    path: 'dispatch',
    summary: "From the office's queue to the vendor of a contract",
    access: rolesFor('dispatch'),
    body: AssignInput,
    run: (s, actor, id, body) => s.dispatch(actor, id, body),
  }),
  action({
    path: 'reassign',
    summary: "To another contract's vendor, under that contract's SLA",
    access: rolesFor('reassign'),
    body: AssignInput,
    run: (s, actor, id, body) => s.reassign(actor, id, body),
  }),
  action({
    path: 'approve-pause',
    summary: "Approve the vendor's pause request: the SLA clock stops",
    access: rolesFor('approve_pause'),
    body: ReasonInput,
    run: (s, actor, id, body) => s.approvePause(actor, id, body),
  }),
  action({
    path: 'deny-pause',
    summary: "Deny the vendor's pause request, with a reason",
    access: rolesFor('deny_pause'),
    body: RequiredReasonInput,
    run: (s, actor, id, body) => s.denyPause(actor, id, body),
  }),
  action({
    path: 'cancel',
    summary: 'End the order without repair (duplicate, test, not needed), with a reason',
    access: rolesFor('cancel'),
    body: RequiredReasonInput,
    run: (s, actor, id, body) => s.cancel(actor, id, body),
  }),
  action({
    path: 'close',
    summary: 'Close a verified order',
    access: rolesFor('close'),
    body: ReasonInput,
    run: (s, actor, id, body) => s.close(actor, id, body),
  }),
  action({
    path: 'reopen',
    summary: '重复故障 by hand: back to the same vendor (within 72 h of closing)',
    access: rolesFor('reopen'),
    body: RequiredReasonInput,
    run: (s, actor, id, body) => s.reopen(actor, id, body),
  }),
];

/** The work-order routes over `WorkOrderService`. */
export function workOrderRoutes(api: ApiScope, context: ApiContext): void {
  const { workOrders, limiters } = context;

  api.get(
    '/workorders',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['work orders'],
        summary: "Orders, newest change first, filtered; a vendor user only ever gets its own vendor's",
        querystring: ListInput,
        response: { 200: WorkOrderList, ...errors },
      },
    },
    async (request) => ({ orders: await workOrders.list(readingActor(principalOf(request)), request.query) }),
  );

  api.get(
    '/workorders/performance',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['work orders'],
        summary:
          'Mean minutes to accept, arrive and resolve and the repeat-failure rate, per vendor and category, over legs dispatched in [fromMs, toMs); a vendor user gets its own',
        querystring: PerformanceInput,
        response: { 200: PerformanceList, ...errors },
      },
    },
    async (request) => ({
      performance: await workOrders.performance(readingActor(principalOf(request)), request.query),
    }),
  );

  api.get(
    '/workorders/breaches',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['work orders'],
        summary:
          'Recorded SLA breaches (accept, arrive, resolve) whose deadline fell in [fromMs, toMs), latest first; a vendor user gets its own',
        querystring: BreachInput,
        response: { 200: BreachList, ...errors },
      },
    },
    async (request) => ({
      breaches: await workOrders.breaches(readingActor(principalOf(request)), request.query),
    }),
  );

  api.get(
    '/workorders/:orderId',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['work orders'],
        summary:
          "One order with its history, notes, incidents, recorded breaches and SLA status now; another vendor's order is 404",
        params: OrderIdParams,
        response: { 200: WorkOrderDetail, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const actor = readingActor(principal);
      const detail = await workOrders.get(actor, request.params.orderId);
      const allowedActions =
        principal.role === 'auditor' || actor.role === 'system'
          ? []
          : actionsFor(actor.role, detail.order.state);
      return { ...detail, allowedActions };
    },
  );

  for (const spec of ACTIONS) {
    api.post(
      `/workorders/:orderId/${spec.path}`,
      {
        config: { access: spec.access },
        preHandler: limiters.write,
        schema: {
          tags: ['work orders'],
          summary: spec.summary,
          params: OrderIdParams,
          ...(spec.body ? { body: spec.body } : {}),
          response: { 200: AppliedTransition, ...errors },
        },
      },
      async (request) =>
        spec.run(workOrders, actingActor(principalOf(request)), request.params.orderId, request.body),
    );
  }

  const noteRoute = (
    path: string,
    access: RouteAccess,
    summary: string,
    add: (actor: Actor, orderId: string, body: NoteInput) => Promise<NoteView>,
  ) =>
    api.post(
      `/workorders/:orderId/${path}`,
      {
        config: { access },
        preHandler: limiters.write,
        schema: {
          tags: ['work orders'],
          summary,
          params: OrderIdParams,
          body: NoteInput,
          response: { 201: Note, ...errors },
        },
      },
      async (request, reply) => {
        const note = await add(actingActor(principalOf(request)), request.params.orderId, request.body);
        return reply.code(201).send(note);
      },
    );
  noteRoute(
    'notes',
    roles('vendor_user'),
    "A vendor's note, with references to attachments kept elsewhere (never the bytes)",
    (actor, id, body) => workOrders.addNote(actor, id, body),
  );
  noteRoute(
    'comments',
    roles('facilities_manager', 'operator'),
    "A manager's or operator's comment, with attachment references",
    (actor, id, body) => workOrders.comment(actor, id, body),
  );
}
