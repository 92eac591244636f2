import Type, { type Static } from 'typebox';
import { SecretRef } from './common.ts';

/**
 * How the gateway reaches an OPC UA server beyond its URL and security: identity, trust list,
 * subscription and reconnection tuning. The OPC UA source (gateway/sources/opcua) takes these.
 */

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
      /** `env:NAME` or `file:/path`: the password stays out of git and the config revision. */
      password: SecretRef,
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
 * Per-endpoint fields of `OpcuaEndpoint` beyond id, url and security. `trust.pkiDir` is optional:
 * the gateway defaults it to one folder per gateway, so every endpoint presents the same
 * application certificate and shares one trust list.
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
