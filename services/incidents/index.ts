export { IncidentError, type IncidentErrorCode } from './errors.ts';
export {
  ChangePublisher,
  type IncidentChange,
  type IncidentMessage,
  type IncidentPublisher,
  incidentsChannel,
  toMessage,
} from './publisher.ts';
export {
  DEFAULT_REACTIVATION_WINDOW_S,
  IncidentStore,
  type IncidentStoreOptions,
  RULES_ACTOR,
} from './store.ts';
export * from './types.ts';
