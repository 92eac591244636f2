/**
 * Run-time options of the OPC UA source. The configuration schemas live in
 * config/schema/opcua.ts (one source of truth); this adds the resolved identity and defaults.
 */
import type { OpcuaSubscriptionTuning } from '../../../config/schema/opcua.ts';

export type {
  OpcuaDeadband,
  OpcuaEndpointOptions,
  OpcuaIdentityConfig,
  OpcuaReconnectTuning,
  OpcuaSubscriptionTuning,
  OpcuaTrust,
} from '../../../config/schema/opcua.ts';

/** The identity the source uses at run time: the configured one with its secret resolved. */
export type OpcuaIdentity =
  | { readonly type: 'anonymous' }
  | { readonly type: 'username'; readonly userName: string; readonly password: string }
  | { readonly type: 'certificate'; readonly certificateFile: string; readonly privateKeyFile: string };

export const SUBSCRIPTION_DEFAULTS = {
  itemsPerSubscription: 1_000,
  publishingIntervalMs: 1_000,
  samplingIntervalMs: 1_000,
  queueSize: 10,
  keepAliveCount: 10,
} as const;

export const RECONNECT_DEFAULTS = { initialDelayMs: 1_000, maxDelayMs: 30_000 } as const;

export type ResolvedSubscriptionTuning = Required<Omit<OpcuaSubscriptionTuning, 'deadband'>> &
  Pick<OpcuaSubscriptionTuning, 'deadband'>;

export function resolveSubscriptionTuning(tuning: OpcuaSubscriptionTuning = {}): ResolvedSubscriptionTuning {
  const resolved = {
    itemsPerSubscription: tuning.itemsPerSubscription ?? SUBSCRIPTION_DEFAULTS.itemsPerSubscription,
    publishingIntervalMs: tuning.publishingIntervalMs ?? SUBSCRIPTION_DEFAULTS.publishingIntervalMs,
    samplingIntervalMs: tuning.samplingIntervalMs ?? SUBSCRIPTION_DEFAULTS.samplingIntervalMs,
    queueSize: tuning.queueSize ?? SUBSCRIPTION_DEFAULTS.queueSize,
    keepAliveCount: tuning.keepAliveCount ?? SUBSCRIPTION_DEFAULTS.keepAliveCount,
  };
  return tuning.deadband ? { ...resolved, deadband: tuning.deadband } : resolved;
}
