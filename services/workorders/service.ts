import type { SiteModel } from '../../config/load/model.ts';
import type { Clock } from '../runtime/clock.ts';
import { type Actor, assignmentFor, type Role, type WorkOrderAction } from './domain/index.ts';
import {
  AssignInput,
  BreachInput,
  checkInput,
  ListInput,
  NoteInput,
  PauseRequestInput,
  PerformanceInput,
  ReasonInput,
  RequiredReasonInput,
  ResolveInput,
} from './inputs.ts';
import type { VendorCategoryPerformance } from './performance.ts';
import {
  type AppliedTransition,
  type NoteView,
  orderNotFound,
  type RecordedBreach,
  resolutionBody,
  visibleTo,
  type WorkOrderDetail,
  type WorkOrderStore,
  WorkOrderStoreError,
  type WorkOrderTransaction,
  type WorkOrderView,
} from './store/index.ts';

export interface WorkOrderServiceOptions {
  readonly store: WorkOrderStore;
  /** Contracts a manager dispatches or reassigns to. */
  readonly model: Pick<SiteModel, 'contracts'>;
  readonly clock: Clock;
}

/**
 * What people do with work orders, as the API exposes it. Every function takes the `Actor` the
 * API authenticated and enforces the vendor scope: a vendor user only ever sees and acts on
 * orders assigned to its own vendor, and any other order is answered `not_found`, for reads and
 * actions alike, so a vendor learns nothing about another vendor's orders. Who may take which
 * action, and when a reason is required, is the domain's permission table; its rejections come
 * through as `WorkOrderStoreError` with the domain's codes. Inputs are checked against the schemas
 * of `inputs.ts` (`invalid_input`). Each committed action is published by the store.
 */
export class WorkOrderService {
  readonly #store: WorkOrderStore;
  readonly #model: Pick<SiteModel, 'contracts'>;
  readonly #clock: Clock;

  constructor(options: WorkOrderServiceOptions) {
    this.#store = options.store;
    this.#model = options.model;
    this.#clock = options.clock;
  }

  // Reads.

  /** Orders the actor may see, newest change first; a vendor user's are always its vendor's. */
  async list(actor: Actor, filter: ListInput = {}): Promise<WorkOrderView[]> {
    const checked = checkInput(ListInput, filter);
    const scoped = actor.role === 'vendor_user' ? { ...checked, vendorId: actor.vendorId } : checked;
    return this.#store.list(scoped);
  }

  /** One order with its transitions, notes, incidents, recorded breaches and SLA status now. */
  async get(actor: Actor, orderId: string): Promise<WorkOrderDetail> {
    const detail = await this.#store.get(orderId);
    if (!visibleTo(detail.order, actor)) throw orderNotFound(orderId);
    return detail;
  }

  /** Per vendor and category; a vendor user sees its own figures only. */
  async performance(actor: Actor, query: PerformanceInput): Promise<VendorCategoryPerformance[]> {
    const checked = checkInput(PerformanceInput, query);
    const scoped = actor.role === 'vendor_user' ? { ...checked, vendorId: actor.vendorId } : checked;
    return this.#store.performance(scoped);
  }

  /** Recorded SLA breaches by deadline; a vendor user sees its own only. */
  async breaches(actor: Actor, query: BreachInput): Promise<RecordedBreach[]> {
    const checked = checkInput(BreachInput, query);
    const scoped = actor.role === 'vendor_user' ? { ...checked, vendorId: actor.vendorId } : checked;
    return this.#store.breaches(scoped);
  }

  // Vendor users.

  /** 接单. */
  async accept(actor: Actor, orderId: string): Promise<AppliedTransition> {
    return this.#act(actor, orderId, { type: 'accept' });
  }

  /** 到场: the vendor's technician checks in on site. */
  async arrive(actor: Actor, orderId: string): Promise<AppliedTransition> {
    return this.#act(actor, orderId, { type: 'arrive' });
  }

  /** The vendor turns the order down (with a reason); a manager then reassigns it. */
  async reject(actor: Actor, orderId: string, input: RequiredReasonInput): Promise<AppliedTransition> {
    const { reason } = checkInput(RequiredReasonInput, input);
    return this.#act(actor, orderId, { type: 'reject', reason });
  }

  /** Asks a manager to stop the clock: waiting for parts or for the owner's approval. */
  async requestPause(actor: Actor, orderId: string, input: PauseRequestInput): Promise<AppliedTransition> {
    const { pauseReason, note } = checkInput(PauseRequestInput, input);
    return this.#act(actor, orderId, { type: 'request_pause', pauseReason, reason: note });
  }

  /** Back to work after a pause (vendor or manager). */
  async resume(actor: Actor, orderId: string, input: ReasonInput = {}): Promise<AppliedTransition> {
    const { reason } = checkInput(ReasonInput, input);
    return this.#act(actor, orderId, withReason({ type: 'resume' }, reason));
  }

  /** A vendor's note with references to attachments (photos, reports kept elsewhere). */
  async addNote(actor: Actor, orderId: string, input: NoteInput): Promise<NoteView> {
    return this.#note(actor, orderId, input, ['vendor_user'], 'note');
  }

