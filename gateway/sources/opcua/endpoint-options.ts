/**
 * Per-endpoint options of the OPC UA source, as TypeBox schemas: the single source of the
 * constructor's option types here, and meant to be merged into `OpcuaEndpoint` in
 * config/schema/organisation.ts (`...OpcuaEndpointExtraFields`), so a site's YAML can say how
 * each controller is reached.
 */
import Type, { type Static } from 'typebox';

export const OpcuaDeadband = Type.Object(
  {
    /** `percent` is of the variable's EURange; servers refuse it on variables without one. */
    type: Type.Enum(['absolute', 'percent']),
    value: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const OpcuaSubscriptionTuning = Type.Object(
  {
    /** Monitored items per subscription; lowered automatically to fit the server's limits. */
    itemsPerSubscription: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    publishingIntervalMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 3_600_000 })),
    /** 0 asks the server to report on every change (exception-based) where it can. */
    samplingIntervalMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000 })),
    /** Values the server queues per item between publishes; oldest are dropped when full. */
    queueSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    /**
     * Publishing intervals without data after which the server sends a keep-alive. It also sets
     * how fast a subscription the server silently lost is detected and rebuilt (3 keep-alives).
     */
    keepAliveCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000 })),
    deadband: Type.Optional(OpcuaDeadband),
  },
  { additionalProperties: false },
);

export const OpcuaReconnectTuning = Type.Object(
  {
    /** First wait after a lost or failed connection; doubles up to `maxDelayMs`, forever. */
    initialDelayMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 600_000 })),
    maxDelayMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 3_600_000 })),
  },
  { additionalProperties: false },
);

export const OpcuaTrust = Type.Object(
  {
    /**
     * node-opcua PKI folder: own/ (the gateway's application certificate, created on first
     * start), trusted/ and rejected/ (server certificates), issuers/ (CA certificates and CRLs).
     */
    pkiDir: Type.String({ minLength: 1 }),
    /** Server certificates (PEM or DER files) to trust in addition to what trusted/ holds. */
    trustedServerCertificates: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    /** Trust-on-first-use; for commissioning only, since it accepts any server. */
    automaticallyAcceptUnknownCertificate: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The identity as configuration states it: secrets are named, never written into the YAML. */
export const OpcuaIdentityConfig = Type.Union([
  Type.Object({ type: Type.Literal('anonymous') }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('username'),
      userName: Type.String({ minLength: 1 }),
      /** Environment variable holding the password, so it stays out of git and the config revision. */
      passwordEnv: Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$' }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('certificate'),
      certificateFile: Type.String({ minLength: 1 }),
      privateKeyFile: Type.String({ minLength: 1 }),
    },
    { additionalProperties: false },
  ),
]);

/**
 * Fields to add to config/schema/organisation.ts `OpcuaEndpoint`. `trust.pkiDir` is optional
 * there: the composition root defaults it to one folder per gateway, so every endpoint presents
 * the same application certificate and shares one trust list.
 */
export const OpcuaEndpointExtraFields = {
  identity: Type.Optional(OpcuaIdentityConfig),
  trust: Type.Optional(
    Type.Object(
      {
        pkiDir: Type.Optional(Type.String({ minLength: 1 })),
        trustedServerCertificates: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
        automaticallyAcceptUnknownCertificate: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
  ),
  subscription: Type.Optional(OpcuaSubscriptionTuning),
  reconnect: Type.Optional(OpcuaReconnectTuning),
};

export const OpcuaEndpointOptions = Type.Object(OpcuaEndpointExtraFields, { additionalProperties: false });

export type OpcuaDeadband = Static<typeof OpcuaDeadband>;
export type OpcuaSubscriptionTuning = Static<typeof OpcuaSubscriptionTuning>;
export type OpcuaReconnectTuning = Static<typeof OpcuaReconnectTuning>;
export type OpcuaTrust = Static<typeof OpcuaTrust>;
export type OpcuaIdentityConfig = Static<typeof OpcuaIdentityConfig>;
export type OpcuaEndpointOptions = Static<typeof OpcuaEndpointOptions>;

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
