export {
  asStoreError,
  orderNotFound,
  WORK_ORDER_STORE_ERROR_CODES,
  WorkOrderStoreError,
  type WorkOrderStoreErrorCode,
} from './errors.ts';
export { type OrderHistory, selectHistoriesAsOf } from './histories.ts';
export {
  insertParkedEvent,
  insertRedispatch,
  type NewParkedEvent,
  type NewRedispatch,
  type ParkedEvent,
  type ParkedEventFilter,
  selectParkedEvent,
  selectParkedEvents,
} from './parked.ts';
export {
  anyIncidentActive,
  selectLatestOrderOfFault,
  selectOpenGroupOrder,
} from './queries.ts';
export {
  type AttachmentRef,
  GROUP_OPEN_STATES,
  type LinkedIncident,
  NOTE_KINDS,
  type NoteKind,
  type NoteView,
  type Queryable,
  type RecordedBreach,
  type Resolution,
  resolutionBody,
  type TransitionEntry,
  type WorkOrderView,
} from './rows.ts';
export {
  type OrderTimeline,
  type WorkOrderDetail,
  type WorkOrderFilter,
  WorkOrderStore,
  type WorkOrderStoreOptions,
} from './store.ts';
export {
  type AppliedTransition,
  type BreachCheck,
  type NewNote,
  visibleTo,
  WorkOrderTransaction,
} from './transaction.ts';
