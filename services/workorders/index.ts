export { type CalendarFor, SiteCalendars } from './calendars.ts';
export {
  type RedisPublisher,
  toWorkOrderMessage,
  type WorkOrderChange,
  type WorkOrderChangeAction,
  WorkOrderChangePublisher,
  type WorkOrderChangeSink,
  type WorkOrderMessage,
  workOrdersChannel,
} from './changes.ts';
export { composeWorkOrders, type WorkOrderParts, type WorkOrderPartsOptions } from './compose.ts';
export { type DispatchPlan, type PreviousOrder, planDispatch, reopenable } from './dispatch-plan.ts';
export {
  DEFAULT_DISPATCH_POLL_MS,
  DEFAULT_GAP_GRACE_MS,
  DISPATCHER_CONSUMER,
  type DispatchOutcome,
  WorkOrderDispatcher,
  type WorkOrderDispatcherOptions,
} from './dispatcher.ts';
export * from './inputs.ts';
export { type CreatedRoute, WorkOrderMetrics } from './metrics.ts';
export {
  aggregatePerformance,
  type PerformanceQuery,
  type VendorCategoryPerformance,
  vendorPerformance,
} from './performance.ts';
export { WorkOrderService, type WorkOrderServiceOptions } from './service.ts';
export * from './store/index.ts';
