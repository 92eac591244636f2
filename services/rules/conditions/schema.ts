// The condition schemas are part of the configuration (config/schema/conditions.ts): rules.yaml
// is validated against them at start. Re-exported here for the evaluators.
export * from '../../../config/schema/conditions.ts';