  /**
   * 处理完毕: the transition and a `resolution` note with the cause and the action taken, in one
   * transaction. Refused with `incident_still_active` to a vendor while an incident of the order
   * is active or acknowledged (read from the incidents table); a manager may resolve anyway, with
   * a reason.
   */
  async resolve(actor: Actor, orderId: string, input: ResolveInput): Promise<AppliedTransition> {
    const { cause, actionTaken, attachments, reason } = checkInput(ResolveInput, input);
    const atMs = this.#clock.nowMs();
    // The vendor's record carries the cause as its reason; a manager's override states its own.
    const recordReason = actor.role === 'vendor_user' ? (reason ?? cause) : reason;
    return this.#store.transaction(async (tx) => {
      await tx.lock(orderId, actor);
      const incidentActive = await tx.incidentActive(orderId);
      const applied = await tx.apply(orderId, withReason({ type: 'resolve' }, recordReason), actor, atMs, {
        incidentActive,
      });
      await tx.addNote(
        orderId,
        actor,
        { kind: 'resolution', body: resolutionBody({ cause, actionTaken }), attachments: attachments ?? [] },
        atMs,
      );
      return applied;
    });
  }

  // Facilities managers (and operators, where the permission table lets them).

  /** 验收: the fault is gone (manager or control-room operator). */
  async verify(actor: Actor, orderId: string, input: ReasonInput = {}): Promise<AppliedTransition> {
    const { reason } = checkInput(ReasonInput, input);
    return this.#act(actor, orderId, withReason({ type: 'verify' }, reason));
  }

  /** Not fixed: back to the same vendor, a new SLA leg from now. */
  async failVerification(
    actor: Actor,
    orderId: string,
    input: RequiredReasonInput,
  ): Promise<AppliedTransition> {
    const { reason } = checkInput(RequiredReasonInput, input);
    return this.#act(actor, orderId, { type: 'fail_verification', reason });
  }

  /** Sends an order from the office's queue to the vendor of a contract of the manager's choice. */
  async dispatch(actor: Actor, orderId: string, input: AssignInput): Promise<AppliedTransition> {
    return this.#assign(actor, orderId, input, 'dispatch');
  }

  /** To another contract's vendor, with that contract's SLA terms for the order's severity and profile. */
  async reassign(actor: Actor, orderId: string, input: AssignInput): Promise<AppliedTransition> {
    return this.#assign(actor, orderId, input, 'reassign');
  }

  async approvePause(actor: Actor, orderId: string, input: ReasonInput = {}): Promise<AppliedTransition> {
    const { reason } = checkInput(ReasonInput, input);
    return this.#act(actor, orderId, withReason({ type: 'approve_pause' }, reason));
  }

  async denyPause(actor: Actor, orderId: string, input: RequiredReasonInput): Promise<AppliedTransition> {
    const { reason } = checkInput(RequiredReasonInput, input);
    return this.#act(actor, orderId, { type: 'deny_pause', reason });
  }

  /** A manager's or operator's comment, with attachment references. */
  async comment(actor: Actor, orderId: string, input: NoteInput): Promise<NoteView> {
    return this.#note(actor, orderId, input, ['facilities_manager', 'operator'], 'comment');
  }

  async cancel(actor: Actor, orderId: string, input: RequiredReasonInput): Promise<AppliedTransition> {
    const { reason } = checkInput(RequiredReasonInput, input);
    return this.#act(actor, orderId, { type: 'cancel', reason });
  }

  async close(actor: Actor, orderId: string, input: ReasonInput = {}): Promise<AppliedTransition> {
    const { reason } = checkInput(ReasonInput, input);
    return this.#act(actor, orderId, withReason({ type: 'close' }, reason));
  }

  /** 重复故障 by hand: back to the same vendor (within 72 h of closing). */
  async reopen(actor: Actor, orderId: string, input: RequiredReasonInput): Promise<AppliedTransition> {
    const { reason } = checkInput(RequiredReasonInput, input);
    return this.#act(actor, orderId, { type: 'reopen', reason });
  }

  async #act(actor: Actor, orderId: string, action: WorkOrderAction): Promise<AppliedTransition> {
    const atMs = this.#clock.nowMs();
    return this.#store.transaction((tx) => tx.apply(orderId, action, actor, atMs));
  }

  async #assign(
    actor: Actor,
    orderId: string,
    input: AssignInput,
    type: 'dispatch' | 'reassign',
  ): Promise<AppliedTransition> {
    const { contractId, reason } = checkInput(AssignInput, input);
    const atMs = this.#clock.nowMs();
    return this.#store.transaction(async (tx: WorkOrderTransaction) => {
      // The scope first: a vendor hears `not_found` about another's order, whatever the contract.
      const order = await tx.lock(orderId, actor);
      const contract = this.#model.contracts.get(contractId);
      if (!contract) throw new WorkOrderStoreError('invalid_input', `contractId: no contract ${contractId}`);
      const assignment = assignmentFor(contract, order.severity, order.slaProfile);
      return tx.apply(orderId, withReason({ type, assignment }, reason), actor, atMs);
    });
  }

  async #note(
    actor: Actor,
    orderId: string,
    input: NoteInput,
    roles: readonly Role[],
    kind: 'note' | 'comment',
  ): Promise<NoteView> {
    const { body, attachments } = checkInput(NoteInput, input);
    const atMs = this.#clock.nowMs();
    return this.#store.transaction(async (tx) => {
      await tx.lock(orderId, actor);
      if (!roles.includes(actor.role)) {
        throw new WorkOrderStoreError('not_allowed_for_role', `${actor.role} may not add a ${kind}`);
      }
      return tx.addNote(orderId, actor, { kind, body, attachments: attachments ?? [] }, atMs);
    });
  }
}

/** Adds `reason` only when given (exact optional properties). */
function withReason<A extends WorkOrderAction>(action: A, reason: string | undefined): A {
  return reason === undefined ? action : { ...action, reason };
}
